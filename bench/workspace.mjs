// Builds (once, then reuses) the large synthetic workspace the walker benchmark runs on:
// 300,000 files in 6,000 directories, 100,000 more under node_modules folders, a few dozen
// .env files (some of them inside pruned trees, which must not be reported) and a few MCP configs.
// Files are empty except the .env files and configs: the walk never reads them.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// Bump when the layout changes, so a stale cached tree is rebuilt.
const LAYOUT_VERSION = 3;

export const BENCH_ROOT = '/tmp/mcp-harden-bench';

/** Names the walker prunes; the find baseline prunes the same ones. */
export const PRUNED_NAMES = [
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'vendor',
  '.venv',
  'venv',
  '__pycache__',
  '.tox',
  'bower_components',
  '.yarn',
  '.pnpm-store',
];

const DIRS = 6_000;
const FILES = 300_000;
const NM_FILES = 100_000;
const FILES_PER_DIR = FILES / DIRS; // 50

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function crc32(text) {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc ^= text.charCodeAt(i);
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A synthetic classic GitHub token (never a real one): `ghp_` + 30 base62 characters derived from
 * `seed` + their CRC-32 in base62, so detectors that check the checksum treat it as well-formed.
 */
export function syntheticGhp(seed) {
  let body = '';
  let x = (seed * 2654435761 + 12345) >>> 0;
  for (let i = 0; i < 30; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    body += BASE62[(x >>> 8) % 62];
  }
  let crc = crc32(body);
  let check = '';
  for (let i = 0; i < 6; i++) {
    check = BASE62[crc % 62] + check;
    crc = Math.floor(crc / 62);
  }
  return `ghp_${body}${check}`;
}

function envText(seed) {
  return `APP_PORT=3000\nGITHUB_PERSONAL_ACCESS_TOKEN=${syntheticGhp(seed)}\n`;
}

function touch(path) {
  closeSync(openSync(path, 'w'));
}

/** Directory paths (relative) of the hand-written part of the tree, root first, exactly DIRS of them. */
function layout() {
  const dirs = [''];
  for (let a = 0; a < 12 && dirs.length < DIRS; a++) {
    const app = `app${a}`;
    dirs.push(app);
    for (let s = 0; s < 20 && dirs.length < DIRS; s++) {
      const src = `${app}/src${s}`;
      dirs.push(src);
      for (let m = 0; m < 24 && dirs.length < DIRS; m++) dirs.push(`${src}/mod${m}`);
    }
  }
  return dirs;
}

/**
 * Returns the workspace path and the sorted list of .env files (absolute) a correct walk reports.
 * The tree is generated on first use and kept under BENCH_ROOT.
 */
export function ensureWorkspace(log = () => {}) {
  const ws = join(BENCH_ROOT, 'ws-300k');
  const manifestPath = join(BENCH_ROOT, 'ws-300k.manifest.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.version === LAYOUT_VERSION && existsSync(ws)) return manifest;
  }
  log(`generating benchmark workspace in ${ws} (once; takes a minute)…`);
  rmSync(ws, { recursive: true, force: true });
  rmSync(manifestPath, { force: true });

  const dirs = layout();
  const envFiles = [];
  let files = 0;
  for (const [i, rel] of dirs.entries()) {
    const dir = join(ws, rel);
    mkdirSync(dir, { recursive: true });
    let n = FILES_PER_DIR;
    // Every 150th directory holds one .env variant (40 in all), counted in its 50 files.
    if (i % 150 === 0) {
      const names = ['.env', '.env.local', '.env.production', 'prod.env', '.env.example'];
      const name = names[(i / 150) % names.length];
      writeFileSync(join(dir, name), envText(i));
      envFiles.push(join(dir, name));
      n--;
    }
    for (let f = 0; f < n; f++) touch(join(dir, `file${f}.ts`));
    files += FILES_PER_DIR;
  }

  // MCP configs: one project .mcp.json, one Cursor config (its own directory, outside the counts).
  writeFileSync(
    join(ws, '.mcp.json'),
    JSON.stringify({ mcpServers: { fs: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '.'] } } }, null, 2),
  );
  mkdirSync(join(ws, '.cursor'), { recursive: true });
  writeFileSync(
    join(ws, '.cursor', 'mcp.json'),
    JSON.stringify({ mcpServers: { docs: { url: 'https://example.invalid/mcp' } } }, null, 2),
  );

  // node_modules: 100,000 files in 2,000 package directories spread over the apps, plus one
  // .env inside a package that must be pruned away.
  let nm = 0;
  for (let p = 0; nm < NM_FILES; p++) {
    const pkg = join(ws, `app${p % 12}`, 'node_modules', `pkg${p}`, 'lib');
    mkdirSync(pkg, { recursive: true });
    for (let f = 0; f < 50 && nm < NM_FILES; f++, nm++) touch(join(pkg, `index${f}.js`));
  }
  writeFileSync(join(ws, 'app0', 'node_modules', 'pkg0', '.env'), envText(900_001));
  // Other pruned trees, each with a .env that must not be reported.
  for (const name of ['vendor', '.venv', '__pycache__']) {
    mkdirSync(join(ws, 'app1', name), { recursive: true });
    writeFileSync(join(ws, 'app1', name, '.env'), envText(name.length + 900_100));
  }

  // A real repository with the .env files ignored, as in most projects.
  writeFileSync(join(ws, '.gitignore'), 'node_modules/\n.env\n.env.*\n!.env.example\n*.env\n');
  execFileSync('git', ['init', '-q', ws]);

  const manifest = { version: LAYOUT_VERSION, ws, dirs: dirs.length, files, nodeModulesFiles: nm, envFiles: envFiles.sort() };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  log(`generated: ${dirs.length} directories, ${files} files, ${nm} more under node_modules, ${envFiles.length} .env files`);
  return manifest;
}

/** A small project (one MCP config, one .env, a git repository) for the cold-start benchmark. */
export function ensureSmallWorkspace() {
  const ws = join(BENCH_ROOT, 'small-ws');
  if (existsSync(join(ws, '.mcp.json'))) return ws;
  mkdirSync(join(ws, 'src'), { recursive: true });
  writeFileSync(join(ws, 'src', 'index.ts'), 'export {};\n');
  writeFileSync(
    join(ws, '.mcp.json'),
    JSON.stringify({ mcpServers: { github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: '${GITHUB_PAT}' } } } }, null, 2),
  );
  writeFileSync(join(ws, '.env'), envText(7));
  writeFileSync(join(ws, '.gitignore'), '.env\n');
  execFileSync('git', ['init', '-q', ws]);
  return ws;
}
