import type { DocPath } from '../model.js';

/**
 * One change to a config document. `set-string` replaces a string (or adds the key to an existing
 * object); `set-string-array` replaces or adds an array of strings; `delete` removes a key (a
 * missing key is already deleted, so it is no change).
 */
export type ConfigChange =
  | { op: 'set-string'; path: DocPath; value: string }
  | { op: 'set-string-array'; path: DocPath; value: string[] }
  | { op: 'delete'; path: DocPath };

/**
 * Appends an object of scalars to the array at `path`, creating the array when the key is missing
 * from an existing object (VS Code's top-level `inputs`). JSON documents only.
 */
export type AppendObjectChange = { op: 'append-object'; path: DocPath; value: Readonly<Record<string, string | boolean>> };

/** A JSON value an editor can write whole: what a server definition is made of. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * Sets an object at `path`, creating the objects above it that are missing (a new server under a
 * `mcpServers` the file does not have yet). JSON documents only.
 */
export type SetObjectChange = { op: 'set-object'; path: DocPath; value: { readonly [key: string]: JsonValue } };

/**
 * Sets a boolean: replaces the one at `path`, or adds the key to an existing object (Gemini's
 * per-server `trust`). JSON documents only.
 */
export type SetBooleanChange = { op: 'set-boolean'; path: DocPath; value: boolean };

/** Every change editConfig takes: the ConfigChange ops for any format, and JSON-only additions. */
export type EditChange = ConfigChange | AppendObjectChange | SetObjectChange | SetBooleanChange;
