// A string array changed item by item, for the JSON, TOML and YAML (flow sequence) editors: when the new list is the old
// one with some items removed and others added at the end (every list change the plan makes), only
// those items' bytes change. Comments inside the array, its layout and the other items stay; the
// whole array is rewritten only for other changes.
import { applyEdits, lineEnd, lineEndWithBreak, lineStart, type TextEdit } from './text.js';

/** Where an array is written: its brackets (`start` at `[`, `end` just past `]`) and its items. */
export interface ArraySpan {
  start: number;
  end: number;
  items: readonly { start: number; end: number }[];
}

export interface ArraySyntax {
  /** An item's text. */
  quote(value: string): string;
  /** A comment running to the end of the line (source of a RegExp, anchored by the caller). */
  lineComment: string;
}

/**
 * `next` as `old` with the items at `removed` taken out and `appended` added at the end; undefined
 * when that would keep no item of `old` (nothing to anchor the edit to: the caller rewrites).
 */
export function splitChange(old: readonly string[], next: readonly string[]): { removed: number[]; appended: string[] } | undefined {
  const removed: number[] = [];
  let j = 0;
  old.forEach((value, i) => {
    if (j < next.length && next[j] === value) j++;
    else removed.push(i);
  });
  if (removed.length === old.length) return undefined;
  return { removed, appended: next.slice(j) };
}

/** A separating comma right after `offset` (blanks before it allowed): its offset, or -1. */
function commaAfter(text: string, offset: number): number {
  const m = /^[ \t]*,/.exec(text.slice(offset));
  return m ? offset + m[0].length - 1 : -1;
}

/**
 * The item alone on its line: blanks before it, and after it only a comma, blanks and a comment;
 * the brackets on other lines.
 */
function ownsLine(text: string, span: ArraySpan, item: { start: number; end: number }, syntax: ArraySyntax): boolean {
  const from = lineStart(text, item.start);
  const to = lineEnd(text, item.end);
  return (
    from > span.start &&
    to < span.end - 1 &&
    /^[ \t]*$/.test(text.slice(from, item.start)) &&
    new RegExp(`^[ \\t]*,?[ \\t]*(?:${syntax.lineComment})?$`).test(text.slice(item.end, to))
  );
}

/** Edits taking out the items at `removed` (ascending; at least one item stays). */
function removeItems(text: string, span: ArraySpan, removed: readonly number[], syntax: ArraySyntax): TextEdit[] {
  const items = span.items;
  const n = items.length;
  const gone = new Set(removed);
  const lastKept = Math.max(...items.map((_, i) => i).filter((i) => !gone.has(i)));
  if (removed.every((i) => ownsLine(text, span, items[i]!, syntax))) {
    // One item a line: their lines go (with a comment on them); comment lines between items stay.
    const edits: TextEdit[] = removed.map((i) => {
      const from = lineStart(text, items[i]!.start);
      return { offset: from, length: lineEndWithBreak(text, items[i]!.end) - from, content: '' };
    });
    // The old last item had no comma after it: nor may the new last one.
    if (gone.has(n - 1) && commaAfter(text, items[n - 1]!.end) < 0) {
      const comma = commaAfter(text, items[lastKept]!.end);
      if (comma >= 0) edits.push({ offset: comma, length: 1, content: '' });
    }
    return edits;
  }
  // Otherwise each run of removed items goes with the separator after it, or before it at the end.
  const edits: TextEdit[] = [];
  for (let s = 0; s < n; s++) {
    if (!gone.has(s)) continue;
    let e = s;
    while (gone.has(e + 1)) e++;
    edits.push(
      e < n - 1
        ? { offset: items[s]!.start, length: items[e + 1]!.start - items[s]!.start, content: '' }
        : { offset: items[s - 1]!.end, length: items[e]!.end - items[s - 1]!.end, content: '' },
    );
    s = e;
  }
  return edits;
}

/** Edits adding `values` after the last item (there is one), laid out as the array is. */
function appendItems(text: string, span: ArraySpan, values: readonly string[], syntax: ArraySyntax, eol: string): TextEdit[] {
  const items = span.items;
  const last = items[items.length - 1]!;
  const quoted = values.map((v) => syntax.quote(v));
  const trailing = commaAfter(text, last.end) >= 0;
  if (ownsLine(text, span, last, syntax)) {
    // Each on its own line after the last item's, indented like it; the comma goes right after the
    // old last item, before any comment on its line.
    const indent = text.slice(lineStart(text, last.start), last.start);
    const lines = quoted.map((q, k) => `${eol}${indent}${q}${k < quoted.length - 1 || trailing ? ',' : ''}`).join('');
    const edits: TextEdit[] = [{ offset: lineEnd(text, last.end), length: 0, content: lines }];
    if (!trailing) edits.push({ offset: last.end, length: 0, content: ',' });
    return edits;
  }
  // On the last item's line, separated as the first two items are.
  const [a, b] = items;
  const between = a && b ? text.slice(a.end, b.start) : '';
  const sep = /^,[ \t]*$/.test(between) ? between : ', ';
  return [{ offset: last.end, length: 0, content: quoted.map((q) => sep + q).join('') }];
}

/** The string array an editor finds in a text: where it is written and its values. */
export type StringArrayAt = (text: string) => { span: ArraySpan; values: string[] } | undefined;

/**
 * `value` written item by item over the array `at` finds (removals, then additions on the text
 * they leave); undefined when that is not how `value` follows from the array (the caller rewrites it).
 */
export function editStringArray(text: string, at: StringArrayAt, value: readonly string[], syntax: ArraySyntax, eol: string): string | undefined {
  const old = at(text);
  const split = old && splitChange(old.values, value);
  if (!old || !split) return undefined;
  let out = split.removed.length ? applyEdits(text, removeItems(text, old.span, split.removed, syntax)) : text;
  const now = split.appended.length ? at(out) : undefined;
  if (now) out = applyEdits(out, appendItems(out, now.span, split.appended, syntax, eol));
  return out;
}
