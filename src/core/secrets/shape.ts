// Does a value the user typed or piped in look like the credential it should be? Used before a new
// token is stored (rotate, onboard). Problems are worded without the value, so they can be shown.
import { detectSecrets } from './detect.js';
import { githubChecksumValid } from './checksum.js';
import { isPlaceholder } from './placeholder.js';

export interface ExpectedShape {
  /** Detector provider the value must match (`github`, `slack`, …); unknown/generic: any. */
  provider?: string;
  /** Detector kind, when it matters (`personal-access-token`, `fine-grained-pat`, …). */
  kind?: string;
  /** The env var or header name the value goes under: lets the generic rule recognise keys without a prefix. */
  key?: string;
}

export interface ShapeCheck {
  ok: boolean;
  /** What the detectors recognised, when anything. */
  provider?: string;
  kind?: string;
  /** One line each, never the value. */
  problems: string[];
}

// Detector providers that only say "some credential": they never contradict a specific provider.
const GENERIC = new Set(['generic', 'unknown', 'none', '']);
// Providers whose every current token has a recognisable prefix (tokens-and-scopes.md table A): for
// the others (Brave, Cloudflare, Atlassian, …) a value the generic rule accepts is all one can check.
const PREFIXED = new Set(['github', 'gitlab', 'slack', 'openai', 'anthropic', 'huggingface', 'npm', 'stripe', 'linear', 'notion', 'sentry', 'figma', 'supabase', 'google', 'aws']);

export function checkShape(value: string, expected: ExpectedShape = {}): ShapeCheck {
  const problems: string[] = [];
  if (value.trim() === '') return { ok: false, problems: ['the value is empty'] };
  if (value !== value.trim()) problems.push('the value has spaces or a line break at its start or end');
  if (/[\r\n]/.test(value.trim())) problems.push('the value spans several lines');
  if (isPlaceholder(value)) problems.push('the value looks like a placeholder, not a credential');
  const v = value.trim();
  const found = detectSecrets(v, { where: 'env', ...(expected.key ? { key: expected.key } : {}) }).find((d) => d.start === 0 && d.end === v.length);
  const checksum = githubChecksumValid(v);
  if (checksum === false) problems.push('the GitHub checksum (last 6 characters) does not match: the token was mistyped or cut');
  const wantProvider = expected.provider && !GENERIC.has(expected.provider) ? expected.provider : undefined;
  if (wantProvider) {
    if (!found || GENERIC.has(found.provider)) {
      if (!problems.length && (PREFIXED.has(wantProvider) || !found)) problems.push(`it does not look like a ${wantProvider} credential`);
    } else if (found.provider !== wantProvider) {
      problems.push(`it looks like a ${found.provider} credential, not a ${wantProvider} one`);
    } else if (expected.kind && found.kind !== expected.kind && !GENERIC.has(expected.kind)) {
      problems.push(`it is a ${wantProvider} ${found.kind}, not a ${expected.kind}`);
    }
  } else if (!found && !problems.length && v.length < 8) {
    problems.push('it is too short to be a credential');
  }
  return { ok: problems.length === 0, ...(found ? { provider: found.provider, kind: found.kind } : {}), problems };
}
