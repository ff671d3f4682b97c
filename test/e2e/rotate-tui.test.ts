// The guided `rotate` on the built binary in a real pseudo-terminal, with the private gnome-keyring:
// Ink by default and `--plain`. Enter takes the recommended answer at every question; the values
// typed never reach the screen or the output.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildDist, clearItems, filesHolding, keyringEnv, lookupItem, makeBox, requireKeyring, type Box } from '../helpers/e2e.js';
import { spawnCli, type PtySession } from '../helpers/pty.js';
import { fakeToken } from '../helpers/tokens.js';

const boxes: Box[] = [];
let sessions: PtySession[] = [];
const ACCOUNT = 'GITHUB_PERSONAL_ACCESS_TOKEN';

beforeAll(() => {
  requireKeyring();
  buildDist();
});
afterEach(() => {
  for (const s of sessions) s.kill();
  sessions = [];
});
afterAll(() => {
  for (const b of boxes) rmSync(b.root, { recursive: true, force: true });
  clearItems([ACCOUNT]);
});

function setup(name: string, old: string): Box {
  clearItems([ACCOUNT]);
  const b = makeBox(`mcp-harden-rotate-tui-${name}-`, 'project');
  boxes.push(b);
  const server = { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'], env: { [ACCOUNT]: old } };
  mkdirSync(join(b.home, '.cursor'), { recursive: true });
  writeFileSync(join(b.home, '.cursor', 'mcp.json'), JSON.stringify({ mcpServers: { gh: server } }, null, 2) + '\n', { mode: 0o600 });
  writeFileSync(join(b.home, '.claude.json'), JSON.stringify({ mcpServers: { github: server } }, null, 2) + '\n', { mode: 0o600 });
  return b;
}

function start(b: Box, args: string[]): PtySession {
  const s = spawnCli({ args: ['rotate', '--no-history', ...args], cwd: b.workspace, env: { ...b.env, ...keyringEnv(), TERM: 'xterm-256color' }, cols: 100, rows: 30 });
  sessions.push(s);
  return s;
}

/** Every screen seen while waiting, for the check that no value was ever on one. */
function watcher(s: PtySession) {
  const screens: string[] = [];
  return {
    screens,
    async seen(what: string | RegExp, timeoutMs = 20_000) {
      const screen = await s.waitFor(what, timeoutMs);
      screens.push(screen);
      return screen;
    },
  };
}

function expectNoValue(s: PtySession, screens: string[], values: string[]) {
  screens.push(s.screen());
  for (const v of values) {
    for (const screen of screens) expect(screen.includes(v.slice(4, 20)), 'a value was on the screen').toBe(false);
    expect(s.raw().includes(v.slice(4, 20)), 'a value was in the output').toBe(false);
  }
}

describe('rotate on a terminal', () => {
  test('Ink: Enter at every question rotates the token everywhere', async () => {
    const old = fakeToken('github-classic', 'tui-old');
    const fresh = fakeToken('github-classic', 'tui-new');
    const b = setup('ink', old);
    const s = start(b, []);
    const w = watcher(s);
    let screen = await w.seen('Which secret leaked?');
    expect(screen).toContain('GITHUB_PERSONAL_ACCESS_TOKEN — github, ghp_…(40)');
    s.press('Enter');
    screen = await w.seen('In which order?');
    expect(screen).toContain('Used in:');
    expect(screen).toMatch(/~\/\.cursor\/mcp\.json:\d+ — server "gh" \(Cursor\): plaintext env value/);
    s.press('Enter');
    await w.seen('over the network');
    s.press('Enter');
    await w.seen('New value for GITHUB_PERSONAL_ACCESS_TOKEN');
    s.write(fresh);
    await w.seen(`(${fresh.length} characters)`);
    s.press('Enter');
    screen = await w.seen('Apply it?');
    expect(screen).toContain('store mcp-harden/GITHUB_PERSONAL_ACCESS_TOKEN');
    s.press('Enter');
    await w.seen('Report it to GitHub', 30_000);
    s.press('Enter');
    screen = await w.seen(/undo: mcp-harden undo \S+/);
    expect(screen).toContain('no copy of the old value is left on disk');
    expect((await s.exit).code).toBe(0);
    expect(lookupItem(ACCOUNT)).toBe(fresh);
    expect(filesHolding(b.root, old)).toEqual([]);
    expect(readFileSync(join(b.home, '.cursor', 'mcp.json'), 'utf8')).toContain(`"${ACCOUNT}": "keychain:mcp-harden/${ACCOUNT}"`);
    expectNoValue(s, w.screens, [old, fresh]);
  });

  test('Ink: q on a question cancels before anything is written', async () => {
    const old = fakeToken('github-classic', 'tui-old-q');
    const b = setup('cancel', old);
    const before = readFileSync(join(b.home, '.cursor', 'mcp.json'), 'utf8');
    const s = start(b, [ACCOUNT]);
    const w = watcher(s);
    await w.seen('In which order?');
    s.press('q');
    expect((await s.exit).code).toBe(130);
    expect(readFileSync(join(b.home, '.cursor', 'mcp.json'), 'utf8')).toBe(before);
    expect(lookupItem(ACCOUNT)).toBeNull();
  });

  test('--plain: the same rotation as line-by-line questions', async () => {
    const old = fakeToken('github-classic', 'plain-old');
    const fresh = fakeToken('github-classic', 'plain-new');
    const b = setup('plain', old);
    const s = start(b, [ACCOUNT, '--plain']);
    const w = watcher(s);
    await w.seen('In which order?');
    s.press('Enter');
    await w.seen('over the network');
    s.press('Enter');
    await w.seen('New value for GITHUB_PERSONAL_ACCESS_TOKEN');
    s.write(fresh);
    s.press('Enter');
    await w.seen('Apply it?');
    s.press('Enter');
    await w.seen('Report it to GitHub', 30_000);
    s.press('Enter');
    await w.seen(/undo: mcp-harden undo \S+/);
    expect((await s.exit).code).toBe(0);
    expect(lookupItem(ACCOUNT)).toBe(fresh);
    expect(filesHolding(b.root, old)).toEqual([]);
    expectNoValue(s, w.screens, [old, fresh]);
  });
});
