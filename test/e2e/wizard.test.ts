// The wizard in a real pseudo-terminal (node-pty + @xterm/headless) on the built binary, against a
// sandbox HOME and workspace and the private gnome-keyring (npm test runs the suite through
// scripts/with-keyring.sh). The sandbox holds synthetic tokens only. The bare command without a
// terminal (exit 2) is covered in audit.test.ts.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSandbox, type Sandbox } from '../../src/demo/sandbox.js';
import { DEMO_ACCOUNTS, buildDist, clearItems, expectNoSecretsThenClean, lookupItem, requireKeyring } from '../helpers/e2e.js';
import { CLI, spawnCli, type PtySession } from '../helpers/pty.js';

const sandboxes: Sandbox[] = [];
/** Everything any run printed: raw pty bytes, every screen seen, and piped output. */
const outputs: string[] = [];
const sessions: PtySession[] = [];


function envFor(sb: Sandbox): Record<string, string> {
  return {
    ...sb.env,
    TERM: 'xterm-256color',
    XDG_STATE_HOME: join(sb.home, '.local', 'state'),
    DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS ?? '',
    ...(process.env.XDG_RUNTIME_DIR ? { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR } : {}),
  };
}

/** The keychain as a map account → SHA-256 of the value (never the value: it could end up in a failure message). */
function keychainState(): Map<string, string | null> {
  return new Map(DEMO_ACCOUNTS.map((a) => {
    const v = lookupItem(a);
    return [a, v === null ? null : createHash('sha256').update(v).digest('hex')];
  }));
}

function fresh(seed: string): Sandbox {
  clearItems(DEMO_ACCOUNTS);
  const sb = buildSandbox({ seed });
  sandboxes.push(sb);
  return sb;
}

/**
 * Every file and directory under the sandbox root, keyed by its path relative to the root: mode and
 * content hash, with the root path replaced so two sandboxes of one seed compare equal. The git
 * directory (commit times, index stat data) and the tool's own state, data and launcher
 * directories (run ids, timestamps) are left out by `skip`.
 */
function tree(root: string, skip: (rel: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const rel = relative(root, p);
      if (skip(rel)) continue;
      const st = lstatSync(p);
      const mode = (st.mode & 0o777).toString(8);
      if (st.isDirectory()) {
        out.set(`${rel}/`, mode);
        walk(p);
      } else if (st.isSymbolicLink()) out.set(rel, 'link');
      else {
        const text = readFileSync(p).toString('latin1').split(root).join('<ROOT>');
        out.set(rel, `${mode}:${createHash('sha256').update(text, 'latin1').digest('hex')}`);
      }
    }
  };
  walk(root);
  return out;
}

const STATE_DIRS = [join('home', '.local', 'state'), join('home', '.local', 'share', 'mcp-harden'), join('home', '.local', 'bin')];
const isGit = (rel: string) => rel === join('workspace', 'acme-app', '.git');
const isToolState = (rel: string) => STATE_DIRS.some((d) => rel === d || rel.startsWith(`${d}/`));

/** Runs recorded by the tool in a sandbox (undo --list), i.e. whether anything was applied. */
function runsIn(sb: Sandbox): unknown[] {
  const r = spawnSync(process.execPath, [CLI, 'undo', '--list', '--json'], { cwd: sb.workspace, env: envFor(sb), encoding: 'utf8' });
  outputs.push(r.stdout, r.stderr);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout).runs;
}

function open(sb: Sandbox, args: string[], size: { cols?: number; rows?: number } = {}, env: Record<string, string> = {}): PtySession {
  const s = spawnCli({ args, cwd: sb.workspace, env: { ...envFor(sb), ...env }, cols: size.cols ?? 100, rows: size.rows ?? 30 });
  sessions.push(s);
  return s;
}

/** A scan that takes at least `ms` (a test hook): the wizard then shows the scan's progress first. */
const slowScan = (ms: number) => ({ MCP_HARDEN_TEST_HOOKS: '1', MCP_HARDEN_TEST_SLOW_SCAN_MS: String(ms) });

/** Waits for a screen and keeps it for the secret check. */
async function see(s: PtySession, what: string | RegExp, timeoutMs?: number): Promise<string> {
  const screen = await s.waitFor(what, timeoutMs);
  outputs.push(screen);
  return screen;
}

beforeAll(() => {
  requireKeyring();
  buildDist();
});

afterAll(() => {
  for (const s of sessions) {
    s.kill();
    outputs.push(s.raw());
  }
  expectNoSecretsThenClean(outputs, sandboxes, 'a screen or in output');
});

/** Enter through every step of the full-screen wizard, from the first frame to its exit. */
async function enterThrough(s: PtySession): Promise<void> {
  for (const step of ['2/9 Servers', '3/9 Trust', '4/9 Scopes', '5/9 Files', '6/9 Keychain', /will change \(secrets masked\)/, '7/9 Confirm']) {
    await see(s, step);
    s.press('Enter');
  }
  await see(s, /9\/9 Summary[\s\S]*Done: \d+ done, 0 skipped, 0 failed/, 30_000);
  s.press('Enter');
}

describe('the wizard in a terminal', () => {
  test('Enter at every step ends with the same files and keychain items as fix --yes, and exits 0', async () => {
    const viaWizard = fresh('same');
    const s = open(viaWizard, []);
    await enterThrough(s);
    expect((await s.exit).code).toBe(0);
    const keychainAfterWizard = keychainState();
    expect([...keychainAfterWizard.values()].filter((v) => v !== null).length).toBeGreaterThanOrEqual(8);
    expect(runsIn(viaWizard)).toHaveLength(1);

    const viaFix = fresh('same');
    expect(keychainState().get('GITHUB_PERSONAL_ACCESS_TOKEN')).toBeNull();
    const r = spawnSync(process.execPath, [CLI, 'fix', '--yes'], { cwd: viaFix.workspace, env: envFor(viaFix), encoding: 'utf8' });
    outputs.push(r.stdout, r.stderr);
    expect(r.status, r.stderr.slice(-500)).toBe(0);

    const skip = (rel: string) => isGit(rel) || isToolState(rel);
    const a = tree(viaWizard.root, skip);
    const b = tree(viaFix.root, skip);
    expect(a).toEqual(b);
    // The comparison is not vacuous: fix changed the user config and locked it down.
    expect(a.get(join('home', '.claude.json'))?.startsWith('600:')).toBe(true);
    expect(readFileSync(join(viaWizard.home, '.claude.json'), 'utf8')).toContain('keychain:mcp-harden/GITHUB_PERSONAL_ACCESS_TOKEN');
    // Both runs installed the same launcher.
    expect(tree(join(viaWizard.home, '.local', 'bin'))).toEqual(tree(join(viaFix.home, '.local', 'bin')));
    expect(keychainState()).toEqual(keychainAfterWizard);
  });

  test.each([
    ['Scan', 'q'],
    ['Servers', 'q'],
    ['Trust', 'q'],
    ['Scopes', 'q'],
    ['Files', 'q'],
    ['Keychain', 'q'],
    ['Keychain diff', 'q'],
    ['Confirm', 'q'],
    ['Trust', 'Ctrl+C'],
  ] as const)('cancelling at %s with %s changes nothing on disk and exits 130', async (step, key) => {
    const sb = fresh(`cancel-${step.replace(/\W/g, '')}-${key.replace(/\W/g, '')}`);
    const before = tree(sb.root);
    // A quick scan opens on the server table: cancelling at the Scan step needs a slow one.
    const s = open(sb, [], {}, step === 'Scan' ? slowScan(60_000) : {});
    const order = ['Scan', 'Servers', 'Trust', 'Scopes', 'Files', 'Keychain', 'Keychain diff', 'Confirm'];
    const marks: Record<string, string | RegExp> = {
      Scan: '1/9 Scan',
      Servers: '2/9 Servers',
      Trust: '3/9 Trust',
      Scopes: '4/9 Scopes',
      Files: '5/9 Files',
      Keychain: /6\/9 Keychain[\s\S]*Space switches/,
      'Keychain diff': /will change \(secrets masked\)/,
      Confirm: '7/9 Confirm',
    };
    for (const at of order.slice(step === 'Scan' ? 0 : 1, order.indexOf(step) + 1)) {
      await see(s, marks[at]!);
      if (at !== step) s.press('Enter');
    }
    s.press(key);
    expect((await s.exit).code).toBe(130);
    outputs.push(s.screen());
    if (step === 'Scan') expect(s.raw(), 'the scan finished before q was read').not.toContain('2/9 Servers');
    // Not one file, directory or mode changed, and the state directory was not even created.
    expect(tree(sb.root)).toEqual(before);
    expect(existsSync(join(sb.home, '.local', 'state', 'mcp-harden'))).toBe(false);
    expect(runsIn(sb)).toEqual([]);
    expect(keychainState().get('GITHUB_PERSONAL_ACCESS_TOKEN')).toBeNull();
  });

  test('a slow scan shows its live progress, then moves on to the server table by itself', async () => {
    const sb = fresh('slow-scan');
    const s = open(sb, [], {}, slowScan(2500));
    // The counters are the scan's own, not zeros: the frame is drawn after the scan has read files.
    const progress = await see(s, /1\/9 Scan[\s\S]*Looking at your MCP setup[\s\S]*\b[1-9]\d* files read · \d+ directories · [1-9]\d* servers · [1-9]\d* secrets found/);
    expect(progress).not.toContain('2/9 Servers');
    await see(s, /2\/9 Servers[\s\S]*Continue to trust levels/, 20_000);
    s.press('q');
    expect((await s.exit).code).toBe(130);
  });

  test('a resize mid-run redraws the step at the new width', async () => {
    const sb = fresh('resize');
    const s = open(sb, [], { cols: 100, rows: 30 });
    await see(s, '2/9 Servers');
    s.resize(72, 24);
    // The table is laid out again for 72 columns: the footer is whole and the header is on top.
    const screen = await see(s, /^mcp-harden {2}2\/9 Servers[\s\S]*^↑↓ move · Enter continue · \? help · q quit$/m);
    expect(screen.split('\n').filter((l) => l.includes('2/9 Servers'))).toHaveLength(1);
    // The old 100-column lines would be wrapped by the narrower terminal: whole rows mean a redraw.
    expect(screen).toMatch(/^ {2}server\s+clients\s+scope\s+via\s+trust\s+findings$/m);
    expect(screen).toMatch(/^ {2}filesystem\s+claude-code\s+project\s+stdio\s+untrusted\s+2$/m);
    expect(screen.split('\n').filter((l) => /^ {2}filesystem /.test(l))).toHaveLength(1);
    s.press('Enter');
    const trust = await see(s, '3/9 Trust');
    expect(trust.split('\n').every((l) => l.length <= 72)).toBe(true);
    s.press('q');
    expect((await s.exit).code).toBe(130);
  });
});

describe('--plain in a terminal', () => {
  test('Enter at every question ends with the same files as fix --yes', async () => {
    const viaPlain = fresh('plain');
    const s = open(viaPlain, ['--plain']);
    for (const q of ['Servers', 'Trust', 'Scopes', 'Files', 'Keychain', 'Changes', 'Apply \\d+ actions\\?']) {
      await see(s, new RegExp(`^\\? ${q}`, 'm'), 20_000);
      s.press('Enter');
    }
    await see(s, /Done: \d+ done, 0 skipped, 0 failed/, 30_000);
    expect((await s.exit).code).toBe(0);
    const keychainAfterPlain = keychainState();

    const viaFix = fresh('plain');
    const r = spawnSync(process.execPath, [CLI, 'fix', '--yes'], { cwd: viaFix.workspace, env: envFor(viaFix), encoding: 'utf8' });
    outputs.push(r.stdout, r.stderr);
    expect(r.status, r.stderr.slice(-500)).toBe(0);
    const skip = (rel: string) => isGit(rel) || isToolState(rel);
    expect(tree(viaPlain.root, skip)).toEqual(tree(viaFix.root, skip));
    expect(keychainState()).toEqual(keychainAfterPlain);
  });
});
