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

  test('a fine-grained token where a classic one was: refused by kind', () => {
    const r = checkShape(fakeToken('github-fine-grained', 'shape-4'), { provider: 'github', kind: 'personal-access-token' });
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/fine-grained-pat, not a personal-access-token/);
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
