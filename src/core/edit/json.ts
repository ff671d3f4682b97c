// JSON and JSONC: a replaced string keeps every other byte of its line; a new key or array is laid
// out by jsonc-parser with the indentation and line ending the file already uses.
import {
  findNodeAtLocation,
  modify,
  parseTree,
  type FormattingOptions,
  type Node as JsonNode,
  type ParseError as JsonError,
} from 'jsonc-parser';
import { editStringArray, type ArraySpan, type ArraySyntax } from './array.js';
import { EditError, showPath } from './errors.js';
import { applyEdits, detectEol, lineEnd, lineStart, splitBom, type TextEdit } from './text.js';
import type { AppendObjectChange, EditChange, JsonValue, SetObjectChange } from './types.js';

/** Indent unit (tabs or N spaces) and line ending, read from the file so additions look like it. */
export function detectJsonFormatting(text: string): FormattingOptions {
  let tabLines = 0;
  let spaceLines = 0;
  let unit = 0;
  let inBlockComment = false;
  for (const line of text.split('\n')) {
    const trimmed = line.trimStart();
    // Lines inside block comments are often aligned by one space (` * …`): not an indent unit.
    const comment = inBlockComment || trimmed.startsWith('*') || trimmed.startsWith('//');
    if (trimmed.includes('/*') && !trimmed.includes('*/')) inBlockComment = true;
    if (inBlockComment && trimmed.includes('*/')) inBlockComment = false;
    if (comment || trimmed === '' || trimmed === '\r') continue;
    const indent = line.slice(0, line.length - trimmed.length);
    if (indent === '') continue;
    if (indent.startsWith('\t')) tabLines++;
    else {
      spaceLines++;
      if (unit === 0 || indent.length < unit) unit = indent.length;
    }
  }
  const eol = detectEol(text);
  if (tabLines > spaceLines) return { insertSpaces: false, tabSize: 4, eol };
  return { insertSpaces: true, tabSize: unit > 0 ? unit : 2, eol };
}

function parse(text: string): JsonNode {
  const errors: JsonError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (root === undefined || errors.length > 0) {
    throw new EditError('The JSON document could not be parsed, so it was not edited');
  }
  return root;
}

const hasNewline = (text: string, node: JsonNode): boolean => /[\r\n]/.test(text.slice(node.offset, node.offset + node.length));

/** `"K": value` with the spacing the object's existing members use around the colon. */
function memberText(text: string, parent: JsonNode, key: string, valueText: string): string {
  const first = parent.children?.[0];
  const [k, v] = first?.children ?? [];
  const colon = k !== undefined && v !== undefined ? text.slice(k.offset + k.length, v.offset) : ': ';
  return `${JSON.stringify(key)}${/^\s*:\s*$/.test(colon) && !/[\r\n]/.test(colon) ? colon : ': '}${valueText}`;
}

/** An array of strings on one line, separated as the array it replaces was. */
function inlineArray(text: string, old: JsonNode | undefined, value: readonly string[]): string {
  let sep = ', ';
  const [a, b] = old?.children ?? [];
  if (a !== undefined && b !== undefined) {
    const between = text.slice(a.offset + a.length, b.offset);
    if (/^,[ \t]*$/.test(between)) sep = between;
  }
  return `[${value.map((s) => JSON.stringify(s)).join(sep)}]`;
}

function editOne(text: string, change: EditChange, formatting: FormattingOptions): string {
  if (change.op === 'append-object') return appendObject(text, change, formatting);
  if (change.op === 'set-object') return setObject(text, change, formatting);
  const root = parse(text);
  const path = change.path as (string | number)[];
  const node = path.length === 0 ? root : findNodeAtLocation(root, path);
  const last = path[path.length - 1];
  const parent = path.length === 0 ? undefined : findNodeAtLocation(root, path.slice(0, -1));
  const where = showPath(change.path);

  if (change.op === 'delete') {
    if (node === undefined) return text;
    if (parent?.type !== 'object' || typeof last !== 'string') {
      throw new EditError(`Cannot delete ${where}: only keys of an object can be deleted`);
    }
    // On one line, jsonc-parser's formatter would spread the object over several lines.
    const options = hasNewline(text, parent) ? { formattingOptions: formatting } : {};
    return applyEdits(text, modify(text, path, undefined, options));
  }

  const valueText =
    change.op === 'set-string'
      ? JSON.stringify(change.value)
      : change.op === 'set-boolean'
        ? String(change.value)
        : inlineArray(text, node?.type === 'array' ? node : undefined, change.value);

  if (node !== undefined) {
    if (change.op === 'set-string' && node.type !== 'string') {
      throw new EditError(`Cannot set ${where}: the value there is not a string`);
    }
    if (change.op === 'set-string-array' && node.type !== 'array') {
      throw new EditError(`Cannot set ${where}: the value there is not an array`);
    }
    if (change.op === 'set-boolean' && node.type !== 'boolean') {
      throw new EditError(`Cannot set ${where}: the value there is not a boolean`);
    }
    if (change.op === 'set-string-array') {
      const itemwise = editStringArray(text, (t) => stringArrayAt(t, path), change.value, JSON_ARRAY, formatting.eol ?? '\n');
      if (itemwise !== undefined) return itemwise;
    }
    if (change.op === 'set-string-array' && hasNewline(text, node)) {
      // A multi-line array stays multi-line, one item a line, indented like the file.
      return applyEdits(text, modify(text, path, [...change.value], { formattingOptions: formatting }));
    }
    // Only the value's own bytes change; the rest of the line (comments, commas) stays.
    return applyEdits(text, [{ offset: node.offset, length: node.length, content: valueText }]);
  }

  if (parent === undefined) {
    // A server without an `env` object (it read an envFile): jsonc-parser creates it, laid out like the file.
    const grand = path.length === 2 ? root : findNodeAtLocation(root, path.slice(0, -2));
    if (grand?.type === 'object' && path[path.length - 2] === 'env' && change.op === 'set-string' && typeof last === 'string') {
      // Laid out as the server is: on its line when it is on one, else one member a line.
      const member = `${JSON.stringify(last)}: ${valueText}`;
      if (!hasNewline(text, grand)) return applyEdits(text, [insertOnSameLine(text, grand, 'env', `{${member}}`)]);
      const own = insertOnOwnLine(text, grand, 'env', (indent, unit, eol) => `{${eol}${indent}${unit}${member}${eol}${indent}}`, formatting);
      if (own !== undefined) return applyEdits(text, own);
      return applyEdits(text, modify(text, path, change.value, { formattingOptions: formatting }));
    }
    throw new EditError(`Cannot set ${where}: its parent does not exist`);
  }
  if (parent.type !== 'object' || typeof last !== 'string') {
    throw new EditError(`Cannot set ${where}: its parent is not an object`);
  }
  if (!hasNewline(text, parent)) return applyEdits(text, [insertOnSameLine(text, parent, last, valueText)]);
  const own = insertOnOwnLine(text, parent, last, (indent, unit, eol) =>
    change.op === 'set-string' || change.op === 'set-boolean'
      ? valueText
      : change.value.length === 0
        ? '[]'
        : `[${eol}${change.value.map((v) => indent + unit + JSON.stringify(v)).join(`,${eol}`)}${eol}${indent}]`,
  formatting);
  if (own !== undefined) return applyEdits(text, own);
  const value = change.op === 'set-string' || change.op === 'set-boolean' ? change.value : [...change.value];
  return applyEdits(text, modify(text, path, value, { formattingOptions: formatting }));
}

const JSON_ARRAY: ArraySyntax = { quote: (v) => JSON.stringify(v), lineComment: String.raw`\/\/.*|\/\*.*\*\/[ \t]*` };

/** The array of strings at `path`, as an ArraySpan with its values; undefined if an item is not a string. */
function stringArrayAt(text: string, path: (string | number)[]): { span: ArraySpan; values: string[] } | undefined {
  const node = findNodeAtLocation(parse(text), path);
  const children = node?.type === 'array' ? (node.children ?? []) : [];
  if (node === undefined || children.some((c) => c.type !== 'string')) return undefined;
  return {
    span: { start: node.offset, end: node.offset + node.length, items: children.map((c) => ({ start: c.offset, end: c.offset + c.length })) },
    values: children.map((c) => c.value as string),
  };
}

/** `{"A": "1"}` gets `, "B": "2"` before its closing brace, staying on one line. */
function insertOnSameLine(text: string, parent: JsonNode, key: string, valueText: string): TextEdit {
  const members = parent.children ?? [];
  const lastMember = members[members.length - 1];
  const member = memberText(text, parent, key, valueText);
  return lastMember === undefined
    ? { offset: parent.offset + 1, length: parent.length - 2, content: member }
    : { offset: lastMember.offset + lastMember.length, length: 0, content: `, ${member}` };
}

/**
 * A new member on its own line after the last one, indented like it, so that a comment at the end
 * of the last member's line stays with that member (jsonc-parser would put it after the new one).
 * Undefined when the object is not laid out one member a line.
 */
function insertOnOwnLine(
  text: string,
  parent: JsonNode,
  key: string,
  valueFor: (indent: string, unit: string, eol: string) => string,
  formatting: FormattingOptions,
): TextEdit[] | undefined {
  const members = parent.children ?? [];
  const lastMember = members[members.length - 1];
  if (lastMember === undefined) return undefined;
  const start = lineStart(text, lastMember.offset);
  const indent = text.slice(start, lastMember.offset);
  if (!/^[ \t]*$/.test(indent)) return undefined;
  const afterLast = lastMember.offset + lastMember.length;
  const end = lineEnd(text, afterLast);
  // The closing brace must be on a later line.
  if (end >= parent.offset + parent.length - 1) return undefined;
  const rest = text.slice(afterLast, end);
  const trailingComma = /^\s*,/.test(rest);
  const eol = formatting.eol ?? '\n';
  const unit = formatting.insertSpaces === false ? '\t' : ' '.repeat(formatting.tabSize ?? 2);
  const member = memberText(text, parent, key, valueFor(indent, unit, eol));
  const edits: TextEdit[] = [{ offset: end, length: 0, content: `${eol}${indent}${member}${trailingComma ? ',' : ''}` }];
  if (!trailingComma) edits.push({ offset: afterLast, length: 0, content: ',' });
  return edits;
}

/**
 * An object set at a path: replaced whole when something is there; otherwise added as one new
 * member of the deepest object on the path that exists (with the missing objects between), on its
 * own line and laid out with the file's indentation when that object is one member a line.
 */
function setObject(text: string, change: SetObjectChange, formatting: FormattingOptions): string {
  const root = parse(text);
  const path = change.path as (string | number)[];
  const where = showPath(change.path);
  if (findNodeAtLocation(root, path) !== undefined) {
    return applyEdits(text, modify(text, path, change.value, { formattingOptions: formatting }));
  }
  let depth = path.length - 1;
  let parent: JsonNode | undefined;
  for (; depth >= 0; depth--) {
    parent = depth === 0 ? root : findNodeAtLocation(root, path.slice(0, depth));
    if (parent !== undefined) break;
  }
  const key = path[depth];
  if (parent?.type !== 'object' || typeof key !== 'string') throw new EditError(`Cannot set ${where}: its parent is not an object`);
  let value: JsonValue = change.value;
  for (let i = path.length - 1; i > depth; i--) {
    const k = path[i];
    if (typeof k !== 'string') throw new EditError(`Cannot set ${where}: its parent does not exist`);
    value = { [k]: value };
  }
  if (hasNewline(text, parent)) {
    const own = insertOnOwnLine(text, parent, key, (indent, unit, eol) => JSON.stringify(value, null, unit).split('\n').join(eol + indent), formatting);
    if (own !== undefined) return applyEdits(text, own);
  }
  return applyEdits(text, modify(text, path.slice(0, depth + 1), value, { formattingOptions: formatting }));
}

/** An object at the end of an array (laid out like the file), or a new one-item array in its place. */
function appendObject(text: string, change: AppendObjectChange, formatting: FormattingOptions): string {
  const root = parse(text);
  const path = change.path as (string | number)[];
  const node = findNodeAtLocation(root, path);
  const where = showPath(change.path);
  const value = { ...change.value };
  if (node !== undefined) {
    if (node.type !== 'array') throw new EditError(`Cannot append to ${where}: the value there is not an array`);
    const items = node.children ?? [];
    const lastItem = items[items.length - 1];
    if (lastItem !== undefined && hasNewline(text, node)) {
      // After the last item, on its own line and indented like it; the items before keep their bytes
      // (jsonc-parser's formatter would also re-lay out the item before).
      const start = lineStart(text, lastItem.offset);
      const indent = text.slice(start, lastItem.offset);
      if (/^[ \t]*$/.test(indent)) {
        const eol = formatting.eol ?? '\n';
        const unit = formatting.insertSpaces === false ? '\t' : ' '.repeat(formatting.tabSize ?? 2);
        const members = Object.entries(value).map(([k, v]) => `${indent}${unit}${JSON.stringify(k)}: ${JSON.stringify(v)}`);
        const objectText = `{${eol}${members.join(`,${eol}`)}${eol}${indent}}`;
        const afterLast = lastItem.offset + lastItem.length;
        const trailingComma = /^\s*,/.test(text.slice(afterLast, lineEnd(text, afterLast)));
        const end = lineEnd(text, afterLast);
        if (end < node.offset + node.length - 1) {
          const edits: TextEdit[] = [{ offset: end, length: 0, content: `${eol}${indent}${objectText}${trailingComma ? ',' : ''}` }];
          if (!trailingComma) edits.push({ offset: afterLast, length: 0, content: ',' });
          return applyEdits(text, edits);
        }
      }
    }
    // Index -1 makes jsonc-parser insert after the last item.
    return applyEdits(text, modify(text, [...path, -1], value, { formattingOptions: formatting, isArrayInsertion: true }));
  }
  const parent = path.length === 1 ? root : findNodeAtLocation(root, path.slice(0, -1));
  if (parent?.type !== 'object' || typeof path[path.length - 1] !== 'string') {
    throw new EditError(`Cannot create ${where}: its parent is not an object`);
  }
  return applyEdits(text, modify(text, path, [value], { formattingOptions: formatting }));
}

export function editJson(text: string, changes: readonly EditChange[]): string {
  const { bom, body } = splitBom(text);
  const formatting = detectJsonFormatting(body);
  let out = body;
  for (const change of changes) out = editOne(out, change, formatting);
  return bom + out;
}
