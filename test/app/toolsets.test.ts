// The least tool groups for limited and untrusted servers whose catalog entry names them (GitHub's
// GITHUB_TOOLSETS), planned from the trust level and applied to JSON and TOML configs.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { computeReadOnly, computeToolsets } from '../../src/app/apply.js';
import { describeAction } from '../../src/cli/output/plan.js';
import { entryById } from '../../src/core/catalog/index.js';
import type { Action } from '../../src/core/plan.js';
import type { TrustLevel } from '../../src/core/trust.js';
import { actionLabel, localActionWhy } from '../../src/wizard/data.js';
import { planFiles } from '../helpers/workspace.js';

const dirs: string[] = [];
afterAll(() => {
  for (const r of dirs) rmSync(r, { recursive: true, force: true });
});

type Toolsets = Extract<Action, { kind: 'set-toolsets' }>;

async function planFor(files: Record<string, string>, trust?: Map<string, TrustLevel>) {
  const { root, home, workspace, plan } = await planFiles('mcp-harden-toolsets-', files, trust);
  dirs.push(root);
  return { root, home, workspace, plan, toolsets: plan.actions.filter((a): a is Toolsets => a.kind === 'set-toolsets') };
}

const cursor = (servers: Record<string, unknown>) => JSON.stringify({ mcpServers: servers }, null, 2) + '\n';
const gh = (extra: Record<string, unknown> = {}) => ({ command: 'github-mcp-server', args: ['stdio'], ...extra });

describe('the catalog’s tool groups for GitHub', () => {
  test('each level gets a part of the default toolsets, untrusted no more than limited', () => {
    const t = entryById('github')!.toolsets!;
    const defaults = ['context', 'repos', 'issues', 'pull_requests', 'users'];
    expect(t.env).toBe('GITHUB_TOOLSETS');
    expect(t.limited!.split(',').every((g) => defaults.includes(g))).toBe(true);
    expect(t.untrusted!.split(',').every((g) => t.limited!.split(',').includes(g))).toBe(true);
    expect(entryById('github')!.inferred).toEqual(expect.arrayContaining(['toolsets.limited', 'toolsets.untrusted']));
  });
});

describe('planning tool groups', () => {
  test('untrusted and limited get their level’s groups; trusted gets none', async () => {
    const files = { 'home/.cursor/mcp.json': cursor({ gh: gh() }) };
    const untrusted = await planFor(files, new Map([['gh', 'untrusted']]));
    expect(untrusted.toolsets).toEqual([
      expect.objectContaining({ server: 'gh', entry: 'github', trust: 'untrusted', env: 'GITHUB_TOOLSETS', value: 'context,repos', envPath: ['mcpServers', 'gh', 'env'] }),
    ]);
    const limited = await planFor(files, new Map([['gh', 'limited']]));
    expect(limited.toolsets).toEqual([expect.objectContaining({ trust: 'limited', value: 'context,repos,issues,pull_requests' })]);
    expect((await planFor(files, new Map([['gh', 'trusted']]))).toolsets).toEqual([]);
  });

  test('a choice already made stands: the env var set, or the --toolsets option given', async () => {
    const { toolsets } = await planFor(
      {
        'home/.cursor/mcp.json': cursor({
          a: gh({ env: { GITHUB_TOOLSETS: 'all' } }),
          b: { command: 'github-mcp-server', args: ['stdio', '--toolsets', 'repos,actions'] },
          c: { command: 'github-mcp-server', args: ['stdio', '--toolsets=actions'] },
        }),
      },
      new Map([
        ['a', 'untrusted'],
        ['b', 'untrusted'],
        ['c', 'untrusted'],
      ]),
    );
    expect(toolsets).toEqual([]);
  });

  test('servers whose entry names no groups per level, and containers, get none', async () => {
    const { toolsets } = await planFor(
      {
        'home/.cursor/mcp.json': cursor({
          jira: { command: 'uvx', args: ['mcp-atlassian'] },
          docker: { command: 'docker', args: ['run', '-i', '--rm', 'ghcr.io/github/github-mcp-server'] },
        }),
      },
      new Map([
        ['jira', 'untrusted'],
        ['docker', 'untrusted'],
      ]),
    );
    expect(toolsets).toEqual([]);
  });

  test('they belong to `fix --only readonly`, beside the read-only switch', async () => {
    const { plan } = await planFor({ 'home/.cursor/mcp.json': cursor({ gh: gh() }) }, new Map([['gh', 'limited']]));
    expect(plan.actions.map((a) => a.kind)).toEqual(expect.arrayContaining(['set-read-only', 'set-toolsets']));
    const { ACTION_GROUPS } = await import('../../src/core/plan.js');
    expect(ACTION_GROUPS.readonly).toContain('set-toolsets');
  });

  test('the plan line, the wizard label and its why name the groups', async () => {
    const { home, workspace, toolsets } = await planFor({ 'home/.cursor/mcp.json': cursor({ gh: gh() }) }, new Map([['gh', 'untrusted']]));
    expect(describeAction(toolsets[0]!, [], { color: false, width: 200, home, workspace })).toBe('toolsets    "gh" (untrusted) in ~/.cursor/mcp.json: GITHUB_TOOLSETS=context,repos');
    expect(actionLabel(toolsets[0]!, { home, workspace })).toBe('toolsets "gh": GITHUB_TOOLSETS=context,repos');
    expect(localActionWhy(toolsets[0]!)).toMatch(/untrusted server gets only .*\(context,repos\)/);
  });
});

describe('applying tool groups', () => {
  test('JSON with an env object: the variable joins it, the rest of the file unchanged', async () => {
    const text = `{
  // GitHub
  "mcpServers": {
    "gh": { "command": "github-mcp-server", "args": ["stdio"], "env": { "GITHUB_HOST": "https://github.example" } }
  }
}
`;
    const { toolsets } = await planFor({ 'home/.cursor/mcp.json': text }, new Map([['gh', 'untrusted']]));
    const change = await computeToolsets(toolsets[0]!);
    const { parse } = await import('jsonc-parser');
    expect(parse(change.after).mcpServers.gh.env).toEqual({ GITHUB_HOST: 'https://github.example', GITHUB_TOOLSETS: 'context,repos' });
    expect(change.after.startsWith('{\n  // GitHub\n  "mcpServers": {\n    "gh": { "command": "github-mcp-server", "args": ["stdio"], "env": { "GITHUB_HOST"')).toBe(true);
  });

  test('JSON without an env object, after the read-only switch of the same run created one', async () => {
    const files = { 'home/.cursor/mcp.json': cursor({ gh: gh() }) };
    const { root, plan, toolsets } = await planFor(files, new Map([['gh', 'limited']]));
    const ro = plan.actions.find((a): a is Extract<Action, { kind: 'set-read-only' }> => a.kind === 'set-read-only')!;
    writeFileSync(join(root, 'home/.cursor/mcp.json'), (await computeReadOnly(ro)).after);
    const change = await computeToolsets(toolsets[0]!);
    expect(JSON.parse(change.after).mcpServers.gh).toEqual({
      command: 'github-mcp-server',
      args: ['stdio'],
      env: { GITHUB_READ_ONLY: '1', GITHUB_TOOLSETS: 'context,repos,issues,pull_requests' },
    });
  });

  test('TOML (Codex) with an env table: the key joins it, comments kept', async () => {
    const toml = '# servers\n[mcp_servers.gh]\ncommand = "github-mcp-server"\nargs = ["stdio"] # the server\n\n[mcp_servers.gh.env]\nGITHUB_HOST = "https://github.example"\n';
    const { toolsets } = await planFor({ 'home/.codex/config.toml': toml }, new Map([['gh', 'untrusted']]));
    const change = await computeToolsets(toolsets[0]!);
    expect(change.after).toBe(toml + 'GITHUB_TOOLSETS = "context,repos"\n');
  });

  test('TOML without an env table: the --toolsets option is appended instead', async () => {
    const toml = '[mcp_servers.gh]\ncommand = "github-mcp-server"\nargs = ["stdio"] # keep\n';
    const { toolsets } = await planFor({ 'home/.codex/config.toml': toml }, new Map([['gh', 'untrusted']]));
    expect(toolsets).toEqual([expect.objectContaining({ arg: '--toolsets=context,repos' })]);
    expect(toolsets[0]!.envPath).toBeUndefined();
    const change = await computeToolsets(toolsets[0]!);
    expect(change.after).toBe('[mcp_servers.gh]\ncommand = "github-mcp-server"\nargs = ["stdio", "--toolsets=context,repos"] # keep\n');
  });

  test('idempotent: once written, nothing is planned and the action changes nothing; a choice made since stands', async () => {
    const files = { 'home/.cursor/mcp.json': cursor({ gh: gh() }) };
    const trust = new Map<string, TrustLevel>([['gh', 'untrusted']]);
    const { root, toolsets } = await planFor(files, trust);
    const file = join(root, 'home/.cursor/mcp.json');
    const change = await computeToolsets(toolsets[0]!);
    writeFileSync(file, change.after);
    const again = await computeToolsets(toolsets[0]!);
    expect(again.after).toBe(again.before);
    writeFileSync(file, cursor({ gh: gh({ env: { GITHUB_TOOLSETS: 'actions' } }) }));
    const chosen = await computeToolsets(toolsets[0]!);
    expect(chosen.after).toBe(chosen.before);
  });

  test('a server moved since the audit is refused', async () => {
    const { root, toolsets } = await planFor({ 'home/.cursor/mcp.json': cursor({ gh: gh() }) }, new Map([['gh', 'untrusted']]));
    writeFileSync(join(root, 'home/.cursor/mcp.json'), cursor({ other: gh() }));
    await expect(computeToolsets(toolsets[0]!)).rejects.toThrow(/no longer in/);
  });
});
