// The team policy and least privilege: the trust levels the policy records are planned by (the
// user's choices in the wizard win), and what a run changes (roots, tool groups) is recorded so a
// second run plans no policy rewrite.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import { scan } from '../../src/app/audit.js';
import { applyFix, prepareFix } from '../../src/app/fix.js';
import { annotationKey } from '../../src/app/plan.js';
import { currentTrust, POLICY_FILE, validatePolicy, type Policy } from '../../src/core/policy.js';
import type { Action } from '../../src/core/plan.js';
import type { TrustLevel } from '../../src/core/trust.js';
import { noWorkspace, tempMachine } from '../helpers/workspace.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A workspace with its files; `policy` is read from it as the CLI does. */
function world(files: Record<string, string>) {
  const { root, home, workspace } = tempMachine('mcp-harden-policy-trust-', files, 'ws');
  roots.push(root);
  const host = { platform: 'linux' as const, home, env: { HOME: home, XDG_STATE_HOME: join(home, '.state') } };
  const store = new MemorySecretStore();
  const deps = { fs: nodeFs, workspacePort: noWorkspace, openStore: async () => store };
  const audit = () => {
    let policy: Policy | undefined;
    try {
      policy = validatePolicy(JSON.parse(readFileSync(join(workspace, POLICY_FILE), 'utf8')));
    } catch {
      policy = undefined;
    }
    return { host, workspace, noHome: false, configs: [], failOn: 'high' as const, ignore: policy?.ignore ?? [], version: 'test', ...(policy ? { policy } : {}) };
  };
  return { home, workspace, deps, audit };
}

const json = (servers: Record<string, unknown>) => JSON.stringify({ mcpServers: servers }, null, 2) + '\n';
const gh = { command: 'github-mcp-server', args: ['stdio'] };
const policyOf = (servers: Policy['servers']) => JSON.stringify({ version: 1, servers, secrets: [], ignore: [] }, null, 2) + '\n';
const kinds = (actions: Action[]) => actions.map((a) => a.kind);
const ofKind = <K extends Action['kind']>(actions: Action[], kind: K) => actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);

describe('trust levels recorded in the team policy', () => {
  const files = {
    '.cursor/mcp.json': json({ github: gh }),
    [POLICY_FILE]: policyOf([{ name: 'github', client: 'cursor', file: '.cursor/mcp.json', transport: 'stdio', trust: 'untrusted', command: 'github-mcp-server', args: ['stdio'] }]),
  };

  test('a later fix plans by the recorded level and keeps it in the policy', async () => {
    const w = world(files);
    const { details, report } = await scan(nodeFs, noWorkspace, w.audit());
    // Without the policy the server would be planned by another level: the test tells them apart.
    expect(currentTrust(details.servers[0]!, report.findings)).not.toBe('untrusted');
    const prepared = await prepareFix(w.deps, { audit: w.audit() });
    expect(ofKind(prepared.plan.actions, 'set-toolsets').map((a) => a.trust)).toEqual(['untrusted']);
    expect(ofKind(prepared.plan.actions, 'set-read-only').map((a) => a.trust)).toEqual(['untrusted']);
    // The policy is rewritten (it gains what this run changes) with the level it had.
    const written = ofKind(prepared.plan.actions, 'write-policy').map((a) => JSON.parse(a.content) as Policy);
    expect(written.map((p) => p.servers!.map((s) => s.trust))).toEqual([['untrusted']]);
  });

  test("the wizard's choice wins over the recorded level", async () => {
    const w = world(files);
    const key = annotationKey({ file: join(w.workspace, '.cursor/mcp.json'), client: 'cursor', name: 'github' });
    const prepared = await prepareFix(w.deps, { audit: w.audit(), trust: new Map<string, TrustLevel>([[key, 'limited']]) });
    expect(ofKind(prepared.plan.actions, 'set-toolsets').map((a) => a.trust)).toEqual(['limited']);
    expect(ofKind(prepared.plan.actions, 'write-policy').map((a) => (JSON.parse(a.content) as Policy).servers![0]!.trust)).toEqual(['limited']);
  });

  test('a choice for one declaration leaves a server of the same name in another client alone', async () => {
    const w = world({ '.cursor/mcp.json': json({ github: gh }), '.mcp.json': json({ github: { ...gh, args: ['stdio', '--log-file=/tmp/x'] } }) });
    const key = annotationKey({ file: join(w.workspace, '.cursor/mcp.json'), client: 'cursor', name: 'github' });
    const prepared = await prepareFix(w.deps, { audit: w.audit(), trust: new Map<string, TrustLevel>([[key, 'untrusted']]) });
    const toolsets = ofKind(prepared.plan.actions, 'set-toolsets');
    expect(toolsets.find((a) => a.client === 'cursor')?.trust).toBe('untrusted');
    const other = toolsets.find((a) => a.client === 'claude-code');
    const { details, report } = await scan(nodeFs, noWorkspace, w.audit());
    const claude = details.servers.find((s) => s.client === 'claude-code')!;
    expect(other?.trust ?? 'trusted').toBe(currentTrust(claude, report.findings));
    expect(other?.trust).not.toBe('untrusted');
  });
});

describe('what a run changes is in the policy it writes', () => {
  test('after fix --yes narrows roots and chooses tool groups, a second plan has no policy rewrite', async () => {
    const w = world({
      '.mcp.json': json({
        files: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '/'] },
        gh,
      }),
    });
    // The first run is the wizard's, with gh made limited; the second a plain fix.
    const trust = new Map<string, TrustLevel>([[annotationKey({ file: join(w.workspace, '.mcp.json'), client: 'claude-code', name: 'gh' }), 'limited']]);
    const first = await prepareFix(w.deps, { audit: w.audit(), trust });
    expect(kinds(first.plan.actions)).toEqual(expect.arrayContaining(['narrow-roots', 'set-toolsets', 'write-policy']));
    const outcome = await applyFix(w.deps, first, { audit: w.audit(), trust });
    expect(outcome.apply.failed).toEqual([]);
    const policy = validatePolicy(JSON.parse(readFileSync(join(w.workspace, POLICY_FILE), 'utf8')));
    // Teammates get the narrowed root, never `/`.
    expect(policy.servers!.find((s) => s.name === 'files')!.args).toEqual(['-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '.']);
    expect(Object.keys(policy.servers!.find((s) => s.name === 'gh')!.env ?? {})).toContain('GITHUB_TOOLSETS');
    const second = await prepareFix(w.deps, { audit: w.audit() });
    expect(kinds(second.plan.actions)).not.toContain('write-policy');
  });
});
