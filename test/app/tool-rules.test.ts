// Tool permission fields of Gemini, Codex, Cline and Kiro server entries for limited and untrusted
// servers: planned from what each client can express, applied with the file's formatting kept,
// planned once only, previewed by `fix --dry-run`, and undone like any other change.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { afterAll, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import { computeToolRules } from '../../src/app/apply.js';
import { scan } from '../../src/app/audit.js';
import { BackupVault } from '../../src/app/backup-vault.js';
import { applyFix, prepareFix, previewChanges } from '../../src/app/fix.js';
import { Journal } from '../../src/app/journal.js';
import { planMigration } from '../../src/app/plan.js';
import { undoRun } from '../../src/app/undo.js';
import { renderPlan } from '../../src/cli/output/plan.js';
import { CATALOG } from '../../src/core/catalog/entries.js';
import { editConfig } from '../../src/core/edit/index.js';
import type { Action } from '../../src/core/plan.js';
import type { TrustLevel } from '../../src/core/trust.js';
import { noWorkspace, tempMachine } from '../helpers/workspace.js';
import { trustByName } from '../helpers/trust.js';
import { annotationKey } from '../../src/app/plan.js';

type ToolRules = Extract<Action, { kind: 'set-tool-rules' }>;

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const WRITE = CATALOG.find((e) => e.id === 'github')!.writeTools;
const GEMINI = '.gemini/settings.json';
const CODEX = '.codex/config.toml';
const CLINE = '.cline/data/settings/cline_mcp_settings.json';
const KIRO = '.kiro/settings/mcp.json';

function world(files: Record<string, string>) {
  const { root, home, workspace } = tempMachine('mcp-harden-tool-rules-', files, 'home');
  roots.push(root);
  const host = { platform: 'linux' as const, home, env: { HOME: home, XDG_STATE_HOME: join(home, '.state') } };
  const audit = { host, workspace, noHome: false, configs: [], failOn: 'high' as const, ignore: [], version: 'test' };
  return { home, workspace, host, audit, file: (rel: string) => join(home, rel) };
}

async function planIn(w: ReturnType<typeof world>, trust: Map<string, TrustLevel>) {
  const { report, details } = await scan(nodeFs, noWorkspace, w.audit);
  const { plan } = planMigration(report, details, { workspace: w.workspace, home: w.home, platform: 'linux', launcherPath: '/l/mcp-harden-launch', trust: trustByName(details.servers, trust) });
  return { plan, rules: plan.actions.filter((a): a is ToolRules => a.kind === 'set-tool-rules') };
}

async function planFor(files: Record<string, string>, trust: Map<string, TrustLevel>) {
  const w = world(files);
  return { ...w, ...(await planIn(w, trust)) };
}

/** Applies a planned action the way the engine computes it, and writes the result. */
async function applyOne(a: ToolRules): Promise<string> {
  const change = await computeToolRules(a);
  writeFileSync(a.file, change.after);
  return change.after;
}

const gh = { command: 'github-mcp-server', args: ['stdio'] };
const json = (servers: Record<string, unknown>) => JSON.stringify({ mcpServers: servers }, null, 2) + '\n';
const trustOf = (entries: [string, TrustLevel][]) => new Map<string, TrustLevel>(entries);

describe('planning tool rules per client and trust level', () => {
  test('Gemini untrusted: trust:true turns false and the write tools missing from excludeTools are added', async () => {
    const { rules, file } = await planFor(
      { [GEMINI]: json({ gh: { ...gh, trust: true, excludeTools: ['delete_file', 'my_own_tool'] } }) },
      trustOf([['gh', 'untrusted']]),
    );
    expect(rules).toEqual([
      {
        kind: 'set-tool-rules',
        file: file(GEMINI),
        client: 'gemini',
        server: 'gh',
        serverPath: ['mcpServers', 'gh'],
        trust: 'untrusted',
        add: [{ field: 'excludeTools', tools: WRITE.filter((t) => t !== 'delete_file') }],
        remove: [],
        set: [{ field: 'trust', value: false }],
      },
    ]);
  });

  test('Gemini limited: only trust:true goes (Gemini asks by default); without it nothing is planned', async () => {
    const withTrust = await planFor({ [GEMINI]: json({ gh: { ...gh, trust: true } }) }, trustOf([['gh', 'limited']]));
    expect(withTrust.rules).toEqual([expect.objectContaining({ server: 'gh', trust: 'limited', add: [], remove: [], set: [{ field: 'trust', value: false }] })]);
    const without = await planFor({ [GEMINI]: json({ gh }) }, trustOf([['gh', 'limited']]));
    expect(without.rules).toEqual([]);
  });

  test('Codex untrusted gets disabled_tools; limited gets no edit, only a note saying why', async () => {
    const toml = '[mcp_servers.gh]\ncommand = "github-mcp-server"\nargs = ["stdio"]\n';
    const untrusted = await planFor({ [CODEX]: toml }, trustOf([['gh', 'untrusted']]));
    expect(untrusted.rules).toEqual([
      expect.objectContaining({ client: 'codex', server: 'gh', serverPath: ['mcp_servers', 'gh'], add: [{ field: 'disabled_tools', tools: WRITE }], remove: [], set: [] }),
    ]);
    const limited = await planFor({ [CODEX]: toml }, trustOf([['gh', 'limited']]));
    expect(limited.rules).toEqual([]);
    const note = limited.plan.leftOver.find((l) => l.rule === 'tool-permissions' && l.server === 'gh');
    expect(note?.file).toBe(limited.file(CODEX));
    expect(note?.why).toMatch(/Codex has no per-tool confirmation/);
  });

  test('Cline limited: the write tool leaves autoApprove, the unrelated tool stays, nothing is added', async () => {
    const { rules } = await planFor(
      { [CLINE]: json({ gh: { ...gh, autoApprove: ['create_issue', 'get_me'], alwaysAllow: ['push_files'] } }) },
      trustOf([['gh', 'limited']]),
    );
    expect(rules).toEqual([
      expect.objectContaining({
        client: 'cline',
        trust: 'limited',
        add: [],
        remove: [
          { field: 'autoApprove', tools: ['create_issue'] },
          { field: 'alwaysAllow', tools: ['push_files'] },
        ],
        set: [],
      }),
    ]);
  });

  test('Kiro untrusted: write tools leave autoApprove and go into disabledTools', async () => {
    const { rules } = await planFor({ [KIRO]: json({ gh: { ...gh, autoApprove: ['merge_pull_request', 'search_code'] } }) }, trustOf([['gh', 'untrusted']]));
    expect(rules).toEqual([
      expect.objectContaining({
        client: 'kiro',
        remove: [{ field: 'autoApprove', tools: ['merge_pull_request'] }],
        add: [{ field: 'disabledTools', tools: WRITE }],
      }),
    ]);
  });

  test('trusted servers, servers the catalog does not know, and other clients get no list change', async () => {
    const { rules } = await planFor(
      {
        [GEMINI]: json({ gh: { ...gh, trust: true } }),
        [KIRO]: json({ gh2: { ...gh, autoApprove: ['create_issue'] }, mine: { command: 'my-own-server', autoApprove: ['do_it'] } }),
        '.cursor/mcp.json': json({ gh3: gh }),
      },
      trustOf([['gh', 'trusted'], ['mine', 'limited'], ['gh2', 'trusted'], ['gh3', 'untrusted']]),
    );
    expect(rules).toEqual([]);
  });

  test('Gemini: trust:true of a limited or untrusted server goes even when its write tools are unknown; untrusted gets a note', async () => {
    const { rules, plan, file } = await planFor(
      { [GEMINI]: json({ mine: { command: 'my-own-server', trust: true }, other: { command: 'other-server', trust: true }, quiet: { command: 'quiet-server' } }) },
      trustOf([['mine', 'untrusted'], ['other', 'limited'], ['quiet', 'untrusted']]),
    );
    expect(rules.map((r) => [r.server, r.set, r.add, r.remove])).toEqual([
      ['mine', [{ field: 'trust', value: false }], [], []],
      ['other', [{ field: 'trust', value: false }], [], []],
    ]);
    // Nobody knows which tools of the untrusted ones write: the user is told how to learn them.
    expect(plan.leftOver.filter((l) => l.rule === 'tool-permissions')).toEqual([
      { rule: 'tool-permissions', file: file(GEMINI), server: 'mine', why: expect.stringContaining('mcp-harden fix --annotations') },
      { rule: 'tool-permissions', file: file(GEMINI), server: 'quiet', why: expect.stringContaining('mcp-harden fix --annotations') },
    ]);
  });

  test('annotations that were read and name no write tool are an answer: no note', async () => {
    const w = world({ [GEMINI]: json({ mine: { command: 'my-own-server', trust: true } }) });
    const { report, details } = await scan(nodeFs, noWorkspace, w.audit);
    const { plan } = planMigration(report, details, {
      workspace: w.workspace,
      home: w.home,
      platform: 'linux',
      launcherPath: '/l/mcp-harden-launch',
      trust: trustByName(details.servers, trustOf([['mine', 'untrusted']])),
      toolAnnotations: new Map([[annotationKey(details.servers[0]!), []]]),
    });
    expect(plan.actions.filter((a) => a.kind === 'set-tool-rules')).toEqual([expect.objectContaining({ server: 'mine', set: [{ field: 'trust', value: false }] })]);
    expect(plan.leftOver.filter((l) => l.rule === 'tool-permissions')).toEqual([]);
  });
});

describe('applying tool rules', () => {
  test('Gemini JSON: comments and layout stay, trust turns false, excludeTools is added; a second plan is empty', async () => {
    const text = [
      '{',
      '  // my MCP servers',
      '  "mcpServers": {',
      '    "gh": {',
      '      "command": "github-mcp-server", // the Go binary',
      '      "args": ["stdio"],',
      '      "trust": true',
      '    }',
      '  },',
      '  "theme": "dark"',
      '}',
      '',
    ].join('\n');
    const w = world({ [GEMINI]: text });
    const trust = trustOf([['gh', 'untrusted']]);
    const { rules } = await planIn(w, trust);
    expect(rules).toHaveLength(1);
    const after = await applyOne(rules[0]!);
    expect(after).toContain('  // my MCP servers\n');
    expect(after).toContain('"command": "github-mcp-server", // the Go binary\n');
    expect(after).toContain('      "trust": false');
    expect(parseJsonc(after)).toEqual({ mcpServers: { gh: { command: 'github-mcp-server', args: ['stdio'], trust: false, excludeTools: WRITE } }, theme: 'dark' });
    expect((await planIn(w, trust)).rules).toEqual([]);
    const again = await computeToolRules(rules[0]!);
    expect(again.after).toBe(again.before);
  });

  test('Codex TOML: comments stay, disabled_tools is added to the server table; a second plan is empty', async () => {
    const text = '# Codex\nmodel = "o3"\n\n[mcp_servers.gh]\ncommand = "github-mcp-server" # binary\nargs = ["stdio"]\n\n[mcp_servers.gh.env]\nLOG = "1"\n';
    const w = world({ [CODEX]: text });
    const trust = trustOf([['gh', 'untrusted']]);
    const after = await applyOne((await planIn(w, trust)).rules[0]!);
    expect(after.startsWith('# Codex\nmodel = "o3"\n\n[mcp_servers.gh]\ncommand = "github-mcp-server" # binary\n')).toBe(true);
    expect(parseToml(after)).toEqual({ model: 'o3', mcp_servers: { gh: { command: 'github-mcp-server', args: ['stdio'], disabled_tools: WRITE, env: { LOG: '1' } } } });
    expect((await planIn(w, trust)).rules).toEqual([]);
  });

  test('Cline: only the write tools leave autoApprove; the user’s other entries and fields stay', async () => {
    const w = world({ [CLINE]: json({ gh: { ...gh, disabled: false, autoApprove: ['get_me', 'create_issue', 'search_code', 'push_files'] } }) });
    const trust = trustOf([['gh', 'limited']]);
    const after = await applyOne((await planIn(w, trust)).rules[0]!);
    expect(JSON.parse(after)).toEqual({ mcpServers: { gh: { ...gh, disabled: false, autoApprove: ['get_me', 'search_code'] } } });
    expect((await planIn(w, trust)).rules).toEqual([]);
  });

  test('Kiro: the user’s own disabledTools entries stay and the write tools follow them', async () => {
    const w = world({ [KIRO]: json({ gh: { ...gh, disabledTools: ['my_tool'] } }) });
    const after = await applyOne((await planIn(w, trustOf([['gh', 'untrusted']]))).rules[0]!);
    expect(JSON.parse(after).mcpServers.gh.disabledTools).toEqual(['my_tool', ...WRITE]);
  });

  test('a server entry that moved or vanished since planning is refused, the file untouched', async () => {
    const w = world({ [GEMINI]: json({ gh: { ...gh, trust: true } }) });
    const [action] = (await planIn(w, trustOf([['gh', 'limited']]))).rules;
    const moved = json({ github: { ...gh, trust: true } });
    writeFileSync(w.file(GEMINI), moved);
    await expect(computeToolRules(action!)).rejects.toThrow(/"gh" is no longer in/);
    expect(readFileSync(w.file(GEMINI), 'utf8')).toBe(moved);
  });
});

describe('fix with tool rules', () => {
  test('--dry-run shows the action and its diff, and writes nothing', async () => {
    const text = json({ gh: { ...gh, autoApprove: ['create_issue', 'get_me'] } });
    const w = world({ [KIRO]: text });
    const deps = { fs: nodeFs, workspacePort: noWorkspace, openStore: async () => new MemorySecretStore() };
    const prepared = await prepareFix(deps, { audit: w.audit, trust: trustOf([[annotationKey({ file: w.file(KIRO), client: 'kiro', name: 'gh' }), 'untrusted']]) });
    const changes = await previewChanges(prepared);
    const out = renderPlan(prepared.plan, prepared.secrets, changes, prepared.values, { color: false, width: 200, home: w.home, workspace: w.workspace });
    expect(out).toMatch(/tool rules {2}"gh" \(untrusted\) in ~\/\.kiro\/settings\/mcp\.json: disabledTools \+14, autoApprove -1/);
    expect(out).toContain('--- ~/.kiro/settings/mcp.json');
    expect(out).toMatch(/^-\s+"create_issue",$/m);
    expect(out).toMatch(/^\+\s+"disabledTools": \[$/m);
    expect(readFileSync(w.file(KIRO), 'utf8')).toBe(text);
  });

  test('a run is journaled and undo restores the file byte for byte', async () => {
    const text = '{\n  "mcpServers": {\n    "gh": { "command": "github-mcp-server", "args": ["stdio"], "trust": true }\n  }\n}\n';
    const w = world({ [GEMINI]: text });
    const store = new MemorySecretStore();
    const deps = { fs: nodeFs, workspacePort: noWorkspace, openStore: async () => store };
    const opts = { audit: w.audit, trust: trustOf([[annotationKey({ file: w.file(GEMINI), client: 'gemini', name: 'gh' }), 'limited']]) };
    const prepared = await prepareFix(deps, opts);
    const only = { ...prepared, plan: { ...prepared.plan, actions: prepared.plan.actions.filter((a) => a.kind === 'set-tool-rules') } };
    expect(only.plan.actions).toHaveLength(1);
    const outcome = await applyFix(deps, only, opts);
    expect(outcome.apply.failed).toEqual([]);
    expect(outcome.apply.done).toBe(1);
    expect(readFileSync(w.file(GEMINI), 'utf8')).toBe(text.replace('"trust": true', '"trust": false'));
    const journal = new Journal({ stateDir: prepared.stateDir });
    const vault = new BackupVault({ stateDir: prepared.stateDir, store });
    await undoRun(outcome.apply.runId, { deleteKeychainItems: false, store, vault, journal, allowedRoots: [w.home, w.workspace] });
    expect(readFileSync(w.file(GEMINI), 'utf8')).toBe(text);
  });
});

describe('the set-boolean edit', () => {
  test('replaces a boolean in place, keeping the rest of its line', () => {
    const text = '{\n  "s": {\n    "trust": true, // was on\n    "x": 1\n  }\n}\n';
    expect(editConfig('json', text, [{ op: 'set-boolean', path: ['s', 'trust'], value: false }])).toBe(text.replace('true,', 'false,'));
  });

  test('adds a missing key on its own line, laid out like the object', () => {
    const text = '{\n  "s": {\n    "command": "x"\n  }\n}\n';
    expect(editConfig('json', text, [{ op: 'set-boolean', path: ['s', 'trust'], value: false }])).toBe('{\n  "s": {\n    "command": "x",\n    "trust": false\n  }\n}\n');
  });

  test('refuses a value that is not a boolean, and any document but JSON', () => {
    expect(() => editConfig('json', '{"s": {"trust": "yes"}}', [{ op: 'set-boolean', path: ['s', 'trust'], value: false }])).toThrow(/not a boolean/);
    expect(() => editConfig('toml', '[s]\ntrust = true\n', [{ op: 'set-boolean', path: ['s', 'trust'], value: false }])).toThrow(/Cannot set a boolean in a TOML document/);
  });
});
