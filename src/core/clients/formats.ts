// Tolerant readers for JSON(C), TOML and YAML that keep positions. They never throw on bad input,
// and their error messages are fixed words plus a position: never a piece of the file, which may
// hold a secret.
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError as JsonError } from 'jsonc-parser';
import { parseToml, tomlLib } from '../toml-lib.js';
import type { Document } from 'yaml';
import { yamlLib } from '../yaml-lib.js';
import type { ConfigFormat, ParseError, Position } from '../model.js';
import { scanTomlText, tomlPathKey as pathKey, type TomlPath } from '../toml-text.js';
import { LineIndex, type LEntry, type LNode } from './tree.js';

export interface ReadResult {
  /** Absent for an empty YAML document. */
  root?: LNode;
  error?: ParseError;
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function readDocument(format: ConfigFormat, text: string): ReadResult {
  const body = stripBom(text);
  try {
    switch (format) {
      case 'json':
        return readJson(body);
      case 'toml':
        return readToml(body);
      case 'yaml':
        return readYaml(body);
    }
  } catch {
    // The libraries report errors rather than throw, but an unexpected throw must not stop a scan.
    return { error: { message: 'Could not read the file at 1:1', line: 1, column: 1 } };
  }
}

function error(words: string, pos: Position): ParseError {
  return { message: `${words} at ${pos.line}:${pos.column}`, line: pos.line, column: pos.column };
}

// ---------------------------------------------------------------- JSON

const JSON_ERROR_WORDS: Record<string, string> = {
  InvalidSymbol: 'Invalid symbol',
  InvalidNumberFormat: 'Invalid number format',
  PropertyNameExpected: 'Expected a property name',
  ValueExpected: 'Expected a value',
  ColonExpected: 'Expected colon',
  CommaExpected: 'Expected comma',
  CloseBraceExpected: 'Expected closing brace',
  CloseBracketExpected: 'Expected closing bracket',
  EndOfFileExpected: 'Expected end of file',
  InvalidCommentToken: 'Invalid comment',
  UnexpectedEndOfComment: 'Unterminated comment',
  UnexpectedEndOfString: 'Unterminated string',
  UnexpectedEndOfNumber: 'Unterminated number',
  InvalidUnicode: 'Invalid unicode escape',
  InvalidEscapeCharacter: 'Invalid escape character',
  InvalidCharacter: 'Invalid character',
};

function readJson(text: string): ReadResult {
  const lines = new LineIndex(text);
  const errors: JsonError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first !== undefined) {
    const words = JSON_ERROR_WORDS[printParseErrorCode(first.error)] ?? 'Invalid JSON';
    return { error: error(words, lines.position(first.offset)) };
  }
  if (tree === undefined) return { error: error('Expected a value', { line: 1, column: 1 }) };
  return { root: fromJson(tree, lines) };
}

function fromJson(node: JsonNode, lines: LineIndex): LNode {
  const pos = lines.position(node.offset);
  if (node.type === 'object') {
    const entries: LEntry[] = [];
    for (const prop of node.children ?? []) {
      const [keyNode, valueNode] = prop.children ?? [];
      if (keyNode === undefined || valueNode === undefined) continue;
      entries.push({
        key: String(keyNode.value),
        keyPos: lines.position(keyNode.offset),
        value: fromJson(valueNode, lines),
      });
    }
    return { t: 'object', pos, entries };
  }
  if (node.type === 'array') {
    return { t: 'array', pos, items: (node.children ?? []).map((child) => fromJson(child, lines)) };
  }
  // A string's position is its first character inside the quotes, so that an offset into the value
  // (where a secret starts) maps to a real column.
  if (node.type === 'string') return { t: 'scalar', pos: lines.position(node.offset + 1), value: node.value };
  return { t: 'scalar', pos, value: node.value };
}

// ---------------------------------------------------------------- YAML

function readYaml(text: string): ReadResult {
  const { LineCounter, parseDocument } = yamlLib();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const first = doc.errors[0];
  if (first !== undefined) {
    // The error code, not the library's message: the message can quote the document.
    const words = first.code.toLowerCase().replace(/_/g, ' ');
    return { error: error(words.charAt(0).toUpperCase() + words.slice(1), position(first.pos[0])) };
  }
  if (doc.contents === null) return {};
  return { root: fromYaml(doc.contents, doc, position, { line: 1, column: 1 }, 0) };
}

function fromYaml(
  node: unknown,
  doc: Document,
  position: (offset: number) => Position,
  fallback: Position,
  depth: number,
): LNode {
  const { isAlias, isMap, isScalar, isSeq } = yamlLib();
  const range = (node as { range?: [number, number, number] | null } | null)?.range;
  const pos = range ? position(range[0]) : fallback;
  if (depth > 64) return { t: 'scalar', pos, value: undefined };
  if (isAlias(node)) {
    return fromYaml(node.resolve(doc), doc, position, pos, depth + 1);
  }
  if (isMap(node)) {
    const entries: LEntry[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const keyRange = (keyNode as { range?: [number, number, number] | null } | null)?.range;
      const keyPos = keyRange ? position(keyRange[0]) : pos;
      entries.push({ key, keyPos, value: fromYaml(pair.value, doc, position, keyPos, depth + 1) });
    }
    return { t: 'object', pos, entries };
  }
  if (isSeq(node)) {
    return { t: 'array', pos, items: node.items.map((item) => fromYaml(item, doc, position, pos, depth + 1)) };
  }
  if (isScalar(node)) return { t: 'scalar', pos, value: node.value };
  return { t: 'scalar', pos, value: node ?? null };
}

// ---------------------------------------------------------------- TOML

function readToml(text: string): ReadResult {
  let value: Record<string, unknown>;
  try {
    value = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof tomlLib().TomlError) {
      const head = (e.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '');
      const words = head.charAt(0).toUpperCase() + head.slice(1);
      return { error: error(words || 'Invalid TOML', { line: e.line, column: e.column }) };
    }
    return { error: error('Invalid TOML', { line: 1, column: 1 }) };
  }
  const positions = tomlPositions(text);
  return { root: fromPlain(value, [], { line: 1, column: 1 }, positions) };
}

interface TomlPositions {
  /** Where a key (or a table header) is declared. */
  keys: Map<string, Position>;
  /** Where a value starts. */
  values: Map<string, Position>;
}

function fromPlain(value: unknown, path: TomlPath, pos: Position, positions: TomlPositions): LNode {
  if (Array.isArray(value)) {
    return {
      t: 'array',
      pos,
      items: value.map((item, i) => {
        const child = [...path, i];
        return fromPlain(item, child, positions.values.get(pathKey(child)) ?? pos, positions);
      }),
    };
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const entries: LEntry[] = Object.entries(value).map(([key, child]) => {
      const childPath = [...path, key];
      const keyPos = positions.keys.get(pathKey(childPath)) ?? positions.values.get(pathKey(childPath)) ?? pos;
      const valuePos = positions.values.get(pathKey(childPath)) ?? keyPos;
      return { key, keyPos, value: fromPlain(child, childPath, valuePos, positions) };
    });
    return { t: 'object', pos, entries };
  }
  return { t: 'scalar', pos, value };
}

/** Finds where each key, table header and value of a TOML document is written. */
function tomlPositions(text: string): TomlPositions {
  const lines = new LineIndex(text);
  const keys = new Map<string, Position>();
  const values = new Map<string, Position>();
  const explicit = new Set<string>();

  // A key is declared where it is written; a table named only as a parent (`a` of `[a.b]`) where it
  // is first mentioned.
  const declare = (path: TomlPath, pos: Position, isExplicit: boolean): void => {
    const k = pathKey(path);
    if (isExplicit) {
      if (!explicit.has(k)) keys.set(k, pos);
      explicit.add(k);
    } else if (!keys.has(k)) {
      keys.set(k, pos);
    }
  };
  const declareWithParents = (path: TomlPath, pos: Position): void => {
    for (let j = 1; j < path.length; j++) declare(path.slice(0, j), pos, false);
    declare(path, pos, true);
  };

  scanTomlText(text, {
    header: (path, start, isArray) => {
      const pos = lines.position(start);
      // `[[a]]` declares the array `a` and its new element `a[n]`.
      declareWithParents(isArray ? path.slice(0, -1) : path, pos);
      if (isArray) declare(path, pos, true);
    },
    key: (path, start) => declareWithParents(path, lines.position(start)),
    value: (span) => values.set(pathKey(span.path), lines.position(span.start)),
  });
  return { keys, values };
}
