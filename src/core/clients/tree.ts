// A small format-neutral document tree with positions, so JSON, TOML and YAML share one server reader.
import type { Position } from '../model.js';

export type LNode = LObject | LArray | LScalar;

export interface LObject {
  t: 'object';
  pos: Position;
  entries: LEntry[];
}

export interface LArray {
  t: 'array';
  pos: Position;
  items: LNode[];
}

export interface LScalar {
  t: 'scalar';
  pos: Position;
  value: unknown;
}

export interface LEntry {
  key: string;
  keyPos: Position;
  value: LNode;
}

/** The value of `key` in an object node (the last one wins, as in JSON.parse). */
export function member(node: LNode | undefined, key: string): LNode | undefined {
  if (node?.t !== 'object') return undefined;
  let found: LNode | undefined;
  for (const entry of node.entries) if (entry.key === key) found = entry.value;
  return found;
}

/** Entries of an object node with duplicate keys collapsed to the last one, in first-seen order. */
export function uniqueEntries(node: LObject): LEntry[] {
  const byKey = new Map<string, LEntry>();
  // A Map keeps the first insertion's order when a key is set again: the order JSON.parse gives.
  for (const entry of node.entries) byKey.set(entry.key, entry);
  return [...byKey.values()];
}

/** 1-based line/column of character offsets in a text. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] ?? 0) + 1 };
  }
}
