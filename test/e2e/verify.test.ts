// `fix --verify` on the built binary against a private gnome-keyring (run through
// scripts/with-keyring.sh): the fixture MCP server refuses to start without its exact token, so a
// server that lists its tools after the fix got its secret from the keychain through the launcher.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDist, clearItems, homeEnv, requireKeyring, ROOT, runCli, sha256 } from '../helpers/e2e.js';
import { fakeToken } from '../helpers/tokens.js';

const FIXTURE = join(ROOT, 'test/fixtures/mcp-server/server.mjs');
const outputs: string[] = [];

// Two servers with different tokens under the same variable name: they get two keychain items.
const TOKENS = { claude: fakeToken('github-classic', 'verify-e2e-claude'), cursor: fakeToken('github-classic', 'verify-e2e-cursor') };
const WRONG = fakeToken('github-classic', 'verify-e2e-wrong');
const VALUES = [...Object.values(TOKENS), WRONG];

const root = mkdtempSync(join(tmpdir(), 'mcp-harden-verify-e2e-'));
const home = join(root, 'home');
const workspace = join(root, 'workspace');
const accounts = new Set<string>();

function run(args: string[]) {
  return runCli(args, { cwd: workspace, env: homeEnv(home, { LANG: 'C.UTF-8' }), outputs, timeout: 90_000 });
}

/** The fixture server, as a user would add it: the project's Node by absolute path, the token in env. */
function fixtureServer(token: string, digestFile: string) {
  return { command: process.execPath, args: [FIXTURE], env: { FIXTURE_TOKEN: token, FIXTURE_EXPECT_SHA256: digestFile } };
}

function writeDigest(name: string, token: string): string {
  const file = join(root, `${name}.sha256`);
  writeFileSync(file, sha256(token) + '\n');
  return file;
}

/** The keychain account a rewritten env value references. */
function accountOf(value: string): string {
  const m = /^keychain:mcp-harden\/(.+)$/.exec(value);
  if (!m) throw new Error('the env value is not a keychain reference');
  return decodeURIComponent(m[1]!);
}

beforeAll(() => {
  requireKeyring();
  buildDist();
  mkdirSync(join(home, '.cursor'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  writeFileSync(
    join(home, '.claude.json'),
    JSON.stringify({ numStartups: 3, mcpServers: { 'fixture-claude': { type: 'stdio', ...fixtureServer(TOKENS.claude, writeDigest('claude', TOKENS.claude)) } } }, null, 2),
  );
  writeFileSync(
    join(home, '.cursor', 'mcp.json'),
    JSON.stringify({ mcpServers: { 'fixture-cursor': fixtureServer(TOKENS.cursor, writeDigest('cursor', TOKENS.cursor)) } }, null, 2),
  );
});

afterAll(() => {
  const all = outputs.join('\n');
  for (const v of VALUES) expect(all.includes(v), 'a token appeared in the output').toBe(false);
  clearItems(accounts);
  rmSync(root, { recursive: true, force: true });
});

describe('fix --verify', () => {
  test('after the migration, both servers start through the launcher and list their tool', () => {
    const r = run(['fix', '--yes', '--verify']);
    expect(r.stderr).toMatch(/Verifying 2 servers: initialize and tools\/list through each new launch line/);
    expect(r.stdout).toMatch(/^ {2}✓ fixture-claude \(Claude Code, ~\/\.claude\.json\): ok \(1 tool\)$/m);
    expect(r.stdout).toMatch(/^ {2}✓ fixture-cursor \(Cursor, ~\/\.cursor\/mcp\.json\): ok \(1 tool\)$/m);
    expect(r.code).toBe(0);

    // What was verified is what the configs now say: the launcher, with references instead of tokens.
    const claude = JSON.parse(readFileSync(join(home, '.claude.json'), 'utf8')).mcpServers['fixture-claude'];
    const cursor = JSON.parse(readFileSync(join(home, '.cursor', 'mcp.json'), 'utf8')).mcpServers['fixture-cursor'];
    for (const s of [claude, cursor]) {
      expect(s.command).toMatch(/\/mcp-harden-launch$/);
      expect(s.args).toEqual([process.execPath, FIXTURE]);
      accounts.add(accountOf(s.env.FIXTURE_TOKEN));
    }
    expect(accounts.size).toBe(2);
  });

  test('--json carries the per-server results', () => {
    const r = run(['fix', '--yes', '--verify', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.run).toBeNull();
    expect(doc.verify).toEqual([
      { server: 'fixture-claude', client: 'claude-code', file: join(home, '.claude.json'), ok: true, tools: 1 },
      { server: 'fixture-cursor', client: 'cursor', file: join(home, '.cursor', 'mcp.json'), ok: true, tools: 1 },
    ]);
  });

  test('a wrong value in the keychain: that server fails with a one-line reason, the other is ok, exit 1', () => {
    const cursor = JSON.parse(readFileSync(join(home, '.cursor', 'mcp.json'), 'utf8')).mcpServers['fixture-cursor'];
    const account = accountOf(cursor.env.FIXTURE_TOKEN);
    // The value goes on stdin, as the product itself does: never in a process's arguments.
    const store = spawnSync(
      'secret-tool',
      ['store', `--label=mcp-harden/${account}`, 'xdg:schema', 'org.freedesktop.Secret.Generic', 'service', 'mcp-harden', 'account', account],
      { input: WRONG, encoding: 'utf8' },
    );
    expect(store.status).toBe(0);

    const r = run(['fix', '--yes', '--verify']);
    expect(r.stdout).toMatch(/^ {2}✓ fixture-claude \(Claude Code, ~\/\.claude\.json\): ok \(1 tool\)$/m);
    expect(r.stdout).toMatch(/^ {2}✗ fixture-cursor \(Cursor, ~\/\.cursor\/mcp\.json\): failed: the server exited with code 3 before answering initialize$/m);
    expect(r.stdout).toContain('Verify: 1 ok, 1 failed');
    // The fixture's complaint on its stderr is its own: it is not echoed.
    expect(r.stdout + r.stderr).not.toContain('fixture-server');
    expect(r.code).toBe(1);

    const json = run(['fix', '--yes', '--verify', '--json']);
    expect(json.code).toBe(1);
    const failed = JSON.parse(json.stdout).verify.filter((v: { ok: boolean }) => !v.ok);
    expect(failed).toEqual([
      { server: 'fixture-cursor', client: 'cursor', file: join(home, '.cursor', 'mcp.json'), ok: false, error: 'the server exited with code 3 before answering initialize' },
    ]);
  });

  test('a missing keychain item: the launcher says so, and verification fails', () => {
    const claude = JSON.parse(readFileSync(join(home, '.claude.json'), 'utf8')).mcpServers['fixture-claude'];
    clearItems([accountOf(claude.env.FIXTURE_TOKEN)]);
    const r = run(['fix', '--yes', '--verify']);
    expect(r.stdout).toMatch(/^ {2}✗ fixture-claude \(Claude Code, ~\/\.claude\.json\): failed: the launcher could not read a secret from the keychain \(exit 10\)/m);
    expect(r.code).toBe(1);
  });

  test('--verify with --dry-run is a usage error', () => {
    const r = run(['fix', '--dry-run', '--verify']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--verify');
  });
});
