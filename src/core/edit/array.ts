// A string array changed item by item, for the JSON, TOML and YAML editors. The new list is lined
// up with the old one (longest common subsequence): items both have stay byte for byte, an old item
// whose place a new one takes is replaced in place, the others are removed or inserted. Comments
// inside the array, its layout and the items that stay are kept; an array with no items is the one
// case the caller writes whole.
import { applyEdits, lineEnd, lineEndWithBreak, lineStart, type TextEdit } from './text.js';

/**
 * Where an array is written: its brackets (`start` at `[`, `end` just past `]`; a block sequence,
 * which has none, from its first item to the end of its last) and its items.
 */
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
  /** A YAML block sequence: no brackets and no commas; each item alone on its line after `- `. */
  block?: boolean;
}

/** How a new list follows from an old one, by the old one's item indexes. */
export interface ArrayChange {
  /** Old items that take a new value where they are. */
  replaced: Map<number, string>;
  /** Old items that go (ascending). */
  removed: number[];
  /** New items to insert before an old item that stays or is replaced. */
  before: Map<number, string[]>;
  /** New items after the last old item that stays or is replaced. */
  appended: string[];
}

/**
 * Lines `next` up with `old`; undefined when no old item would stay or be replaced (an empty old
 * list, or an empty new one): nothing to anchor an edit to.
 */
export function arrayChange(old: readonly string[], next: readonly string[]): ArrayChange | undefined {
  const n = old.length;
  const m = next.length;
  // lcs[a][b]: the length of the longest common subsequence of old[a..] and next[b..].
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let a = n - 1; a >= 0; a--) {
    for (let b = m - 1; b >= 0; b--) lcs[a]![b] = old[a] === next[b] ? lcs[a + 1]![b + 1]! + 1 : Math.max(lcs[a + 1]![b]!, lcs[a]![b + 1]!);
  }
  const change: ArrayChange = { replaced: new Map(), removed: [], before: new Map(), appended: [] };
  // Between two items both lists have: old items and new values are paired off as replacements;
  // old ones left over are removed, new ones go in before the next item that stays.
  let i = 0;
  let j = 0;
  const gap = (oldTo: number, newTo: number) => {
    const pairs = Math.min(oldTo - i, newTo - j);
    for (let k = 0; k < pairs; k++) change.replaced.set(i + k, next[j + k]!);
    for (let k = i + pairs; k < oldTo; k++) change.removed.push(k);
    const inserted = next.slice(j + pairs, newTo);
    if (inserted.length && oldTo < n) change.before.set(oldTo, inserted);
    else change.appended.push(...inserted);
  };
  let a = 0;
  let b = 0;
  while (a < n && b < m) {
    if (old[a] === next[b]) {
      gap(a, b);
      i = ++a;
      j = ++b;
    } else if (lcs[a + 1]![b]! >= lcs[a]![b + 1]!) a++;
    else b++;
  }
  gap(n, m);
  return change.removed.length === n ? undefined : change;
}

/** A separating comma right after `offset` (blanks before it allowed): its offset, or -1. */
function commaAfter(text: string, offset: number): number {
  const m = /^[ \t]*,/.exec(text.slice(offset));
  return m ? offset + m[0].length - 1 : -1;
}

/**
 * The item alone on its line: before it only blanks (and a block item's `- `), after it only a
 * comma, blanks and a comment; the brackets on other lines.
 */
function ownsLine(text: string, span: ArraySpan, item: { start: number; end: number }, syntax: ArraySyntax): boolean {
  const from = lineStart(text, item.start);
  const to = lineEnd(text, item.end);
  return (
    (syntax.block === true || (from > span.start && to < span.end - 1)) &&
    (syntax.block ? /^[ \t]*-[ \t]+$/ : /^[ \t]*$/).test(text.slice(from, item.start)) &&
    new RegExp(`^[ \\t]*,?[ \\t]*(?:${syntax.lineComment})?$`).test(text.slice(item.end, to))
  );
}

/** What comes before an item on its line: its indent (and a block item's `- `). */
const leadOf = (text: string, item: { start: number }) => text.slice(lineStart(text, item.start), item.start);

/** The separator the array's first two items have (`, ` when it has fewer or they are on two lines). */
function separatorOf(text: string, span: ArraySpan): string {
  const [a, b] = span.items;
  const between = a && b ? text.slice(a.end, b.start) : '';
  return /^,[ \t]*$/.test(between) ? between : ', ';
}

/** Edits for everything but `appended`: replacements, removals and insertions before an item. */
function editsInPlace(text: string, span: ArraySpan, change: ArrayChange, syntax: ArraySyntax, eol: string): TextEdit[] {
  const items = span.items;
  const n = items.length;
  const edits: TextEdit[] = [...change.replaced].map(([k, v]) => ({ offset: items[k]!.start, length: items[k]!.end - items[k]!.start, content: syntax.quote(v) }));
  for (const [k, values] of change.before) {
    const item = items[k]!;
    if (ownsLine(text, span, item, syntax)) {
      // One a line, above the item, indented like it.
      const comma = syntax.block ? '' : ',';
      edits.push({ offset: lineStart(text, item.start), length: 0, content: values.map((v) => `${leadOf(text, item)}${syntax.quote(v)}${comma}${eol}`).join('') });
    } else {
      const sep = separatorOf(text, span);
      edits.push({ offset: item.start, length: 0, content: values.map((v) => syntax.quote(v) + sep).join('') });
    }
  }
  const gone = new Set(change.removed);
  if (gone.size === 0) return edits;
  const lastLeft = Math.max(...items.map((_, k) => k).filter((k) => !gone.has(k)));
  if (change.removed.every((k) => ownsLine(text, span, items[k]!, syntax))) {
    // One item a line: their lines go (with a comment on them); comment lines between items stay.
    for (const k of change.removed) {
      const from = lineStart(text, items[k]!.start);
      edits.push({ offset: from, length: lineEndWithBreak(text, items[k]!.end) - from, content: '' });
    }
    // The old last item had no comma after it: nor may the new last one.
    if (!syntax.block && gone.has(n - 1) && commaAfter(text, items[n - 1]!.end) < 0) {
      const comma = commaAfter(text, items[lastLeft]!.end);
      if (comma >= 0) edits.push({ offset: comma, length: 1, content: '' });
    }
    return edits;
  }
  // Otherwise each run of removed items goes with the separator after it, or before it at the end.
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
    const comma = (k: number) => (!syntax.block && (k < quoted.length - 1 || trailing) ? ',' : '');
    const lines = quoted.map((q, k) => `${eol}${leadOf(text, last)}${q}${comma(k)}`).join('');
    const edits: TextEdit[] = [{ offset: lineEnd(text, last.end), length: 0, content: lines }];
    if (!trailing && !syntax.block) edits.push({ offset: last.end, length: 0, content: ',' });
    return edits;
  }
  // On the last item's line, separated as the first two items are.
  const sep = separatorOf(text, span);
  return [{ offset: last.end, length: 0, content: quoted.map((q) => sep + q).join('') }];
}

/** The string array an editor finds in a text: where it is written and its values. */
export type StringArrayAt = (text: string) => { span: ArraySpan; values: string[] } | undefined;

/**
 * `value` written item by item over the array `at` finds (see the top of this file; additions at
 * the end on the text the other edits leave); undefined when it cannot be (the caller rewrites it).
 */
export function editStringArray(text: string, at: StringArrayAt, value: readonly string[], syntax: ArraySyntax, eol: string): string | undefined {
  const old = at(text);
  const change = old && arrayChange(old.values, value);
  if (!old || !change) return undefined;
  // A block sequence is edited by its lines only.
  if (syntax.block && !old.span.items.every((item) => ownsLine(text, old.span, item, syntax))) return undefined;
  let out = applyEdits(text, editsInPlace(text, old.span, change, syntax, eol));
  const now = change.appended.length ? at(out) : undefined;
  if (now) out = applyEdits(out, appendItems(out, now.span, change.appended, syntax, eol));
  return out;
}
