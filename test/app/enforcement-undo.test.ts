// Every local least-privilege action, applied to fixture configs of each client that can take it,
// then undone: the files come back byte for byte (the journal and the encrypted backups are the real
// ones; the keychain is the in-memory double).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import { BackupVault } from '../../src/app/backup-vault.js';
import { applyFix, prepareFix } from '../../src/app/fix.js';
import { Journal } from '../../src/app/journal.js';
import { annotationKey } from '../../src/app/plan.js';
import { undoRun } from '../../src/app/undo.js';
import type { ClientKind } from '../../src/core/model.js';
import type { TrustLevel } from '../../src/core/trust.js';
import { noWorkspace } from '../helpers/workspace.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const gh = { command: 'github-mcp-server', args: ['stdio'] };
const fsServer = { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '/'] };
const json = (key: string, servers: Record<string, unknown>) => `{\n  // team tools\n  ${JSON.stringify(key)}: ${JSON.stringify(servers, null, 2).replace(/\n/g, '\n  ')}\n}\n`;

/** Files under a directory with their bytes (the state directory aside). */
function snapshot(dir: string, acc = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (p.includes(join('.local', 'state'))) continue;
    if (statSync(p).isDirectory()) snapshot(p, acc);
    else acc.set(p, readFileSync(p, 'utf8'));
  }
  return acc;
}

describe('local enforcement on every client, applied and undone', () => {
  test('read-only switches, toolsets, narrowed roots and tool rules in seven clients come back byte for byte', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mcp-harden-enforce-'));
    roots.push(root);
    const home = join(root, 'home');
    const workspace = join(root, 'ws');
    const files: Record<string, string> = {
      [join(home, '.claude.json')]: JSON.stringify({ mcpServers: { gh } }, null, 2) + '\n',
      [join(home, '.cursor', 'mcp.json')]: json('mcpServers', { gh, files: fsServer }),
      [join(workspace, '.vscode', 'mcp.json')]: json('servers', { files: { type: 'stdio', ...fsServer } }),
      [join(home, '.gemini', 'settings.json')]: json('mcpServers', { gh: { ...gh, trust: true } }),
      [join(home, '.codex', 'config.toml')]: '# codex\n[mcp_servers.gh]\ncommand = "github-mcp-server"\nargs = ["stdio"]\n',
      [join(home, '.cline', 'data', 'settings', 'cline_mcp_settings.json')]: json('mcpServers', { gh: { ...gh, autoApprove: ['create_issue', 'get_me'] } }),
      [join(home, '.kiro', 'settings', 'mcp.json')]: json('mcpServers', { gh: { ...gh, autoApprove: ['merge_pull_request'] } }),
    };
    mkdirSync(join(home, '.claude'), { recursive: true });
    mkdirSync(workspace, { recursive: true });
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
    }
    const host = { platform: 'linux' as const, home, env: { HOME: home, XDG_STATE_HOME: join(home, '.local', 'state'), XDG_DATA_HOME: join(home, '.local', 'share') } };
    const audit = { host, workspace, noHome: false, configs: [], failOn: 'high' as const, ignore: [], version: 'test' };
    const level = (client: ClientKind): TrustLevel => (client === 'gemini' || client === 'codex' || client === 'kiro' ? 'untrusted' : 'limited');
    const trust = new Map<string, TrustLevel>();
    const at: [ClientKind, string, string][] = [
      ['claude-code', join(home, '.claude.json'), 'gh'],
      ['cursor', join(home, '.cursor', 'mcp.json'), 'gh'],
      ['cursor', join(home, '.cursor', 'mcp.json'), 'files'],
      ['vscode', join(workspace, '.vscode', 'mcp.json'), 'files'],
      ['gemini', join(home, '.gemini', 'settings.json'), 'gh'],
      ['codex', join(home, '.codex', 'config.toml'), 'gh'],
      ['cline', join(home, '.cline', 'data', 'settings', 'cline_mcp_settings.json'), 'gh'],
      ['kiro', join(home, '.kiro', 'settings', 'mcp.json'), 'gh'],
    ];
    for (const [client, file, name] of at) trust.set(annotationKey({ file, client, name }), level(client));

    const before = snapshot(root);
    const store = new MemorySecretStore();
    const deps = { fs: nodeFs, workspacePort: noWorkspace, openStore: async () => store };
    const opts = { audit, trust };
    const prepared = await prepareFix(deps, opts);
    const kinds = new Set(['set-read-only', 'set-toolsets', 'narrow-roots', 'set-permissions', 'set-tool-rules']);
    const only = { ...prepared, plan: { ...prepared.plan, actions: prepared.plan.actions.filter((a) => kinds.has(a.kind)) } };
    // Each kind is planned, and tool rules reach every client that has them.
    expect(new Set(only.plan.actions.map((a) => a.kind))).toEqual(kinds);
    const ruleClients = only.plan.actions.flatMap((a) => (a.kind === 'set-tool-rules' ? [a.client] : []));
    expect(new Set(ruleClients)).toEqual(new Set(['gemini', 'codex', 'cline', 'kiro']));

    const outcome = await applyFix(deps, only, opts);
    expect(outcome.apply.failed).toEqual([]);
    expect(outcome.apply.done).toBe(only.plan.actions.length);
    const after = snapshot(root);
    const changed = [...before].filter(([p, text]) => after.get(p) !== text).map(([p]) => p);
    expect(changed.length).toBeGreaterThanOrEqual(6);
    expect(after.get(join(workspace, '.vscode', 'mcp.json'))).toContain('"${workspaceFolder}"');
    expect(after.get(join(home, '.gemini', 'settings.json'))).toContain('"trust": false');
    expect(after.get(join(home, '.codex', 'config.toml'))).toMatch(/disabled_tools = \[/);
    expect(after.get(join(home, '.cline', 'data', 'settings', 'cline_mcp_settings.json'))).not.toContain('"create_issue"');
    // Comments outside the edited lists are kept.
    for (const p of Object.keys(files)) if (files[p]!.includes('// team tools')) expect(after.get(p)).toContain('// team tools');

    const journal = new Journal({ stateDir: prepared.stateDir });
    const vault = new BackupVault({ stateDir: prepared.stateDir, store });
    const undone = await undoRun(outcome.apply.runId, { deleteKeychainItems: false, store, vault, journal, allowedRoots: [home, workspace] });
    expect(undone.files.filter((f) => f.outcome !== 'restored' && f.outcome !== 'removed')).toEqual([]);
    const restored = snapshot(root);
    // Files the run created (Claude Code's settings) are removed again; every other file is back.
    expect([...restored.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [p, text] of before) expect(restored.get(p) === text, `${p} is back byte for byte`).toBe(true);
  });
});
