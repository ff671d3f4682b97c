import { describe, expect, it } from 'vitest';
import { base62, crc32, githubChecksumValid } from '../../../src/core/secrets/index.js';
import { fakeGithubTokenBadChecksum, fakeToken, TOKEN_KINDS, fakeToken as make } from '../../helpers/tokens.js';

describe('crc32 and base62', () => {
  it('matches the standard CRC-32 check value', () => {
    // The IEEE CRC-32 of "123456789" is 0xCBF43926 (the usual check value).
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
  });

  it('encodes base62 with digits, then upper case, then lower case, padded to 6', () => {
    expect(base62(0)).toBe('000000');
    expect(base62(61)).toBe('00000z');
    expect(base62(62)).toBe('000010');
    expect(base62(10)).toBe('00000A');
    expect(base62(0xffffffff)).toBe('4gfFC3');
  });
});

describe('githubChecksumValid', () => {
  it('accepts generated GitHub and npm tokens', () => {
    for (const kind of ['github-classic', 'github-oauth', 'github-app-user', 'github-app-installation', 'github-refresh', 'npm'] as const) {
      expect(githubChecksumValid(fakeToken(kind, 'a')), kind).toBe(true);
    }
  });

  it('rejects a token whose last six characters are not its checksum', () => {
    expect(githubChecksumValid(fakeGithubTokenBadChecksum('a'))).toBe(false);
    expect(githubChecksumValid(fakeGithubTokenBadChecksum('b', 'npm'))).toBe(false);
    expect(githubChecksumValid('ghp_' + '0'.repeat(36))).toBe(false);
  });

  it('does not apply to other prefixes or lengths', () => {
    expect(githubChecksumValid(fakeToken('github-fine-grained'))).toBeUndefined();
    expect(githubChecksumValid(fakeToken('slack-bot'))).toBeUndefined();
    expect(githubChecksumValid(fakeToken('github-classic').slice(0, 39))).toBeUndefined();
  });
});

describe('token generators', () => {
  it('are deterministic per seed and differ between seeds', () => {
    for (const kind of TOKEN_KINDS) {
      expect(make(kind, 's1'), kind).toBe(make(kind, 's1'));
      expect(make(kind, 's1'), kind).not.toBe(make(kind, 's2'));
    }
  });
});
