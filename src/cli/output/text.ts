// Small plain-text layout helpers for the human printer: width, middle truncation, word wrap, `~`.

/** Columns a string takes, counting code points (good enough for paths and ASCII-heavy text). */
export function width(text: string): number {
  return [...text].length;
}

/** Shorten to at most `max` columns by cutting the middle out, so both ends (drive, file name) stay. */
export function truncateMiddle(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max <= 1) return '…'.slice(0, max);
  const keep = max - 1;
  // The end of a path (file name, line number) tells more than its start.
  const head = Math.floor(keep / 2);
  const tail = keep - head;
  return chars.slice(0, head).join('') + '…' + chars.slice(chars.length - tail).join('');
}

/**
 * Word-wrap `text` into lines of at most `max` columns. A single word longer than a line
 * (a path, a URL) is truncated in the middle rather than broken across lines.
 */
export function wrap(text: string, max: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    const words = paragraph.split(/\s+/).filter((w) => w !== '');
    let line = '';
    for (const raw of words) {
      const word = truncateMiddle(raw, max);
      if (line === '') line = word;
      else if (width(line) + 1 + width(word) <= max) line += ' ' + word;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out;
}

function isWindowsPath(p: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

/** Show a path under the home directory as `~/…` (`~\…` for Windows paths). */
export function tildify(path: string, home: string | undefined): string {
  if (!home) return path;
  const windows = isWindowsPath(home);
  const base = home.replace(/[\\/]+$/, '');
  const norm = (s: string) => (windows ? s.toLowerCase() : s);
  if (norm(path) === norm(base)) return '~';
  for (const sep of windows ? ['\\', '/'] : ['/']) {
    if (norm(path).startsWith(norm(base + sep))) return '~' + sep + path.slice(base.length + 1);
  }
  return path;
}

/** Replace the home directory with `~` wherever a path starts inside a command line. */
export function tildifyText(text: string, home: string | undefined): string {
  if (!home) return text;
  const base = home.replace(/[\\/]+$/, '');
  if (base === '') return text;
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Only at the start of a word (or after `=`/a quote) and only a whole path component.
  const re = new RegExp(`(^|[\\s="'])${escaped}(?=[\\\\/\\s"']|$)`, isWindowsPath(base) ? 'gi' : 'g');
  return text.replace(re, '$1~');
}
