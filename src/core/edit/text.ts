// Offset-based text edits and the small facts about a text every editor needs (line endings, BOM).
import { EditError } from './errors.js';

export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

/** Applies non-overlapping edits; they are applied from the end so earlier offsets stay valid. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.offset - a.offset || b.length - a.length);
  let out = text;
  let limit = text.length;
  for (const edit of sorted) {
    if (edit.offset < 0 || edit.length < 0 || edit.offset + edit.length > limit) {
      throw new EditError('Text edits overlap or fall outside the text');
    }
    out = out.slice(0, edit.offset) + edit.content + out.slice(edit.offset + edit.length);
    limit = edit.offset;
  }
  return out;
}

/** The file's line ending: CRLF when it has any, else LF. */
export function detectEol(text: string): '\n' | '\r\n' {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

export const BOM = '\uFEFF';

export function splitBom(text: string): { bom: string; body: string } {
  return text.charCodeAt(0) === 0xfeff ? { bom: BOM, body: text.slice(1) } : { bom: '', body: text };
}

/** Offset of the start of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just past the end of the line holding `offset`, its line break included. */
export function lineEndWithBreak(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/** Offset of the line break ending the line holding `offset` (the CR of a CRLF), or the text's end. */
export function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl < 0) return text.length;
  return nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
}

/** The leading spaces and tabs of the line holding `offset`. */
export function indentOf(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '';
}

/** Lines with their own line breaks, so that joining them gives the text back exactly. */
export function splitLines(text: string): string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g);
  return lines ?? [];
}

/** A line without its line break. */
export function stripBreak(line: string): string {
  return line.replace(/\r?\n$/, '');
}
