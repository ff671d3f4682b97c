// The user's state directory (runs, encrypted backups, secrets metadata), private to the user,
// and the small file helpers the state files share.
import { chmod, chown, lstat, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { posix, win32, dirname, join } from 'node:path';
import type { HostEnv } from '../core/model.js';

const APP = 'mcp-harden';

/**
 * Where the state directory is on `host` (nothing is created): Linux `$XDG_STATE_HOME/mcp-harden`
 * or `~/.local/state/mcp-harden`; macOS `~/Library/Application Support/mcp-harden`; Windows
 * `%LOCALAPPDATA%\mcp-harden`.
 */
export function stateDirPath(host: HostEnv): string {
  if (host.platform === 'win32') {
    const local = nonEmpty(host.env.LOCALAPPDATA);
    return local && win32.isAbsolute(local) ? win32.join(local, APP) : win32.join(host.home, 'AppData', 'Local', APP);
  }
  if (host.platform === 'darwin') return posix.join(host.home, 'Library', 'Application Support', APP);
  // The XDG spec says a relative value is invalid and must be ignored.
  const xdg = nonEmpty(host.env.XDG_STATE_HOME);
  return xdg && posix.isAbsolute(xdg) ? posix.join(xdg, APP) : posix.join(host.home, '.local', 'state', APP);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

/** The state directory, created with mode 0700 (and tightened to 0700 when it is looser). */
export async function stateDir(host: HostEnv): Promise<string> {
  const dir = stateDirPath(host);
  await ensurePrivateDir(dir);
  return dir;
}

/**
 * Creates `dir` (and missing parents) with mode 0700; an existing directory that others can read,
 * write or enter is tightened to 0700. Refuses anything that is not a directory.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const s = await stat(dir);
  if (!s.isDirectory()) throw new Error(`state path is not a directory: ${dir}`);
  // Windows has no permission bits to fix; its per-user AppData is already private.
  if (process.platform !== 'win32' && (s.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

export interface AtomicWriteOptions {
  /** Permission bits of the new file (default 0600). */
  mode?: number;
  /** Owner to give the new file (when running with the right to). */
  uid?: number;
  gid?: number;
}

/**
 * Writes `data` to `path` atomically: a temp file in the same directory, fsync, rename, fsync of the
 * directory. A crash leaves either the old file or the new one, never half of one.
 *
 * The fix engine's own atomic writer (adapters/atomic-write) also checks that the file did not change
 * since it was read; the state files have no other writer, so this small one is enough here.
 */
export async function writeFileAtomic(path: string, data: Buffer | string, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600;
  const dir = dirname(path);
  // node:crypto on first use, as in fingerprint(): an audit never writes state.
  const tmp = join(dir, `.${basenameOf(path)}.${process.getBuiltinModule('node:crypto').randomBytes(6).toString('hex')}.tmp`);
  // 'wx': never follow or reuse something already at the temp name.
  const fh = await open(tmp, 'wx', mode & 0o777);
  let renamed = false;
  try {
    await fh.writeFile(data);
    // The process umask may have narrowed the mode given to open().
    if (process.platform !== 'win32') await fh.chmod(mode & 0o7777);
    if (options.uid !== undefined && options.gid !== undefined) await fh.chown(options.uid, options.gid);
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
    renamed = true;
    await syncDir(dir);
  } finally {
    if (!renamed) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
    }
  }
}

function basenameOf(path: string): string {
  const b = path.split(/[\\/]/).pop() ?? 'file';
  return b.length > 0 ? b : 'file';
}

/** Makes a directory entry change (create, rename, unlink) durable. Not possible on Windows. */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** True when something (a file, a directory, a link) is at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** chown that is a no-op when the owner is already right, so non-root users can call it freely. */
export async function chownIfNeeded(path: string, uid: number, gid: number): Promise<void> {
  const s = await stat(path);
  if (s.uid === uid && s.gid === gid) return;
  await chown(path, uid, gid);
}
