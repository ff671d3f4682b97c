// Writes that never leave a half-written file: a temp file in the same directory, fsync, mode and
// owner set, rename over the target, fsync of the directory (DESIGN §5). A file that changed on disk
// since it was read is not written, and a symlink (the file, or any folder above it) is written
// through only when its target stays inside the allowed roots (workspace and home).
import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, realpath, rename, stat, unlink, chmod } from 'node:fs/promises';
import { basename, dirname, join, relative, isAbsolute, resolve } from 'node:path';
import { EXIT, HardenError } from '../core/errors.js';
import { crashPoint } from './test-hooks.js';

export interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
  /** SHA-256 of the bytes, hex. */
  sha256: string;
}

/** The file changed on disk between reading and writing (a client rewrote its config meanwhile). */
export class FileChangedError extends HardenError {
  readonly code = 'file-changed';
  readonly exitCode = EXIT.failure;
  constructor(readonly file: string) {
    super(`${file} changed on disk since it was read; nothing was written`);
  }
}

/**
 * The path is a symlink, or lies in a directory reached through one, whose target leaves the
 * workspace and home: read, never written through.
 */
export class SymlinkOutsideError extends HardenError {
  readonly code = 'symlink-outside';
  readonly exitCode = EXIT.failure;
  constructor(
    readonly file: string,
    /** The link on the way to the file (the file itself when that is the link). */
    readonly link: string = file,
  ) {
    super(
      link === file
        ? `${file} is a symlink to a file outside the workspace and home; it was not changed`
        : `${file} is reached through the symlink ${link}, which leads outside the workspace and home; it was not changed`,
    );
  }
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const errCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

export async function readForEdit(path: string): Promise<{
  text: string;
  bytes: Buffer;
  stamp: FileStamp;
  mode: number;
  uid: number;
  gid: number;
  realPath: string;
}> {
  const realPath = await realpath(path);
  const handle = await open(realPath, 'r');
  try {
    // Stat and read through one handle, so the stamp describes the bytes returned.
    const st = await handle.stat();
    const bytes = await handle.readFile();
    return {
      text: bytes.toString('utf8'),
      bytes,
      stamp: { size: bytes.length, mtimeMs: st.mtimeMs, ino: st.ino, sha256: sha256(bytes) },
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      realPath,
    };
  } finally {
    await handle.close();
  }
}

function inside(child: string, root: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

async function realRoots(roots: readonly string[] | undefined): Promise<string[]> {
  return Promise.all((roots ?? []).map((root) => realpath(root).catch(() => resolve(root))));
}

/**
 * The first symlink on the way to `path` (the path itself included) whose real target is outside
 * every root, for the error message; undefined when there is none.
 */
async function linkLeaving(path: string, roots: readonly string[]): Promise<string | undefined> {
  const chain: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of chain) {
    const st = await lstat(p).catch(() => null);
    if (!st?.isSymbolicLink()) continue;
    const real = await realpath(p).catch(() => null);
    if (real === null || !roots.some((root) => inside(real, root))) return p;
  }
  return undefined;
}

/**
 * The file a write or chmod of `path` acts on, by its real path. A path with no symlink on the way
 * is the caller's own choice and is used as it is. A symlink anywhere on the way (the file or any
 * folder above it) is followed only when the real path stays inside an allowed root; otherwise
 * SymlinkOutsideError, before anything is written. With `makeParents`, missing folders are made one
 * level at a time under the real path of the deepest existing one, never through a link leaving the roots.
 */
async function targetOf(
  path: string,
  allowedRoots: readonly string[] | undefined,
  makeParents = false,
): Promise<{ target: string; exists: boolean }> {
  const abs = resolve(path);
  const roots = await realRoots(allowedRoots);
  // `real` is the real path of `lexical`: equal when no link was followed.
  const ok = (lexical: string, real: string) => real === lexical || roots.some((root) => inside(real, root));
  const refuse = async (at: string): Promise<never> => {
    const link = (await linkLeaving(at, roots)) ?? at;
    throw new SymlinkOutsideError(path, link === abs ? path : link);
  };

  let link;
  try {
    link = await lstat(abs);
  } catch (err) {
    if (errCode(err) !== 'ENOENT') throw err;
  }
  if (link?.isSymbolicLink()) {
    // A dangling link: there is no file to edit, and creating one through the link is not ours to do.
    const real = await realpath(abs).catch(() => null);
    if (real === null || !ok(abs, real)) return refuse(abs);
    return { target: real, exists: true };
  }
  const dir = dirname(abs);
  if (link) {
    const realDir = await realpath(dir);
    if (!ok(dir, realDir)) return refuse(dir);
    return { target: join(realDir, basename(abs)), exists: true };
  }

  // A new file: the deepest folder that exists decides where it goes.
  const missing: string[] = [];
  let existing = dir;
  for (;;) {
    try {
      await lstat(existing);
      break;
    } catch (err) {
      if (errCode(err) !== 'ENOENT' || dirname(existing) === existing) throw err;
      missing.unshift(basename(existing));
      existing = dirname(existing);
    }
  }
  const realExisting = await realpath(existing).catch(() => null);
  if (realExisting === null || !ok(existing, realExisting)) return refuse(existing);
  let cur = realExisting;
  if (makeParents) {
    for (const name of missing) {
      const next = join(cur, name);
      try {
        await mkdir(next);
        cur = next;
      } catch (err) {
        if (errCode(err) !== 'EEXIST') throw err;
        // Made meanwhile: entered only when it is a folder, or a link staying inside the roots.
        const real = await realpath(next).catch(() => null);
        if (real === null || !ok(next, real)) return refuse(next);
        cur = real;
      }
    }
  } else {
    // The open of the temp file fails there as it would have: no folder is made unasked.
    cur = join(cur, ...missing);
  }
  return { target: join(cur, basename(abs)), exists: false };
}

async function stampOf(path: string): Promise<FileStamp | undefined> {
  try {
    const st = await stat(path);
    const bytes = await readFile(path);
    return { size: bytes.length, mtimeMs: st.mtimeMs, ino: st.ino, sha256: sha256(bytes) };
  } catch (err) {
    if (errCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

function sameStamp(a: FileStamp | undefined, b: FileStamp): boolean {
  return a !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.sha256 === b.sha256;
}

export interface WriteOptions {
  /** The stamp from readForEdit: the write is refused when the file no longer matches it. */
  expect?: FileStamp;
  /** Final mode; default: the existing file's mode (0644 for a new file). */
  mode?: number;
  /** Roots a symlink's target must stay inside to be written through (workspace, home). */
  allowedRoots?: string[];
  /** Make missing folders of a new file (one level at a time, never through a link leaving the roots). */
  makeParents?: boolean;
}

/**
 * Removes temp files an interrupted write left beside a file (they may hold a half-migrated copy
 * of it). Returns how many were removed. Never follows a link: it only lists the directory.
 */
export async function removeStaleTemps(path: string): Promise<number> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.mcp-harden-`;
  let removed = 0;
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^[0-9a-f]{12}\.tmp$/.test(name.slice(prefix.length))) continue;
    try {
      await unlink(join(dir, name));
      removed++;
    } catch {
      // Gone already.
    }
  }
  return removed;
}

export async function writeAtomic(path: string, data: string | Buffer, opts: WriteOptions = {}): Promise<FileStamp> {
  const { target, exists } = await targetOf(path, opts.allowedRoots, opts.makeParents);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const current = exists ? await stat(target) : undefined;
  if (opts.expect !== undefined && !sameStamp(await stampOf(target), opts.expect)) throw new FileChangedError(path);

  const mode = opts.mode ?? (current !== undefined ? current.mode & 0o7777 : 0o644);
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.mcp-harden-${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    // 0600 until the content is complete: nobody else can read a half-written secret-bearing file.
    const handle = await open(temp, 'wx', 0o600);
    created = true;
    crashPoint('write:temp-created');
    try {
      await handle.writeFile(bytes);
      crashPoint('write:temp-written');
      await handle.sync();
      crashPoint('write:temp-synced');
      if (current !== undefined && process.getuid !== undefined && process.getgid !== undefined) {
        if (current.uid !== process.getuid() || current.gid !== process.getgid()) {
          try {
            await handle.chown(current.uid, current.gid);
          } catch (err) {
            // Only root can give a file away; anyone else keeps their own ownership of it.
            if (errCode(err) !== 'EPERM' || process.getuid() === 0) throw err;
          }
        }
      }
      // After chown, which may clear setuid/setgid bits.
      await handle.chmod(mode);
    } finally {
      await handle.close();
    }
    // Checked again just before the rename, to narrow the window in which a client's write is lost.
    if (opts.expect !== undefined && !sameStamp(await stampOf(target), opts.expect)) throw new FileChangedError(path);
    await rename(temp, target);
    created = false;
    crashPoint('write:renamed');
  } catch (err) {
    if (created) await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
  const after = await stat(target);
  return { size: bytes.length, mtimeMs: after.mtimeMs, ino: after.ino, sha256: sha256(bytes) };
}

/** Makes the rename durable. Some platforms cannot open or sync a directory: nothing more can be done there. */
async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EACCES', 'ENOTSUP', 'EBADF'].includes(errCode(err) ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * chmod that never acts through a symlink leaving the allowed roots; for a symlink inside them it
 * changes the real file (a link's own mode means nothing). Returns the previous mode.
 */
export async function chmodSafe(path: string, mode: number, allowedRoots: readonly string[]): Promise<number> {
  const { target, exists } = await targetOf(path, allowedRoots);
  if (!exists) throw Object.assign(new Error(`ENOENT: no such file, chmod '${path}'`), { code: 'ENOENT' });
  const before = (await stat(target)).mode & 0o7777;
  await chmod(target, mode);
  return before;
}
