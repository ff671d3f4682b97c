// A Claude Code remote server with a bearer token, on the built binary against the private
// gnome-keyring (run through scripts/with-keyring.sh): `fix --yes` moves the header to a
// headersHelper that prints it from the keychain under a minimal environment, and `undo` puts the
// file back byte for byte. The token is synthetic; it is compared by hash, never printed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fakeToken } from '../helpers/tokens.js';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const ACCOUNT = 'LINEAR_API_KEY';
const TOKEN = fakeToken('linear', `remote-e2e-${process.pid}`);
const outputs: string[] = [];
const roots: string[] = [];

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
/** Output for a failure message, the token masked (it must never reach a log). */
const shown = (s: string) => s.split(TOKEN).join('<token>');

function requireKeyring(): void {
  if (process.env.MCP_HARDEN_TEST_KEYRING !== '1' || !process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error('these tests need the private keyring: run through scripts/with-keyring.sh (npm test does)');
  }
}

interface Box {
  root: string;
  home: string;
  workspace: string;
  env: Record<string, string>;
}

function sandbox(): Box {
  const root = mkdtempSync(join(tmpdir(), 'mcp-harden-remote-e2e-'));
  roots.push(root);
  const home = join(root, 'home');
  const workspace = join(root, 'workspace');
  mkdirSync(home, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  const env: Record<string, string> = {
    HOME: home,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
    DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS ?? '',
    ...(process.env.XDG_RUNTIME_DIR ? { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR } : {}),
  };
  return { root, home, workspace, env };
}

function run(box: Box, args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: box.workspace, env: box.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  outputs.push(r.stdout, r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a command line the way Claude Code runs a headersHelper: a shell, a minimal environment. */
function runHelper(box: Box, line: string, bus = process.env.DBUS_SESSION_BUS_ADDRESS!) {
  const minimal = [
    'PATH=/usr/bin:/bin',
    `HOME=${box.home}`,
    `DBUS_SESSION_BUS_ADDRESS=${bus}`,
    ...(process.env.XDG_RUNTIME_DIR ? [`XDG_RUNTIME_DIR=${process.env.XDG_RUNTIME_DIR}`] : []),
  ];
  // stdout holds the secret: it is kept out of `outputs` and compared by hash only.
  const r = spawnSync('env', ['-i', ...minimal, 'sh', '-c', line], { encoding: 'utf8', timeout: 20_000 });
  outputs.push(r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lookup(account: string): string | null {
  const r = spawnSync('secret-tool', ['lookup', 'service', 'mcp-harden', 'account', account], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : null;
}

function clear(): void {
  spawnSync('secret-tool', ['clear', 'service', 'mcp-harden', 'account', ACCOUNT]);
}

/** Hash and mode of every file under HOME except our own state. */
function snapshot(dir: string, acc = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (p.includes(join('.local', 'state')) || p.includes(join('.local', 'share', 'mcp-harden'))) continue;
    const st = lstatSync(p);
    if (st.isDirectory()) snapshot(p, acc);
    else acc.set(p, `${(st.mode & 0o777).toString(8)}:${sha(readFileSync(p))}`);
  }
  return acc;
}

beforeAll(() => {
  requireKeyring();
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
});

afterAll(() => {
  const all = outputs.join('\n');
  expect(all.includes(TOKEN), 'the token appeared in output').toBe(false);
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  clear();
});

describe('a Claude Code remote server with a secret header', () => {
  test('fix moves the header to a headersHelper that prints it from the keychain; undo restores the file', () => {
    clear();
    const box = sandbox();
    const claudePath = join(box.home, '.claude.json');
    const original =
      JSON.stringify(
        { numStartups: 7, mcpServers: { linear: { type: 'http', url: 'https://mcp.linear.app/mcp', headers: { Authorization: `Bearer ${TOKEN}` } } } },
        null,
        2,
      ) + '\n';
    writeFileSync(claudePath, original, { mode: 0o644 });
    const before = snapshot(box.home);

    const fix = run(box, ['fix', '--yes']);
    expect(shown(fix.stderr + fix.stdout)).toMatch(/\d+ done, 0 skipped, 0 failed/);
    expect(fix.code, shown(fix.stderr)).toBe(0);

    // The file holds no value, only the helper line with a reference.
    const text = readFileSync(claudePath, 'utf8');
    expect(text.includes(TOKEN)).toBe(false);
    const server = JSON.parse(text).mcpServers.linear;
    expect(server.headers).toBeUndefined();
    expect(server.headersHelper).toBe(`${process.execPath} ${CLI} headers 'Authorization: Bearer {{keychain:mcp-harden/${ACCOUNT}}}'`);
    expect(lookup(ACCOUNT) === TOKEN).toBe(true);

    // Run exactly as written, under a GUI client's minimal environment: one JSON object.
    const helper = runHelper(box, server.headersHelper);
    expect(helper.stderr).toBe('');
    expect(helper.code).toBe(0);
    expect(sha(helper.stdout)).toBe(sha(`{"Authorization":"Bearer ${TOKEN}"}\n`));

    // Without a usable keychain: exit 10, one line on stderr, nothing on stdout.
    const broken = runHelper(box, server.headersHelper, 'unix:path=/nonexistent/bus');
    expect(broken.code).toBe(10);
    expect(broken.stdout).toBe('');
    expect(broken.stderr.trimEnd().split('\n')).toHaveLength(1);

    // A second fix has nothing left to move for this server.
    const again = run(box, ['fix', '--yes']);
    expect(again.code, shown(again.stderr + again.stdout)).toBe(0);
    expect(readFileSync(claudePath, 'utf8')).toBe(text);

    // undo puts the file back byte for byte, its mode included.
    const u = run(box, ['undo', '--delete-secrets']);
    expect(u.code, shown(u.stderr + u.stdout)).toBe(0);
    expect(sha(readFileSync(claudePath))).toBe(sha(original));
    expect(snapshot(box.home)).toEqual(before);
  });
});
