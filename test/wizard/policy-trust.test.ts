// The wizard and the team policy's trust levels: a row the policy declares starts at the level it
// records; rows of one name stay apart (their own keys, their own labels in plain mode).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import { scan } from '../../src/app/audit.js';
import { annotationKey } from '../../src/app/plan.js';
import { runPlain, type Choice, type PlainPrompts } from '../../src/cli/plain.js';
import { POLICY_FILE, validatePolicy, type Policy } from '../../src/core/policy.js';
import type { TrustLevel } from '../../src/core/trust.js';
import { scanData } from '../../src/wizard/data.js';
import { suggestedTrust } from '../../src/wizard/state.js';
import { trustChanges } from '../../src/wizard/transition.js';
import { prepareFix } from '../../src/app/fix.js';
import { engineFromFix, type WizardEngine } from '../../src/wizard/run.js';
import { noWorkspace, tempMachine } from '../helpers/workspace.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function world(files: Record<string, string>) {
  const { root, home, workspace } = tempMachine('mcp-harden-wizard-trust-', files);
  roots.push(root);
  let policy: Policy | undefined;
  try {
    policy = validatePolicy(JSON.parse(readFileSync(join(workspace, POLICY_FILE), 'utf8')));
  } catch {
    policy = undefined;
  }
  const host = { platform: 'linux' as const, home, env: { HOME: home, XDG_STATE_HOME: join(home, '.state') } };
  const audit = { host, workspace, noHome: false, configs: [], failOn: 'high' as const, ignore: [], version: 'test', ...(policy ? { policy } : {}) };
  return { home, workspace, audit, policy };
}

const json = (servers: Record<string, unknown>) => JSON.stringify({ mcpServers: servers }, null, 2) + '\n';
const gh = { command: 'github-mcp-server', args: ['stdio'] };

describe('the Trust step and the team policy', () => {
  it('a server the policy declares is suggested the level it records, with that as the reason', async () => {
    const w = world({
      'ws/.cursor/mcp.json': json({ github: gh }),
      'ws/.mcp.json': json({ other: { command: 'github-mcp-server', args: ['stdio', '--x'] } }),
      [`ws/${POLICY_FILE}`]: JSON.stringify({ version: 1, servers: [{ name: 'github', client: 'cursor', file: '.cursor/mcp.json', transport: 'stdio', trust: 'untrusted' }] }),
    });
    const { report } = await scan(nodeFs, noWorkspace, w.audit);
    const without = scanData(report, w);
    const data = scanData(report, w, w.policy);
    const row = (d: typeof data, name: string) => d.servers.find((s) => s.name === name)!;
    expect(row(without, 'github').trust.suggested).not.toBe('untrusted');
    expect(row(data, 'github').trust).toMatchObject({ suggested: 'untrusted', reason: `recorded in ${POLICY_FILE}` });
    expect(row(data, 'github').declared).toEqual([expect.objectContaining({ key: annotationKey({ file: join(w.workspace, '.cursor/mcp.json'), client: 'cursor', name: 'github' }), recorded: 'untrusted' })]);
    // A server the policy does not declare keeps its own suggestion.
    expect(row(data, 'other').trust).toEqual(row(without, 'other').trust);
  });

  it('plain mode names the client of rows that share a name, and a change reaches that row only', async () => {
    const w = world({
      'home/.cursor/mcp.json': json({ github: gh }),
      'home/.gemini/settings.json': json({ github: { ...gh, args: ['stdio', '--log-file=/tmp/x'] } }),
    });
    const store = new MemorySecretStore();
    const inner = engineFromFix({ fs: nodeFs, workspacePort: noWorkspace, openStore: async () => store }, { audit: w.audit });
    const asked: (Map<string, TrustLevel> | undefined)[] = [];
    const engine: WizardEngine = {
      ...inner,
      prepare: (levels, onProgress, trust, ...rest) => {
        asked.push(trust);
        return inner.prepare(levels, onProgress, trust, ...rest);
      },
    };
    const printed: string[] = [];
    const pick = (match: RegExp) => (choices: Choice<unknown>[]) => choices.find((c) => match.test(c.name))!.value;
    const answers = [pick(/^Continue/), pick(/^Change github \(cursor\)/), pick(/^untrusted/), pick(/^Continue/), pick(/^Quit/)];
    const prompts: PlainPrompts = {
      async select<T>(q: { message: string; choices: Choice<T>[] }) {
        printed.push(q.message, ...q.choices.map((c) => c.name));
        return answers.shift()!(q.choices as Choice<unknown>[]) as T;
      },
      print: (t) => void printed.push(t),
    };
    expect(await runPlain(engine, prompts)).toBe(130);
    expect(printed).toContain('Trust level of github (cursor)');
    expect(printed.some((l) => l.startsWith('  github (gemini): '))).toBe(true);
    const cursorKey = annotationKey({ file: join(w.home, '.cursor/mcp.json'), client: 'cursor', name: 'github' });
    // The plan for the Scopes step was asked for the cursor declaration alone.
    expect(asked.filter((t) => t?.size).map((t) => [...t!])).toEqual([[[cursorKey, 'untrusted']]]);
  });

  it('Enter only plans what fix --yes plans for a server the policy records in one of the places it is declared', async () => {
    const w = world({
      'ws/.mcp.json': json({ github: gh }),
      'home/.cursor/mcp.json': json({ github: gh }),
      [`ws/${POLICY_FILE}`]: JSON.stringify({ version: 1, servers: [{ name: 'github', client: 'claude-code', file: '.mcp.json', transport: 'stdio', trust: 'untrusted' }] }),
    });
    const deps = { fs: nodeFs, workspacePort: noWorkspace, openStore: async () => new MemorySecretStore() };
    const { report } = await scan(nodeFs, noWorkspace, w.audit);
    const data = scanData(report, w, w.policy);
    // One row, at the recorded level; the declaration the policy does not record would suggest another.
    const rows = data.servers.filter((s) => s.name === 'github');
    expect(rows.map((r) => [r.trust.suggested, r.declared.length])).toEqual([['untrusted', 2]]);
    expect(scanData(report, w).servers.find((s) => s.name === 'github')!.trust.suggested).not.toBe('untrusted');

    const viaFix = await prepareFix(deps, { audit: w.audit });
    const viaEnter = await prepareFix(deps, { audit: w.audit, trust: new Map(Object.entries(trustChanges({ data, trust: suggestedTrust(data) }))) });
    const cursorKey = annotationKey({ file: join(w.home, '.cursor/mcp.json'), client: 'cursor', name: 'github' });
    expect(viaFix.trust.get(cursorKey)).toBe('untrusted');
    expect(viaEnter.trust.get(cursorKey)).toBe('untrusted');
    expect(viaEnter.plan).toEqual(viaFix.plan);
  });
});
