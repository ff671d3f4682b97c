// TOML (Codex config.toml): the document is never re-serialised. A scanner finds where each value,
// table and key/value line is written; a change is a text edit of one string token, one array, or
// one inserted or removed line. The caller re-parses the result and compares it with the intended
// data, so a scanner mistake becomes a refused edit, never a corrupted file.
import { scanTomlText, tomlPathKey as keyOf, type TomlPath as Path, type TomlValueSpan as ValueSpan } from '../toml-text.js';
import { parseToml } from '../toml-lib.js';
import { editStringArray, type ArraySpan, type ArraySyntax } from './array.js';
import { EditError, showPath } from './errors.js';
import { applyEdits, detectEol, indentOf, lineEnd, lineEndWithBreak, lineStart, splitBom, type TextEdit } from './text.js';
import type { ConfigChange } from './types.js';

/** Somewhere a new key can be written for a table. */
type TableSpot =
  | { kind: 'section'; headerStart: number; lastStart: number; lastEnd: number }
  | { kind: 'dotted'; prefix: string[]; lastStart: number; lastEnd: number }
  | { kind: 'inline'; open: number; close: number };

interface Scan {
  values: Map<string, ValueSpan>;
  tables: Map<string, TableSpot>;
}

function scanToml(text: string): Scan {
  const values = new Map<string, ValueSpan>();
  const tables = new Map<string, TableSpot>();
  tables.set(keyOf([]), { kind: 'section', headerStart: -1, lastStart: -1, lastEnd: -1 });
  scanTomlText(text, {
    header: (path, start) => tables.set(keyOf(path), { kind: 'section', headerStart: start, lastStart: -1, lastEnd: -1 }),
    value: (span) => values.set(keyOf(span.path), span),
    inline: (path, open, close) => tables.set(keyOf(path), { kind: 'inline', open, close }),
    pair: (table, key, start, end) => {
      const section = tables.get(keyOf(table));
      if (section?.kind === 'section') {
        section.lastStart = start;
        section.lastEnd = end;
      }
      // `env.K = "v"` makes `env` a table whose new keys are written the same way, next to it.
      for (let j = 1; j < key.length; j++) {
        const prefixPath = keyOf([...table, ...key.slice(0, j)]);
        const known = tables.get(prefixPath);
        if (known === undefined || known.kind === 'dotted') {
          tables.set(prefixPath, { kind: 'dotted', prefix: key.slice(0, j), lastStart: start, lastEnd: end });
        }
      }
    },
  });
  return { values, tables };
}

/** A TOML basic string: quotes, backslashes and control characters escaped, other text as is. */
export function tomlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (cp < 0x20 || cp === 0x7f) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) throw new EditError('A value to write is not valid Unicode text');
    else out += ch;
  }
  return out + '"';
}

function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
}

function tomlArray(text: string, old: ValueSpan | undefined, path: Path, scan: Scan, value: readonly string[]): string {
  const items = value.map(tomlString);
  if (old === undefined || items.length === 0) return `[${items.join(', ')}]`;
  const oldText = text.slice(old.start, old.end);
  if (!oldText.includes('\n')) {
    const inner = /^\[([ \t]*)/.exec(oldText)?.[1] ?? '';
    return `[${inner}${items.join(', ')}${inner}]`;
  }
  // A multi-line array stays one item a line, indented as its first item was.
  const eol = detectEol(text);
  const first = scan.values.get(keyOf([...path, 0]));
  const itemIndent =
    first !== undefined && lineStart(text, first.start) > old.start ? indentOf(text, first.start) : indentOf(text, old.stmtStart) + '  ';
  const closeAt = old.end - 1;
  const closeIndent = /^[ \t]*$/.test(text.slice(lineStart(text, closeAt), closeAt)) ? indentOf(text, closeAt) : '';
  // A trailing comma before `]` (comments and blanks aside) is kept.
  const beforeClose = text.slice(old.start + 1, closeAt).replace(/#[^\n]*/g, '').trimEnd();
  const trailing = beforeClose.endsWith(',');
  const body = items.map((item, k) => itemIndent + item + (k < items.length - 1 || trailing ? ',' : '')).join(eol);
  return `[${eol}${body}${eol}${closeIndent}]`;
}

const TOML_ARRAY: ArraySyntax = { quote: tomlString, lineComment: '#.*' };

/** The array of strings at `path`, as an ArraySpan with its values; undefined if an item is not a string. */
function stringArrayAt(text: string, path: Path): { span: ArraySpan; values: string[] } | undefined {
  const scan = scanToml(text);
  const array = scan.values.get(keyOf(path));
  let values: unknown;
  try {
    values = parseToml(text);
  } catch {
    return undefined;
  }
  for (const key of path) values = (values as Record<string | number, unknown> | undefined)?.[key];
  if (array?.kind !== 'array' || !Array.isArray(values) || values.some((v) => typeof v !== 'string')) return undefined;
  const items = values.map((_, k) => scan.values.get(keyOf([...path, k])));
  if (items.some((item) => item?.kind !== 'string')) return undefined;
  return { span: { start: array.start, end: array.end, items: items.map((item) => ({ start: item!.start, end: item!.end })) }, values: values as string[] };
}

function insertInTable(text: string, spot: TableSpot, key: string, valueText: string): TextEdit {
  const eol = detectEol(text);
  if (spot.kind === 'inline') {
    let q = spot.close;
    while (q > spot.open + 1 && /\s/.test(text[q - 1] ?? '')) q--;
    const member = `${tomlKey(key)} = ${valueText}`;
    if (q === spot.open + 1) return { offset: spot.open + 1, length: spot.close - spot.open - 1, content: ` ${member} ` };
    return { offset: q, length: 0, content: text[q - 1] === ',' ? ` ${member}` : `, ${member}` };
  }
  const keyText = spot.kind === 'dotted' ? [...spot.prefix, key].map(tomlKey).join('.') : tomlKey(key);
  const line = `${keyText} = ${valueText}`;
  const anchor = spot.lastStart >= 0 ? spot.lastEnd : spot.kind === 'section' && spot.headerStart >= 0 ? spot.headerStart : -1;
  if (anchor < 0) return { offset: 0, length: 0, content: line + eol };
  const indent = spot.lastStart >= 0 ? indentOf(text, spot.lastStart) : indentOf(text, anchor);
  const at = lineEndWithBreak(text, anchor);
  // The last line has no line break: the new line goes after one, and the file still ends without one.
  if (at === text.length && !text.endsWith('\n')) return { offset: at, length: 0, content: eol + indent + line };
  return { offset: at, length: 0, content: indent + line + eol };
}

function deleteValue(text: string, span: ValueSpan, scan: Scan, where: string): TextEdit {
  if (span.item === true) throw new EditError(`Cannot delete ${where}: array items are not deleted`);
  if (span.inInline !== undefined) {
    const table = scan.tables.get(keyOf(span.inInline));
    if (table?.kind !== 'inline') throw new EditError(`Cannot delete ${where}: its table was not found`);
    // `a = 1, b = 2`: the member goes with the comma after it, or (last member) the one before it.
    let end = span.end;
    while (end < table.close && /[ \t]/.test(text[end] ?? '')) end++;
    if (text[end] === ',') {
      end++;
      while (end < table.close && /[ \t]/.test(text[end] ?? '')) end++;
      return { offset: span.stmtStart, length: end - span.stmtStart, content: '' };
    }
    let start = span.stmtStart;
    while (start > table.open + 1 && /[ \t]/.test(text[start - 1] ?? '')) start--;
    if (text[start - 1] === ',') start--;
    else start = span.stmtStart;
    return { offset: start, length: span.end - start, content: '' };
  }
  // A key/value line: the whole line goes (its comment with it), other lines stay.
  const start = lineStart(text, span.stmtStart);
  let end = lineEndWithBreak(text, span.end);
  if (end === text.length && !text.endsWith('\n') && start > 0) {
    // Removing the last line of a file without a final line break: keep it without one.
    const prevEnd = lineEnd(text, start - 1);
    return { offset: prevEnd, length: end - prevEnd, content: '' };
  }
  if (end < start) end = start;
  return { offset: start, length: end - start, content: '' };
}

function editOne(text: string, change: ConfigChange): string {
  const scan = scanToml(text);
  const where = showPath(change.path);
  const span = scan.values.get(keyOf(change.path));
  if (change.op === 'delete') {
    if (span === undefined) {
      if (scan.tables.get(keyOf(change.path))?.kind === 'section') {
        throw new EditError(`Cannot delete ${where}: removing a whole table is not supported`);
      }
      return text;
    }
    return applyEdits(text, [deleteValue(text, span, scan, where)]);
  }
  if (span !== undefined) {
    if (change.op === 'set-string') {
      if (span.kind !== 'string') throw new EditError(`Cannot set ${where}: the value there is not a string`);
      return applyEdits(text, [{ offset: span.start, length: span.end - span.start, content: tomlString(change.value) }]);
    }
    if (span.kind !== 'array') throw new EditError(`Cannot set ${where}: the value there is not an array`);
    const itemwise = editStringArray(text, (t) => stringArrayAt(t, change.path), change.value, TOML_ARRAY, detectEol(text));
    if (itemwise !== undefined) return itemwise;
    const content = tomlArray(text, span, change.path, scan, change.value);
    return applyEdits(text, [{ offset: span.start, length: span.end - span.start, content }]);
  }
  if (scan.tables.has(keyOf(change.path))) throw new EditError(`Cannot set ${where}: it is a table`);
  const last = change.path[change.path.length - 1];
  const parent = scan.tables.get(keyOf(change.path.slice(0, -1)));
  if (typeof last !== 'string' || parent === undefined) {
    throw new EditError(`Cannot set ${where}: its table does not exist`);
  }
  const valueText = change.op === 'set-string' ? tomlString(change.value) : tomlArray(text, undefined, change.path, scan, change.value);
  return applyEdits(text, [insertInTable(text, parent, last, valueText)]);
}

export function editToml(text: string, changes: readonly ConfigChange[]): string {
  const { bom, body } = splitBom(text);
  let out = body;
  for (const change of changes) out = editOne(out, change);
  return bom + out;
}
