// References and placeholders: values a detector must never report. A reference points at a
// secret held elsewhere (an env var, a VS Code input, a CI secret, our keychain); a placeholder
// is a doc example or a filler that was never a credential.

const WHOLE_REFERENCES: readonly RegExp[] = [
  /^\$\{\{[^{}]*\}\}$/, // ${{ secrets.X }} (GitHub Actions)
  /^\$\{[^{}]+\}$/, // ${VAR}, ${VAR:-x}, ${env:X}, ${input:x}
  /^\$[A-Za-z_][A-Za-z0-9_]*$/, // $VAR
  /^%[A-Za-z_][A-Za-z0-9_]*%$/, // %VAR% (Windows)
  /^\{\{[^{}]+\}\}$/, // {{…}} templates, including our {{keychain:SERVICE/ACCOUNT}}
  /^\$\([^()]*\)$/, // $(command) substitution, e.g. $(op read …)
  /^`[^`]*`$/, // `command` substitution
  /^keychain:[^/\s]+\/\S+$/, // our own reference as a whole value
  /^op:\/\/[^/\s]+\/\S+$/, // 1Password secret reference
];

/** True when the whole value is a reference to a secret kept somewhere else. */
export function isReference(value: string): boolean {
  const v = value.trim();
  return v.length > 0 && WHOLE_REFERENCES.some((re) => re.test(v));
}

// `$VAR` inside a longer string only counts after a boundary, so that a literal password such
// as `pa$word` in a JSON value is not mistaken for a reference.
const REFERENCE_SPAN =
  /\$\{\{[^{}]*\}\}|\$\{[^{}]+\}|\{\{[^{}]+\}\}|%[A-Za-z_][A-Za-z0-9_]*%|\$\([^()]*\)|(?<![A-Za-z0-9\\])\$[A-Za-z_][A-Za-z0-9_]*/g;

/** [start, end) ranges of the references inside a longer string. */
export function referenceSpans(value: string): [number, number][] {
  if (!/[$%{]/.test(value)) return [];
  const spans: [number, number][] = [];
  for (const m of value.matchAll(REFERENCE_SPAN)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

/** True when the string holds a reference anywhere (`Bearer ${TOKEN}`, `--key={{keychain:…}}`). */
export function containsReference(value: string): boolean {
  return referenceSpans(value).length > 0;
}

// Whole values (compared lower-cased, separators normalised to `_`) that mean "no real value".
const PLACEHOLDER_WORDS = new Set([
  '', 'changeme', 'change_me', 'changeit', 'placeholder', 'replace_me', 'replaceme', 'todo', 'tbd',
  'fixme', 'dummy', 'example', 'sample', 'test', 'testing', 'none', 'null', 'nil', 'undefined',
  'your_token', 'your_key', 'your_api_key', 'your_secret', 'your_password', 'token', 'secret',
  'password', 'passwd', 'apikey', 'api_key', 'key', 'redacted', 'hidden', 'masked', 'foo', 'bar',
  'foobar', 'fake', 'mock', 'invalid', 'n/a', 'na', 'empty', 'not_needed', 'not_required',
  'no_key', 'nokey', 'not_used', 'unused', 'ollama', 'lm_studio', 'sk_no_key_required', 'xxx',
  '...', '…', 'abc', 'abc123', '123', '1234', '12345', '123456',
]);

// Words that, as one segment of the value, mark a doc example (`your-api-key-here`, `sk-your-key`).
const PLACEHOLDER_SEGMENTS = new Set([
  'your', 'yours', 'example', 'examples', 'placeholder', 'changeme', 'replaceme', 'dummy',
  'redacted', 'insert', 'here', 'todo', 'fixme', 'tbd',
]);

/** True when the value is a placeholder, a filler or a doc example rather than a credential. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  const lower = v.toLowerCase();
  if (PLACEHOLDER_WORDS.has(lower.replace(/[-\s]+/g, '_'))) return true;
  if (/^<[^<>]+>$/.test(v) || /<[A-Za-z][^<>]{0,60}>/.test(v)) return true; // <YOUR_TOKEN>
  if (/^\[[A-Za-z0-9_ .-]+\]$/.test(v)) return true; // [YOUR_KEY]
  if (/^\{\{[^{}]*\}\}$/.test(v)) return true; // {{…}}
  if (v.includes('...') || v.includes('…')) return true; // truncated doc examples: sk-..., ghp_…
  // YOUR_BRAVE_API_KEY, yourApiKey, put-your-key: a leading instruction word, not a random prefix.
  if (/^(?:[Yy]our|[Ii]nsert|[Ee]nter|[Pp]aste|[Pp]ut)(?:[-_\s]|[A-Z]|$)/.test(v)) return true;
  if (/^(?:YOUR|INSERT|ENTER|PASTE|PUT)(?:[-_\s]|$)|^YOUR[A-Z]/.test(v)) return true;
  if (/placeholder|replace_?me|change_?me/i.test(v)) return true; // PLACEHOLDER_API_KEY
  if (/EXAMPLE/.test(v)) return true; // AKIAIOSFODNN7EXAMPLE and friends
  if (/[xX]{6,}|\*{3,}|•{3,}|#{4,}|\.{4,}/.test(v)) return true; // xxxx / XXXX / **** fillers
  const segments = v.split(/[-_.:\s/]+/).filter((s) => s.length > 0);
  if (segments.some((s) => PLACEHOLDER_SEGMENTS.has(s.toLowerCase()))) return true;
  // One character repeated after a prefix (ghp_000…, sk-proj-aaaa…, xxxx-xxxx).
  const body = segments.length <= 1 ? segments : segments.slice(Math.min(2, segments.length - 1));
  const joined = body.join('');
  if (joined.length >= 4 && /^(.)\1*$/.test(joined)) return true;
  return false;
}
