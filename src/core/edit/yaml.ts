// YAML (Continue): the document is parsed for its source ranges only; a change rewrites the bytes
// of one scalar, one sequence, or one key line. Comments, anchors and layout elsewhere stay.
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode, type Pair } from 'yaml';
import type { DocPath } from '../model.js';
import { editStringArray, type ArraySpan, type ArraySyntax } from './array.js';
import { EditError, showPath } from './errors.js';
import { applyEdits, detectEol, lineEndWithBreak, lineStart, splitBom, type TextEdit } from './text.js';
import type { ConfigChange } from './types.js';

/** A YAML double-quoted scalar; escapes whatever is not printable in YAML 1.2. */
export function yamlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (cp >= 0xd800 && cp <= 0xdfff) throw new EditError('A value to write is not valid Unicode text');
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f && cp !== 0x85)) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp === 0x2028 || cp === 0x2029 || cp === 0xfeff || cp === 0xfffe || cp === 0xffff) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out + '"';
}

const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~)$/i;

function yamlKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) && !RESERVED.test(key) ? key : yamlString(key);
}

type Ranged = YamlNode & { range?: [number, number, number] | null };

function rangeOf(node: unknown, where: string): [number, number, number] {
  const range = (node as Ranged | null)?.range;
  if (!range) throw new EditError(`Cannot edit ${where}: its place in the file is unknown`);
  return range;
}

/** End of a node's own text, without the line breaks and blanks its range may run on with. */
function contentEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /[\s]/.test(text[e - 1] ?? '')) e--;
  return e;
}

interface Found {
  node: unknown;
  parent: unknown;
  pair?: Pair;
}

function find(doc: Document, path: DocPath, where: string): Found | undefined {
  let node: unknown = doc.contents;
  let parent: unknown;
  let pair: Pair | undefined;
  for (const part of path) {
    if (isAlias(node)) throw new EditError(`Cannot edit ${where}: the path goes through an alias`);
    parent = node;
    pair = undefined;
    if (isMap(node)) {
      pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(part));
      if (pair === undefined) return { node: undefined, parent };
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      if (part < 0 || part >= node.items.length) return { node: undefined, parent };
      node = node.items[part];
    } else {
      return undefined;
    }
  }
  return pair === undefined ? { node, parent } : { node, parent, pair };
}

/** The column a map's keys start at (a first key after `- ` counts its column, not its line's indent). */
function keyColumn(text: string, offset: number): string {
  return ' '.repeat(offset - lineStart(text, offset));
}

function flowSeq(items: readonly string[]): string {
  return `[${items.map(yamlString).join(', ')}]`;
}

function replaceSeq(text: string, node: unknown, value: readonly string[], where: string): TextEdit {
  const range = rangeOf(node, where);
  const seq = node as { flow?: boolean; items: unknown[] };
  const isFlow = seq.flow === true || text[range[0]] === '[';
  if (isFlow || value.length === 0 || seq.items.length === 0) {
    return { offset: range[0], length: contentEnd(text, range[0], isFlow ? range[1] : lastItemEnd(text, seq, range, where)) - range[0], content: flowSeq(value) };
  }
  // A block sequence: the same `- ` items at the same column, one a line.
  const eol = detectEol(text);
  const indent = keyColumn(text, range[0]);
  const content = value.map((item, k) => (k === 0 ? '' : indent) + '- ' + yamlString(item)).join(eol);
  return { offset: range[0], length: lastItemEnd(text, seq, range, where) - range[0], content };
}

const YAML_FLOW: ArraySyntax = { quote: yamlString, lineComment: '#.*' };
const YAML_BLOCK: ArraySyntax = { ...YAML_FLOW, block: true };

/** The sequence of strings at `path`: its items' places and values; undefined if one is not a string. */
function stringSeqAt(text: string, path: DocPath, where: string): { span: ArraySpan; values: string[]; flow: boolean } | undefined {
  const doc = parseDocument(text, { uniqueKeys: true });
  const node = doc.errors.length ? undefined : find(doc, path, where)?.node;
  if (!isSeq(node) || node.items.length === 0 || !node.items.every((i) => isScalar(i) && typeof i.value === 'string')) return undefined;
  const range = rangeOf(node, where);
  const items = node.items.map((i) => {
    const r = rangeOf(i, where);
    return { start: r[0], end: contentEnd(text, r[0], r[1]) };
  });
  const flow = node.flow === true || text[range[0]] === '[';
  return { span: { start: range[0], end: flow ? contentEnd(text, range[0], range[1]) : items[items.length - 1]!.end, items }, values: node.items.map((i) => (i as { value: string }).value), flow };
}

/**
 * `value` written item by item over the sequence at `path` (see array.ts): a flow sequence as
 * JSON's arrays are, a block sequence by its `- ` lines. Undefined when it cannot be: the caller
 * rewrites the sequence.
 */
function editSeqItems(text: string, path: DocPath, value: readonly string[], where: string): string | undefined {
  const old = stringSeqAt(text, path, where);
  if (old === undefined) return undefined;
  const at = (t: string) => {
    const now = stringSeqAt(t, path, where);
    return now?.flow === old.flow ? now : undefined;
  };
  return editStringArray(text, at, value, old.flow ? YAML_FLOW : YAML_BLOCK, detectEol(text));
}

function lastItemEnd(text: string, seq: { items: unknown[] }, range: [number, number, number], where: string): number {
  const last = seq.items[seq.items.length - 1];
  if (last === undefined) return contentEnd(text, range[0], range[1]);
  const r = rangeOf(last, where);
  return contentEnd(text, r[0], r[1]);
}

function insertInMap(text: string, map: unknown, key: string, valueText: string, where: string): TextEdit {
  const range = rangeOf(map, where);
  const items = (map as { items: Pair[] }).items;
  const member = `${yamlKey(key)}: ${valueText}`;
  if ((map as { flow?: boolean }).flow === true || text[range[0]] === '{') {
    const close = contentEnd(text, range[0], range[1]) - 1;
    let q = close;
    while (q > range[0] + 1 && /\s/.test(text[q - 1] ?? '')) q--;
    if (q === range[0] + 1) return { offset: range[0] + 1, length: close - range[0] - 1, content: ` ${member} ` };
    return { offset: q, length: 0, content: text[q - 1] === ',' ? ` ${member}` : `, ${member}` };
  }
  const first = items[0];
  const last = items[items.length - 1];
  if (first === undefined || last === undefined) throw new EditError(`Cannot set ${where}: its map is empty`);
  const indent = keyColumn(text, rangeOf(first.key, where)[0]);
  const lastRange = rangeOf(last.value ?? last.key, where);
  const end = contentEnd(text, lastRange[0], lastRange[1]);
  const at = lineEndWithBreak(text, end);
  const eol = detectEol(text);
  if (at === text.length && !text.endsWith('\n')) return { offset: at, length: 0, content: eol + indent + member };
  return { offset: at, length: 0, content: indent + member + eol };
}

function deletePair(text: string, map: unknown, pair: Pair, where: string): TextEdit {
  const items = (map as { items: Pair[] }).items;
  const index = items.indexOf(pair);
  const keyStart = rangeOf(pair.key, where)[0];
  const valueRange = rangeOf(pair.value ?? pair.key, where);
  const end = contentEnd(text, valueRange[0], valueRange[1]);
  const mapRange = rangeOf(map, where);
  if ((map as { flow?: boolean }).flow === true || text[mapRange[0]] === '{') {
    const next = items[index + 1];
    if (next !== undefined) return { offset: keyStart, length: rangeOf(next.key, where)[0] - keyStart, content: '' };
    const prev = items[index - 1];
    if (prev === undefined) return { offset: keyStart, length: end - keyStart, content: '' };
    const prevEnd = contentEnd(text, 0, rangeOf(prev.value ?? prev.key, where)[1]);
    return { offset: prevEnd, length: end - prevEnd, content: '' };
  }
  const start = lineStart(text, keyStart);
  if (/^[ \t]*$/.test(text.slice(start, keyStart))) {
    return { offset: start, length: lineEndWithBreak(text, end) - start, content: '' };
  }
  // The first key of a `- ` item: the next key moves up to take its place.
  const next = items[index + 1];
  if (next === undefined) throw new EditError(`Cannot delete ${where}: it is the only key of its item`);
  return { offset: keyStart, length: rangeOf(next.key, where)[0] - keyStart, content: '' };
}

function editOne(text: string, change: ConfigChange): string {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new EditError('The YAML document could not be parsed, so it was not edited');
  const where = showPath(change.path);
  const found = find(doc, change.path, where);
  if (found === undefined) throw new EditError(`Cannot edit ${where}: its parent does not exist`);
  const { node, parent, pair } = found;
  if (isAlias(node)) throw new EditError(`Cannot edit ${where}: the value there is an alias`);

  if (change.op === 'delete') {
    if (pair === undefined) {
      if (node === undefined) return text;
      throw new EditError(`Cannot delete ${where}: only keys of a map can be deleted`);
    }
    return applyEdits(text, [deletePair(text, parent, pair, where)]);
  }

  if (node !== undefined && node !== null) {
    if (change.op === 'set-string') {
      if (!isScalar(node) || typeof node.value !== 'string') {
        throw new EditError(`Cannot set ${where}: the value there is not a string`);
      }
      const range = rangeOf(node, where);
      // Block scalars (`|`, `>`) run on to their last line break: that line break stays.
      const end = contentEnd(text, range[0], range[1]);
      return applyEdits(text, [{ offset: range[0], length: end - range[0], content: yamlString(change.value) }]);
    }
    if (!isSeq(node)) throw new EditError(`Cannot set ${where}: the value there is not a sequence`);
    return editSeqItems(text, change.path, change.value, where) ?? applyEdits(text, [replaceSeq(text, node, change.value, where)]);
  }
  if (pair !== undefined) throw new EditError(`Cannot set ${where}: the key has no value`);
  const last = change.path[change.path.length - 1];
  if (!isMap(parent) || typeof last !== 'string') throw new EditError(`Cannot set ${where}: its parent is not a map`);
  const valueText = change.op === 'set-string' ? yamlString(change.value) : flowSeq(change.value);
  return applyEdits(text, [insertInMap(text, parent, last, valueText, where)]);
}

export function editYaml(text: string, changes: readonly ConfigChange[]): string {
  const { bom, body } = splitBom(text);
  let out = body;
  for (const change of changes) out = editOne(out, change);
  return bom + out;
}
