// Installing the `sh` launcher (DESIGN §7) at a stable per-user location, linking it into
// ~/.local/bin, and telling `doctor` whether it is installed, current and reachable.
//
// The installed copy carries a settings block written at install time: the OS, the absolute path of
// the lookup tool, and the directories of node/npx/uvx/docker... found on PATH then. GUI clients
// start servers with PATH=/usr/bin:/bin; the launcher puts those directories first, so `npx`
// and the `node` its shebang asks for are found.
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, chmod, lstat, mkdir, open, readFile, readlink, realpath, rename, stat, symlink, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/errors.js';
import type { HostEnv } from '../core/model.js';

export const LAUNCHER_NAME = 'mcp-harden-launch';
const APP = 'mcp-harden';
const SETTINGS_BEGIN = '# @settings-begin';
const SETTINGS_END = '# @settings-end';

/** Commands whose directories the launcher adds to PATH: what MCP servers are started with. */
export const SERVER_COMMANDS = ['node', 'npx', 'npm', 'uvx', 'uv', 'docker', 'podman', 'bunx', 'bun', 'deno', 'pipx', 'python3'] as const;

/** Directories already on every minimal PATH: prepending them would reorder the user's PATH. */
const SYSTEM_DIRS = new Set(['/usr/bin', '/bin', '/usr/sbin', '/sbin']);

export interface LauncherSettings {
  /** `uname -s` of the target: 'Linux' or 'Darwin'. */
  os: 'Linux' | 'Darwin';
  /** Absolute path of `secret-tool` / `security`; null lets the script search at run time. */
  tool: string | null;
  /** Directories put in front of PATH, in order. */
  pathDirs: string[];
}

export interface InstallLauncherOptions {
  /** The script to install; defaults to the shipped one. */
  source?: string;
  /** Install-time settings; defaults to what `detectLauncherSettings(host)` finds. */
  settings?: LauncherSettings;
  /** Create the ~/.local/bin link (default true). */
  link?: boolean;
}

export type LinkState = 'created' | 'present' | 'foreign' | 'skipped';

export interface InstallLauncherResult {
  scriptPath: string;
  linkPath: string;
  /** False when the installed script was already exactly this one (nothing written). */
  written: boolean;
  /** `foreign`: a file we did not make is at linkPath; it was left alone. */
  link: LinkState;
  settings: LauncherSettings;
}

export interface LauncherStatus {
  scriptPath: string;
  linkPath: string;
  installed: boolean;
  /** The installed script's code is the shipped one (the settings block aside). */
  upToDate: boolean;
  executable: boolean;
  /** `ok`: linkPath points at scriptPath; `missing`: nothing there; `foreign`: something else is. */
  link: 'ok' | 'missing' | 'foreign';
  /** What `mcp-harden-launch` resolves to on host.env.PATH, or null. */
  onPath: string | null;
  /** True when that is our installed script. */
  reachable: boolean;
  /** The recorded settings (null when not installed or unreadable). */
  settings: LauncherSettings | null;
  /** Recorded PATH directories that no longer exist (a Node version was removed, say). */
  missingDirs: string[];
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

function checkPosix(host: HostEnv): void {
  if (host.platform === 'win32') {
    throw new UsageError('the sh launcher does not run on Windows; servers there start with: mcp-harden exec -- CMD ARGS...');
  }
}

/**
 * Where the launcher is installed: Linux `$XDG_DATA_HOME/mcp-harden/bin/mcp-harden-launch` (or
 * `~/.local/share/…`), macOS `~/Library/Application Support/mcp-harden/bin/mcp-harden-launch`.
 */
export function launcherInstallPath(host: HostEnv): string {
  checkPosix(host);
  if (host.platform === 'darwin') return posix.join(host.home, 'Library', 'Application Support', APP, 'bin', LAUNCHER_NAME);
  // The XDG spec says a relative value is invalid and must be ignored.
  const xdg = nonEmpty(host.env.XDG_DATA_HOME);
  const base = xdg && posix.isAbsolute(xdg) ? xdg : posix.join(host.home, '.local', 'share');
  return posix.join(base, APP, 'bin', LAUNCHER_NAME);
}

/** `~/.local/bin/mcp-harden-launch`: the name project-scope configs use, reachable from PATH. */
export function launcherLinkPath(host: HostEnv): string {
  checkPosix(host);
  return posix.join(host.home, '.local', 'bin', LAUNCHER_NAME);
}

/**
 * The shipped script. Tests run from source (src/app/ → src/launcher/); the built CLI runs from
 * dist/chunks/ or dist/, next to which the build copies dist/mcp-harden-launch.sh.
 */
export async function shippedLauncherPath(): Promise<string> {
  const candidates = ['../launcher/mcp-harden-launch.sh', '../mcp-harden-launch.sh', './mcp-harden-launch.sh'].map((rel) =>
    fileURLToPath(new URL(rel, import.meta.url)),
  );
  for (const path of candidates) {
    if (await isFile(path)) return path;
  }
  throw new Error(`the launcher script is missing from this installation (looked in ${candidates.join(', ')})`);
}

export async function readShippedLauncher(): Promise<string> {
  return readFile(await shippedLauncherPath(), 'utf8');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isExecutableFile(path: string): Promise<boolean> {
  if (!(await isFile(path))) return false;
  try {
    await access(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function pathEntries(host: HostEnv): string[] {
  return (host.env.PATH ?? '').split(':').filter((d) => d !== '' && isAbsolute(d));
}

/** The first executable `name` on host.env.PATH. */
export async function which(host: HostEnv, name: string): Promise<string | null> {
  for (const dir of pathEntries(host)) {
    const candidate = posix.join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** What the launcher should record on this host: the lookup tool and the server commands' dirs. */
export async function detectLauncherSettings(host: HostEnv): Promise<LauncherSettings> {
  checkPosix(host);
  const os = host.platform === 'darwin' ? 'Darwin' : 'Linux';
  let tool: string | null;
  if (os === 'Darwin') tool = '/usr/bin/security';
  else {
    tool = await which(host, 'secret-tool');
    if (!tool && (await isExecutableFile('/usr/bin/secret-tool'))) tool = '/usr/bin/secret-tool';
  }
  const dirs: string[] = [];
  for (const cmd of SERVER_COMMANDS) {
    const found = await which(host, cmd);
    if (!found) continue;
    const dir = dirname(found);
    if (!SYSTEM_DIRS.has(dir) && !dirs.includes(dir)) dirs.push(dir);
  }
  return { os, tool, pathDirs: dirs };
}

/** Single-quoted for sh: every byte literal. */
function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function settingsBlock(settings: LauncherSettings): string[] {
  // A directory with ':' cannot be a PATH entry; one with a newline would break the block.
  const dirs = settings.pathDirs.filter((d) => isAbsolute(d) && !/[:\n\r]/.test(d));
  const tool = settings.tool && !/[\n\r]/.test(settings.tool) ? settings.tool : null;
  return [`_mhl_os=${settings.os}`, `_mhl_tool=${tool ? shQuote(tool) : ''}`, `_mhl_path=${dirs.length ? shQuote(dirs.join(':')) : ''}`];
}

function splitSettings(script: string): { head: string[]; block: string[]; tail: string[] } | null {
  const lines = script.split('\n');
  const begin = lines.findIndex((l) => l.startsWith(SETTINGS_BEGIN));
  const end = lines.findIndex((l, i) => i > begin && l.startsWith(SETTINGS_END));
  if (begin < 0 || end < 0) return null;
  return { head: lines.slice(0, begin + 1), block: lines.slice(begin + 1, end), tail: lines.slice(end) };
}

/** The script with its settings block filled in. */
export function renderLauncher(source: string, settings: LauncherSettings): string {
  const parts = splitSettings(source);
  if (!parts) throw new Error('the launcher script has no settings block');
  return [...parts.head, ...settingsBlock(settings), ...parts.tail].join('\n');
}

/** The settings recorded in an installed script (null when it has no readable block). */
export function readLauncherSettings(script: string): LauncherSettings | null {
  const parts = splitSettings(script);
  if (!parts) return null;
  const values: Record<string, string> = {};
  for (const line of parts.block) {
    const m = /^(_mhl_\w+)=(.*)$/.exec(line);
    if (m) values[m[1]!] = unquote(m[2]!);
  }
  if (values._mhl_os !== 'Linux' && values._mhl_os !== 'Darwin') return null;
  return {
    os: values._mhl_os,
    tool: values._mhl_tool ? values._mhl_tool : null,
    pathDirs: values._mhl_path ? values._mhl_path.split(':') : [],
  };
}

function unquote(v: string): string {
  if (!v.startsWith("'")) return v;
  return v.slice(1, -1).replace(/'\\''/g, "'");
}

/** The script with the settings block emptied: what `upToDate` compares. */
function codeOf(script: string): string | null {
  const parts = splitSettings(script);
  return parts ? [...parts.head, ...parts.tail].join('\n') : null;
}

/** Writes `data` to `path` with `mode` through a temp file in the same directory and a rename. */
async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const dir = dirname(path);
  const temp = posix.join(dir, `.${LAUNCHER_NAME}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(temp, 'wx', mode);
  try {
    await fh.writeFile(data, 'utf8');
    await fh.chmod(mode); // the umask may have narrowed the mode given to open
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(temp).catch(() => {});
    throw err;
  }
  await fh.close();
  try {
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  } finally {
    await d.close();
  }
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Whether the link at `linkPath` is ours (a symlink to scriptPath), absent, or something else. */
async function linkState(linkPath: string, scriptPath: string): Promise<'ok' | 'missing' | 'foreign'> {
  let facts;
  try {
    facts = await lstat(linkPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  if (!facts.isSymbolicLink()) return 'foreign';
  const target = resolve(dirname(linkPath), await readlink(linkPath));
  return target === scriptPath ? 'ok' : 'foreign';
}

/**
 * Installs (or refreshes) the launcher: the script at `launcherInstallPath(host)`, mode 0755,
 * written atomically and only when different; then the symlink `~/.local/bin/mcp-harden-launch`
 * to it, unless something else already has that name (reported as `foreign`, left untouched).
 */
export async function installLauncher(host: HostEnv, opts: InstallLauncherOptions = {}): Promise<InstallLauncherResult> {
  const scriptPath = launcherInstallPath(host);
  const linkPath = launcherLinkPath(host);
  const source = opts.source ?? (await readShippedLauncher());
  const settings = opts.settings ?? (await detectLauncherSettings(host));
  const text = renderLauncher(source, settings);

  await mkdir(dirname(scriptPath), { recursive: true });
  const current = await readIfExists(scriptPath);
  let written = false;
  if (current !== text) {
    await writeFileAtomic(scriptPath, text, 0o755);
    written = true;
  } else if (((await stat(scriptPath)).mode & 0o777) !== 0o755) {
    await chmod(scriptPath, 0o755);
    written = true;
  }

  let link: LinkState = 'skipped';
  if (opts.link !== false) {
    const state = await linkState(linkPath, scriptPath);
    if (state === 'ok') link = 'present';
    else if (state === 'foreign') link = 'foreign';
    else {
      await mkdir(dirname(linkPath), { recursive: true });
      try {
        await symlink(scriptPath, linkPath);
        link = 'created';
      } catch (err) {
        // Someone made one between our look and our link: look again, never replace it.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        link = (await linkState(linkPath, scriptPath)) === 'ok' ? 'present' : 'foreign';
      }
    }
  }
  return { scriptPath, linkPath, written, link, settings };
}

/** What `doctor` reports about the launcher. Reads only. */
export async function launcherStatus(host: HostEnv, opts: { source?: string } = {}): Promise<LauncherStatus> {
  const scriptPath = launcherInstallPath(host);
  const linkPath = launcherLinkPath(host);
  const installedText = await readIfExists(scriptPath).catch(() => null);
  const source = opts.source ?? (await readShippedLauncher());
  const installed = installedText !== null;
  const upToDate = installed && codeOf(installedText) !== null && codeOf(installedText) === codeOf(source);
  const settings = installed ? readLauncherSettings(installedText) : null;
  const missingDirs: string[] = [];
  for (const dir of settings?.pathDirs ?? []) {
    try {
      if (!(await stat(dir)).isDirectory()) missingDirs.push(dir);
    } catch {
      missingDirs.push(dir);
    }
  }
  const onPath = await which(host, LAUNCHER_NAME);
  let reachable = false;
  if (onPath && installed) {
    try {
      reachable = (await realpath(onPath)) === (await realpath(scriptPath));
    } catch {
      reachable = false;
    }
  }
  return {
    scriptPath,
    linkPath,
    installed,
    upToDate,
    executable: installed && (await isExecutableFile(scriptPath)),
    link: await linkState(linkPath, scriptPath),
    onPath,
    reachable,
    settings,
    missingDirs,
  };
}
