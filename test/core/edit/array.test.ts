// How a new list is lined up with the old one for an item-by-item edit (src/core/edit/array.ts).
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { arrayChange } from '../../../src/core/edit/array.js';
import { editConfig } from '../../../src/core/edit/index.js';

const plain = (old: string[], next: string[]) => {
  const c = arrayChange(old, next);
  return c && { replaced: Object.fromEntries(c.replaced), removed: c.removed, before: Object.fromEntries(c.before), appended: c.appended };
};

describe('arrayChange', () => {
  it.each([
    ['the launcher in front', ['-y', 'pkg'], ['run', '--', 'npx', '-y', 'pkg'], { replaced: {}, removed: [], before: { 0: ['run', '--', 'npx'] }, appended: [] }],
    ['switches at the end', ['-y', 'pkg'], ['-y', 'pkg', '--read-only'], { replaced: {}, removed: [], before: {}, appended: ['--read-only'] }],
    ['roots narrowed', ['-y', 'fs', '/', '~'], ['-y', 'fs', '/w'], { replaced: { 2: '/w' }, removed: [3], before: {}, appended: [] }],
    ['a secret replaced by a reference', ['--key', 'ghp_x', 'pkg'], ['--key', 'REF', 'pkg'], { replaced: { 1: 'REF' }, removed: [], before: {}, appended: [] }],
    ['one removed in the middle', ['a', 'b', 'c'], ['a', 'c'], { replaced: {}, removed: [1], before: {}, appended: [] }],
    ['more new than old between two that stay', ['a', 'x', 'c'], ['a', 'y', 'z', 'c'], { replaced: { 1: 'y' }, removed: [], before: { 2: ['z'] }, appended: [] }],
    ['nothing in common', ['a', 'b'], ['x'], { replaced: { 0: 'x' }, removed: [1], before: {}, appended: [] }],
  ])('%s', (_what, old, next, expected) => {
    expect(plain(old, next)).toEqual(expected);
  });

  it('has nothing to anchor to for an empty old or new list', () => {
    expect(arrayChange([], ['a'])).toBeUndefined();
    expect(arrayChange(['a'], [])).toBeUndefined();
  });

  it('gives the new list back in every case, in each format', () => {
    const lists = [[], ['a'], ['a', 'b'], ['b', 'a'], ['x', 'a', 'y'], ['a', 'b', 'c', 'd'], ['d', 'c'], ['a', 'x', 'x', 'b']];
    for (const old of lists.filter((l) => l.length)) {
      for (const next of lists.filter((l) => l.length)) {
        const json = `{\n  "args": [\n${old.map((v) => `    "${v}", // ${v}`).join('\n')}\n    "last"\n  ]\n}\n`;
        const value = [...next, 'last'];
        expect(JSON.parse(editConfig('json', json, [{ op: 'set-string-array', path: ['args'], value }]).replace(/\/\/.*$/gm, ''))).toEqual({ args: value });
        const toml = `args = [${old.map((v) => `"${v}"`).join(', ')}]\n`;
        expect(editConfig('toml', toml, [{ op: 'set-string-array', path: ['args'], value: next }])).toBe(`args = [${next.map((v) => `"${v}"`).join(', ')}]\n`);
        const yaml = `args:\n${old.map((v) => `  - ${v} # ${v}\n`).join('')}`;
        const edited = editConfig('yaml', yaml, [{ op: 'set-string-array', path: ['args'], value: next }]);
        expect(parseYaml(edited)).toEqual({ args: next });
        // Still one item a line, at the same column.
        expect(edited.split('\n').slice(1, -1).every((l) => /^ {2}- \S/.test(l))).toBe(true);
      }
    }
  });
});
