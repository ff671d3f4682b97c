// RotateSession over the in-memory keychain: which items and places a rotation finds, what it
// switches, and what it says is left (items of other services, VS Code password inputs, references
// that do not resolve).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import type { AuditOptions, WorkspacePort } from '../../src/app/audit.js';
import { RotateSession, type RotateDeps } from '../../src/app/rotate.js';
import { outcomeLines, rotationExit } from '../../src/cli/rotate-command.js';
import { fingerprint } from '../../src/core/secrets/index.js';
import { fakeToken } from '../helpers/tokens.js';
import { noWorkspace } from '../helpers/workspace.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const github = (token: string) => ({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: token } });

/** A sandbox with the given files (relative to its root: `home/…`, `ws/…`) and keychain items. */
function setup(files: Record<string, unknown>, items: [string, string, string][]) {
  const root = mkdtempSync(join(tmpdir(), 'mcp-harden-rotate-session-'));
  roots.push(root);
  const home = join(root, 'home');
  const workspace = join(root, 'ws');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(home, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const file = join(root, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
  }
  const host = { platform: 'linux' as const, home, env: { HOME: home, XDG_STATE_HOME: join(home, '.state') } };
  const audit: AuditOptions = { host, workspace, noHome: false, configs: [], failOn: 'high', ignore: [], version: 'test' };
  const store = new MemorySecretStore({ items });
  const deps: RotateDeps = {
    fs: nodeFs,
    workspacePort: noWorkspace,
    openStore: async () => store,
    resolvesTo: async (service, account, value) => (await store.get(service, account)) === value,
  };
  return { root, home, workspace, audit, store, deps };
}

describe('items of other services that configs reference', () => {
  test('an item the user made by hand holding the old value is a place, and gets the new value', async () => {
    const old = fakeToken('github-classic', 'ext-old');
    const fresh = fakeToken('github-classic', 'ext-new');
    const unrelated = fakeToken('github-classic', 'ext-unrelated');
    const { audit, store, deps } = setup(
      {
        'home/.claude.json': {
          mcpServers: {
            a: github('keychain:mcp-harden/GH_A'),
            c: github('keychain:github-pat/mcp-github'),
            d: github('keychain:other-pat/work'),
          },
        },
      },
      [
        ['mcp-harden', 'GH_A', old],
        ['github-pat', 'mcp-github', old],
        ['other-pat', 'work', unrelated],
      ],
    );
    const session = await RotateSession.open(deps, audit);
    const c = session.find('GH_A')!;
    expect(c.uses).toBe(2);
    const usage = session.usage(c);
    expect(usage.items).toEqual([
      { service: 'mcp-harden', account: 'GH_A' },
      { service: 'github-pat', account: 'mcp-github' },
    ]);
    expect(usage.places.map((p) => [p.server, p.kind])).toEqual([
      ['a', 'reference'],
      ['c', 'reference'],
    ]);
    // Found by its own name too.
    expect(session.find('github-pat/mcp-github')?.fingerprint).toBe(c.fingerprint);

    const plan = session.plan(c, fresh);
    expect(plan.actions.filter((a) => a.kind === 'store-secret')).toEqual([
      expect.objectContaining({ service: 'mcp-harden', account: 'GH_A', fingerprint: fingerprint(fresh), provided: true, replaces: [c.fingerprint] }),
      expect.objectContaining({ service: 'github-pat', account: 'mcp-github', fingerprint: fingerprint(fresh), provided: true, replaces: [c.fingerprint] }),
    ]);

    const outcome = await session.apply(c, fresh);
    expect((await store.get('github-pat', 'mcp-github')) === fresh, 'the hand-made item holds the new value').toBe(true);
    expect((await store.get('mcp-harden', 'GH_A')) === fresh, 'our item holds the new value').toBe(true);
    expect((await store.get('other-pat', 'work')) === unrelated, 'an item with another value is left alone').toBe(true);
    expect(outcome.items).toEqual([
      { service: 'mcp-harden', account: 'GH_A', holdsNew: true, resolves: true },
      { service: 'github-pat', account: 'mcp-github', holdsNew: true, resolves: true },
    ]);
    expect(outcome.references.map((r) => r.server).sort()).toEqual(['a', 'c']);
    expect(rotationExit(outcome)).toBe(0);
    expect(outcomeLines(session, outcome)).toContain('✓ github-pat/mcp-github holds the new value, launcher resolves it');
  });
});

describe('VS Code password inputs', () => {
  const vscode = (account: string) => ({
    servers: {
      remote: { type: 'http', url: 'https://api.githubcopilot.com/mcp/', headers: { Authorization: `Bearer \${input:mcp-harden.${account}}` } },
      local: { type: 'stdio', ...github(`keychain:mcp-harden/${account}`) },
    },
    inputs: [{ type: 'promptString', id: `mcp-harden.${account}`, description: `remote Authorization (stored by mcp-harden in the keychain as mcp-harden/${account})`, password: true }],
  });

  test('an input fix made for the rotated item is a place, and a manual step that fails the run', async () => {
    const old = fakeToken('github-classic', 'vs-old');
    const fresh = fakeToken('github-classic', 'vs-new');
    const { audit, deps, workspace } = setup({ 'ws/.vscode/mcp.json': vscode('GH') }, [['mcp-harden', 'GH', old]]);
    const session = await RotateSession.open(deps, audit);
    const c = session.find('GH')!;
    const usage = session.usage(c);
    expect(usage.places.map((p) => [p.server, p.kind])).toEqual([
      ['local', 'reference'],
      ['remote', 'vscode-input'],
    ]);
    const outcome = await session.apply(c, fresh);
    expect(outcome.manual).toEqual([{ file: join(workspace, '.vscode', 'mcp.json'), server: 'remote', input: 'mcp-harden.GH', why: expect.stringContaining('VS Code') }]);
    // Everything else switched; the input still holds the old value in VS Code's own storage.
    expect(outcome.items.every((i) => i.holdsNew)).toBe(true);
    expect(outcome.leftOld).toEqual([]);
    expect(rotationExit(outcome)).toBe(1);
    const lines = outcomeLines(session, outcome);
    expect(lines).toContain('✗ re-enter the new value in VS Code: input mcp-harden.GH of server remote (.vscode/mcp.json)');
  });

  test('an input of another item is not ours to mention', async () => {
    const old = fakeToken('github-classic', 'vs-old-2');
    const { audit, deps } = setup({ 'ws/.vscode/mcp.json': vscode('OTHER'), 'home/.claude.json': { mcpServers: { gh: github('keychain:mcp-harden/GH') } } }, [
      ['mcp-harden', 'GH', old],
      ['mcp-harden', 'OTHER', fakeToken('github-classic', 'vs-other')],
    ]);
    const session = await RotateSession.open(deps, audit);
    const c = session.find('GH')!;
    expect(session.usage(c).places.map((p) => p.kind)).toEqual(['reference']);
    const outcome = await session.apply(c, fakeToken('github-classic', 'vs-new-2'));
    expect(outcome.manual).toEqual([]);
    expect(rotationExit(outcome)).toBe(0);
  });
});

describe('references that do not resolve', () => {
  test('a broken reference to another item does not fail the rotation', async () => {
    const old = fakeToken('github-classic', 'dangling-old');
    const fresh = fakeToken('github-classic', 'dangling-new');
    const { audit, deps, home } = setup(
      { 'home/.claude.json': { mcpServers: { gh: github('keychain:mcp-harden/GH'), broken: github('keychain:mcp-harden/GONE') } } },
      [['mcp-harden', 'GH', old]],
    );
    const session = await RotateSession.open(deps, audit);
    const outcome = await session.apply(session.find('GH')!, fresh);
    expect(outcome.dangling).toEqual([]);
    expect(rotationExit(outcome)).toBe(0);
    expect(readFileSync(join(home, '.claude.json'), 'utf8')).toContain('keychain:mcp-harden/GONE');
  });

  test('a reference to the rotated item that no longer resolves is reported', async () => {
    const old = fakeToken('github-classic', 'dangling-old-2');
    const { audit, deps, store } = setup({ 'home/.claude.json': { mcpServers: { gh: github('keychain:mcp-harden/GH') } } }, [['mcp-harden', 'GH', old]]);
    const session = await RotateSession.open(deps, audit);
    const c = session.find('GH')!;
    // The item goes away while the rotation runs (another program deleted it): its write fails.
    const set = store.set.bind(store);
    store.set = async (service, account, value) => {
      if (service === 'mcp-harden' && account === 'GH') {
        await store.delete(service, account);
        throw new Error('the keychain refused the write');
      }
      return set(service, account, value);
    };
    const outcome = await session.apply(c, fakeToken('github-classic', 'dangling-new-2'));
    expect(outcome.dangling.map((p) => p.server)).toEqual(['gh']);
    expect(rotationExit(outcome)).toBe(1);
  });
});
