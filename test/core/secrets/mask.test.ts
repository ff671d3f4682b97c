import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeSecret, detectSecrets, fingerprint, maskSecret, secretRef } from '../../../src/core/secrets/index.js';
import { fakeHex, fakeToken, TOKEN_KINDS } from '../../helpers/tokens.js';

describe('fingerprint', () => {
  it('is the first 12 hex digits of SHA-256', () => {
    const v = fakeHex('fp');
    expect(fingerprint(v)).toBe(createHash('sha256').update(v).digest('hex').slice(0, 12));
    expect(fingerprint(v)).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe('maskSecret', () => {
  it('shows the provider prefix and the length', () => {
    expect(maskSecret(fakeToken('github-classic'))).toBe('ghp_…(40)');
    expect(maskSecret(fakeToken('anthropic'))).toBe('sk-ant-api03-…(108)');
    expect(maskSecret(fakeToken('github-fine-grained'))).toBe('github_pat_…(93)');
    expect(maskSecret(fakeHex('m', 32))).toBe('…(32)');
  });

  it.each(TOKEN_KINDS)('never reveals more than a known prefix of a %s token', (kind) => {
    const token = fakeToken(kind, 'mask');
    const masked = maskSecret(token);
    const shown = masked.slice(0, masked.indexOf('…'));
    expect(token.startsWith(shown)).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(24);
    // The random part of the token never appears in the mask.
    expect(masked).not.toContain(token.slice(shown.length, shown.length + 6));
  });

  it('describes a secret as mask plus fingerprint', () => {
    const t = fakeToken('github-classic', 'd');
    expect(describeSecret(t)).toBe(`ghp_…(40) sha256:${fingerprint(t)}`);
  });

  it('builds a SecretRef that holds no value', () => {
    const t = fakeToken('slack-bot', 'ref');
    const [d] = detectSecrets(t, { where: 'text' });
    const ref = secretRef(d!);
    expect(ref).toEqual({ provider: 'slack', kind: 'bot-token', fingerprint: fingerprint(t), masked: maskSecret(t) });
    expect(JSON.stringify(ref)).not.toContain(t.slice(5));
  });
});
