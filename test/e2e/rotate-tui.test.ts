// The guided `rotate` on the built binary in a real pseudo-terminal, with the private gnome-keyring:
// Ink by default and `--plain`. Enter takes the recommended answer at every question; the values
// typed never reach the screen or the output.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildDist, CLI, clearItems, filesHolding, keyringEnv, lookupItem, makeBox, requireKeyring, snapshot, type Box } from '../helpers/e2e.js';
import { spawnCli, type PtySession } from '../helpers/pty.js';
import { runGit } from '../helpers/git.js';
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

/** Three GitHub servers in two clients (one reads the token from the workspace .env through ${VAR}). */
function setup(name: string, old: string): Box {
  clearItems([ACCOUNT]);
  const b = makeBox(`mcp-harden-rotate-tui-${name}-`, 'project');
  boxes.push(b);
  const server = (env: Record<string, string>) => ({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'], env });
  mkdirSync(join(b.home, '.cursor'), { recursive: true });
  writeFileSync(
    join(b.home, '.cursor', 'mcp.json'),
    JSON.stringify({ mcpServers: { gh: server({ [ACCOUNT]: old }), 'gh-issues': server({ [ACCOUNT]: '${GITHUB_TOKEN}' }) } }, null, 2) + '\n',
    { mode: 0o600 },
  );
  writeFileSync(join(b.home, '.claude.json'), JSON.stringify({ mcpServers: { github: server({ [ACCOUNT]: old }) } }, null, 2) + '\n', { mode: 0o600 });
  writeFileSync(join(b.workspace, '.env'), `GITHUB_TOKEN=${old}\n`, { mode: 0o600 });
  writeFileSync(join(b.workspace, '.gitignore'), '.env\n');
  return b;
}

/** The workspace as a git repository whose history once held the value (in a file since removed). */
function commitOnce(b: Box, old: string): string {
  const git = (...args: string[]) => runGit(b.workspace, args, b.env).trim();
  git('init', '-q', '-b', 'main');
  writeFileSync(join(b.workspace, 'settings.env'), `GITHUB_TOKEN=${old}\n`);
  git('add', 'settings.env');
  git('commit', '-q', '-m', 'settings for the bot');
  const sha = git('rev-parse', 'HEAD');
  git('rm', '-q', 'settings.env');
  git('commit', '-q', '-m', 'drop settings');
  return sha;
}

function start(b: Box, args: string[]): PtySession {
  const s = spawnCli({ args: ['rotate', ...args], cwd: b.workspace, env: { ...b.env, ...keyringEnv(), TERM: 'xterm-256color' }, cols: 100, rows: 30 });
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
  test('Ink: Enter at every question switches three servers in two clients and a .env to the new token; undo puts it back', async () => {
    const old = fakeToken('github-classic', 'tui-old');
    const fresh = fakeToken('github-classic', 'tui-new');
    const b = setup('ink', old);
    const isState = (p: string) => p.includes(join('.local', 'state')) || p.includes(join('.local', 'share')) || p.includes(join('.local', 'bin'));
    const before = snapshot(b.root, isState);
    const s = start(b, ['--no-history']);
    const w = watcher(s);
    let screen = await w.seen('Which secret leaked?');
    expect(screen).toContain('GITHUB_PERSONAL_ACCESS_TOKEN — github, ghp_…(40)');
    s.press('Enter');
    screen = await w.seen('In which order?');
    expect(screen).toContain('Used in:');
    expect(screen).toMatch(/~\/\.cursor\/mcp\.json:\d+ — server "gh" \(Cursor\): plaintext env value/);
    expect(screen).toMatch(/\.env:1 — GITHUB_TOKEN: plaintext \.env line/);
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
    expect(screen).toContain('3 config references now resolve to the new value');
    expect((await s.exit).code).toBe(0);
    expect(lookupItem(ACCOUNT) === fresh, 'the keychain item holds the new value').toBe(true);
    expect(filesHolding(b.root, old)).toEqual([]);
    expect(readFileSync(join(b.workspace, '.env'), 'utf8')).toBe('');
    // Each server resolves the new token through the portable launcher.
    const cursor = JSON.parse(readFileSync(join(b.home, '.cursor', 'mcp.json'), 'utf8')) as { mcpServers: Record<string, { env: Record<string, string> }> };
    const claude = JSON.parse(readFileSync(join(b.home, '.claude.json'), 'utf8')) as { mcpServers: Record<string, { env: Record<string, string> }> };
    for (const server of [cursor.mcpServers['gh'], cursor.mcpServers['gh-issues'], claude.mcpServers['github']]) {
      const r = spawnSync(process.execPath, [CLI, 'exec', '--', process.execPath, '-e', 'process.stdout.write(process.env.T ?? "")'], {
        env: { ...b.env, ...keyringEnv(), T: server!.env[ACCOUNT]! },
        encoding: 'utf8',
      });
      expect(r.stdout === fresh, 'the server resolves the new token').toBe(true);
    }
    expectNoValue(s, w.screens, [old, fresh]);

    const runId = /undo: mcp-harden undo (\S+)/.exec(screen)![1]!;
    const u = spawnSync(process.execPath, [CLI, 'undo', runId], { cwd: b.workspace, env: { ...b.env, ...keyringEnv() }, encoding: 'utf8' });
    expect(u.status, u.stderr).toBe(0);
    expect(snapshot(b.root, isState)).toEqual(before);
    // Undo keeps keychain items a run created unless asked (--delete-secrets): the configs no longer name it.
    expect(lookupItem(ACCOUNT) === fresh, 'the new item is kept').toBe(true);
  });

  test('Ink with --online against a local fake GitHub: the new token is checked, the old one reported once switched and seen dead', async () => {
    const old = fakeToken('github-classic', 'tui-online-old');
    const fresh = fakeToken('github-classic', 'tui-online-new');
    const revoked = new Set<string>();
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const auth = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        if (req.method === 'POST' && req.url === '/credentials/revoke') {
          for (const t of (JSON.parse(body) as { credentials: string[] }).credentials) revoked.add(t);
          res.writeHead(202).end();
        } else if (req.url === '/user' && (auth === old || auth === fresh) && !revoked.has(auth)) {
          res.writeHead(200, { 'x-oauth-scopes': 'public_repo' }).end('{}');
        } else res.writeHead(401).end('{}');
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const a = server.address();
    try {
      const b = setup('online', old);
      const s = spawnCli({
        args: ['rotate', ACCOUNT, '--no-history', '--online'],
        cwd: b.workspace,
        env: { ...b.env, ...keyringEnv(), TERM: 'xterm-256color', MCP_HARDEN_GITHUB_API_URL: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}` },
        cols: 100,
        rows: 30,
      });
      sessions.push(s);
      const w = watcher(s);
      await w.seen('In which order?');
      s.press('Enter');
      await w.seen('New value for GITHUB_PERSONAL_ACCESS_TOKEN');
      s.write(fresh);
      s.press('Enter');
      await w.seen(/New token: valid; scopes: public_repo/);
      await w.seen('Apply it?');
      s.press('Enter');
      // Reporting is not the default: y says yes explicitly.
      await w.seen('Report it to GitHub', 30_000);
      s.write('y');
      await w.seen('Is the old token revoked now?');
      s.press('Enter');
      const screen = await w.seen(/Old token: .*(revoked|rejected|no longer)/i);
      expect(screen).toMatch(/GitHub: /);
      expect((await s.exit).code).toBe(0);
      expect(revoked.has(old), 'the old token was reported').toBe(true);
      expect(revoked.has(fresh), 'the new token was not reported').toBe(false);
      expect(lookupItem(ACCOUNT) === fresh, 'the new value is stored').toBe(true);
      expectNoValue(s, w.screens, [old, fresh]);
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });

  test('Ink: q on a question cancels before anything is written', async () => {
    const old = fakeToken('github-classic', 'tui-old-q');
    const b = setup('cancel', old);
    const before = readFileSync(join(b.home, '.cursor', 'mcp.json'), 'utf8');
    const s = start(b, [ACCOUNT, '--no-history']);
    const w = watcher(s);
    await w.seen('In which order?');
    s.press('q');
    expect((await s.exit).code).toBe(130);
    expect(readFileSync(join(b.home, '.cursor', 'mcp.json'), 'utf8')).toBe(before);
    expect(lookupItem(ACCOUNT) === null, 'no keychain item').toBe(true);
  });

  test('--plain: the same rotation as line-by-line questions, with the commits that held the token', async () => {
    const old = fakeToken('github-classic', 'plain-old');
    const fresh = fakeToken('github-classic', 'plain-new');
    const b = setup('plain', old);
    const sha = commitOnce(b, old);
    const s = start(b, [ACCOUNT, '--plain']);
    const w = watcher(s);
    const screen = await w.seen('In which order?');
    expect(screen).toContain('git history: committed in 2 commits');
    expect(screen).toMatch(new RegExp(`${sha.slice(0, 12)} \\S+ added in settings\\.env — "settings for the bot" — local only`));
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
    expect(lookupItem(ACCOUNT) === fresh, 'the keychain item holds the new value').toBe(true);
    expect(filesHolding(b.root, old)).toEqual([]);
    expectNoValue(s, w.screens, [old, fresh]);
  });
});
