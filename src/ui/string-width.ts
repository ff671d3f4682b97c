// Ink measures every string it draws with `string-width`, whose module builds large Unicode regular
// expressions when it loads (about 10 ms of the wizard's start). The build points every import of
// `string-width` here: what the wizard draws is nearly always printable ASCII, box drawing and a few
// narrow symbols, styled or not, measured here as one column each; anything else goes to the real `string-width`,
// loaded the first time it is needed. test/ui/string-width.test.ts checks every character of the
// narrow set against the real function.
import { createRequire } from 'node:module';
import type RealStringWidth from 'string-width';
import type { Options } from 'string-width';
import stripAnsi from 'strip-ansi';

/** Characters that are one column wide alone and in any sequence of characters of this set. */
export const NARROW =
  /^[\u0020-\u007e\u00a0-\u00ac\u00ae-\u00ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u259f\u25b2-\u25bb\u25c0-\u25c5\u2713\u2717\u26a0\u2800-\u28ff]*$/;

let real: typeof RealStringWidth | undefined;

export default function stringWidth(text: string, options: Options = {}): number {
  if (typeof text === 'string' && options.ambiguousIsNarrow !== false && !options.countAnsiEscapeCodes) {
    // Styled text is measured without its escape codes, with the same strip-ansi string-width uses.
    const plain = text.includes('\u001b') || text.includes('\u009b') ? stripAnsi(text) : text;
    if (NARROW.test(plain)) return plain.length;
  }
  real ??= (createRequire(import.meta.url)('string-width') as { default: typeof RealStringWidth }).default;
  return real(text, options);
}
