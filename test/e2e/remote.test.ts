// A Claude Code remote server with a bearer token, on the built binary against the private
// gnome-keyring (run through scripts/with-keyring.sh): `fix --yes` moves the header to a
// headersHelper that prints it from the keychain under a minimal environment, and `undo` puts the
// file back byte for byte. The token is synthetic; it is compared by hash, never printed.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDist, clearItems, CLI, lookupItem as lookup, makeBox, requireKeyring, runCli, sha256 as sha, snapshot as snapshotAll, type Box } from '../helpers/e2e.js';
import { fakeToken } from '../helpers/tokens.js';

const ACCOUNT = 'LINEAR_API_KEY';
const TOKEN = fakeToken('linear', `remote-e2e-${process.pid}`);
const outputs: string[] = [];
const roots: string[] = [];

/** Output for a failure message, the token masked (it must never reach a log). */
const shown = (s: string) => s.split(TOKEN).join('<token>');

function sandbox(): Box {
  const b = makeBox('mcp-harden-remote-e2e-', 'workspace', { LANG: 'C.UTF-8' });
  roots.push(b.root);
  return b;
}

function run(box: Box, args: string[]) {
  return runCli(args, { cwd: box.workspace, env: box.env, outputs });
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

function clear(): void {
  clearItems([ACCOUNT]);
}

/** Hash and mode of every file under HOME except our own state. */
const snapshot = (dir: string) => snapshotAll(dir, (p) => p.includes(join('.local', 'state')) || p.includes(join('.local', 'share', 'mcp-harden')));

beforeAll(() => {
  requireKeyring();
  buildDist();
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
