// Claude Code permission rules for the write tools of limited (ask) and untrusted (deny) servers:
// planned into the settings file of the server's scope, and added without touching other settings.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { computePermissions } from '../../src/app/apply.js';
import { scan } from '../../src/app/audit.js';
import { planMigration } from '../../src/app/plan.js';
import { CATALOG } from '../../src/core/catalog/entries.js';
import type { Action } from '../../src/core/plan.js';
import type { TrustLevel } from '../../src/core/trust.js';
import { noWorkspace } from '../helpers/workspace.js';
import { trustByName } from '../helpers/trust.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const GITHUB_WRITE_TOOLS = CATALOG.find((e) => e.id === 'github')!.writeTools;

async function planFor(files: Record<string, string>, trust: Map<string, TrustLevel>, dirs: { user: boolean; local: boolean } = { user: true, local: true }) {
  const root = mkdtempSync(join(tmpdir(), 'mcp-harden-perm-'));
  roots.push(root);
  const home = join(root, 'home');
  const workspace = join(root, 'ws');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(home, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text.replaceAll('$WS', workspace));
  }
  const host = { platform: 'linux' as const, home, env: { HOME: home } };
  const { report, details } = await scan(nodeFs, noWorkspace, { host, workspace, noHome: false, configs: [], failOn: 'high', ignore: [], version: 'test' });
  const claudeSettings = {
    ...(dirs.user ? { user: join(home, '.claude', 'settings.json') } : {}),
    ...(dirs.local ? { local: join(workspace, '.claude', 'settings.local.json') } : {}),
  };
  if (dirs.user) mkdirSync(join(home, '.claude'), { recursive: true });
  if (dirs.local) mkdirSync(join(workspace, '.claude'), { recursive: true });
  const { plan } = planMigration(report, details, { workspace, home, platform: 'linux', launcherPath: '/l/mcp-harden-launch', trust: trustByName(details.servers, trust), claudeSettings });
  const perms = plan.actions.filter((a): a is Extract<Action, { kind: 'set-permissions' }> => a.kind === 'set-permissions');
  return { home, workspace, plan, perms };
}

const gh = { command: 'github-mcp-server', args: ['stdio'] };
const claudeJson = JSON.stringify({ mcpServers: { gh }, projects: { $WS: { mcpServers: { ghlocal: gh } } } }, null, 2) + '\n';

describe('planning Claude Code permission rules', () => {
  test('user servers go to ~/.claude/settings.json, project and local ones to .claude/settings.local.json; limited asks, untrusted denies', async () => {
    const { perms, home, workspace } = await planFor(
      { 'home/.claude.json': claudeJson, 'ws/.mcp.json': JSON.stringify({ mcpServers: { ghproj: gh } }) },
      new Map<string, TrustLevel>([['gh', 'limited'], ['ghlocal', 'untrusted'], ['ghproj', 'limited']]),
    );
    const user = perms.find((p) => p.file === join(home, '.claude', 'settings.json'));
    const local = perms.find((p) => p.file === join(workspace, '.claude', 'settings.local.json'));
    expect(perms).toHaveLength(2);
    expect(user).toEqual({ kind: 'set-permissions', file: user!.file, servers: ['gh'], ask: GITHUB_WRITE_TOOLS.map((t) => `mcp__gh__${t}`), deny: [] });
    expect(local?.servers.sort()).toEqual(['ghlocal', 'ghproj']);
    expect(local?.deny).toContain('mcp__ghlocal__create_or_update_file');
    expect(local?.ask).toContain('mcp__ghproj__merge_pull_request');
    expect(local?.ask.some((r) => r.startsWith('mcp__ghlocal__'))).toBe(false);
  });

  test("local servers of another project get no rules in this workspace's settings, and no note", async () => {
    const other = JSON.stringify({ projects: { '/some/other/project': { mcpServers: { ghother: gh } }, $WS: { mcpServers: { ghlocal: gh } } } });
    const { perms, plan } = await planFor({ 'home/.claude.json': other }, new Map<string, TrustLevel>([['ghother', 'untrusted'], ['ghlocal', 'untrusted']]));
    expect(perms.map((p) => p.servers)).toEqual([['ghlocal']]);
    expect(perms[0]!.deny.some((r) => r.startsWith('mcp__ghother__'))).toBe(false);
    expect(plan.leftOver.filter((l) => l.server === 'ghother')).toEqual([]);
  });

  test('trusted servers, servers with no write tools and other clients get no rules', async () => {
    const { perms } = await planFor(
      {
        'home/.claude.json': JSON.stringify({ mcpServers: { gh, time: { command: 'uvx', args: ['mcp-server-time'] } } }),
        'home/.cursor/mcp.json': JSON.stringify({ mcpServers: { ghc: gh } }),
      },
      new Map<string, TrustLevel>([['gh', 'trusted'], ['time', 'untrusted'], ['ghc', 'untrusted']]),
    );
    expect(perms).toEqual([]);
  });

  test('no Claude Code settings directory: the rules are left for the user, not written', async () => {
    const { perms, plan } = await planFor({ 'home/.claude.json': claudeJson }, new Map<string, TrustLevel>([['gh', 'limited'], ['ghlocal', 'limited']]), { user: false, local: false });
    expect(perms).toEqual([]);
    expect(plan.leftOver.filter((l) => l.rule === 'tool-permissions').map((l) => l.server).sort()).toEqual(['gh', 'ghlocal']);
  });
});

describe('applying permission rules', () => {
  const action = (file: string): Extract<Action, { kind: 'set-permissions' }> => ({
    kind: 'set-permissions',
    file,
    servers: ['gh'],
    ask: ['mcp__gh__create_issue', 'mcp__gh__push_files'],
    deny: ['mcp__x__delete_file'],
  });

  test('a missing file is created with the rules, marked as created', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-harden-perm-'));
    roots.push(dir);
    const file = join(dir, 'settings.local.json');
    const change = await computePermissions(action(file));
    expect(change.stamp.size).toBe(-1);
    expect(JSON.parse(change.after)).toEqual({ permissions: { ask: ['mcp__gh__create_issue', 'mcp__gh__push_files'], deny: ['mcp__x__delete_file'] } });
    expect(existsSync(file)).toBe(false);
  });

  test('an existing file without permissions gets the object, its other settings and comments kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-harden-perm-'));
    roots.push(dir);
    const file = join(dir, 'settings.json');
    writeFileSync(file, '{\n  // mine\n  "model": "opus"\n}\n');
    const change = await computePermissions(action(file));
    expect(change.stamp.size).toBeGreaterThan(0);
    expect(change.after.startsWith('{\n  // mine\n  "model": "opus",\n')).toBe(true);
    const { parse } = await import('jsonc-parser');
    expect(parse(change.after)).toEqual({ model: 'opus', permissions: { ask: ['mcp__gh__create_issue', 'mcp__gh__push_files'], deny: ['mcp__x__delete_file'] } });
  });

  test('an existing file keeps its settings and rules; only missing rules are added; a second pass changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-harden-perm-'));
    roots.push(dir);
    const file = join(dir, 'settings.json');
    const text = '{\n  // mine\n  "model": "opus",\n  "permissions": {\n    "ask": ["mcp__gh__create_issue", "Bash(rm:*)"],\n    "allow": ["Read"]\n  }\n}\n';
    writeFileSync(file, text);
    const change = await computePermissions(action(file));
    expect(change.after).toContain('// mine');
    expect(change.after).toContain('"model": "opus"');
    const { parse } = await import('jsonc-parser');
    expect(parse(change.after)).toEqual({
      model: 'opus',
      permissions: { ask: ['mcp__gh__create_issue', 'Bash(rm:*)', 'mcp__gh__push_files'], allow: ['Read'], deny: ['mcp__x__delete_file'] },
    });
    writeFileSync(file, change.after);
    const again = await computePermissions(action(file));
    expect(again.after).toBe(again.before);
    expect(readFileSync(file, 'utf8')).toBe(change.after);
  });
});
