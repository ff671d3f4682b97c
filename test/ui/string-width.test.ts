// The wizard's own measure of narrow text must agree with string-width on every character it
// answers for, alone and in sequences, and leave everything else to string-width.
import realStringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import stringWidth, { NARROW } from '../../src/ui/string-width.js';

const narrowChars: string[] = [];
for (let cp = 0; cp <= 0xffff; cp++) {
  const ch = String.fromCharCode(cp);
  if (NARROW.test(ch)) narrowChars.push(ch);
}

describe('stringWidth', () => {
  it('answers for a set of characters that string-width measures as one column each', () => {
    expect(narrowChars.length).toBeGreaterThan(800);
    const differ = narrowChars.filter((ch) => realStringWidth(ch) !== 1).map((ch) => ch.codePointAt(0)!.toString(16));
    expect(differ).toEqual([]);
    // Side by side, as Ink measures whole lines.
    const line = narrowChars.join('');
    expect(stringWidth(line)).toBe(realStringWidth(line));
    // Styled, as Ink hands lines over once colours are applied.
    for (const styled of [`\u001b[1m\u001b[36m${line}\u001b[39m\u001b[22m`, `\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007 ╭─╮`, '\u009b31m✓ ok\u009b39m']) {
      expect(stringWidth(styled)).toBe(realStringWidth(styled));
    }
  });

  it('gives anything else to string-width', () => {
    for (const text of ['', 'a\u0301', '日本語', '✅ done', '\u001b[31mred\u001b[39m', 'soft\u00adhyphen', 'zero\u200bwidth', '👍🏽']) {
      expect(stringWidth(text)).toBe(realStringWidth(text));
    }
    expect(stringWidth('╭─╮ · …', { ambiguousIsNarrow: false })).toBe(realStringWidth('╭─╮ · …', { ambiguousIsNarrow: false }));
    expect(stringWidth('\u001b[31mred\u001b[39m', { countAnsiEscapeCodes: true })).toBe(realStringWidth('\u001b[31mred\u001b[39m', { countAnsiEscapeCodes: true }));
  });
});
