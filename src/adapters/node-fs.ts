import { lstat, readFile, readdir, realpath, stat } from 'node:fs/promises';
import type { FileFacts, ReadOnlyFs, ReadResult } from '../ports/fs.js';

// Config and .env files are small; anything larger is not a config we should parse.
const MAX_BYTES = 16 * 1024 * 1024;

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

export const nodeFs: ReadOnlyFs = {
  async inspect(path: string): Promise<FileFacts | null> {
    try {
      const l = await lstat(path);
      const facts: FileFacts = {
        mode: process.platform === 'win32' ? 0 : l.mode & 0o777,
        uid: l.uid,
        size: l.size,
        isSymlink: l.isSymbolicLink(),
        isFile: l.isFile(),
      };
      if (facts.isSymlink) {
        try {
          facts.realPath = await realpath(path);
          const s = await stat(path);
          facts.isFile = s.isFile();
          facts.size = s.size;
          facts.mode = process.platform === 'win32' ? 0 : s.mode & 0o777;
        } catch {
          // A dangling link: reported as not a file.
        }
      }
      return facts;
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return null;
      return null;
    }
  },

  async readText(path: string): Promise<ReadResult> {
    try {
      const s = await stat(path);
      if (!s.isFile()) return { ok: false, reason: 'not-a-file', message: 'not a regular file' };
      if (s.size > MAX_BYTES) return { ok: false, reason: 'too-large', message: `larger than ${MAX_BYTES >> 20} MiB` };
      return { ok: true, text: await readFile(path, 'utf8') };
    } catch (err) {
      const c = code(err);
      if (c === 'ENOENT' || c === 'ENOTDIR') return { ok: false, reason: 'missing', message: 'no such file' };
      if (c === 'EACCES' || c === 'EPERM') return { ok: false, reason: 'unreadable', message: 'permission denied' };
      if (c === 'EISDIR') return { ok: false, reason: 'not-a-file', message: 'is a directory' };
      return { ok: false, reason: 'unreadable', message: c ?? 'cannot be read' };
    }
  },

  async realPath(path: string): Promise<string | null> {
    try {
      return await realpath(path);
    } catch {
      return null;
    }
  },

  async list(dir: string): Promise<string[]> {
    try {
      return await readdir(dir);
    } catch {
      return [];
    }
  },
};
