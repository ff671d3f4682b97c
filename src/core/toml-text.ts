// Where things are written in a TOML document: table headers, keys, values and inline tables, as
// offsets into the text. smol-toml gives the data but no positions; the config reader needs them for
// findings and the editor for text edits. Runs only on text smol-toml has accepted, so it does not
// validate; it only has to keep in step with the document's structure.

export type TomlPath = readonly (string | number)[];

/** A path as a map key. */
export const tomlPathKey = (path: TomlPath): string => JSON.stringify(path);

export interface TomlValueSpan {
  path: TomlPath;
  /** Offsets of the value's text, without trailing blanks or a comment. */
  start: number;
  end: number;
  kind: 'string' | 'array' | 'inline' | 'other';
  /** Where the key/value pair holding this value starts (array items: the item start). */
  stmtStart: number;
  /** Set for a member of an inline table: the table's path. */
  inInline?: TomlPath;
  /** Set for an array item. */
  item?: boolean;
}

/** What the scan reports, in document order (a value after the values inside it). */
export interface TomlVisitor {
  /** A `[table]` or `[[array]]` header at `start`; the path of an array of tables goes into its newest element. */
  header?(path: TomlPath, start: number, isArray: boolean): void;
  /** The key of a key/value pair, top level or inside an inline table, at `start`; before its value. */
  key?(path: TomlPath, start: number): void;
  value?(span: TomlValueSpan): void;
  /** An inline table: the offsets of its braces. */
  inline?(path: TomlPath, open: number, close: number): void;
  /** A top-level key/value pair of `table`, from the start of its key to the end of its value. */
  pair?(table: TomlPath, key: readonly string[], start: number, end: number): void;
}

/** Nesting deeper than this is skipped over as plain text (smol-toml has its own limit). */
const MAX_DEPTH = 64;

export function scanTomlText(text: string, visit: TomlVisitor): void {
  const n = text.length;
  const arrayTables = new Map<string, number>();
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
  const skipLine = (): void => {
    while (i < n && text[i] !== '\n') i++;
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
  /** Skips a string starting at `i`; false when none starts there. */
  const skipString = (): boolean => {
    if (text.startsWith('"""', i)) skipMultiline('"""');
    else if (text.startsWith("'''", i)) skipMultiline("'''");
    else if (text[i] === '"') skipBasic();
    else if (text[i] === "'") skipLiteral();
    else return false;
    return true;
  };
  const readKey = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      skipSpaces();
      const c = text[i];
      const start = i;
      if (c === '"') {
        skipBasic();
        parts.push(unquoteBasic(text.slice(start, i)));
      } else if (c === "'") {
        skipLiteral();
        parts.push(text.slice(start + 1, i - 1));
      } else {
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
  const skipEquals = (): void => {
    skipSpaces();
    if (text[i] === '=') i++;
    skipSpaces();
  };

  const scanValue = (path: TomlPath, stmtStart: number, depth: number, extra: { inInline?: TomlPath; item?: boolean }): void => {
    const start = i;
    const c = text[i];
    let kind: TomlValueSpan['kind'] = 'other';
    if (skipString()) {
      kind = 'string';
    } else if (c === '[' && depth < MAX_DEPTH) {
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
    } else if (c === '{' && depth < MAX_DEPTH) {
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
        visit.key?.([...path, ...key], memberStart);
        skipEquals();
        scanValue([...path, ...key], memberStart, depth + 1, { inInline: path });
      }
      visit.inline?.(path, open, i);
      i++;
    } else {
      while (i < n && !',]}\r\n#'.includes(text[i] ?? '')) i++;
      while (i > start && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
    }
    visit.value?.({ path, start, end: i, kind, stmtStart, ...extra });
  };

  /** A header's keys as a path: a key naming an array of tables goes on into its last element. */
  const resolveHeader = (key: string[], isArray: boolean): TomlPath => {
    const out: (string | number)[] = [];
    key.forEach((part, j) => {
      out.push(part);
      const count = arrayTables.get(tomlPathKey(out));
      if (j === key.length - 1 && isArray) {
        const index = (count ?? -1) + 1;
        arrayTables.set(tomlPathKey(out), index);
        out.push(index);
      } else if (count !== undefined) {
        out.push(count);
      }
    });
    return out;
  };

  let table: TomlPath = [];
  while (i < n) {
    skipBlank();
    if (i >= n) break;
    const start = i;
    if (text[i] === '[') {
      const isArray = text[i + 1] === '[';
      i += isArray ? 2 : 1;
      table = resolveHeader(readKey(), isArray);
      visit.header?.(table, start, isArray);
      skipLine();
      continue;
    }
    const key = readKey();
    if (key.length === 0) {
      skipLine();
      continue;
    }
    const full = [...table, ...key];
    visit.key?.(full, start);
    skipEquals();
    scanValue(full, start, 0, {});
    visit.pair?.(table, key, start, i);
    skipLine();
  }
}

/** The text of a basic string, quotes included, decoded; its raw inside when it cannot be. */
export function unquoteBasic(raw: string): string {
  try {
    // JSON has no \UXXXXXXXX: it becomes the character's \u escapes first.
    return JSON.parse(raw.replace(/\\U([0-9A-Fa-f]{8})/g, (_m, h: string) => JSON.stringify(String.fromCodePoint(parseInt(h, 16))).slice(1, -1))) as string;
  } catch {
    return raw.slice(1, -1);
  }
}
