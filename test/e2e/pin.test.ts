// Version pinning (and the Claude Code permission rules planned with it) on the built binary: a sandbox whose HOME has an npx cache holding the package
// its unpinned GitHub server runs. Runs against the private keyring (scripts/with-keyring.sh).
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildSandbox, type Sandbox } from '../../src/demo/sandbox.js';
import { buildDist, clearItems, DEMO_ACCOUNTS, expectNoSecretsThenClean, keyringEnv, requireKeyring, runCli, snapshot } from '../helpers/e2e.js';

const outputs: string[] = [];
const sandboxes: Sandbox[] = [];
const GITHUB = '@modelcontextprotocol/server-github';
const isState = (p: string) => p.includes(join('.local', 'state')) || p.includes(join('.local', 'share', 'mcp-harden')) || p.includes(join('.local', 'bin'));

beforeAll(() => {
  requireKeyring();
  buildDist();
});

afterAll(() => expectNoSecretsThenClean(outputs, sandboxes));

function npxInstall(home: string, hash: string, version: string, mtime: Date): void {
  const dir = join(home, '.npm', '_npx', hash, 'node_modules', '@modelcontextprotocol', 'server-github');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: GITHUB, version }));
  utimesSync(join(dir, 'package.json'), mtime, mtime);
}

test('fix pins the unpinned server to the version in the npx cache, audit stops reporting it, undo restores the file', () => {
  clearItems(DEMO_ACCOUNTS);
  const sb = buildSandbox({ seed: 'pin' });
  sandboxes.push(sb);
  // Two installs: the newer one is what npx runs now.
  npxInstall(sb.home, '1a2b3c4d5e6f7081', '2025.1.0', new Date('2025-01-01T00:00:00Z'));
  npxInstall(sb.home, '9f8e7d6c5b4a3921', '2025.4.8', new Date('2025-06-01T00:00:00Z'));
  const env = { ...sb.env, XDG_STATE_HOME: join(sb.home, '.local', 'state'), ...keyringEnv() };
  const run = (args: string[]) => runCli(args, { cwd: sb.workspace, env, outputs });
  const claudeFile = join(sb.home, '.claude.json');
  const claudeBefore = readFileSync(claudeFile);
  const before = snapshot(sb.root);
  const unpinnedGithub = (report: { findings: { rule: string; server?: string; file: string }[] }) =>
    report.findings.filter((f) => f.rule === 'unpinned-package' && f.server === 'github' && f.file === claudeFile);
  expect(unpinnedGithub(JSON.parse(run(['audit', '--json']).stdout))).toHaveLength(1);

  const dry = run(['fix', '--dry-run']);
  expect(dry.stdout).toMatch(/^\s*\d+\. pin .*"github".*@2025\.4\.8$/m);
  expect(dry.stdout).toMatch(new RegExp(`^\\+.*"${GITHUB}@2025\\.4\\.8"`, 'm'));

  const r = run(['fix', '--yes']);
  expect(r.stderr + r.stdout).toMatch(/\d+ done, 0 skipped, 0 failed/);
  expect(r.code).toBe(0);
  // The server now runs behind the launcher, and the package it starts is pinned.
  const gh = JSON.parse(readFileSync(claudeFile, 'utf8')).mcpServers.github;
  expect(gh.args).toEqual(['npx', '-y', `${GITHUB}@2025.4.8`]);
  expect(unpinnedGithub(JSON.parse(run(['audit', '--json']).stdout))).toEqual([]);
  // The server was `limited` when planned (first-party but unpinned): Claude Code now asks before
  // its write tools, through a user settings file the run created.
  const settings = JSON.parse(readFileSync(join(sb.home, '.claude', 'settings.json'), 'utf8'));
  expect(settings.permissions.ask).toContain('mcp__github__create_issue');
  expect(settings.permissions.deny ?? []).toEqual([]);

  const u = run(['undo']);
  expect(u.code).toBe(0);
  expect(readFileSync(claudeFile).equals(claudeBefore)).toBe(true);
  expect(existsSync(join(sb.home, '.claude', 'settings.json'))).toBe(false);
  expect(snapshot(sb.root, isState)).toEqual(new Map([...before].filter(([p]) => !isState(p))));
});
