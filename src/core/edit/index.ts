// Edits of config files, .env files, shell history and .gitignore that change only the bytes of the
// values being replaced (DESIGN §5): formatting, comments, key order, quoting, line endings, a BOM
// and a missing final newline all stay. No document is ever re-serialised. Pure: text in, text out.
import type { ConfigFormat } from '../model.js';
import { EditError } from './errors.js';
import { editJson } from './json.js';
import { editToml } from './toml.js';
import type { ConfigChange, EditChange } from './types.js';
import { verifyEdit } from './verify.js';
import { editYaml } from './yaml.js';

export { EditError } from './errors.js';
export { applyEdits, type TextEdit } from './text.js';
export type { AppendObjectChange, ConfigChange, EditChange, JsonValue, SetBooleanChange, SetObjectChange } from './types.js';
export { appendGitignore, editDotenv, removeLines } from './lines.js';

/**
 * Applies the changes in order and returns the new text. The result is parsed again and must hold
 * exactly the old data with the changes applied; otherwise an EditError is thrown.
 */
export function editConfig(format: ConfigFormat, text: string, changes: readonly EditChange[]): string {
  if (changes.length === 0) return text;
  for (const change of changes) {
    if (change.path.length === 0) throw new EditError('Cannot replace a whole document');
    if (change.op === 'append-object' && format !== 'json') throw new EditError(`Cannot append an object in a ${format.toUpperCase()} document`);
    if (change.op === 'set-object' && format !== 'json') throw new EditError(`Cannot set an object in a ${format.toUpperCase()} document`);
    if (change.op === 'set-boolean' && format !== 'json') throw new EditError(`Cannot set a boolean in a ${format.toUpperCase()} document`);
  }
  // Only JSON takes append-object, set-object and set-boolean (checked above).
  const basic = changes as readonly ConfigChange[];
  const after = format === 'json' ? editJson(text, changes) : format === 'toml' ? editToml(text, basic) : editYaml(text, basic);
  verifyEdit(format, text, after, changes);
  return after;
}
