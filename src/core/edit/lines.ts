// Line-level edits: .env values, shell history lines, .gitignore entries. Every line not named keeps
// its bytes, its line break (CRLF stays CRLF) and its place.
import { parseDotenv, type DotenvEntry } from '../secrets/dotenv.js';
import { EditError } from './errors.js';
import { detectEol, splitBom, splitLines, stripBreak } from './text.js';

/** Removes whole lines (1-based). A removed last line of a file without a final line break leaves the file without one. */
function dropLines(lines: string[], drop: ReadonlySet<number>): string {
  const kept: string[] = [];
  lines.forEach((line, k) => {
    if (!drop.has(k + 1)) kept.push(line);
  });
  const originalEndsWithBreak = (lines[lines.length - 1] ?? '\n').endsWith('\n');
  if (!originalEndsWithBreak && kept.length > 0 && drop.has(lines.length)) {
    kept[kept.length - 1] = stripBreak(kept[kept.length - 1] ?? '');
  }
  return kept.join('');
}

export function removeLines(text: string, lineNumbers: readonly number[]): string {
  const { bom, body } = splitBom(text);
  const lines = splitLines(body);
  for (const n of lineNumbers) {
    if (!Number.isInteger(n) || n < 1 || n > lines.length) {
      throw new EditError(`Line ${n} is not in the file (it has ${lines.length} lines); nothing was removed`);
    }
  }
  return bom + dropLines(lines, new Set(lineNumbers));
}

export function appendGitignore(text: string, entries: readonly string[]): string {
  const eol = detectEol(text);
  const present = new Set(splitLines(splitBom(text).body).map((line) => stripBreak(line).trimEnd()));
  const add: string[] = [];
  for (const entry of entries) {
    if (/[\r\n]/.test(entry)) throw new EditError('A .gitignore entry cannot span lines');
    if (entry === '' || present.has(entry)) continue;
    present.add(entry);
    add.push(entry);
  }
  if (add.length === 0) return text;
  const lead = text === '' || text === '\uFEFF' || text.endsWith('\n') ? '' : eol;
  return text + lead + add.map((e) => e + eol).join('');
}

type Quote = '"' | "'" | '`' | '';

/** How a .env value is written in the given quote, or undefined when that quote cannot hold it. */
function quoted(value: string, quote: Quote): string | undefined {
  switch (quote) {
    case '':
      // Unquoted: no blanks (a shell sourcing the file would split there), no comment marker,
      // nothing a reader would take as a quote.
      if (/\s/.test(value) || /^#/.test(value) || /^["'`]/.test(value)) return undefined;
      return value;
    case "'":
    case '`':
      return value.includes(quote) || /[\r\n]/.test(value) ? undefined : quote + value + quote;
    case '"':
      // dotenv expands \n (and \r) in double quotes and nothing else reliably: a backslash or a
      // double quote inside cannot be written safely.
      if (value.includes('"') || value.includes('\\')) return undefined;
      return '"' + value.replace(/\r/g, '\\r').replace(/\n/g, '\\n') + '"';
  }
}

function writeValue(value: string, preferred: Quote): string {
  for (const quote of [preferred, '"', "'", '`'] as const) {
    const out = quoted(value, quote);
    if (out !== undefined) return out;
  }
  throw new EditError('A value cannot be written in a .env file: it holds every kind of quote');
}

/** Where an entry's value is written: from the opening quote (if any) to the closing one, across lines. */
function valueSpan(lines: string[], entry: DotenvEntry): { firstLine: number; start: number; endLine: number; end: number } {
  const first = entry.line - 1;
  const line = stripBreak(lines[first] ?? '');
  if (entry.quote === undefined) {
    const start = entry.column - 1;
    return { firstLine: first, start, endLine: first, end: start + entry.value.length };
  }
  const start = entry.column - 2;
  // Find the closing quote as dotenv does: a backslash escapes a double quote.
  let k = first;
  let from = start + 1;
  let text = line;
  for (;;) {
    for (let j = from; j < text.length; j++) {
      if (entry.quote === '"' && text[j] === '\\') {
        j++;
        continue;
      }
      if (text[j] === entry.quote) return { firstLine: first, start, endLine: k, end: j + 1 };
    }
    k++;
    if (k >= lines.length) throw new EditError(`The value of ${entry.key} has no closing quote; nothing was changed`);
    text = stripBreak(lines[k] ?? '');
    from = 0;
  }
}

export function editDotenv(text: string, changes: readonly { key: string; value: string | null }[]): string {
  const { bom, body } = splitBom(text);
  let lines = splitLines(body);
  for (const change of changes) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(change.key)) throw new EditError(`${JSON.stringify(change.key)} is not a .env key`);
    const entries = parseDotenv(lines.join('')).filter((e) => e.key === change.key);
    if (change.value === null) {
      const drop = new Set<number>();
      for (const entry of entries) {
        const span = valueSpan(lines, entry);
        for (let l = span.firstLine; l <= span.endLine; l++) drop.add(l + 1);
      }
      lines = splitLines(dropLines(lines, drop));
      continue;
    }
    if (entries.length === 0) {
      const eol = detectEol(body);
      const last = lines[lines.length - 1];
      if (last !== undefined && !last.endsWith('\n')) lines[lines.length - 1] = last + eol;
      lines.push(`${change.key}=${writeValue(change.value, '')}${eol}`);
      continue;
    }
    // Every assignment of the key changes (the last one is what dotenv uses, but none may keep the old value).
    for (const entry of [...entries].reverse()) {
      const span = valueSpan(lines, entry);
      const head = stripBreak(lines[span.firstLine] ?? '').slice(0, span.start);
      const lastLine = lines[span.endLine] ?? '';
      let tail = lastLine.slice(span.end);
      // `KEY= # note` had an empty value: the comment needs its blank to stay a comment.
      if (tail.startsWith('#')) tail = ' ' + tail;
      const replaced = head + writeValue(change.value, entry.quote ?? '') + tail;
      lines.splice(span.firstLine, span.endLine - span.firstLine + 1, ...splitLines(replaced));
    }
  }
  return bom + lines.join('');
}
