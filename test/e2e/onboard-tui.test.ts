// `onboard` on a terminal (the built binary in a pseudo-terminal, with the private gnome-keyring):
// Ink and --plain. A fresh HOME and a workspace whose committed .mcp.json references three keychain
// secrets described by the team policy; the tokens typed never reach the screen or the output.
import { createServer } from 'node:http';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildDist, clearItems, filesHolding, keyringEnv, lookupItem, makeBox, requireKeyring, type Box } from '../helpers/e2e.js';
import { spawnCli, type PtySession } from '../helpers/pty.js';
import { fakeGithubTokenBadChecksum, fakeToken } from '../helpers/tokens.js';
import { MCP_JSON, POLICY } from '../helpers/onboard-team.js';

const ACCOUNTS = ['GITHUB_PERSONAL_ACCESS_TOKEN', 'SLACK_BOT_TOKEN', 'NOTION_TOKEN'];
const boxes: Box[] = [];
let sessions: PtySession[] = [];

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
  clearItems(ACCOUNTS);
});

function fresh(prefix: string): Box {
  clearItems(ACCOUNTS);
  const b = makeBox(`mcp-harden-onboard-tui-${prefix}-`, 'repo');
  boxes.push(b);
  writeFileSync(join(b.workspace, '.mcp.json'), MCP_JSON);
  writeFileSync(join(b.workspace, 'mcp-harden.policy.json'), JSON.stringify(POLICY, null, 2) + '\n');
  return b;
}

function tokens(seed: string): Record<string, string> {
  return {
    GITHUB_PERSONAL_ACCESS_TOKEN: fakeToken('github-classic', seed),
    SLACK_BOT_TOKEN: fakeToken('slack-bot', seed),
    NOTION_TOKEN: fakeToken('notion', seed),
  };
}

function start(b: Box, args: string[], extra: Record<string, string> = {}): PtySession {
  const s = spawnCli({ args: ['onboard', ...args], cwd: b.workspace, env: { ...b.env, ...keyringEnv(), TERM: 'xterm-256color', ...extra }, cols: 100, rows: 30 });
  sessions.push(s);
  return s;
}

async function onboardThrough(s: PtySession, t: Record<string, string>, wrong: string): Promise<string[]> {
  const screens: string[] = [];
  const seen = async (what: string | RegExp) => {
    const screen = await s.waitFor(what, 20_000);
    screens.push(screen);
    return screen;
  };
  await seen('over the network');
  s.press('Enter');
  // The first token is mistyped once: refused, asked again.
  await seen('GITHUB_PERSONAL_ACCESS_TOKEN (github)');
  s.write(wrong);
  s.press('Enter');
  await seen(/checksum/);
  // Inquirer leaves a refused value in the field to edit (Ink clears it): delete it either way.
  s.write('\x7f'.repeat(wrong.length));
  // Asked for in name order.
  for (const name of [...ACCOUNTS].sort()) {
    if (name !== 'GITHUB_PERSONAL_ACCESS_TOKEN') await seen(`${name} (`);
    s.write(t[name]!);
    s.press('Enter');
  }
  await seen('Store 3 secrets');
  s.press('Enter');
  await seen('start each local server');
  s.press('Enter');
  await seen(/undo \S+/);
  screens.push(s.screen());
  return screens;
}

describe('onboard on a terminal', () => {
  for (const mode of ['Ink', '--plain'] as const) {
    test(`${mode}: each required secret asked for, masked, checked and stored; a second run has nothing to do`, async () => {
      const b = fresh(mode === 'Ink' ? 'ink' : 'plain');
      const t = tokens(`tui-${mode}`);
      const wrong = fakeGithubTokenBadChecksum(`tui-${mode}`);
      const s = start(b, mode === 'Ink' ? [] : ['--plain']);
      const screens = await onboardThrough(s, t, wrong);
      expect((await s.exit).code).toBe(0);
      for (const [name, value] of Object.entries(t)) expect(lookupItem(name) === value, `${name} in the keychain`).toBe(true);
      for (const v of [...Object.values(t), wrong]) {
        for (const screen of screens) expect(screen.includes(v.slice(5, 20)), 'a value was on the screen').toBe(false);
        expect(s.raw().includes(v.slice(5, 20)), 'a value was in the output').toBe(false);
        expect(filesHolding(b.root, v)).toEqual([]);
      }
      const again = start(b, mode === 'Ink' ? [] : ['--plain']);
      await again.waitFor('Everything is already set up; nothing was changed.', 20_000);
      expect((await again.exit).code).toBe(0);
    });
  }

  test('Ink with --online against a local fake provider: a token the provider refuses is asked for again', async () => {
    const b = fresh('online');
    const t = tokens('tui-online');
    const dead = fakeToken('github-classic', 'tui-online-dead');
    const server = createServer((req, res) => {
      req.resume();
      const auth = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (req.url === '/user') res.writeHead(auth === t.GITHUB_PERSONAL_ACCESS_TOKEN ? 200 : 401, { 'x-oauth-scopes': 'public_repo' }).end('{}');
      else if (req.url === '/api/auth.test') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: auth === t.SLACK_BOT_TOKEN }));
      else res.writeHead(404).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const a = server.address();
    const base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    try {
      const s = start(b, ['--online'], { MCP_HARDEN_GITHUB_API_URL: base, MCP_HARDEN_SLACK_API_URL: base });
      const screens: string[] = [];
      const seen = async (what: string | RegExp) => {
        const screen = await s.waitFor(what, 20_000);
        screens.push(screen);
        return screen;
      };
      await seen('GITHUB_PERSONAL_ACCESS_TOKEN (github)');
      // A token of the right shape that the provider no longer accepts: refused, asked again.
      s.write(dead);
      s.press('Enter');
      await seen(/GitHub rejected|not valid|invalid/i);
      s.write(t.GITHUB_PERSONAL_ACCESS_TOKEN!);
      s.press('Enter');
      for (const name of ['NOTION_TOKEN', 'SLACK_BOT_TOKEN']) {
        await seen(`${name} (`);
        s.write(t[name]!);
        s.press('Enter');
      }
      await seen('Store 3 secrets');
      s.press('Enter');
      await seen('start each local server');
      s.press('Enter');
      await seen(/undo \S+/);
      expect((await s.exit).code).toBe(0);
      for (const [name, value] of Object.entries(t)) expect(lookupItem(name) === value, `${name} in the keychain`).toBe(true);
      for (const v of [...Object.values(t), dead]) {
        for (const screen of screens) expect(screen.includes(v.slice(5, 20)), 'a value was on the screen').toBe(false);
        expect(s.raw().includes(v.slice(5, 20)), 'a value was in the output').toBe(false);
      }
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });

  test('Ink: q at the first question stores nothing (exit 130)', async () => {
    const b = fresh('cancel');
    const s = start(b, []);
    await s.waitFor('over the network', 20_000);
    s.press('q');
    expect((await s.exit).code).toBe(130);
    for (const name of ACCOUNTS) expect(lookupItem(name) === null, `${name} is not stored`).toBe(true);
  });
});
