// Pure text helpers for fixed-width rows: pad or cut a cell, and pick the visible window of a list.

/** `text` cut to `width` columns (with …) or padded with spaces to exactly `width`. */
export function cell(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length > width) return chars.slice(0, Math.max(0, width - 1)).join('') + '…';
  return text + ' '.repeat(width - chars.length);
}

/** The slice of a list of `total` rows to show in `size` rows so that `cursor` stays visible. */
export function visibleWindow(total: number, cursor: number, size: number): { start: number; end: number } {
  const n = Math.max(1, size);
  if (total <= n) return { start: 0, end: total };
  const start = Math.max(0, Math.min(cursor - Math.floor(n / 2), total - n));
  return { start, end: start + n };
}

export function mode(m: number): string {
  return m.toString(8).padStart(3, '0');
}

/** Splits text into lines of at most `width` columns, at spaces where it can. */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ' ' + word;
    else {
      out.push(line);
      line = word;
    }
    while (line.length > width) {
      out.push(line.slice(0, width));
      line = line.slice(width);
    }
  }
  if (line) out.push(line);
  return out;
}
