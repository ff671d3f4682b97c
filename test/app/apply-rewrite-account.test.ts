// A rewrite points a config at the keychain item its reference names: that item must be one the run
// stored and read back, and it is the one checked and recorded, even when several items hold the value.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import { applyPlan } from '../../src/app/apply.js';
import { BackupVault } from '../../src/app/backup-vault.js';
import { Journal } from '../../src/app/journal.js';
import { SecretsMeta } from '../../src/app/secrets-meta.js';
import type { Action, Plan } from '../../src/core/plan.js';
import { fingerprint } from '../../src/core/secrets/index.js';
import { fakeToken } from '../helpers/tokens.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const KEY = 'GITHUB_PERSONAL_ACCESS_TOKEN';

function setup(seed: string) {
  const root = mkdtempSync(join(tmpdir(), 'mcp-harden-apply-ref-'));
  roots.push(root);
  const workspace = join(root, 'ws');
  const home = join(root, 'home');
  const state = join(root, 'state');
  mkdirSync(workspace);
  mkdirSync(home);
  const token = fakeToken('github-classic', seed);
  const file = join(workspace, '.mcp.json');
  const text = `${JSON.stringify({ mcpServers: { gh: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'], env: { [KEY]: token } } } }, null, 2)}\n`;
  writeFileSync(file, text);
  const fp = fingerprint(token);
  const location = { file, where: 'env' as const, path: ['mcpServers', 'gh', 'env', KEY], key: KEY };
  const storeAs = (account: string): Action => ({ kind: 'store-secret', service: 'mcp-harden', account, fingerprint: fp, provider: 'github', secretKind: 'personal-access-token', from: [location] });
  const rewriteTo = (account: string): Action => ({
    kind: 'rewrite-config',
    file,
    client: 'claude-code',
    scope: 'project',
    server: 'gh',
    serverPath: ['mcpServers', 'gh'],
    replace: [{ location, fingerprint: fp, reference: `keychain:mcp-harden/${account}` }],
    launcher: true,
  });
  const store = new MemorySecretStore();
  const checked: string[] = [];
  const meta = new SecretsMeta({ stateDir: state });
  const run = (actions: Action[]) => {
    const plan: Plan = { workspace, actions, leftOver: [] };
    return applyPlan(plan, {
      host: { platform: 'linux', home, env: { HOME: home } },
      store,
      vault: new BackupVault({ stateDir: state, store }),
      journal: new Journal({ stateDir: state }),
      meta,
      launcherPath: join(home, '.local', 'bin', 'mcp-harden-launch'),
      allowedRoots: [workspace, home],
      resolvesTo: async (_service, account) => {
        checked.push(account);
        return true;
      },
    });
  };
  return { file, text, token, store, checked, meta, run, storeAs, rewriteTo };
}

describe('rewrite-config checks the item its reference names', () => {
  test('with two items holding the same value, the named one is checked and recorded', async () => {
    const t = setup('two-items');
    const r = await t.run([t.storeAs('GH_A'), t.storeAs('GH_B'), t.rewriteTo('GH_A')]);
    expect(r.failed).toEqual([]);
    expect(t.checked).toEqual(['GH_A']);
    const doc = JSON.parse(readFileSync(t.file, 'utf8'));
    expect(doc.mcpServers.gh.env[KEY]).toBe('keychain:mcp-harden/GH_A');
    const refs = Object.fromEntries((await t.meta.list()).map((m) => [m.account, m.references.map((x) => x.server)]));
    expect(refs).toEqual({ GH_A: ['gh'], GH_B: [] });
  });

  test('a reference to an item this run did not store is refused, and the file keeps its text', async () => {
    const t = setup('not-stored');
    // The value is in the keychain under another name only.
    const r = await t.run([t.storeAs('GH_B'), t.rewriteTo('GH_A')]);
    expect(r.failed.map((f) => f.message)).toEqual([`the reference for "gh" names mcp-harden/GH_A, which this run did not store; ${t.file} was not changed`]);
    expect(readFileSync(t.file, 'utf8')).toBe(t.text);
    expect(t.checked).toEqual([]);
  });
});
