// Permission rules from tool annotations: the fixture server is started for real (MCP SDK over
// stdio), its tools are listed with their hints, and the plan asks for or denies the tools that
// may write — not the read-only one, whatever the catalog knows.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import { readToolAnnotations, writeToolsOf } from '../../src/app/annotations.js';
import { prepareFix } from '../../src/app/fix.js';
import type { Action } from '../../src/core/plan.js';
import { noWorkspace } from '../helpers/workspace.js';

const FIXTURE = resolve(__dirname, '../fixtures/mcp-server/annotated.mjs');
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function setup(servers: Record<string, unknown>) {
  const root = mkdtempSync(join(tmpdir(), 'mcp-harden-annotations-'));
  roots.push(root);
  const home = join(root, 'home');
  const workspace = join(root, 'ws');
  mkdirSync(join(home, '.claude'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(home, '.claude.json'), JSON.stringify({ mcpServers: servers }, null, 2) + '\n');
  const host = { platform: 'linux' as const, home, env: { HOME: home, XDG_STATE_HOME: join(home, '.state') } };
  return { home, workspace, host };
}

const fixtureServer = { command: process.execPath, args: [FIXTURE] };

describe('tool annotations', () => {
  test('a tool without readOnlyHint counts as one that may write', () => {
    expect(writeToolsOf([{ name: 'read', readOnly: true }, { name: 'b_write', readOnly: false }, { name: 'a_unknown' }, { name: 'rm', readOnly: false, destructive: true }])).toEqual([
      'a_unknown',
      'b_write',
      'rm',
    ]);
  });

  test('the fixture server is started and its tools read with their hints', async () => {
    const { home } = setup({});
    const server = {
      name: 'things',
      client: 'claude-code' as const,
      scope: 'user' as const,
      file: join(home, '.claude.json'),
      transport: 'stdio' as const,
      command: { value: process.execPath, line: 1, column: 1, path: [] },
      args: [{ value: FIXTURE, line: 1, column: 1, path: [] }],
      env: [],
      headers: [],
      path: ['mcpServers', 'things'],
      line: 1,
      column: 1,
    };
    const r = await readToolAnnotations([server as never], { env: process.env, timeoutMs: 20_000 });
    expect(r.failed).toEqual([]);
    expect([...r.writeTools.values()]).toEqual([['create_item', 'delete_item', 'sync']]);
  });

  test('fix with annotations: an unknown untrusted server gets deny rules for exactly its write tools', async () => {
    const { workspace, host } = setup({ things: fixtureServer, broken: { command: process.execPath, args: ['-e', 'process.exit(3)'] } });
    const prepared = await prepareFix(
      { fs: nodeFs, workspacePort: noWorkspace, openStore: async () => new MemorySecretStore() },
      { audit: { host, workspace, noHome: false, configs: [], failOn: 'high', ignore: [], version: 'test' }, annotations: { timeoutMs: 20_000 } },
    );
    const rules = prepared.plan.actions.filter((a): a is Extract<Action, { kind: 'set-permissions' }> => a.kind === 'set-permissions');
    expect(rules).toHaveLength(1);
    const r = rules[0]!;
    expect([...r.ask, ...r.deny].sort()).toEqual(['mcp__things__create_item', 'mcp__things__delete_item', 'mcp__things__sync']);
    expect(prepared.plan.leftOver).toContainEqual(expect.objectContaining({ rule: 'tool-annotations', server: 'broken' }));
  });

  test('without annotations an unknown server gets no rules (the catalog does not know its tools)', async () => {
    const { workspace, host } = setup({ things: fixtureServer });
    const prepared = await prepareFix(
      { fs: nodeFs, workspacePort: noWorkspace, openStore: async () => new MemorySecretStore() },
      { audit: { host, workspace, noHome: false, configs: [], failOn: 'high', ignore: [], version: 'test' } },
    );
    expect(prepared.plan.actions.filter((a) => a.kind === 'set-permissions')).toEqual([]);
  });
});

const COUNTED = resolve(__dirname, '../fixtures/mcp-server/counted.mjs');

describe('which servers are started for their annotations', () => {
  test('only servers whose client uses the rules, not turned off, not another project’s; one start per launch line', async () => {
    const { home, workspace, host } = setup({});
    const marks = join(home, 'starts.txt');
    const line = (tag: string) => ({ command: process.execPath, args: [COUNTED, marks, tag] });
    const write = (rel: string, body: unknown) => {
      mkdirSync(join(home, rel, '..'), { recursive: true });
      writeFileSync(join(home, rel), JSON.stringify(body, null, 2));
    };
    // The same launch line in Gemini and Claude Code (user): started once, both get its rules.
    write('.gemini/settings.json', { mcpServers: { shared: line('shared') } });
    write('.claude.json', {
      mcpServers: { shared: line('shared') },
      projects: { [join(home, 'elsewhere')]: { mcpServers: { other: line('other') } } },
    });
    // Cursor has no rules that use annotations; a disabled Cline server is not started.
    write('.cursor/mcp.json', { mcpServers: { cur: line('cur') } });
    write('.cline/data/settings/cline_mcp_settings.json', { mcpServers: { off: { ...line('off'), disabled: true } } });
    const progress: string[] = [];
    const prepared = await prepareFix(
      { fs: nodeFs, workspacePort: noWorkspace, openStore: async () => new MemorySecretStore() },
      {
        audit: { host, workspace, noHome: false, configs: [], failOn: 'high', ignore: [], version: 'test' },
        annotations: { timeoutMs: 20_000, onProgress: (name) => progress.push(name) },
      },
    );
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(marks, 'utf8').split('\n').filter(Boolean)).toEqual(['shared']);
    expect(progress).toEqual(['shared']);
    expect([...prepared.toolAnnotations!.writeTools.values()]).toEqual([['create_item'], ['create_item']]);
    // One tool with an unusual name may write: no rule can name it, and the plan says so (per server).
    const unusual = prepared.plan.leftOver.filter((l) => l.rule === 'tool-annotations' && /unusual names/.test(l.why));
    expect(unusual.map((l) => l.server)).toEqual(['shared', 'shared']);
    expect(unusual[0]!.why).toMatch(/^1 tool with unusual names could not be given rules: .*disable the server if it is untrusted$/);
  });

  test('annotations read before are planned from without starting anything', async () => {
    const { home, workspace, host } = setup({});
    const marks = join(home, 'starts.txt');
    writeFileSync(join(home, '.claude.json'), JSON.stringify({ mcpServers: { things: { command: process.execPath, args: [COUNTED, marks] } } }));
    const deps = { fs: nodeFs, workspacePort: noWorkspace, openStore: async () => new MemorySecretStore() };
    const audit = { host, workspace, noHome: false, configs: [], failOn: 'high' as const, ignore: [], version: 'test' };
    const first = await prepareFix(deps, { audit, annotations: { timeoutMs: 20_000 } });
    const again = await prepareFix(deps, {
      audit,
      annotations: { timeoutMs: 20_000 },
      toolAnnotations: first.toolAnnotations!.writeTools,
      toolAnnotationNotes: first.toolAnnotations!.notes,
    });
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(marks, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    expect(again.plan.actions).toEqual(first.plan.actions);
    expect(again.plan.leftOver).toEqual(first.plan.leftOver);
  });
});
