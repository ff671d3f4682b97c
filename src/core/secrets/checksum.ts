// GitHub's token checksum (tokens-and-scopes.md §A.2/A4): the last 6 characters of a
// ghp_/gho_/ghu_/ghs_/ghr_ token (and npm_) are the base62 CRC-32 of the 30 random characters.
// A match means "real token format" with no network call; a mismatch means a doc example,
// a typo or a truncated value.

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Standard CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) of an ASCII/Latin-1 string. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Digits, then upper case, then lower case: GitHub's order (the other order never validates). */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Base62 of a non-negative integer, left-padded with '0' to `width`. */
export function base62(n: number, width = 6): string {
  let out = '';
  let rest = Math.floor(n);
  while (rest > 0) {
    out = BASE62_ALPHABET[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

/** The 6-character checksum GitHub appends to 30 random characters. */
export function githubChecksum(random30: string): string {
  return base62(crc32(random30));
}

const CHECKSUM_PREFIXES = new Set(['ghp', 'gho', 'ghu', 'ghs', 'ghr', 'npm']);

/**
 * true/false for a ghp_/gho_/ghu_/ghs_/ghr_/npm_ token of the standard 40-character shape;
 * undefined when the checksum scheme does not apply (other prefixes, other lengths, github_pat_).
 */
export function githubChecksumValid(token: string): boolean | undefined {
  const sep = token.indexOf('_');
  if (sep < 0) return undefined;
  const prefix = token.slice(0, sep);
  const body = token.slice(sep + 1);
  if (!CHECKSUM_PREFIXES.has(prefix) || !/^[0-9A-Za-z]{36}$/.test(body)) return undefined;
  return githubChecksum(body.slice(0, 30)) === body.slice(30);
}
