// The one error the editors throw. Messages name a path and what was wrong with it, never a value:
// the values being edited are secrets or references to them.
import { EXIT, HardenError } from '../errors.js';
import type { DocPath } from '../model.js';

export class EditError extends HardenError {
  readonly code = 'edit';
  readonly exitCode = EXIT.failure;
}

/** A path as the user would read it: `mcpServers.github.env.GITHUB_TOKEN`, `args[2]`. */
export function showPath(path: DocPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += (out === '' ? '' : '.') + (/^[A-Za-z0-9_$-]+$/.test(part) ? part : JSON.stringify(part));
  }
  return out === '' ? '(document root)' : out;
}
