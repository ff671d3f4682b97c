import { describe, expect, it } from 'vitest';
import { detectSecrets } from '../../../src/core/secrets/index.js';
import type { DetectContext } from '../../../src/core/model.js';
import {
  fakeGithubTokenBadChecksum,
  fakeToken,
  TOKEN_KINDS,
  TOKEN_PROVIDERS,
  type TokenKind,
} from '../../helpers/tokens.js';

const envCtx = (kind: TokenKind): DetectContext => ({
  where: 'env',
  key: kind === 'aws-secret-access-key' ? 'AWS_SECRET_ACCESS_KEY' : 'SERVICE_TOKEN',
});

describe('known-prefix detectors', () => {
  it.each(TOKEN_KINDS)('reports a %s token as a whole env value with its provider', (kind) => {
    const token = fakeToken(kind, 'p1');
    const found = detectSecrets(token, envCtx(kind));
    expect(found).toHaveLength(1);
    expect(found[0]!.provider).toBe(TOKEN_PROVIDERS[kind]);
    expect(found[0]!.value).toBe(token);
    expect([found[0]!.start, found[0]!.end]).toEqual([0, token.length]);
  });

  it.each(TOKEN_KINDS.filter((k) => k !== 'aws-secret-access-key' && k !== 'private-key'))(
    'finds a %s token inside free text with exact offsets',
    (kind) => {
      const token = fakeToken(kind, 'p2');
      const text = `deploy with "${token}" then restart`;
      const found = detectSecrets(text, { where: 'text' });
      expect(found).toHaveLength(1);
      expect(found[0]!.provider).toBe(TOKEN_PROVIDERS[kind]);
      expect(text.slice(found[0]!.start, found[0]!.end)).toBe(token);
    },
  );

  it('finds two different tokens in one string, in order', () => {
    const a = fakeToken('slack-bot', 'x');
    const b = fakeToken('github-classic', 'y');
    const found = detectSecrets(`${a} ${b}`, { where: 'text' });
    expect(found.map((d) => d.provider)).toEqual(['slack', 'github']);
  });

  it('gives a checksum-valid ghp_ token high confidence', () => {
    expect(detectSecrets(fakeToken('github-classic'), { where: 'text' })[0]!.confidence).toBe('high');
  });

  it('treats a ghp_ token with a bad checksum as a doc example, unless its key names a credential', () => {
    const bad = fakeGithubTokenBadChecksum('doc');
    expect(detectSecrets(bad, { where: 'text' })).toEqual([]);
    expect(detectSecrets(bad, { where: 'env', key: 'DEBUG_LEVEL' })).toEqual([]);
    const found = detectSecrets(bad, { where: 'env', key: 'GITHUB_PERSONAL_ACCESS_TOKEN' });
    expect(found).toHaveLength(1);
    expect(found[0]!).toMatchObject({ provider: 'github', confidence: 'low' });
  });

  it('does not report an all-zero ghp_ filler even under a token key', () => {
    expect(detectSecrets('ghp_' + '0'.repeat(36), { where: 'env', key: 'GITHUB_PERSONAL_ACCESS_TOKEN' })).toEqual([]);
  });

  it('labels sk_prod_ keys as Liveblocks when the key says so', () => {
    const found = detectSecrets(fakeToken('liveblocks-secret'), { where: 'env', key: 'LIVEBLOCKS_SECRET_KEY' });
    expect(found[0]!.provider).toBe('liveblocks');
  });

  it('does not report Stripe publishable keys, even under a KEY name', () => {
    const pk = 'pk_live_' + fakeToken('stripe-live', 'pk').slice(8);
    expect(detectSecrets(pk, { where: 'env', key: 'STRIPE_KEY' })).toEqual([]);
  });

  it('reports AWS key ids but not the documented EXAMPLE ids', () => {
    expect(detectSecrets(fakeToken('aws-access-key-id'), { where: 'text' })[0]!.kind).toBe('access-key-id');
    expect(detectSecrets('AKIAIOSFODNN7EXAMPLE', { where: 'env', key: 'AWS_ACCESS_KEY_ID' })).toEqual([]);
  });

  it('pairs an AWS secret access key with a key id in the same text', () => {
    const id = fakeToken('aws-access-key-id', 'pair');
    const secret = fakeToken('aws-secret-access-key', 'pair');
    const found = detectSecrets(`aws_access_key_id=${id} aws_secret_access_key=${secret}`, { where: 'text' });
    expect(found.map((d) => d.kind)).toEqual(['access-key-id', 'secret-access-key']);
    expect(found[1]!.value).toBe(secret);
  });

  it('does not report a lone 40-character base64 string in text', () => {
    expect(detectSecrets(fakeToken('aws-secret-access-key', 'lone'), { where: 'text' })).toEqual([]);
  });

  it('needs Notion context for a legacy secret_ token', () => {
    const legacy = 'secret_' + fakeToken('linear', 'n').slice(8, 48) + 'abc';
    expect(detectSecrets(legacy, { where: 'text' })).toEqual([]);
    expect(detectSecrets(legacy, { where: 'env', key: 'NOTION_TOKEN' })[0]!.provider).toBe('notion');
  });

  it('does not take a Slack-like word without numeric ids for a token', () => {
    expect(detectSecrets('xoxb-your-slack-bot-token', { where: 'env', key: 'SLACK_BOT_TOKEN' })).toEqual([]);
  });
});
