// Showing a secret without revealing it (DESIGN §5): a known, non-secret provider prefix and the
// length, plus a short SHA-256 fingerprint so two places holding the same value can be matched.
import type { Detection, SecretRef } from '../model.js';

// Longest first, so `sk-ant-api03-` wins over `sk-`. Only fixed format markers, never random parts.
const KNOWN_PREFIXES: readonly string[] = [
  'https://hooks.slack.com/', 'sk-ant-admin01-', 'sk-ant-api03-', 'sk-ant-oat01-', 'github_pat_',
  'sb_publishable_', 'xoxe.xoxb-', 'xoxe.xoxp-', 'sk-svcacct-', 'sb_secret_', 'ATCTT3xFfG', 'sk-admin-',
  'sk_live_', 'rk_live_', 'sk_test_', 'rk_test_', 'sk_prod_', 'rk_prod_', 'lin_api_', 'api_org_',
  'sk-proj-', 'sntryu_', 'sntrys_', 'secret_', 'glpat-', 'ATATT3', 'xoxb-', 'xoxp-', 'xoxe-', 'xoxa-',
  'xoxr-', 'xapp-', 'figd_', 'figp_', 'cfut_', 'cfat_', 'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'ntn_',
  'npm_', 'sbp_', 'AKIA', 'ASIA', 'ABIA', 'ACCA', 'AIza', 'hf_', 'sk-', 'eyJ',
];

/**
 * First 12 hex digits of SHA-256 of the value (DESIGN §2). node:crypto is loaded on first use: it
 * is several milliseconds of every start otherwise, and many runs (--help, most commands before
 * their first secret) never hash anything.
 */
export function fingerprint(value: string): string {
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 12);
}

/** `ghp_…(40)`: the provider prefix, if any, and the length. Never any other character. */
export function maskSecret(value: string): string {
  const length = [...value].length;
  const prefix = KNOWN_PREFIXES.find((p) => value.startsWith(p) && value.length > p.length);
  return `${prefix ?? ''}…(${length})`;
}

/** `ghp_…(40) sha256:3f1a9c0b2e4d` */
export function describeSecret(value: string): string {
  return `${maskSecret(value)} sha256:${fingerprint(value)}`;
}

/** What a report may carry about a detection: never the value. */
export function secretRef(d: Detection): SecretRef {
  return { provider: d.provider, kind: d.kind, fingerprint: fingerprint(d.value), masked: maskSecret(d.value) };
}
