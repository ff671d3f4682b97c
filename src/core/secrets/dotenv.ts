// .env files: KEY=value lines, as dotenv reads them. Pure: the caller passes the text in.

export interface DotenvEntry {
  key: string;
  /** The value as the program sees it: quotes removed, `\n` escapes expanded in double quotes. */
  value: string;
  /** 1-based line of the key. */
  line: number;
  /** 1-based column of the value's first character (inside the quotes when quoted). */
  column: number;
  /** The quote around the value, when there is one. */
  quote?: '"' | "'" | '`';
}

const ASSIGNMENT = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*|\s*:\s+)/;

function unescapeDouble(s: string): string {
  return s.replace(/\\([nrt"\\$])/g, (_m, c: string) =>
    c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c,
  );
}

/** Finds the closing quote at or after `from`; for double quotes a backslash escapes it. */
function closingQuote(s: string, quote: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (quote === '"' && s[i] === '\\') {
      i++;
      continue;
    }
    if (s[i] === quote) return i;
  }
  return -1;
}

export function parseDotenv(text: string): DotenvEntry[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const entries: DotenvEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineText = lines[i]!;
    const m = ASSIGNMENT.exec(lineText);
    if (!m) continue; // blank lines, comments, anything that is not an assignment
    const valueAt = m[0].length;
    const rest = lineText.slice(valueAt);
    const key = m[2]!;
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      // A quoted value may span lines (PEM keys); it ends at the matching quote.
      let body = rest.slice(1);
      let close = closingQuote(body, quote, 0);
      let j = i;
      while (close < 0 && j + 1 < lines.length) {
        j++;
        const from = body.length + 1;
        body += '\n' + lines[j]!;
        close = closingQuote(body, quote, from);
      }
      if (close >= 0) {
        const raw = body.slice(0, close);
        entries.push({
          key,
          value: quote === '"' ? unescapeDouble(raw) : raw,
          line: i + 1,
          column: valueAt + 2,
          quote,
        });
        i = j;
        continue;
      }
      // Unterminated quote: dotenv keeps the rest of the line as written.
    }
    const hash = /\s#/.exec(rest);
    const value = (hash ? rest.slice(0, hash.index) : rest).trimEnd();
    entries.push({ key, value: rest.startsWith('#') ? '' : value, line: i + 1, column: valueAt + 1 });
  }
  return entries;
}
