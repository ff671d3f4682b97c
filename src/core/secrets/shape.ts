// Does a value the user typed or piped in look like the credential it should be? Used before a new
// token is stored (rotate, onboard). Problems are worded without the value, so they can be shown.
import { detectSecrets } from './detect.js';
import { githubChecksumValid } from './checksum.js';
import { isPlaceholder, isReference } from './placeholder.js';

export interface ExpectedShape {
  /** Detector provider the value must match (`github`, `slack`, …); `unknown`/`generic`: any. */
  provider?: string;
  /** Detector kind the value must be (`personal-access-token`, …); leave out to accept any kind of the provider. */
  kind?: string;
  /** The env var or header name the value goes under: lets the generic rule recognise keys without a prefix. */
  key?: string;
}

export interface ShapeCheck {
  ok: boolean;
  /** What the detectors recognised in the whole value, when anything. */
  provider?: string;
  kind?: string;
  /** One line each, never the value. */
  problems: string[];
}

// Providers whose every current token has a recognisable prefix (tokens-and-scopes.md table A): for
// the others (Brave, Cloudflare, Atlassian, …) a value the generic rule accepts is all one can check.
// Not Sentry (its older auth tokens are 64 hex digits) nor Google (OAuth client secrets `GOCSPX-…`
// have no prefix the detectors know).
const PREFIXED = new Set(['github', 'gitlab', 'slack', 'openai', 'anthropic', 'huggingface', 'npm', 'stripe', 'linear', 'notion', 'figma', 'supabase', 'aws']);
// Kinds that stand in for each other: a teammate may create a fine-grained GitHub token where the
// author had a classic one, and both are personal tokens.
const INTERCHANGEABLE_KINDS: readonly (readonly string[])[] = [['personal-access-token', 'fine-grained-pat']];

function sameKind(found: string, expected: string): boolean {
  return found === expected || INTERCHANGEABLE_KINDS.some((group) => group.includes(found) && group.includes(expected));
}
// Detector providers that only say "some credential": they never contradict a specific provider.
const GENERIC = new Set(['generic', 'unknown', 'none', '']);
const MIN_LENGTH = 8;
const MAX_LENGTH = 16 * 1024;

export function checkShape(value: string, expected: ExpectedShape = {}): ShapeCheck {
  const problems: string[] = [];
  const done = (found?: { provider: string; kind: string }): ShapeCheck => ({
    ok: problems.length === 0,
    ...(found ? { provider: found.provider, kind: found.kind } : {}),
    problems,
  });
  if (value.trim() === '') {
    problems.push('the value is empty');
    return done();
  }
  if (value !== value.trim()) problems.push('the value has spaces or a line break at its start or end');
  const v = value.trim();
  if (isReference(v)) {
    problems.push('it is a reference to a secret kept elsewhere, not the secret itself');
    return done();
  }
  if (isPlaceholder(v)) {
    problems.push('the value looks like a placeholder, not a credential');
    return done();
  }
  if (expected.provider !== 'private-key' && /[\r\n]/.test(v)) problems.push('the value spans several lines');
  else if (expected.provider !== 'private-key' && /[\u0000-\u001f\u007f]/.test(v)) problems.push('the value holds a control character');
  if (v.length > MAX_LENGTH) problems.push(`it is too long to be a credential (${v.length} characters)`);
  if (/^gh[pousr]_/.test(v) && githubChecksumValid(v) === false) {
    problems.push('the GitHub checksum (last 6 characters) does not match: the token was mistyped or cut');
  }
  const found = detectSecrets(v, { where: 'env', ...(expected.key ? { key: expected.key } : {}) });
  const whole = found.find((d) => d.start === 0 && d.end === v.length);
  if (v.length < MIN_LENGTH) problems.push(`it is too short to be a credential (${v.length} characters)`);
  const want = expected.provider && !GENERIC.has(expected.provider) ? expected.provider : undefined;
  if (!want) return done(whole);
  const specific = whole && !GENERIC.has(whole.provider) ? whole : undefined;
  if (specific && specific.provider !== want) {
    problems.push(`it looks like a ${specific.provider} credential, not a ${want} one`);
  } else if (!specific && PREFIXED.has(want)) {
    if (found.some((d) => d.provider === want)) problems.push(`it holds a ${want} token with other characters around it: give the token alone`);
    else if (!problems.some((p) => p.includes('checksum'))) problems.push(`it does not look like a ${want} credential`);
  } else if (specific && expected.kind && !GENERIC.has(expected.kind) && !sameKind(specific.kind, expected.kind)) {
    problems.push(`it is a ${want} ${specific.kind}, not a ${expected.kind}`);
  }
  // Tokens of these providers never hold a space: one inside is a comment or a note pasted along.
  // (Other values, passwords among them, may.)
  if (PREFIXED.has(want) && /\s/.test(v) && !problems.some((p) => p.includes('other characters around it') || p.includes('several lines'))) {
    problems.push(`the value has a space inside it: ${want} tokens never do`);
  }
  return done(whole);
}
