// After an edit, the document is parsed again and compared with the old one with the changes
// applied: the intended values must be there and nothing else may differ. A mismatch means the
// text edit went wrong, and the edit is refused rather than written.
import { parse as parseJsonc, type ParseError as JsonError } from 'jsonc-parser';
import { parseToml } from '../toml-lib.js';
import { parseDocument } from 'yaml';
import type { ConfigFormat } from '../model.js';
import { EditError, showPath } from './errors.js';
import type { EditChange } from './types.js';

/** The document's data, or undefined when it does not parse. */
export function plainOf(format: ConfigFormat, text: string): { ok: true; value: unknown } | { ok: false } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    switch (format) {
      case 'json': {
        const errors: JsonError[] = [];
        const value: unknown = parseJsonc(body, errors, { allowTrailingComma: true });
        return errors.length === 0 ? { ok: true, value } : { ok: false };
      }
      case 'toml':
        return { ok: true, value: parseToml(body) };
      case 'yaml': {
        const doc = parseDocument(body, { uniqueKeys: true });
        if (doc.errors.length > 0) return { ok: false };
        return { ok: true, value: doc.toJS({ maxAliasCount: -1 }) };
      }
    }
  } catch {
    return { ok: false };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  return v;
}

/** The data the changes should produce, computed on the parsed tree. */
export function expectedAfter(tree: unknown, changes: readonly EditChange[]): unknown {
  const root = clone(tree);
  for (const change of changes) {
    const parentPath = change.path.slice(0, -1);
    const last = change.path[change.path.length - 1];
    let parent: unknown = root;
    for (const [i, part] of parentPath.entries()) {
      const holder = parent as Record<string | number, unknown> | undefined;
      // A server without an `env` object gets one (JSON edits create it).
      if (holder && typeof holder === 'object' && holder[part] === undefined && change.op === 'set-string' && part === 'env' && i === parentPath.length - 1) {
        holder[part] = {};
      }
      // set-object creates the objects above it that are missing.
      if (holder && typeof holder === 'object' && holder[part] === undefined && change.op === 'set-object') holder[part] = {};
      parent = holder?.[part];
    }
    if (last === undefined || parent === null || typeof parent !== 'object') {
      throw new EditError(`Cannot edit ${showPath(change.path)}: its parent does not exist`);
    }
    const container = parent as Record<string | number, unknown>;
    if (change.op === 'append-object') {
      const list = container[last];
      if (list === undefined) container[last] = [clone(change.value)];
      else if (Array.isArray(list)) list.push(clone(change.value));
      else throw new EditError(`Cannot append to ${showPath(change.path)}: the value there is not an array`);
    } else if (change.op === 'set-object') {
      container[last] = clone(change.value);
    } else if (change.op === 'delete') {
      if (Array.isArray(container) && typeof last === 'number') container.splice(last, 1);
      else delete container[last];
    } else {
      container[last] = change.op === 'set-string' || change.op === 'set-boolean' ? change.value : [...change.value];
    }
  }
  return root;
}

/** Structural equality; object key order is ignored (a new key may sit elsewhere than at the end). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && String(a) === String(b) && a.getTime() === b.getTime();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameData(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameData(a[k], b[k]));
  }
  return false;
}

/** Throws unless `after` parses to exactly `before` with the changes applied. */
export function verifyEdit(format: ConfigFormat, before: string, after: string, changes: readonly EditChange[]): void {
  const old = plainOf(format, before);
  if (!old.ok) throw new EditError(`The ${format.toUpperCase()} document could not be parsed, so it was not edited`);
  const expected = expectedAfter(old.value, changes);
  const got = plainOf(format, after);
  if (!got.ok) throw new EditError(`Editing the ${format.toUpperCase()} document would make it unparseable; nothing was changed`);
  if (!sameData(expected, got.value)) {
    const paths = changes.map((c) => showPath(c.path)).join(', ');
    throw new EditError(`Editing the ${format.toUpperCase()} document at ${paths} would not give the intended result; nothing was changed`);
  }
}
