// TOML (Codex config.toml): the document is never re-serialised. A scanner finds where each value,
// table and key/value line is written; a change is a text edit of one string token, one array, or
// one inserted or removed line. The caller re-parses the result and compares it with the intended
// data, so a scanner mistake becomes a refused edit, never a corrupted file.
import { EditError, showPath } from './errors.js';
import { applyEdits, detectEol, indentOf, lineEnd, lineEndWithBreak, lineStart, splitBom, type TextEdit } from './text.js';
import type { ConfigChange } from './types.js';

type Path = readonly (string | number)[];
const keyOf = (path: Path): string => JSON.stringify(path);

interface ValueSpan {
  start: number;
  end: number;
  kind: 'string' | 'array' | 'inline' | 'other';
  /** Where the key of the key/value pair holding this value starts (array items: the item start). */
  stmtStart: number;
  /** Set for a member of an inline table: the table's path. */
  inInline?: string;
  /** Array items: the array's path. */
  item?: boolean;
}

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
  const arrayTables = new Map<string, number>();
  const n = text.length;
  let i = 0;

  const skipSpaces = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const skipBlank = (): void => {
    while (i < n) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') i++;
      else if (c === '#') while (i < n && text[i] !== '\n') i++;
      else break;
    }
  };
  const skipBasic = (): void => {
    i++;
    while (i < n && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const skipLiteral = (): void => {
    const end = text.indexOf("'", i + 1);
    i = end < 0 ? n : end + 1;
  };
  const skipMultiline = (quote: '"""' | "'''"): void => {
    i += 3;
    while (i < n) {
      if (quote === '"""' && text[i] === '\\') {
        i += 2;
      } else if (text.startsWith(quote, i)) {
        i += 3;
        // A closing run may hold up to two more quotes, which belong to the string.
        for (let extra = 0; extra < 2 && text[i] === quote[0]; extra++) i++;
        return;
      } else i++;
    }
  };
  const unquoteBasic = (raw: string): string => {
    try {
      return JSON.parse(raw.replace(/\\U([0-9A-Fa-f]{8})/g, (_m, h: string) => {
        const cp = String.fromCodePoint(parseInt(h, 16));
        return JSON.stringify(cp).slice(1, -1);
      })) as string;
    } catch {
      return raw.slice(1, -1);
    }
  };
  const readKey = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      skipSpaces();
      const c = text[i];
      if (c === '"') {
        const start = i;
        skipBasic();
        parts.push(unquoteBasic(text.slice(start, i)));
      } else if (c === "'") {
        const start = i;
        skipLiteral();
        parts.push(text.slice(start + 1, i - 1));
      } else {
        const start = i;
        while (i < n && /[A-Za-z0-9_-]/.test(text[i] ?? '')) i++;
        if (i === start) break;
        parts.push(text.slice(start, i));
      }
      skipSpaces();
      if (text[i] === '.') i++;
      else break;
    }
    return parts;
  };

  const scanValue = (path: Path, stmtStart: number, depth: number, extra: Partial<ValueSpan>): void => {
    const start = i;
    const c = text[i];
    let kind: ValueSpan['kind'] = 'other';
    if (text.startsWith('"""', i)) {
      skipMultiline('"""');
      kind = 'string';
    } else if (text.startsWith("'''", i)) {
      skipMultiline("'''");
      kind = 'string';
    } else if (c === '"') {
      skipBasic();
      kind = 'string';
    } else if (c === "'") {
      skipLiteral();
      kind = 'string';
    } else if (c === '[' && depth < 64) {
      kind = 'array';
      i++;
      let index = 0;
      while (i < n) {
        skipBlank();
        if (text[i] === ']') {
          i++;
          break;
        }
        if (text[i] === ',') {
          i++;
          continue;
        }
        const before = i;
        scanValue([...path, index++], i, depth + 1, { item: true });
        if (i === before) i++;
      }
    } else if (c === '{' && depth < 64) {
      kind = 'inline';
      const open = i;
      i++;
      while (i < n) {
        skipBlank();
        if (text[i] === '}') break;
        if (text[i] === ',') {
          i++;
          continue;
        }
        const memberStart = i;
        const key = readKey();
        if (key.length === 0) {
          i++;
          continue;
        }
        skipSpaces();
        if (text[i] === '=') i++;
        skipSpaces();
        scanValue([...path, ...key], memberStart, depth + 1, { inInline: keyOf(path) });
      }
      tables.set(keyOf(path), { kind: 'inline', open, close: i });
      i++;
    } else {
      while (i < n && !',]}\r\n#'.includes(text[i] ?? '')) i++;
      while (i > start && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
    }
    values.set(keyOf(path), { start, end: i, kind, stmtStart, ...extra });
  };

  /** A header's keys as a path: a key naming an array of tables goes on into its last element. */
  const resolveHeader = (key: string[], isArray: boolean): Path => {
    const out: (string | number)[] = [];
    key.forEach((part, j) => {
      out.push(part);
      const last = j === key.length - 1;
      const count = arrayTables.get(keyOf(out));
      if (last && isArray) {
        const index = (count ?? -1) + 1;
        arrayTables.set(keyOf(out), index);
        out.push(index);
      } else if (count !== undefined) {
        out.push(count);
      }
    });
    return out;
  };

  let table: Path = [];
  tables.set(keyOf([]), { kind: 'section', headerStart: -1, lastStart: -1, lastEnd: -1 });
  while (i < n) {
    skipBlank();
    if (i >= n) break;
    const start = i;
    if (text[i] === '[') {
      const isArray = text[i + 1] === '[';
      i += isArray ? 2 : 1;
      table = resolveHeader(readKey(), isArray);
      tables.set(keyOf(table), { kind: 'section', headerStart: start, lastStart: -1, lastEnd: -1 });
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const key = readKey();
    if (key.length === 0) {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    skipSpaces();
    if (text[i] === '=') i++;
    skipSpaces();
    const full = [...table, ...key];
    scanValue(full, start, 0, {});
    const end = i;
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
    while (i < n && text[i] !== '\n') i++;
  }
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
    const table = scan.tables.get(span.inInline);
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
