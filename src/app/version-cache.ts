// The versions of npx and uvx packages this machine already runs, read from their caches, so an
// unpinned server can be pinned to what it runs today rather than to whatever the registry has.
import { readdir, readFile, stat } from 'node:fs/promises';
import { posix, win32 } from 'node:path';
import type { HostEnv } from '../core/model.js';
import { EXACT_VERSION, normalizePyName, versionKey, type PinTarget } from '../core/pin.js';


async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** npm's cache directory: `npm_config_cache`, else `~/.npm` (`%LocalAppData%\npm-cache` on Windows). */
function npmCacheDir(host: HostEnv): string {
  const lib = host.platform === 'win32' ? win32 : posix;
  const configured = host.env['npm_config_cache'] ?? host.env['NPM_CONFIG_CACHE'];
  if (configured) return configured;
  if (host.platform === 'win32' && host.env['LOCALAPPDATA']) return lib.join(host.env['LOCALAPPDATA'], 'npm-cache');
  return lib.join(host.home, '.npm');
}

/** uv's cache directory: `UV_CACHE_DIR`, else `$XDG_CACHE_HOME/uv` or `~/.cache/uv` (`%LocalAppData%\uv\cache` on Windows). */
function uvCacheDir(host: HostEnv): string {
  const lib = host.platform === 'win32' ? win32 : posix;
  if (host.env['UV_CACHE_DIR']) return host.env['UV_CACHE_DIR'];
  if (host.platform === 'win32' && host.env['LOCALAPPDATA']) return lib.join(host.env['LOCALAPPDATA'], 'uv', 'cache');
  return lib.join(host.env['XDG_CACHE_HOME'] || lib.join(host.home, '.cache'), 'uv');
}

/** npx installs each package set under `_npx/<hash>/node_modules`; the newest install wins. */
async function npxVersion(host: HostEnv, name: string): Promise<string | undefined> {
  const lib = host.platform === 'win32' ? win32 : posix;
  const root = lib.join(npmCacheDir(host), '_npx');
  let best: { version: string; at: number } | undefined;
  for (const hash of await names(root)) {
    const manifest = lib.join(root, hash, 'node_modules', ...name.split('/'), 'package.json');
    const at = await mtime(manifest);
    if (at === undefined || (best && best.at >= at)) continue;
    try {
      const pkg = JSON.parse(await readFile(manifest, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === name && typeof pkg.version === 'string' && EXACT_VERSION.test(pkg.version)) best = { version: pkg.version, at };
    } catch {
      // A half-written or foreign package.json tells nothing.
    }
  }
  return best?.version;
}

/**
 * uv unpacks every wheel it installs into `archive-v0/<id>/`, next to its
 * `<name>-<version>.dist-info` directory; the tool environments uvx runs link to these. The
 * newest unpacked wheel of the package wins. (Other uv layouts are not read: then no pin.)
 */
async function uvVersion(host: HostEnv, name: string): Promise<string | undefined> {
  const lib = host.platform === 'win32' ? win32 : posix;
  const root = lib.join(uvCacheDir(host), 'archive-v0');
  const want = normalizePyName(name);
  let best: { version: string; at: number } | undefined;
  for (const id of await names(root)) {
    for (const entry of await names(lib.join(root, id))) {
      const m = /^(.+)-([^-]+)\.dist-info$/.exec(entry);
      if (!m || normalizePyName(m[1]!) !== want || !EXACT_VERSION.test(m[2]!)) continue;
      const at = await mtime(lib.join(root, id, entry));
      if (at !== undefined && (!best || at > best.at)) best = { version: m[2]!, at };
    }
  }
  return best?.version;
}

/** The cached version of each package asked for, by `versionKey`; packages no cache knows are absent. */
export async function findCachedVersions(host: HostEnv, targets: Pick<PinTarget, 'runner' | 'name'>[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const t of targets) {
    const key = versionKey(t.runner, t.name);
    if (out.has(key)) continue;
    const v = t.runner === 'npx' ? await npxVersion(host, t.name) : await uvVersion(host, t.name);
    if (v) out.set(key, v);
  }
  return out;
}
