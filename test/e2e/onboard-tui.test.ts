// `onboard` on a terminal (the built binary in a pseudo-terminal, with the private gnome-keyring):
// Ink and --plain. A fresh HOME and a workspace whose committed .mcp.json references three keychain
// secrets described by the team policy; the tokens typed never reach the screen or the output.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildDist, clearItems, filesHolding, keyringEnv, lookupItem, makeBox, requireKeyring, type Box } from '../helpers/e2e.js';
import { spawnCli, type PtySession } from '../helpers/pty.js';
import { fakeGithubTokenBadChecksum, fakeToken } from '../helpers/tokens.js';

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

const MCP_JSON = `{
  "mcpServers": {
    "github": {
      "command": "mcp-harden-launch",
      "args": ["npx", "-y", "@modelcontextprotocol/server-github@2025.4.8"],
      "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "keychain:mcp-harden/GITHUB_PERSONAL_ACCESS_TOKEN" }
    },
    "slack": {
      "command": "mcp-harden-launch",
      "args": ["npx", "-y", "@modelcontextprotocol/server-slack@2025.4.25"],
      "env": { "SLACK_BOT_TOKEN": "keychain:mcp-harden/SLACK_BOT_TOKEN", "SLACK_TEAM_ID": "T0123456" }
    },
    "notion": {
      "command": "mcp-harden-launch",
      "args": ["npx", "-y", "@notionhq/notion-mcp-server@1.9.0"],
      "env": { "NOTION_TOKEN": "keychain:mcp-harden/NOTION_TOKEN" }
    }
  }
}
`;

const POLICY = {
  version: 1,
  servers: [
    { name: 'github', client: 'claude-code', file: '.mcp.json', transport: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'keychain:mcp-harden/GITHUB_PERSONAL_ACCESS_TOKEN' }, trust: 'limited', pin: '@modelcontextprotocol/server-github@2025.4.8' },
    { name: 'slack', client: 'claude-code', file: '.mcp.json', transport: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-slack@2025.4.25'], env: { SLACK_BOT_TOKEN: 'keychain:mcp-harden/SLACK_BOT_TOKEN', SLACK_TEAM_ID: 'T0123456' }, trust: 'limited', pin: '@modelcontextprotocol/server-slack@2025.4.25' },
    { name: 'notion', client: 'claude-code', file: '.mcp.json', transport: 'stdio', command: 'npx', args: ['-y', '@notionhq/notion-mcp-server@1.9.0'], env: { NOTION_TOKEN: 'keychain:mcp-harden/NOTION_TOKEN' }, trust: 'untrusted', pin: '@notionhq/notion-mcp-server@1.9.0' },
  ],
  secrets: [
    { name: 'GITHUB_PERSONAL_ACCESS_TOKEN', provider: 'github', kind: 'personal-access-token', servers: ['github'], scopes: { kind: 'classic scopes', trusted: ['repo'], limited: ['public_repo', 'read:org'], untrusted: [] }, create: 'https://github.com/settings/tokens/new?scopes=public_repo,read:org' },
    { name: 'SLACK_BOT_TOKEN', provider: 'slack', servers: ['slack'], scopes: { kind: 'bot scopes', trusted: ['channels:history', 'chat:write'], limited: ['channels:history', 'channels:read'], untrusted: [] }, create: 'https://api.slack.com/apps' },
    { name: 'NOTION_TOKEN', provider: 'notion', servers: ['notion'], create: 'https://www.notion.so/profile/integrations' },
  ],
};

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

function start(b: Box, args: string[]): PtySession {
  const s = spawnCli({ args: ['onboard', ...args], cwd: b.workspace, env: { ...b.env, ...keyringEnv(), TERM: 'xterm-256color' }, cols: 100, rows: 30 });
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

  test('Ink: q at the first question stores nothing (exit 130)', async () => {
    const b = fresh('cancel');
    const s = start(b, []);
    await s.waitFor('over the network', 20_000);
    s.press('q');
    expect((await s.exit).code).toBe(130);
    for (const name of ACCOUNTS) expect(lookupItem(name) === null, `${name} is not stored`).toBe(true);
  });
});
