// Secret references (DESIGN §3): what replaces a plaintext secret in a config.
//
//   keychain:SERVICE/ACCOUNT          a whole environment value
//   {{keychain:SERVICE/ACCOUNT}}      inside a longer string (an argument, a URL password)
//
// Inside SERVICE and ACCOUNT, '/', '%', '{', '}' and control characters are written %XX (upper-case
// hex of the UTF-8 byte), so a reference is always one line and its end is the first "}}". The
// launcher script (src/launcher/mcp-harden-launch.sh) reads exactly this grammar: keep them in step.

export const REFERENCE_PREFIX = 'keychain:';
const INLINE_OPEN = '{{keychain:';
const INLINE_CLOSE = '}}';

export interface SecretReference {
  service: string;
  account: string;
}

export interface InlineReference extends SecretReference {
  /** Index of the first '{'. */
  start: number;
  /** Index just past the closing '}}'. */
  end: number;
}

// Characters that must be escaped: the separators of the grammar, and controls (one-line refs).
const MUST_ESCAPE = /[/%{}\u0000-\u001f\u007f]/g;
const FORBIDDEN_RAW = /[/{}\u0000-\u001f\u007f]/;

function encodePart(part: string): string {
  return part.replace(MUST_ESCAPE, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Decodes %XX sequences (UTF-8 bytes); null when a '%' is not followed by two hex digits, or on %00. */
function decodePart(part: string): string | null {
  if (part.length === 0 || FORBIDDEN_RAW.test(part)) return null;
  if (!part.includes('%')) return part;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < part.length; ) {
    if (part[i] === '%') {
      const hex = part.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex) || hex === '00') return null;
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else {
      const cp = part.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...encoder.encode(ch));
      i += ch.length;
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return null; // escapes that do not form UTF-8 name no item we could have written
  }
}

function checkParts(service: string, account: string): void {
  if (service.length === 0 || account.length === 0) throw new Error('a keychain reference needs a non-empty service and account');
  if (service.includes('\0') || account.includes('\0')) throw new Error('a keychain reference cannot name a NUL character');
}

/** `keychain:SERVICE/ACCOUNT`, the whole-value form. */
export function formatReference(service: string, account: string): string {
  checkParts(service, account);
  return `${REFERENCE_PREFIX}${encodePart(service)}/${encodePart(account)}`;
}

/** `{{keychain:SERVICE/ACCOUNT}}`, the form used inside a longer string. */
export function formatInlineReference(service: string, account: string): string {
  checkParts(service, account);
  return `{{${REFERENCE_PREFIX}${encodePart(service)}/${encodePart(account)}${INLINE_CLOSE}`;
}

/** The body between `keychain:` and the end: `SERVICE/ACCOUNT`, exactly one '/'. */
function parseBody(body: string): SecretReference | null {
  const slash = body.indexOf('/');
  if (slash < 0 || body.indexOf('/', slash + 1) >= 0) return null;
  const service = decodePart(body.slice(0, slash));
  const account = decodePart(body.slice(slash + 1));
  return service === null || account === null ? null : { service, account };
}

/** The reference when the whole value is one (`keychain:SERVICE/ACCOUNT`), else null. */
export function parseReference(value: string): SecretReference | null {
  if (!value.startsWith(REFERENCE_PREFIX)) return null;
  return parseBody(value.slice(REFERENCE_PREFIX.length));
}

/** True when the whole value is a well-formed `keychain:SERVICE/ACCOUNT` reference. */
export function isReferenceValue(value: string): boolean {
  return parseReference(value) !== null;
}

/** True when the value starts with `keychain:` or contains `{{keychain:`, well-formed or not. */
export function looksLikeReference(value: string): boolean {
  return value.startsWith(REFERENCE_PREFIX) || value.includes(INLINE_OPEN);
}

interface Scan {
  refs: InlineReference[];
  /** Index of the first `{{keychain:` that does not open a well-formed reference. */
  malformedAt: number | null;
}

/**
 * Scans left to right as the launcher does: each `{{keychain:` ends at the first `}}` after it
 * (a raw '}' cannot occur inside a well-formed reference), and scanning resumes after it.
 */
function scanInline(value: string): Scan {
  const refs: InlineReference[] = [];
  let from = 0;
  for (;;) {
    const start = value.indexOf(INLINE_OPEN, from);
    if (start < 0) return { refs, malformedAt: null };
    const bodyStart = start + INLINE_OPEN.length;
    const close = value.indexOf(INLINE_CLOSE, bodyStart);
    if (close < 0) return { refs, malformedAt: start };
    const ref = parseBody(value.slice(bodyStart, close));
    if (!ref) return { refs, malformedAt: start };
    refs.push({ start, end: close + INLINE_CLOSE.length, ...ref });
    from = close + INLINE_CLOSE.length;
  }
}

/** Every well-formed `{{keychain:…}}` in the value, in order (scanning stops at a malformed one). */
export function findInlineReferences(value: string): InlineReference[] {
  return scanInline(value).refs;
}

/** Index of the first `{{keychain:` that is unterminated or malformed, or null when there is none. */
export function findMalformedInlineReference(value: string): number | null {
  return scanInline(value).malformedAt;
}

/** The value with each inline reference replaced by `replace(ref)`; throws on a malformed one. */
export function replaceInlineReferences(value: string, replace: (ref: InlineReference) => string): string {
  const { refs, malformedAt } = scanInline(value);
  if (malformedAt !== null) throw new Error(`malformed {{keychain:…}} reference at offset ${malformedAt}`);
  let out = '';
  let at = 0;
  for (const ref of refs) {
    out += value.slice(at, ref.start) + replace(ref);
    at = ref.end;
  }
  return out + value.slice(at);
}
