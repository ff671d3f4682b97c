// Pinning unpinned packages to the version the machine already runs: the caches it is read from
// (fake npx and uv caches under a temp HOME), the plan, and the edit the apply step makes.
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { computePin } from '../../src/app/apply.js';
import { scan } from '../../src/app/audit.js';
import { planMigration } from '../../src/app/plan.js';
import { findCachedVersions } from '../../src/app/version-cache.js';
import type { HostEnv } from '../../src/core/model.js';
import type { Action } from '../../src/core/plan.js';
import { versionKey } from '../../src/core/pin.js';
import { noWorkspace, tempMachine } from '../helpers/workspace.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function machine(files: Record<string, string> = {}): { root: string; home: string; workspace: string } {
  const m = tempMachine('mcp-harden-pin-', files);
  roots.push(m.root);
  return m;
}

function put(path: string, text: string, mtime?: Date): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  if (mtime) utimesSync(path, mtime, mtime);
}

function npxInstall(home: string, hash: string, name: string, version: string, mtime: Date): void {
  put(join(home, '.npm', '_npx', hash, 'node_modules', ...name.split('/'), 'package.json'), JSON.stringify({ name, version }), mtime);
}

function uvUnpacked(cacheDir: string, id: string, distInfo: string, mtime: Date): void {
  const dir = join(cacheDir, 'archive-v0', id, distInfo);
  put(join(dir, 'METADATA'), 'Metadata-Version: 2.1\n');
  utimesSync(dir, mtime, mtime);
}

const linux = (home: string, env: Record<string, string> = {}): HostEnv => ({ platform: 'linux', home, env: { HOME: home, ...env } });
const OLD = new Date('2025-01-01T00:00:00Z');
const NEW = new Date('2025-06-01T00:00:00Z');

describe('versions in the npx and uv caches', () => {
  test('npx: the newest install of the package wins; other packages and broken manifests tell nothing', async () => {
    const m = machine();
    npxInstall(m.home, 'aaaa', '@modelcontextprotocol/server-github', '2025.1.0', OLD);
    npxInstall(m.home, 'bbbb', '@modelcontextprotocol/server-github', '2025.4.8', NEW);
    npxInstall(m.home, 'cccc', 'other-server', '1.0.0', NEW);
    put(join(m.home, '.npm', '_npx', 'dddd', 'node_modules', 'broken', 'package.json'), '{ not json');
    const found = await findCachedVersions(linux(m.home), [
      { runner: 'npx', name: '@modelcontextprotocol/server-github' },
      { runner: 'npx', name: 'broken' },
      { runner: 'npx', name: 'never-run' },
    ]);
    expect([...found]).toEqual([[versionKey('npx', '@modelcontextprotocol/server-github'), '2025.4.8']]);
  });

  test('npx: npm_config_cache moves the cache', async () => {
    const m = machine();
    const cache = join(m.root, 'npm-cache');
    put(join(cache, '_npx', 'aaaa', 'node_modules', 'mcp-remote', 'package.json'), JSON.stringify({ name: 'mcp-remote', version: '0.1.9' }));
    const found = await findCachedVersions(linux(m.home, { npm_config_cache: cache }), [{ runner: 'npx', name: 'mcp-remote' }]);
    expect(found.get(versionKey('npx', 'mcp-remote'))).toBe('0.1.9');
  });

  test('uv: the newest unpacked wheel wins, matched by normalized name, under ~/.cache, XDG_CACHE_HOME or UV_CACHE_DIR', async () => {
    const m = machine();
    uvUnpacked(join(m.home, '.cache', 'uv'), 'id1', 'mcp_server_fetch-2025.1.1.dist-info', OLD);
    uvUnpacked(join(m.home, '.cache', 'uv'), 'id2', 'mcp_server_fetch-2025.4.7.dist-info', NEW);
    uvUnpacked(join(m.home, '.cache', 'uv'), 'id3', 'httpx-0.28.1.dist-info', NEW);
    const targets = [{ runner: 'uvx' as const, name: 'mcp-server-fetch' }];
    expect((await findCachedVersions(linux(m.home), targets)).get(versionKey('uvx', 'mcp-server-fetch'))).toBe('2025.4.7');

    const xdg = join(m.root, 'xdg-cache');
    uvUnpacked(join(xdg, 'uv'), 'id9', 'mcp_server_fetch-0.9.0.dist-info', NEW);
    expect((await findCachedVersions(linux(m.home, { XDG_CACHE_HOME: xdg }), targets)).get(versionKey('uvx', 'mcp-server-fetch'))).toBe('0.9.0');
    const own = join(m.root, 'uv-own');
    uvUnpacked(own, 'id8', 'Mcp_Server_Fetch-0.8.0.dist-info', NEW);
    expect((await findCachedVersions(linux(m.home, { UV_CACHE_DIR: own, XDG_CACHE_HOME: xdg }), targets)).get(versionKey('uvx', 'mcp-server-fetch'))).toBe('0.8.0');
  });

  test('no cache at all: no version', async () => {
    const m = machine();
    expect((await findCachedVersions(linux(m.home), [{ runner: 'npx', name: 'x' }, { runner: 'uvx', name: 'y' }])).size).toBe(0);
  });
});

async function planFor(files: Record<string, string>, versions: Map<string, string>, policy?: string) {
  const m = machine(files);
  const host = linux(m.home);
  const { report, details } = await scan(nodeFs, noWorkspace, { host, workspace: m.workspace, noHome: false, configs: [], failOn: 'high', ignore: [], version: 'test' });
  const { plan } = planMigration(report, details, {
    workspace: m.workspace,
    home: m.home,
    platform: 'linux',
    launcherPath: '/l/mcp-harden-launch',
    versions,
    ...(policy ? { policy: { content: policy } } : {}),
  });
  return { ...m, plan };
}

const pinsOf = (actions: Action[]) => actions.filter((a): a is Extract<Action, { kind: 'pin-version' }> => a.kind === 'pin-version');

const CURSOR = JSON.stringify(
  {
    mcpServers: {
      github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'] },
      pinned: { command: 'npx', args: ['-y', 'mcp-remote@0.1.9'] },
      unknown: { command: 'npx', args: ['-y', 'never-cached-server'] },
    },
  },
  null,
  2,
) + '\n';

describe('planning pins', () => {
  test('each unpinned package a cache knows gets a pin, after the other actions and before the policy', async () => {
    const versions = new Map([[versionKey('npx', '@modelcontextprotocol/server-github'), '2025.4.8'], [versionKey('npx', 'mcp-remote'), '0.2.0']]);
    const { plan, home } = await planFor({ 'home/.cursor/mcp.json': CURSOR }, versions, '{}\n');
    const pins = pinsOf(plan.actions);
    expect(pins).toEqual([
      expect.objectContaining({ file: join(home, '.cursor/mcp.json'), server: 'github', from: '@modelcontextprotocol/server-github', to: '@modelcontextprotocol/server-github@2025.4.8', argPath: ['mcpServers', 'github', 'args', 1] }),
    ]);
    expect(plan.actions.at(-1)?.kind).toBe('write-policy');
    expect(plan.actions.at(-2)?.kind).toBe('pin-version');
  });

  test('without a cached version there is no pin', async () => {
    const { plan } = await planFor({ 'home/.cursor/mcp.json': CURSOR }, new Map());
    expect(pinsOf(plan.actions)).toEqual([]);
  });
});

describe('applying a pin', () => {
  test('JSON: only the argument changes, formatting kept; a second run finds it done', async () => {
    const versions = new Map([[versionKey('npx', '@modelcontextprotocol/server-github'), '2025.4.8']]);
    const { plan, home } = await planFor({ 'home/.cursor/mcp.json': CURSOR }, versions);
    const [pin] = pinsOf(plan.actions);
    const change = await computePin(pin!);
    expect(change.after).toBe(CURSOR.replace('"@modelcontextprotocol/server-github"', '"@modelcontextprotocol/server-github@2025.4.8"'));
    writeFileSync(join(home, '.cursor/mcp.json'), change.after);
    const again = await computePin(pin!);
    expect(again.after).toBe(again.before);
  });

  test('the server moved behind the launcher since planning: the spec is found at its new place', async () => {
    const versions = new Map([[versionKey('npx', '@modelcontextprotocol/server-github'), '2025.4.8']]);
    const { plan, home } = await planFor({ 'home/.cursor/mcp.json': CURSOR }, versions);
    const [pin] = pinsOf(plan.actions);
    const file = join(home, '.cursor/mcp.json');
    const launched = CURSOR.replace('"command": "npx",\n      "args": [\n        "-y"', '"command": "/l/mcp-harden-launch",\n      "args": [\n        "npx",\n        "-y"');
    expect(launched).not.toBe(CURSOR);
    writeFileSync(file, launched);
    const change = await computePin(pin!);
    expect(JSON.parse(change.after).mcpServers.github.args).toEqual(['npx', '-y', '@modelcontextprotocol/server-github@2025.4.8']);
  });

  test('TOML (Codex), uvx --from: the requirement is pinned and the comments stay', async () => {
    const toml = '# my servers\n[mcp_servers.git]\ncommand = "uvx"\nargs = ["--from", "mcp-server-git", "mcp-server-git"] # keep\n';
    const { plan, home } = await planFor({ 'home/.codex/config.toml': toml }, new Map([[versionKey('uvx', 'mcp_server_git'), '0.6.2']]));
    const [pin] = pinsOf(plan.actions);
    expect(pin).toMatchObject({ client: 'codex', from: 'mcp-server-git', to: 'mcp-server-git==0.6.2' });
    const change = await computePin(pin!);
    expect(change.after).toBe(toml.replace('"--from", "mcp-server-git"', '"--from", "mcp-server-git==0.6.2"'));
    expect(readFileSync(join(home, '.codex/config.toml'), 'utf8')).toBe(toml);
  });

  test('a file changed to another package since planning is refused', async () => {
    const versions = new Map([[versionKey('npx', '@modelcontextprotocol/server-github'), '2025.4.8']]);
    const { plan, home } = await planFor({ 'home/.cursor/mcp.json': CURSOR }, versions);
    const [pin] = pinsOf(plan.actions);
    writeFileSync(join(home, '.cursor/mcp.json'), CURSOR.replace('@modelcontextprotocol/server-github', 'some-other-server'));
    await expect(computePin(pin!)).rejects.toThrow(/no longer runs @modelcontextprotocol\/server-github/);
  });
});
