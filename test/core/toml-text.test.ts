// The TOML position scan shared by the config reader (finding lines) and the editor (text edits).
import { describe, expect, it } from 'vitest';
import { readDocument } from '../../src/core/clients/formats.js';
import type { LNode } from '../../src/core/clients/tree.js';
import { scanTomlText, type TomlValueSpan } from '../../src/core/toml-text.js';

/** The line a key of the document read from `text` is reported at, by path. */
function keyLine(text: string, path: (string | number)[]): number | undefined {
  let node: LNode | undefined = readDocument('toml', text).root;
  let line: number | undefined;
  for (const step of path) {
    if (node?.t === 'object') {
      const entry = node.entries.find((e) => e.key === step);
      line = entry?.keyPos.line;
      node = entry?.value;
    } else if (node?.t === 'array' && typeof step === 'number') {
      node = node.items[step];
      line = node?.pos.line;
    } else return undefined;
  }
  return line;
}

describe('TOML positions', () => {
  it('a multi-line string ending in an escaped backslash does not hide the keys after it', () => {
    const text = 'a = """x\\\\"""\nb = "y"\nc = """z""""\nd = 1\n';
    expect(keyLine(text, ['b'])).toBe(2);
    expect(keyLine(text, ['c'])).toBe(3);
    expect(keyLine(text, ['d'])).toBe(4);
  });

  it('a table under an array of tables is placed in that array’s newest element', () => {
    const text = '[[servers]]\nname = "one"\n[servers.env]\nTOKEN = "t1"\n[[servers]]\nname = "two"\n[servers.env]\nTOKEN = "t2"\n';
    expect(keyLine(text, ['servers', 0, 'env', 'TOKEN'])).toBe(4);
    expect(keyLine(text, ['servers', 1, 'env', 'TOKEN'])).toBe(8);
  });

  it('reports each value with its exact text span, kind and the pair it belongs to', () => {
    const text = 'k = "v" # note\n[t]\nargs = ["-y", 2]\nenv = { A = \'x\' }\n';
    const spans = new Map<string, TomlValueSpan>();
    scanTomlText(text, { value: (s) => spans.set(JSON.stringify(s.path), s) });
    const at = (path: (string | number)[]) => {
      const s = spans.get(JSON.stringify(path))!;
      return { text: text.slice(s.start, s.end), kind: s.kind, stmt: text.slice(s.stmtStart, s.stmtStart + 4) };
    };
    expect(at(['k'])).toEqual({ text: '"v"', kind: 'string', stmt: 'k = ' });
    expect(at(['t', 'args'])).toEqual({ text: '["-y", 2]', kind: 'array', stmt: 'args' });
    expect(at(['t', 'args', 1])).toEqual({ text: '2', kind: 'other', stmt: '2]\ne' });
    expect(at(['t', 'env'])).toEqual({ text: "{ A = 'x' }", kind: 'inline', stmt: 'env ' });
    expect(at(['t', 'env', 'A'])).toEqual({ text: "'x'", kind: 'string', stmt: "A = " });
    expect(spans.get(JSON.stringify(['t', 'env', 'A']))?.inInline).toEqual(['t', 'env']);
  });
});
