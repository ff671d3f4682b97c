// The shape check a new token passes before it is stored (rotate, onboard).
import { describe, expect, test } from 'vitest';
import { checkShape } from '../../src/core/secrets/index.js';
import { fakeGithubTokenBadChecksum, fakeToken } from '../helpers/tokens.js';

describe('checkShape', () => {
  test('a GitHub classic token with a valid checksum passes for github', () => {
    const t = fakeToken('github-classic', 'shape-1');
    const r = checkShape(t, { provider: 'github', kind: 'personal-access-token' });
    expect(r).toEqual({ ok: true, provider: 'github', kind: 'personal-access-token', problems: [] });
  });

  test('a wrong checksum is refused, and the message never holds the value', () => {
    const t = fakeGithubTokenBadChecksum('shape-2');
    const r = checkShape(t, { provider: 'github' });
    expect(r.ok).toBe(false);
    expect(r.problems.join(' ')).toMatch(/checksum/);
    expect(r.problems.join(' ')).not.toContain(t);
  });

  test('another provider’s token is named as such', () => {
    const r = checkShape(fakeToken('slack-bot', 'shape-3'), { provider: 'github' });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(['it looks like a slack credential, not a github one']);
  });

  test('either kind of GitHub personal token stands for the other; another GitHub kind does not', () => {
    // A teammate may create a fine-grained token where the author had a classic one, and back.
    expect(checkShape(fakeToken('github-fine-grained', 'shape-4'), { provider: 'github', kind: 'personal-access-token' })).toMatchObject({ ok: true, kind: 'fine-grained-pat' });
    expect(checkShape(fakeToken('github-classic', 'shape-4'), { provider: 'github', kind: 'fine-grained-pat' }).ok).toBe(true);
    const r = checkShape(fakeToken('github-oauth', 'shape-4'), { provider: 'github', kind: 'personal-access-token' });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(['it is a github oauth-token, not a personal-access-token']);
  });

  test('Sentry and Google values without a known prefix are not refused for their shape', () => {
    // Sentry's older auth tokens are 64 hex digits; Google OAuth client secrets start GOCSPX-.
    const hex = 'a3f9c0d17e2b48c6a1d9e0f7b3c5d2e4f6a8b0c1d3e5f7a9b2c4d6e8f0a1b3c5';
    expect(checkShape(hex, { provider: 'sentry', key: 'SENTRY_AUTH_TOKEN' })).toMatchObject({ ok: true, problems: [] });
    expect(checkShape('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', { provider: 'google', key: 'GOOGLE_CLIENT_SECRET' })).toMatchObject({ ok: true, problems: [] });
  });

  test('a space inside a token of a prefixed provider is refused; a password or unprefixed key may hold one', () => {
    const t = fakeToken('slack-bot', 'shape-6');
    const r = checkShape(`${t} #mine`, { provider: 'slack' });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(['it holds a slack token with other characters around it: give the token alone']);
    expect(r.problems.join(' ')).not.toContain(t);
    expect(checkShape('sk-abc def ghi jkl mno pqr', { provider: 'openai' }).problems).toContain('the value has a space inside it: openai tokens never do');
    expect(checkShape('correct horse battery staple', { provider: 'generic', key: 'DB_PASSWORD' }).ok).toBe(true);
    expect(checkShape('BSAq8wX2kLmN 4pQr7sTuVw9yZ0aBcDeF', { provider: 'brave', key: 'BRAVE_API_KEY' }).ok).toBe(true);
  });

  test('empty, placeholder, multi-line and padded values', () => {
    expect(checkShape('   ').problems).toEqual(['the value is empty']);
    expect(checkShape('<YOUR_TOKEN>', { provider: 'github' }).problems).toContain('the value looks like a placeholder, not a credential');
    const t = fakeToken('github-classic', 'shape-5');
    expect(checkShape(`${t}\n${t}`, { provider: 'github' }).problems).toContain('the value spans several lines');
    expect(checkShape(` ${t}`, { provider: 'github' }).problems).toContain('the value has spaces or a line break at its start or end');
  });

  test('a key without a known prefix passes under a credential name; a short word does not', () => {
    expect(checkShape('BSAq8wX2kLmN4pQr7sTuVw9yZ0aBcDeF', { provider: 'brave', key: 'BRAVE_API_KEY' }).ok).toBe(true);
    expect(checkShape('Zq7k2', {}).problems).toEqual(['it is too short to be a credential (5 characters)']);
  });
});
