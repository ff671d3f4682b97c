// Read-only switches for limited and untrusted servers, planned from the catalog and applied to
// JSON and TOML configs with their formatting kept.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { computeReadOnly } from '../../src/app/apply.js';
import type { Action } from '../../src/core/plan.js';
import type { TrustLevel } from '../../src/core/trust.js';
import { planFiles } from '../helpers/workspace.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

async function planFor(files: Record<string, string>, trust?: Map<string, TrustLevel>) {
  const { root, home, plan } = await planFiles('mcp-harden-ro-', files, trust);
  roots.push(root);
  return { home, plan, switches: plan.actions.filter((a): a is Extract<Action, { kind: 'set-read-only' }> => a.kind === 'set-read-only') };
}

const cursor = (servers: Record<string, unknown>) => JSON.stringify({ mcpServers: servers }, null, 2) + '\n';

describe('planning read-only switches', () => {
  test('an untrusted community server gets its env switch; a trusted one and one without a switch get none', async () => {
    const { switches } = await planFor(
      {
        'home/.cursor/mcp.json': cursor({
          jira: { command: 'uvx', args: ['mcp-atlassian'], env: { JIRA_URL: 'https://example.atlassian.net' } },
          time: { command: 'uvx', args: ['mcp-server-time'] },
          gh: { command: 'github-mcp-server', args: ['stdio'] },
        }),
      },
      new Map([['gh', 'trusted']]),
    );
    expect(switches).toEqual([
      expect.objectContaining({ server: 'jira', entry: 'atlassian', trust: 'untrusted', env: { READ_ONLY_MODE: 'true' }, envPath: ['mcpServers', 'jira', 'env'], args: [] }),
    ]);
  });

  test('the user’s trust choice decides: limited gets the switch, trusted does not', async () => {
    const files = { 'home/.cursor/mcp.json': cursor({ gh: { command: 'github-mcp-server', args: ['stdio'] } }) };
    const limited = await planFor(files, new Map([['gh', 'limited']]));
    expect(limited.switches).toEqual([expect.objectContaining({ server: 'gh', trust: 'limited', env: { GITHUB_READ_ONLY: '1' } })]);
    const trusted = await planFor(files, new Map([['gh', 'trusted']]));
    expect(trusted.switches).toEqual([]);
  });

  test('a switch already set is not planned again', async () => {
    const { switches } = await planFor({ 'home/.cursor/mcp.json': cursor({ jira: { command: 'uvx', args: ['mcp-atlassian'], env: { READ_ONLY_MODE: 'true' } } }) });
    expect(switches).toEqual([]);
  });

  test('an option the user already set to another value is left as chosen', async () => {
    const { switches } = await planFor(
      { 'home/.cursor/mcp.json': cursor({ stripe: { command: 'npx', args: ['-y', '@stripe/mcp', '--tools=customers.read'] } }) },
      new Map([['stripe', 'untrusted']]),
    );
    expect(switches).toEqual([]);
  });

  test('containers are left alone', async () => {
    const { switches } = await planFor(
      { 'home/.cursor/mcp.json': cursor({ gh: { command: 'docker', args: ['run', '-i', '--rm', 'ghcr.io/github/github-mcp-server'] } }) },
      new Map([['gh', 'untrusted']]),
    );
    expect(switches).toEqual([]);
  });

  test('the switch comes after the other actions', async () => {
    const { plan } = await planFor({ 'home/.cursor/mcp.json': cursor({ jira: { command: 'uvx', args: ['mcp-atlassian'], env: { JIRA_URL: 'https://x.example' } } }) });
    expect(plan.actions.at(-1)?.kind).toBe('set-read-only');
  });
});

describe('applying read-only switches', () => {
  test('JSON: the env key is added to the server env, nothing else changes', async () => {
    const text = cursor({ jira: { command: 'uvx', args: ['mcp-atlassian'], env: { JIRA_URL: 'https://example.atlassian.net' } }, other: { command: 'x' } });
    const { switches } = await planFor({ 'home/.cursor/mcp.json': text });
    const change = await computeReadOnly(switches[0]!);
    expect(JSON.parse(change.after)).toEqual({
      mcpServers: { jira: { command: 'uvx', args: ['mcp-atlassian'], env: { JIRA_URL: 'https://example.atlassian.net', READ_ONLY_MODE: 'true' } }, other: { command: 'x' } },
    });
    expect(change.after.startsWith(text.slice(0, text.indexOf('"JIRA_URL"')))).toBe(true);
  });

  test('JSON without an env object: it is created', async () => {
    const { switches } = await planFor({ 'home/.cursor/mcp.json': cursor({ gh: { command: 'github-mcp-server', args: ['stdio'] } }) }, new Map([['gh', 'untrusted']]));
    const change = await computeReadOnly(switches[0]!);
    expect(JSON.parse(change.after).mcpServers.gh).toEqual({ command: 'github-mcp-server', args: ['stdio'], env: { GITHUB_READ_ONLY: '1' } });
  });

  test('TOML (Codex) with an env table: the key joins it, comments kept', async () => {
    const toml = '# servers\n[mcp_servers.jira]\ncommand = "uvx"\nargs = ["mcp-atlassian"] # the server\n\n[mcp_servers.jira.env]\nJIRA_URL = "https://example.atlassian.net"\n';
    const { switches } = await planFor({ 'home/.codex/config.toml': toml });
    expect(switches).toEqual([expect.objectContaining({ client: 'codex', env: { READ_ONLY_MODE: 'true' } })]);
    const change = await computeReadOnly(switches[0]!);
    expect(change.after).toBe(toml + 'READ_ONLY_MODE = "true"\n');
  });

  test('TOML (Codex) without an env table: the argument switch is appended instead', async () => {
    const toml = '[mcp_servers.gh]\ncommand = "github-mcp-server"\nargs = ["stdio"] # keep\n';
    const { switches } = await planFor({ 'home/.codex/config.toml': toml }, new Map([['gh', 'limited']]));
    expect(switches).toEqual([expect.objectContaining({ env: {}, args: ['--read-only'] })]);
    const change = await computeReadOnly(switches[0]!);
    expect(change.after).toBe('[mcp_servers.gh]\ncommand = "github-mcp-server"\nargs = ["stdio", "--read-only"] # keep\n');
  });

  test('TOML without an env table and no argument switch: nothing is planned', async () => {
    const { switches } = await planFor({ 'home/.codex/config.toml': '[mcp_servers.jira]\ncommand = "uvx"\nargs = ["mcp-atlassian"]\n' });
    expect(switches).toEqual([]);
  });
});
