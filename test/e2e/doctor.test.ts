// `doctor`, `doctor --repair`, `doctor --json` and `secrets --import` on the built binary, against
// the private gnome-keyring of scripts/with-keyring.sh. Every run gets a temporary HOME (with its
// XDG directories inside), so nothing touches the real user's files. Values are synthetic.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDist, clearItems, filesHolding, makeBox, requireKeyring, runCli, type Box } from '../helpers/e2e.js';
import { fakeToken } from '../helpers/tokens.js';

const outputs: string[] = [];
const roots: string[] = [];
const VALUE = fakeToken('github-classic', `doctor-e2e-${randomBytes(4).toString('hex')}`);
// A service of its own, so other files sharing the keyring never see this item.
const HAND_SERVICE = `github-pat-${randomBytes(3).toString('hex')}`;
const ACCOUNT = 'GITHUB_PERSONAL_ACCESS_TOKEN';

function box(): Box {
  const b = makeBox('mcp-harden-doctor-e2e-', 'project');
  b.env.XDG_CACHE_HOME = join(b.home, '.cache');
  roots.push(b.root);
  return b;
}

function run(b: Box, args: string[], extra: Record<string, string> = {}) {
  return runCli(args, { cwd: b.workspace, env: { ...b.env, ...extra }, outputs });
}

function secretTool(args: string[], input?: string) {
  return spawnSync('secret-tool', args, { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
}

function clear(): void {
  clearItems([ACCOUNT]);
  secretTool(['clear', 'service', HAND_SERVICE, 'username', 'mcp-github']);
}

beforeAll(() => {
  requireKeyring();
  buildDist();
  clear();
});

afterAll(() => {
  // Only ever clear items in the private keyring, never in a real one.
  if (process.env.MCP_HARDEN_TEST_KEYRING === '1') clear();
  const all = outputs.join('\n');
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  expect(all.includes(VALUE), 'the synthetic value appeared in some output').toBe(false);
});

describe('importing an item made by hand the guide’s way', () => {
  test('secrets offers it, --import lists it, --import NAME=SERVICE/USERNAME copies it; the value is never printed', () => {
    const b = box();
    // Exactly the guide's command, value on stdin.
    const stored = secretTool(['store', '--label=x', 'service', HAND_SERVICE, 'username', 'mcp-github'], VALUE);
    expect(stored.status, stored.stderr).toBe(0);
    const id = `${HAND_SERVICE}/mcp-github`;

    const offer = run(b, ['secrets']);
    expect(offer.code).toBe(0);
    expect(offer.stdout).toMatch(/^\d+ keychain items? made by hand can be imported: mcp-harden secrets --import$/m);

    const list = run(b, ['secrets', '--import']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`  ${id}\n`);
    expect(list.stdout).not.toMatch(/secret = /);

    const listJson = run(b, ['--json', 'secrets', '--import']);
    expect(JSON.parse(listJson.stdout).items).toContainEqual({ id, service: HAND_SERVICE, username: 'mcp-github', count: 1 });

    const imported = run(b, ['secrets', '--import', `${ACCOUNT}=${id}`]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`imported  ${id} → mcp-harden/${ACCOUNT} (github)`);
    const back = secretTool(['lookup', 'service', 'mcp-harden', 'account', ACCOUNT]);
    expect(back.status).toBe(0);
    expect(back.stdout === VALUE).toBe(true);
    // The original stays for whatever still reads it.
    expect(secretTool(['lookup', 'service', HAND_SERVICE, 'username', 'mcp-github']).stdout === VALUE).toBe(true);

    const after = run(b, ['secrets']);
    expect(after.stdout).toMatch(new RegExp(`^mcp-harden/${ACCOUNT}  github `, 'm'));
    expect(run(b, ['secrets', '--import']).stdout).not.toContain(id);
    // doctor sees the imported secret in the keychain.
    expect(run(b, ['doctor']).stdout).toMatch(/^ok +secrets: 1 secret stored, every one in the keychain$/m);
    expect(filesHolding(b.root, VALUE)).toEqual([]);
  });

  test('refuses a malformed pair with exit 2 and an unknown item with exit 1', () => {
    const b = box();
    const bad = run(b, ['secrets', '--import', 'NO_SLASH=github']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/NAME=SERVICE\/USERNAME/);
    const unknown = run(b, ['secrets', '--import', `OTHER_NAME=${HAND_SERVICE}-absent/nobody`]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/failed .*no keychain item/);
    expect(secretTool(['lookup', 'service', 'mcp-harden', 'account', 'OTHER_NAME']).status).not.toBe(0);
  });
});

describe('doctor', () => {
  /** A Claude Code user config whose server starts through the launcher, as `fix` leaves it. */
  function configUsingLauncher(b: Box): string {
    const launcher = join(b.home, '.local', 'share', 'mcp-harden', 'bin', 'mcp-harden-launch');
    writeFileSync(
      join(b.home, '.claude.json'),
      JSON.stringify({ mcpServers: { github: { command: launcher, args: ['npx', '-y', '@modelcontextprotocol/server-github'] } } }),
    );
    return launcher;
  }

  test('reports the missing launcher a config uses (exit 1); --repair installs and links it (exit 0)', () => {
    const b = box();
    const launcher = configUsingLauncher(b);
    const before = run(b, ['doctor']);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/^ok +Node \d+\.\d+\.\d+ \(22\.15 or later is required\)$/m);
    expect(before.stdout).toMatch(/^ok +keychain: Secret Service via .* — ready$/m);
    expect(before.stdout).toMatch(/^problem +launcher: not installed at ~\/\.local\/share\/mcp-harden\/bin\/mcp-harden-launch; 1 server starts through it$/m);
    expect(before.stdout).toMatch(/^ok +clients: Claude Code \(1 file, 1 server\)$/m);
    expect(existsSync(launcher)).toBe(false);

    const repair = run(b, ['doctor', '--repair']);
    expect(repair.code).toBe(0);
    expect(repair.stdout).toMatch(/^ok +repair: installed the launcher at ~\/\.local\/share\/mcp-harden\/bin\/mcp-harden-launch; linked it as ~\/\.local\/bin\/mcp-harden-launch$/m);
    expect(lstatSync(launcher).mode & 0o777).toBe(0o755);
    expect(realpathSync(join(b.home, '.local', 'bin', 'mcp-harden-launch'))).toBe(realpathSync(launcher));

    const again = run(b, ['doctor']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^ok +launcher: ~\/\.local\/share\/mcp-harden\/bin\/mcp-harden-launch, up to date and executable; 1 server starts through it$/m);
  });

  test('--repair changes nothing but the launcher', () => {
    const b = box();
    configUsingLauncher(b);
    const config = readFileSync(join(b.home, '.claude.json'), 'utf8');
    run(b, ['doctor', '--repair']);
    expect(readFileSync(join(b.home, '.claude.json'), 'utf8')).toBe(config);
    const made = readdirSync(b.home, { recursive: true }).map(String).sort();
    expect(made.filter((p) => !p.startsWith('.local'))).toEqual(['.claude.json']);
    expect(made.filter((p) => p.startsWith('.local') && !/^\.local(\/(share|bin|state)(\/mcp-harden(\/bin(\/mcp-harden-launch)?)?|\/mcp-harden-launch)?)?$/.test(p))).toEqual([]);
  });

  test('--json prints one document with the same facts', () => {
    const b = box();
    configUsingLauncher(b);
    const r = run(b, ['--json', 'doctor']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      schema: 1,
      exitCode: 1,
      ok: false,
      platform: 'linux',
      node: { version: process.versions.node, required: '>=22.15', ok: true },
      keychain: { state: 'ready' },
      lookupTool: { name: 'secret-tool' },
      launcher: { installed: false, link: 'missing', usedBy: { byPath: 1, byName: 0 } },
      clients: { found: [{ client: 'claude-code', label: 'Claude Code', files: 1, servers: 1 }], servers: 1 },
      interruptedRuns: [],
      secrets: { checked: true, recorded: 0, missing: [] },
    });
    expect(['keytar', 'secret-tool']).toContain(doc.keychain.backend);
    for (const c of doc.checks) expect(['ok', 'problem', 'hint']).toContain(c.status);
    expect(doc.checks.find((c: { topic: string }) => c.topic === 'launcher').status).toBe('problem');
  });

  test('with no Secret Service it exits 10 and explains how to get one on a headless machine', () => {
    const b = box();
    const r = run(b, ['doctor'], { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(b.root, 'no-such-bus')}` });
    expect(r.code).toBe(10);
    expect(r.stdout).toMatch(/^problem +keychain: .* — missing: /m);
    expect(r.stdout).toMatch(/gnome-keyring/);
    expect(r.stdout).toMatch(/D-Bus session/);
    expect(r.stdout).toMatch(/Level 1 still works/);
    expect(r.stdout).not.toMatch(/keyctl|kernel keyring/i);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('The keychain cannot be used (exit 10); see above.');
  });
});
