// Synthetic credentials of the right shape for every provider the detector knows, deterministic
// from a seed string. None of them is a real credential; GitHub and npm tokens carry a valid
// CRC-32 checksum so they pass the offline check (tokens-and-scopes.md §A.2).
import { createHash } from 'node:crypto';
import { githubChecksum } from '../core/secrets/checksum.js';

export const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const LOWER_ALNUM = '0123456789abcdefghijklmnopqrstuvwxyz';
export const HEX = '0123456789abcdef';
export const UPPER_BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `length` characters from `alphabet`, the same for the same (seed, alphabet, length). */
export function randomString(seed: string, length: number, alphabet: string = ALNUM): string {
  let out = '';
  for (let block = 0; out.length < length; block++) {
    const bytes = createHash('sha256').update(`${seed}\u0000${alphabet}\u0000${length}\u0000${block}`).digest();
    for (const b of bytes) {
      // Rejection sampling keeps the distribution uniform over the alphabet.
      if (b < 256 - (256 % alphabet.length)) out += alphabet[b % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** A signed-looking JWT (the signature is random) with the given payload. */
export function fakeJwt(payload: Record<string, unknown>, seed = 'jwt'): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  return `${header}.${b64url(JSON.stringify(payload))}.${randomString(seed, 43, URL_SAFE)}`;
}

/** A Supabase API key JWT: `anon` keys are public, `service_role` keys are secrets. */
export function fakeSupabaseJwt(role: 'anon' | 'service_role', seed = 'supabase', exp = 2_000_000_000): string {
  const ref = randomString(`${seed}-ref`, 20, 'abcdefghijklmnopqrstuvwxyz');
  return fakeJwt({ iss: 'supabase', ref, role, iat: 1_700_000_000, exp }, seed);
}

/** A PEM private key block with random base64 content. */
export function fakePrivateKey(seed: string, options: { encrypted?: boolean; type?: string } = {}): string {
  const label = options.encrypted ? 'ENCRYPTED PRIVATE KEY' : `${options.type ? `${options.type} ` : ''}PRIVATE KEY`;
  const body = randomString(seed, 256, BASE64);
  const lines = body.match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN ${label}-----\n${lines}\n-----END ${label}-----`;
}

function github(prefix: string, seed: string): string {
  const random = randomString(seed, 30);
  return `${prefix}_${random}${githubChecksum(random)}`;
}

/** A ghp_ (or other prefix) token whose last 6 characters are NOT its checksum: a doc example. */
export function fakeGithubTokenBadChecksum(seed: string, prefix = 'ghp'): string {
  const random = randomString(seed, 30);
  const good = githubChecksum(random);
  // Change the last checksum character: same shape, guaranteed wrong.
  const last = good[5]!;
  const swapped = ALNUM[(ALNUM.indexOf(last) + 1) % ALNUM.length]!;
  return `${prefix}_${random}${good.slice(0, 5)}${swapped}`;
}

const sentryOrg = (seed: string) => {
  const json = JSON.stringify({
    iat: 1_700_000_000.5,
    url: 'https://sentry.io',
    region_url: 'https://us.sentry.io',
    org: `synthetic-${randomString(seed, 6, LOWER_ALNUM)}`,
  });
  return `sntrys_${Buffer.from(json).toString('base64').replace(/=+$/, '')}_${randomString(seed, 43, ALNUM)}`;
};

const GENERATORS = {
  'github-classic': (s: string) => github('ghp', s),
  'github-oauth': (s: string) => github('gho', s),
  'github-app-user': (s: string) => github('ghu', s),
  'github-app-installation': (s: string) => github('ghs', s),
  'github-refresh': (s: string) => github('ghr', s),
  'github-fine-grained': (s: string) => `github_pat_${randomString(s, 22)}_${randomString(`${s}-2`, 59)}`,
  'gitlab-pat': (s: string) => `glpat-${randomString(s, 20, URL_SAFE.replace('-', ''))}`,
  'gitlab-routable': (s: string) =>
    `glpat-${randomString(s, 36, ALNUM)}.01.${randomString(`${s}-r`, 7, LOWER_ALNUM)}`,
  'slack-bot': (s: string) =>
    `xoxb-${randomString(s, 12, '0123456789')}-${randomString(`${s}-2`, 13, '0123456789')}-${randomString(`${s}-3`, 24)}`,
  'slack-user': (s: string) =>
    `xoxp-${randomString(s, 12, '0123456789')}-${randomString(`${s}-2`, 12, '0123456789')}-${randomString(`${s}-3`, 13, '0123456789')}-${randomString(`${s}-4`, 32, LOWER_ALNUM)}`,
  'slack-app': (s: string) =>
    `xapp-1-A${randomString(s, 10, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}-${randomString(`${s}-2`, 13, '0123456789')}-${randomString(`${s}-3`, 64, HEX)}`,
  'slack-webhook': (s: string) =>
    `https://hooks.slack.com/services/T${randomString(s, 8, UPPER_BASE32)}/B${randomString(`${s}-2`, 8, UPPER_BASE32)}/${randomString(`${s}-3`, 24)}`,
  'aws-access-key-id': (s: string) => `AKIA${randomString(s, 16, UPPER_BASE32)}`,
  'aws-session-key-id': (s: string) => `ASIA${randomString(s, 16, UPPER_BASE32)}`,
  'aws-secret-access-key': (s: string) => randomString(s, 40, BASE64),
  openai: (s: string) => `sk-${randomString(s, 20)}T3BlbkFJ${randomString(`${s}-2`, 20)}`,
  'openai-project': (s: string) =>
    `sk-proj-${randomString(s, 74, URL_SAFE)}T3BlbkFJ${randomString(`${s}-2`, 74, URL_SAFE)}`,
  anthropic: (s: string) => `sk-ant-api03-${randomString(s, 93, URL_SAFE)}AA`,
  'anthropic-admin': (s: string) => `sk-ant-admin01-${randomString(s, 93, URL_SAFE)}AA`,
  google: (s: string) => `AIza${randomString(s, 35, URL_SAFE)}`,
  notion: (s: string) => `ntn_${randomString(s, 11, '0123456789')}${randomString(`${s}-2`, 35)}`,
  linear: (s: string) => `lin_api_${randomString(s, 40)}`,
  'stripe-live': (s: string) => `sk_live_${randomString(s, 99)}`,
  'stripe-restricted': (s: string) => `rk_live_${randomString(s, 99)}`,
  'stripe-test': (s: string) => `sk_test_${randomString(s, 99)}`,
  'liveblocks-secret': (s: string) => `sk_prod_${randomString(s, 64)}`,
  'sentry-user': (s: string) => `sntryu_${randomString(s, 64, HEX)}`,
  'sentry-org': sentryOrg,
  huggingface: (s: string) => `hf_${randomString(s, 34, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')}`,
  'huggingface-org': (s: string) => `api_org_${randomString(s, 34, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')}`,
  npm: (s: string) => github('npm', s),
  'supabase-pat': (s: string) => `sbp_${randomString(s, 40, HEX)}`,
  'supabase-service-role': (s: string) => fakeSupabaseJwt('service_role', s),
  figma: (s: string) => `figd_${randomString(s, 40, URL_SAFE)}`,
  'cloudflare-user': (s: string) => `cfut_${randomString(s, 40)}${randomString(`${s}-2`, 8, HEX)}`,
  'cloudflare-account': (s: string) => `cfat_${randomString(s, 40)}${randomString(`${s}-2`, 8, HEX)}`,
  atlassian: (s: string) => `ATATT3xFfGF0${randomString(s, 174, URL_SAFE)}=${randomString(`${s}-2`, 8, HEX.toUpperCase())}`,
  'private-key': (s: string) => fakePrivateKey(s, { type: 'RSA' }),
} satisfies Record<string, (seed: string) => string>;

export type TokenKind = keyof typeof GENERATORS;

/** Every kind fakeToken can make. */
export const TOKEN_KINDS = Object.keys(GENERATORS) as TokenKind[];

/**
 * The provider detectSecrets reports for each kind as a whole env value. The AWS secret access
 * key has no prefix: it is recognised only under a key like AWS_SECRET_ACCESS_KEY.
 */
export const TOKEN_PROVIDERS: Record<TokenKind, string> = {
  'github-classic': 'github',
  'github-oauth': 'github',
  'github-app-user': 'github',
  'github-app-installation': 'github',
  'github-refresh': 'github',
  'github-fine-grained': 'github',
  'gitlab-pat': 'gitlab',
  'gitlab-routable': 'gitlab',
  'slack-bot': 'slack',
  'slack-user': 'slack',
  'slack-app': 'slack',
  'slack-webhook': 'slack',
  'aws-access-key-id': 'aws',
  'aws-session-key-id': 'aws',
  'aws-secret-access-key': 'aws',
  openai: 'openai',
  'openai-project': 'openai',
  anthropic: 'anthropic',
  'anthropic-admin': 'anthropic',
  google: 'google',
  notion: 'notion',
  linear: 'linear',
  'stripe-live': 'stripe',
  'stripe-restricted': 'stripe',
  'stripe-test': 'stripe',
  'liveblocks-secret': 'stripe', // same shape; it becomes 'liveblocks' with Liveblocks context
  'sentry-user': 'sentry',
  'sentry-org': 'sentry',
  huggingface: 'huggingface',
  'huggingface-org': 'huggingface',
  npm: 'npm',
  'supabase-pat': 'supabase',
  'supabase-service-role': 'supabase',
  figma: 'figma',
  'cloudflare-user': 'cloudflare',
  'cloudflare-account': 'cloudflare',
  atlassian: 'atlassian',
  'private-key': 'private-key',
};

/** A synthetic credential of the given kind, deterministic from `seed`. */
export function fakeToken(kind: TokenKind, seed = 'seed'): string {
  return GENERATORS[kind](`${kind}:${seed}`);
}

/** A random lower-case hex string (API keys with no prefix, like a 32-hex token). */
export function fakeHex(seed: string, length = 32): string {
  return randomString(seed, length, HEX);
}

/** A random UUID-shaped key. */
export function fakeUuid(seed: string): string {
  const h = fakeHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
