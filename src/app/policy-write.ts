// Writing the team policy into the workspace: the change the apply engine journals like any other
// file write (backed up when the file exists, removed by undo when it did not).
import { readForEdit } from '../adapters/atomic-write.js';
import type { FileChange } from './apply.js';

/** The change that puts `content` in `file`; null when the file already says exactly that. */
export async function computePolicyWrite(file: string, content: string): Promise<FileChange | null> {
  let read: Awaited<ReturnType<typeof readForEdit>> | undefined;
  try {
    read = await readForEdit(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    read = undefined;
  }
  const before = read?.text ?? '';
  if (read && before === content) return null;
  return {
    file,
    before,
    after: content,
    // size -1 marks a file that does not exist yet (created, so undo removes it).
    stamp: read?.stamp ?? { size: -1, mtimeMs: 0, ino: 0, sha256: '' },
    mode: read?.mode ?? 0o644,
    uid: read?.uid ?? -1,
    gid: read?.gid ?? -1,
    bytes: read?.bytes ?? Buffer.alloc(0),
    values: [],
  };
}
