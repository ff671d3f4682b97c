import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../../src/core/secrets/index.js';

describe('parseDotenv', () => {
  it('reads keys, values, lines and value columns', () => {
    const text = [
      '# comment',
      '',
      'PLAIN=abc',
      'export EXPORTED=def',
      'SPACED = ghi   ',
      'DQ="a b # not a comment"',
      "SQ='lit\\n'",
      'INLINE=value # trailing comment',
      'HASHY=abc#def',
      'EMPTY=',
      'not an assignment',
    ].join('\n');
    expect(parseDotenv(text)).toEqual([
      { key: 'PLAIN', value: 'abc', line: 3, column: 7 },
      { key: 'EXPORTED', value: 'def', line: 4, column: 17 },
      { key: 'SPACED', value: 'ghi', line: 5, column: 10 },
      { key: 'DQ', value: 'a b # not a comment', line: 6, column: 5, quote: '"' },
      { key: 'SQ', value: 'lit\\n', line: 7, column: 5, quote: "'" },
      { key: 'INLINE', value: 'value', line: 8, column: 8 },
      { key: 'HASHY', value: 'abc#def', line: 9, column: 7 },
      { key: 'EMPTY', value: '', line: 10, column: 7 },
    ]);
  });

  it('handles a BOM and CRLF line endings', () => {
    expect(parseDotenv('\uFEFFA=1\r\nB="two"\r\n')).toEqual([
      { key: 'A', value: '1', line: 1, column: 3 },
      { key: 'B', value: 'two', line: 2, column: 4, quote: '"' },
    ]);
  });

  it('expands escapes in double quotes and reads multi-line quoted values', () => {
    const entries = parseDotenv('KEY="line1\\nline2"\nPEM="-----BEGIN\nbody\n-----END"\nNEXT=x');
    expect(entries.map((e) => [e.key, e.value, e.line])).toEqual([
      ['KEY', 'line1\nline2', 1],
      ['PEM', '-----BEGIN\nbody\n-----END', 2],
      ['NEXT', 'x', 5],
    ]);
  });
});
