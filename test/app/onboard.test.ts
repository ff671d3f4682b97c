// Onboarding from the team policy: what is required, what is already there, the checks on the values
// a teammate gives, the NAME=value input of --yes, the config steps, and a second run that finds
// everything done.
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Prompter } from '../../src/wizard/prompter.js';
import { afterAll, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import { applyOnboard, checkSecretValue, loadTeamPolicy, parseSecretLines, prepareOnboard } from '../../src/app/onboard.js';
import { PolicyInvalidError, PolicyMissingError } from '../../src/core/errors.js';
import type { HostEnv } from '../../src/core/model.js';
import { POLICY_FILE } from '../../src/core/policy.js';
import { SecretsMeta } from '../../src/app/secrets-meta.js';
import { stateDirPath } from '../../src/app/state.js';
import { fakeGithubTokenBadChecksum, fakeToken } from '../helpers/tokens.js';
import { noWorkspace, tempMachine } from '../helpers/workspace.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const MCP_JSON = `{
  "mcpServers": {
    "github": {
      "command": "mcp-harden-launch",
      "args": ["npx", "-y", "@modelcontextprotocol/server-github@2025.4.8"],
      "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "keychain:mcp-harden/GITHUB_PERSONAL_ACCESS_TOKEN" }
    },
    "internal": {
      "command": "mcp-harden-launch",
      "args": ["node", "tools/server.js", "--key={{keychain:mcp-harden/INTERNAL_KEY}}"]
    }
  }
}
`;

const POLICY = {
  version: 1,
  servers: [
    {
      name: 'github',
      client: 'claude-code',
      file: '.mcp.json',
      transport: 'stdio',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'],
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'keychain:mcp-harden/GITHUB_PERSONAL_ACCESS_TOKEN' },
      trust: 'limited',
      pin: '@modelcontextprotocol/server-github@2025.4.8',
    },
    {
      name: 'internal',
      client: 'claude-code',
      file: '.mcp.json',
      transport: 'stdio',
      command: 'node',
      args: ['tools/server.js', '--key={{keychain:mcp-harden/INTERNAL_KEY}}'],
      trust: 'trusted',
    },
    {
      name: 'notion',
      client: 'cursor',
      file: '.cursor/mcp.json',
      transport: 'stdio',
      command: 'npx',
      args: ['-y', '@notionhq/notion-mcp-server@1.9.0'],
      env: { NOTION_TOKEN: 'keychain:mcp-harden/NOTION_TOKEN' },
      trust: 'untrusted',
      pin: '@notionhq/notion-mcp-server@1.9.0',
    },
  ],
  secrets: [
    {
      name: 'GITHUB_PERSONAL_ACCESS_TOKEN',
      provider: 'github',
      kind: 'personal-access-token',
      servers: ['github'],
      scopes: { kind: 'classic scopes', trusted: ['repo'], limited: ['public_repo', 'read:org'], untrusted: [] },
      create: 'https://github.com/settings/tokens/new?scopes=public_repo,read:org&description=mcp-harden',
    },
    { name: 'NOTION_TOKEN', provider: 'notion', servers: ['notion'], create: 'https://www.notion.so/profile/integrations' },
  ],
};

interface Box {
  root: string;
  home: string;
  workspace: string;
  host: HostEnv;
}

function box(files: Record<string, string>, policy: unknown = POLICY): Box {
  const { root, home, workspace } = tempMachine('mcp-harden-onboard-', files, 'ws');
  roots.push(root);
  if (policy !== null) writeFileSync(join(workspace, POLICY_FILE), typeof policy === 'string' ? policy : JSON.stringify(policy, null, 2));
  const host: HostEnv = { platform: 'linux', home, env: { HOME: home, PATH: '/usr/bin:/bin' } };
  return { root, home, workspace, host };
}

function deps(store: MemorySecretStore) {
  return { fs: nodeFs, workspacePort: noWorkspace, openStore: async () => store };
}

function auditOf(b: Box) {
  return { host: b.host, workspace: b.workspace, noHome: true, configs: [], failOn: 'high' as const, ignore: [], version: 'test' };
}

const LAUNCHER = '#!/bin/sh\n# @settings-begin\n# @settings-end\nexec "$@"\n';

describe('prepareOnboard', () => {
  test('requires the secrets the policy describes, says which are present, and only reports the others', async () => {
    const b = box({ '.mcp.json': MCP_JSON });
    const store = new MemorySecretStore({ items: [['mcp-harden', 'INTERNAL_KEY', fakeToken('openai', 'internal')], ['mcp-harden', 'NOTION_TOKEN', fakeToken('notion', 'present')]] });
    const p = await prepareOnboard(deps(store), { audit: auditOf(b) });
    expect(p.secrets.map((s) => [s.name, s.status])).toEqual([
      ['GITHUB_PERSONAL_ACCESS_TOKEN', 'needed'],
      ['NOTION_TOKEN', 'present'],
    ]);
    const gh = p.secrets.find((s) => s.name === 'GITHUB_PERSONAL_ACCESS_TOKEN')!;
    // The scopes of the secret's (most restrictive) trust level, and the policy's link.
    expect(gh).toMatchObject({ provider: 'github', kind: 'personal-access-token', trust: 'limited', scopes: ['public_repo', 'read:org'], scopesKind: 'classic scopes' });
    expect(gh.create).toMatch(/^https:\/\/github\.com\/settings\/tokens\/new/);
    // Referenced by a committed config but not described by the policy: reported, never asked for.
    expect(p.undescribed).toEqual([{ name: 'INTERNAL_KEY', references: [{ file: '.mcp.json', server: 'internal' }], present: true }]);
    expect(p.secrets.find((s) => s.name === 'NOTION_TOKEN')).toMatchObject({ provider: 'notion', trust: 'untrusted', servers: ['notion'] });
    expect(p.steps.filter((s) => s.status === 'todo').map((s) => s.what)).toEqual(['add server "notion" to .cursor/mcp.json']);
    expect(p.launcherNeeded).toBe(true);
  });

  test('a policy server declared in a TOML config is left to the user, with a note', async () => {
    const policy = {
      ...POLICY,
      servers: [{ name: 'codexgh', client: 'codex', file: '.codex/config.toml', transport: 'stdio', command: 'npx', args: ['-y', 'x-mcp@1.0.0'], trust: 'trusted' }],
      secrets: [],
    };
    const b = box({}, policy);
    const p = await prepareOnboard(deps(new MemorySecretStore()), { audit: auditOf(b) });
    expect(p.steps).toEqual([]);
    expect(p.leftOver.map((l) => l.why)).toEqual([expect.stringMatching(/add server "codexgh" to \.codex\/config\.toml by hand/)]);
  });

  test('a pin the policy declares and the config lacks becomes a pin-version step to the policy pin', async () => {
    const b = box({ '.mcp.json': MCP_JSON.replace('server-github@2025.4.8', 'server-github') });
    const p = await prepareOnboard(deps(new MemorySecretStore()), { audit: auditOf(b) });
    const pin = p.steps.find((s) => s.action?.kind === 'pin-version');
    expect(pin).toMatchObject({ status: 'todo', what: 'pin "github" in .mcp.json to @modelcontextprotocol/server-github@2025.4.8' });
    expect(pin!.action).toMatchObject({ from: '@modelcontextprotocol/server-github', to: '@modelcontextprotocol/server-github@2025.4.8' });
  });
});

describe('loadTeamPolicy', () => {
  test('a workspace without a policy is a usage error (exit 2) that says what to do', async () => {
    const b = box({}, null);
    const err = await loadTeamPolicy(b.workspace).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyMissingError);
    expect((err as PolicyMissingError).exitCode).toBe(2);
    expect((err as Error).message).toContain(POLICY_FILE);
    expect((err as Error).message).toMatch(/repository root/);
    expect((err as Error).message).not.toContain('\n');
  });

  test('a policy that is not JSON exits 1 with where it breaks', async () => {
    const b = box({}, '{ "version": 1,, }');
    const err = await loadTeamPolicy(b.workspace).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyInvalidError);
    expect((err as PolicyInvalidError).exitCode).toBe(1);
    expect((err as Error).message).toMatch(/not valid JSON: \w+ at 1:\d+/);
  });

  test('a policy that breaks the schema exits 1 naming the problem', async () => {
    const b = box({}, { version: 1, servers: [{ ...POLICY.servers[0], trust: 'sometimes' }] });
    const err = await loadTeamPolicy(b.workspace).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyInvalidError);
    expect((err as Error).message).toContain('servers[0].trust must be one of trusted, limited, untrusted');
  });
});

describe('checkSecretValue', () => {
  const gh = { name: 'GITHUB_PERSONAL_ACCESS_TOKEN', provider: 'github', kind: 'personal-access-token' };
  const good = fakeToken('github-classic', 'check');

  test('a well-formed token of the provider and kind the policy names passes', () => {
    expect(checkSecretValue(good, gh)).toEqual({ ok: true, problems: [] });
    // A provider whose tokens have no recognisable shape takes any believable value.
    expect(checkSecretValue('a81f3c0d9e7b4a2f9c1d0e8b7a6f5c4d', { name: 'BRAVE_API_KEY', provider: 'brave' }).ok).toBe(true);
  });

  test.each([
    ['empty', '', /is empty/],
    ['whitespace only', '   \t', /is empty/],
    ['a placeholder', 'your-token-here', /placeholder/],
    ['a reference', 'keychain:mcp-harden/GITHUB_PERSONAL_ACCESS_TOKEN', /reference/],
    ['too short', 'abc1', /too short/],
  ])('refuses %s', (_what, value, why) => {
    const r = checkSecretValue(value, gh);
    expect(r.ok).toBe(false);
    expect(r.problems.join(' ')).toMatch(why);
  });

  test('refuses a GitHub token whose checksum is wrong, without showing it', () => {
    const bad = fakeGithubTokenBadChecksum('check');
    const r = checkSecretValue(bad, gh);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.stringMatching(/checksum .* does not match/)]);
    expect(r.problems.join(' ')).not.toContain(bad);
  });

  test('refuses a token of another provider, or another kind than the policy asks for', () => {
    const slack = fakeToken('slack-bot', 'other');
    const r = checkSecretValue(slack, gh);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/looks like a slack credential, not a github one/);
    expect(r.problems.join(' ')).not.toContain(slack);
    // A fine-grained personal token where the author had a classic one is fine; an OAuth token is not.
    expect(checkSecretValue(fakeToken('github-fine-grained', 'kind'), gh)).toEqual({ ok: true, problems: [] });
    const oauth = checkSecretValue(fakeToken('github-oauth', 'kind'), gh);
    expect(oauth.problems).toEqual([expect.stringMatching(/it is a github oauth-token, not a personal-access-token/)]);
    // Not a GitHub token at all.
    expect(checkSecretValue('a81f3c0d9e7b4a2f9c1d0e8b7a6f5c4d', gh).problems).toEqual([expect.stringMatching(/does not look like a github credential/)]);
  });

  test('refuses a token pasted with something around it', () => {
    const r = checkSecretValue(`Bearer ${good}`, gh);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([expect.stringMatching(/other characters around it/)]);
    expect(checkSecretValue(`${good}\n`, gh).problems).toEqual([expect.stringMatching(/spaces or a line break at its start or end/)]);
  });
});

describe('parseSecretLines', () => {
  const names = ['A_TOKEN', 'B_KEY', 'C@svc'];

  test('reads NAME=value lines, skipping comments and blank lines, with quotes and CRLF', () => {
    const r = parseSecretLines('# team secrets\r\nA_TOKEN=one-value\r\n\r\nexport B_KEY="two value"\nC@svc=\'three\'\n', names);
    expect(r.errors).toEqual([]);
    expect([...r.values]).toEqual([
      ['A_TOKEN', 'one-value'],
      ['B_KEY', 'two value'],
      ['C@svc', 'three'],
    ]);
  });

  test('a value may hold "=" and "#"', () => {
    expect(parseSecretLines('A_TOKEN=ab=cd#ef\n', names).values.get('A_TOKEN')).toBe('ab=cd#ef');
  });

  test('a comment after a space ends an unquoted value, as in dotenv; a quoted value keeps its "#"', () => {
    const r = parseSecretLines('A_TOKEN=abcdEFGH1234 # my personal key\nB_KEY="two # values" # note\nC@svc=x\t#tab\n', names);
    expect(r.errors).toEqual([]);
    expect([...r.values]).toEqual([
      ['A_TOKEN', 'abcdEFGH1234'],
      ['B_KEY', 'two # values'],
      ['C@svc', 'x'],
    ]);
  });

  test('a line for a secret the policy does not describe is refused by name', () => {
    const r = parseSecretLines('A_TOKEN=one-value\nAWS_SECRET_ACCESS_KEY=never-shown-1234\n', names, ['AWS_SECRET_ACCESS_KEY']);
    expect(r.errors).toEqual(['line 2: AWS_SECRET_ACCESS_KEY is referenced by a config but not described by mcp-harden.policy.json; onboarding does not store it']);
    expect(r.errors.join('\n')).not.toContain('never-shown');
  });

  test('reports malformed lines, unknown names and repeats by line number and name, never the value', () => {
    const secret = 'sk-should-never-be-shown-1234';
    const r = parseSecretLines(`A_TOKEN=${secret}\njust ${secret}\nOTHER=${secret}\nA_TOKEN=${secret}\n=${secret}\n`, names);
    expect(r.errors).toEqual([
      'line 2: expected NAME=value',
      'line 3: OTHER is not a secret this workspace needs',
      'line 4: A_TOKEN is given twice (first on line 1)',
      'line 5: expected NAME=value',
    ]);
    expect(r.errors.join('\n')).not.toContain(secret);
  });
});

describe('applyOnboard', () => {
  const CURSOR_WITH_COMMENTS = `// Cursor servers for this repo
{
    "mcpServers": {
        // a server someone added by hand
        "docs": { "command": "npx", "args": ["-y", "docs-mcp@2.0.0"] } // keep me
    }
}
`;

  test('adds the policy server into an existing .cursor/mcp.json, keeping its comments and layout', async () => {
    const b = box({ '.mcp.json': MCP_JSON, '.cursor/mcp.json': CURSOR_WITH_COMMENTS });
    const store = new MemorySecretStore();
    const p = await prepareOnboard(deps(store), { audit: auditOf(b) });
    const values = new Map([
      ['GITHUB_PERSONAL_ACCESS_TOKEN', fakeToken('github-classic', 'a')],
      ['INTERNAL_KEY', fakeToken('openai', 'a')],
      ['NOTION_TOKEN', fakeToken('notion', 'a')],
    ]);
    const r = await applyOnboard(p, { host: b.host, values, launcherSource: LAUNCHER });
    expect(r.run?.failed).toEqual([]);
    values.delete('INTERNAL_KEY');
    const text = readFileSync(join(b.workspace, '.cursor/mcp.json'), 'utf8');
    // Every line before stays; the last member only gains the comma the new one needs, its comment kept.
    expect(text.startsWith(CURSOR_WITH_COMMENTS.split('\n').slice(0, 4).join('\n'))).toBe(true);
    expect(text).toContain('"args": ["-y", "docs-mcp@2.0.0"] }, // keep me\n');
    expect(text).toContain(`        "notion": {\n            "command": "mcp-harden-launch",\n            "args": [\n                "npx",`);
    const doc = JSON.parse(text.replace(/\/\/.*$/gm, ''));
    expect(doc.mcpServers.notion).toEqual({
      command: 'mcp-harden-launch',
      args: ['npx', '-y', '@notionhq/notion-mcp-server@1.9.0'],
      env: { NOTION_TOKEN: 'keychain:mcp-harden/NOTION_TOKEN' },
    });
    expect(doc.mcpServers.docs).toEqual({ command: 'npx', args: ['-y', 'docs-mcp@2.0.0'] });
    for (const [name, value] of values) expect((await store.get('mcp-harden', name)) === value, `${name} holds its value`).toBe(true);
    // A value for a secret the policy does not describe is never stored.
    expect(await store.get('mcp-harden', 'INTERNAL_KEY')).toBeNull();
  });

  test('creates a missing .cursor/mcp.json, stores every value, and a second run finds everything done and writes nothing', async () => {
    const b = box({ '.mcp.json': MCP_JSON });
    const store = new MemorySecretStore();
    const values = new Map([
      ['GITHUB_PERSONAL_ACCESS_TOKEN', fakeToken('github-classic', 'b')],
      ['INTERNAL_KEY', fakeToken('openai', 'b')],
      ['NOTION_TOKEN', fakeToken('notion', 'b')],
    ]);
    const first = await applyOnboard(await prepareOnboard(deps(store), { audit: auditOf(b) }), { host: b.host, values, launcherSource: LAUNCHER });
    expect(first.secrets.map((s) => [s.name, s.outcome])).toEqual([
      ['GITHUB_PERSONAL_ACCESS_TOKEN', 'stored'],
      ['NOTION_TOKEN', 'stored'],
    ]);
    expect(first.steps.map((s) => [s.what, s.outcome])).toEqual([
      ['server "github" in .mcp.json', 'done'],
      ['"github" runs @modelcontextprotocol/server-github@2025.4.8', 'done'],
      ['server "internal" in .mcp.json', 'done'],
      ['add server "notion" to .cursor/mcp.json', 'applied'],
    ]);
    expect(first.run?.runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(first.launcher).toMatchObject({ needed: true, installed: true, reachable: false });
    const created = readFileSync(join(b.workspace, '.cursor/mcp.json'), 'utf8');
    expect(JSON.parse(created).mcpServers.notion.command).toBe('mcp-harden-launch');

    const second = await prepareOnboard(deps(store), { audit: auditOf(b) });
    expect(second.secrets.every((s) => s.status === 'present')).toBe(true);
    expect(second.steps.every((s) => s.status === 'done')).toBe(true);
    const again = await applyOnboard(second, { host: b.host, values: new Map(), launcherSource: LAUNCHER });
    expect(again.run).toBeNull();
    expect(again.secrets.map((s) => s.outcome)).toEqual(['present', 'present']);
    expect(readFileSync(join(b.workspace, '.cursor/mcp.json'), 'utf8')).toBe(created);
  });

  test('permission rules for a limited server go into .claude/settings.local.json when .claude exists, once', async () => {
    const b = box({ '.mcp.json': MCP_JSON, '.claude/.keep': '' });
    const store = new MemorySecretStore();
    const p = await prepareOnboard(deps(store), { audit: auditOf(b) });
    const step = p.steps.find((s) => s.action?.kind === 'set-permissions');
    expect(step).toMatchObject({ status: 'todo', what: 'permission rules for "github" in .claude/settings.local.json' });
    await applyOnboard(p, { host: b.host, values: new Map(), launcherSource: LAUNCHER });
    const settings = JSON.parse(readFileSync(join(b.workspace, '.claude/settings.local.json'), 'utf8'));
    expect(settings.permissions.ask.length).toBeGreaterThan(0);
    expect(settings.permissions.ask.every((r: string) => r.startsWith('mcp__github__'))).toBe(true);
    const again = await prepareOnboard(deps(store), { audit: auditOf(b) });
    expect(again.steps.find((s) => s.what.startsWith('permission rules'))?.status).toBe('done');
  });

  test('a value not given leaves its secret not stored and writes no keychain item', async () => {
    const b = box({ '.mcp.json': MCP_JSON });
    const store = new MemorySecretStore();
    const p = await prepareOnboard(deps(store), { audit: auditOf(b) });
    const r = await applyOnboard(p, { host: b.host, values: new Map([['NOTION_TOKEN', fakeToken('notion', 'c')]]), launcherSource: LAUNCHER });
    expect(r.secrets.find((s) => s.name === 'GITHUB_PERSONAL_ACCESS_TOKEN')?.outcome).toBe('not-given');
    expect(await store.get('mcp-harden', 'GITHUB_PERSONAL_ACCESS_TOKEN')).toBeNull();
    expect(existsSync(join(b.workspace, '.cursor/mcp.json'))).toBe(true);
  });
});

describe('where onboarding may add a server', () => {
  const server = (name: string, client: string, file: string) => ({ name, client, file, transport: 'stdio', command: 'echo', args: [name], trust: 'trusted' });
  const policyWith = (...servers: ReturnType<typeof server>[]) => ({ version: 1, servers, secrets: [] });

  test('only the client’s project config: another JSON file, or a settings file, is left over and never written', async () => {
    const b = box({}, policyWith(server('helper', 'claude-code', 'team.json'), server('helper2', 'claude-code', '.claude/settings.json')));
    writeFileSync(join(b.home, '.claude.json'), '{"mcpServers": {}}\n');
    // A file link into HOME, under a name the policy chose.
    symlinkSync(join(b.home, '.claude.json'), join(b.workspace, 'team.json'));
    const p = await prepareOnboard(deps(new MemorySecretStore()), { audit: auditOf(b) });
    expect(p.steps).toEqual([]);
    expect(p.leftOver.map((l) => l.why)).toEqual([
      'team.json is not a Claude Code project config (project servers are read from .mcp.json); "helper" was not added',
      '.claude/settings.json is not a Claude Code project config (project servers are read from .mcp.json); "helper2" was not added',
    ]);
    const r = await applyOnboard(p, { host: b.host, values: new Map(), launcherSource: LAUNCHER });
    expect(r.run).toBeNull();
    expect(readFileSync(join(b.home, '.claude.json'), 'utf8')).toBe('{"mcpServers": {}}\n');
    expect(existsSync(join(b.workspace, '.claude'))).toBe(false);
  });

  test('a project config reached through a link out of the workspace (even into HOME) is left over and never written', async () => {
    const b = box({}, policyWith(server('out', 'cursor', '.cursor/mcp.json'), server('home', 'claude-code', '.mcp.json')));
    const outside = join(b.root, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(b.workspace, '.cursor'));
    writeFileSync(join(b.home, '.claude.json'), '{"mcpServers": {}}\n');
    symlinkSync(join(b.home, '.claude.json'), join(b.workspace, '.mcp.json'));
    const p = await prepareOnboard(deps(new MemorySecretStore()), { audit: auditOf(b) });
    expect(p.steps).toEqual([]);
    expect(p.leftOver.map((l) => l.why)).toEqual([
      '.cursor/mcp.json is reached through a symlink that leads outside the workspace; "out" was not changed there (onboarding changes files inside the workspace only)',
      '.mcp.json is reached through a symlink that leads outside the workspace; "home" was not changed there (onboarding changes files inside the workspace only)',
    ]);
    await applyOnboard(p, { host: b.host, values: new Map(), launcherSource: LAUNCHER });
    expect(readdirSync(outside)).toEqual([]);
    expect(readFileSync(join(b.home, '.claude.json'), 'utf8')).toBe('{"mcpServers": {}}\n');
  });

  test('a folder link that stays in the workspace is followed: the server is added to the real file', async () => {
    const b = box({}, policyWith(server('inside', 'vscode', '.vscode/mcp.json')));
    mkdirSync(join(b.workspace, 'shared'));
    symlinkSync(join(b.workspace, 'shared'), join(b.workspace, '.vscode'));
    const p = await prepareOnboard(deps(new MemorySecretStore()), { audit: auditOf(b) });
    expect(p.leftOver).toEqual([]);
    const r = await applyOnboard(p, { host: b.host, values: new Map(), launcherSource: LAUNCHER });
    expect(r.run?.failed).toEqual([]);
    expect(JSON.parse(readFileSync(join(b.workspace, 'shared', 'mcp.json'), 'utf8')).servers.inside).toEqual({ type: 'stdio', command: 'echo', args: ['inside'] });
  });

  test('a server already in its project config counts as done even when the scan did not list that file', async () => {
    const b = box({ '.vscode/mcp.json': '{"servers": {"inside": {"type": "stdio", "command": "echo", "args": ["inside"]}}}\n' }, policyWith(server('inside', 'vscode', '.vscode/mcp.json')));
    // A scan that could not read the file this time (too large, busy): onboarding reads it itself.
    const blind = {
      ...nodeFs,
      readText: async (path: string) => (path.endsWith(join('.vscode', 'mcp.json')) ? ({ ok: false, reason: 'too-large', message: 'larger than 16 MiB' } as const) : nodeFs.readText(path)),
    };
    const p = await prepareOnboard({ fs: blind, workspacePort: noWorkspace, openStore: async () => new MemorySecretStore() }, { audit: auditOf(b) });
    expect(p.steps).toEqual([{ what: 'server "inside" in .vscode/mcp.json', file: join(b.workspace, '.vscode', 'mcp.json'), status: 'done' }]);
  });

  test('a policy server in a file that is not a project config: left over each time, and a second run has nothing to do', async () => {
    const policy = {
      version: 1,
      servers: [{ name: 'brave', client: 'claude-code', file: 'tools/mcp.json', transport: 'stdio', command: 'npx', args: ['-y', '@brave/brave-search-mcp-server@1.0.0'], env: { BRAVE_API_KEY: 'keychain:mcp-harden/BRAVE_API_KEY' }, trust: 'limited' }],
      secrets: [{ name: 'BRAVE_API_KEY', provider: 'brave', servers: ['brave'] }],
    };
    const b = box({ 'tools/.keep': '' }, policy);
    const store = new MemorySecretStore();
    const first = await prepareOnboard(deps(store), { audit: auditOf(b) });
    expect(first.steps).toEqual([]);
    await applyOnboard(first, { host: b.host, values: new Map([['BRAVE_API_KEY', 'BSAq9v7XkLmN3pR8sT2wY5zA1bC4dE6f']]), launcherSource: LAUNCHER });
    expect(existsSync(join(b.workspace, 'tools', 'mcp.json'))).toBe(false);
    const second = await applyOnboard(await prepareOnboard(deps(store), { audit: auditOf(b) }), { host: b.host, values: new Map(), launcherSource: LAUNCHER });
    expect(second.run).toBeNull();
    expect(second.secrets.map((s) => [s.name, s.outcome])).toEqual([['BRAVE_API_KEY', 'present']]);
    // The note stays on every run.
    const { runOnboard } = await import('../../src/cli/onboard-command.js');
    let out = '';
    const code = await runOnboard(deps(store), { audit: auditOf(b) }, { yes: true }, { tty: false, readStdin: async () => '', out: async (t) => void (out += t), say: () => {} });
    expect(code).toBe(0);
    expect(out).toContain('  - left for you: tools/mcp.json is not a Claude Code project config (project servers are read from .mcp.json); "brave" was not added\n');
    expect(out).toContain('Everything is already set up; nothing was changed.');
  });
});

describe('secrets the policy does not describe', () => {
  test('onboard --yes refuses a value for one, exits 1 and stores nothing', async () => {
    const { runOnboard } = await import('../../src/cli/onboard-command.js');
    const b = box({ '.mcp.json': MCP_JSON });
    const store = new MemorySecretStore();
    const said: string[] = [];
    const input = [
      `GITHUB_PERSONAL_ACCESS_TOKEN=${fakeToken('github-classic', 'undesc')}`,
      `NOTION_TOKEN=${fakeToken('notion', 'undesc')}`,
      `INTERNAL_KEY=${fakeToken('openai', 'undesc')}`,
    ].join('\n');
    const code = await runOnboard(deps(store), { audit: auditOf(b) }, { yes: true }, { tty: false, readStdin: async () => input, out: async () => {}, say: (l) => said.push(l) });
    expect(code).toBe(1);
    expect(said).toContain('mcp-harden: line 3: INTERNAL_KEY is referenced by a config but not described by mcp-harden.policy.json; onboarding does not store it');
    expect(said).toContain('mcp-harden: nothing was stored or changed.');
    expect(await store.list('mcp-harden')).toEqual([]);
  });

  test('without a value for it, --yes stores the described ones and warns about it', async () => {
    const { runOnboard } = await import('../../src/cli/onboard-command.js');
    const b = box({ '.mcp.json': MCP_JSON });
    const store = new MemorySecretStore();
    let out = '';
    const input = `GITHUB_PERSONAL_ACCESS_TOKEN=${fakeToken('github-classic', 'warn')}\nNOTION_TOKEN=${fakeToken('notion', 'warn')}\n`;
    const code = await runOnboard(deps(store), { audit: auditOf(b) }, { yes: true }, { tty: false, readStdin: async () => input, out: async (t) => void (out += t), say: () => {} });
    expect(code).toBe(0);
    expect(out).toContain(
      '  ! INTERNAL_KEY is referenced by .mcp.json (server "internal") but not described by mcp-harden.policy.json: not asked for or stored; its server cannot start until someone provides it',
    );
    expect((await store.list('mcp-harden')).map((a) => a.account).sort()).toEqual(['GITHUB_PERSONAL_ACCESS_TOKEN', 'NOTION_TOKEN']);
  });

  test('an item already present says which other configs use it, when the metadata knows', async () => {
    const { runOnboard } = await import('../../src/cli/onboard-command.js');
    const b = box({ '.mcp.json': MCP_JSON });
    const store = new MemorySecretStore({ items: [['mcp-harden', 'GITHUB_PERSONAL_ACCESS_TOKEN', fakeToken('github-classic', 'other-project')]] });
    const other = join(b.root, 'other-repo', '.mcp.json');
    const meta = new SecretsMeta({ stateDir: stateDirPath(b.host) });
    await meta.recordStored({ service: 'mcp-harden', account: 'GITHUB_PERSONAL_ACCESS_TOKEN', provider: 'github', kind: 'personal-access-token' });
    await meta.recordReference('mcp-harden', 'GITHUB_PERSONAL_ACCESS_TOKEN', { file: other, path: ['mcpServers', 'github', 'env', 'GITHUB_PERSONAL_ACCESS_TOKEN'], client: 'claude-code', server: 'github' });
    const p = await prepareOnboard(deps(store), { audit: auditOf(b) });
    expect(p.secrets.find((s) => s.name === 'GITHUB_PERSONAL_ACCESS_TOKEN')).toMatchObject({ status: 'present', usedElsewhere: [other] });
    let out = '';
    await runOnboard(deps(store), { audit: auditOf(b) }, { yes: true }, { tty: false, readStdin: async () => `NOTION_TOKEN=${fakeToken('notion', 'x')}\n`, out: async (t) => void (out += t), say: () => {} });
    expect(out).toMatch(/✓ GITHUB_PERSONAL_ACCESS_TOKEN .* — already set up \(the keychain item is also used by .*other-repo\/\.mcp\.json\)/);
  });
});

describe('onboard on a terminal', () => {
  test('asks for each needed secret, re-asks while a value is refused, and stores the accepted one', async () => {
    const { runOnboard } = await import('../../src/cli/onboard-command.js');
    const b = box({ '.mcp.json': MCP_JSON });
    const store = new MemorySecretStore({ items: [['mcp-harden', 'INTERNAL_KEY', fakeToken('openai', 'tty')]] });
    const good = new Map([
      ['GITHUB_PERSONAL_ACCESS_TOKEN', fakeToken('github-classic', 'tty')],
      ['NOTION_TOKEN', fakeToken('notion', 'tty')],
    ]);
    const asked: string[] = [];
    const confirms: string[] = [];
    const refusals: string[] = [];
    const said: string[] = [];
    // A user who first pastes a token with a broken checksum, then the right one; Enter elsewhere.
    const prompter: Prompter = {
      say: (l) => void said.push(l),
      select: async (q) => q.choices[0]!.value,
      secret: async (q) => {
        const name = q.message.split(' ')[0]!;
        asked.push(name);
        const first = q.validate?.(fakeGithubTokenBadChecksum('tty'));
        if (typeof first === 'string') refusals.push(first);
        const v = good.get(name)!;
        expect(q.validate?.(v)).toBe(true);
        return v;
      },
      confirm: async (q) => {
        confirms.push(q.message);
        return q.default;
      },
      task: (_label, work) => work(() => {}, new AbortController().signal),
      close: async () => {},
    };
    const code = await runOnboard(
      deps(store),
      { audit: auditOf(b) },
      {},
      { tty: true, readStdin: async () => '', out: async () => {}, say: (l) => said.push(l), prompter },
    );
    expect(code).toBe(0);
    expect(asked).toEqual(['GITHUB_PERSONAL_ACCESS_TOKEN', 'NOTION_TOKEN']);
    expect(refusals[0]).toMatch(/checksum .* does not match/);
    expect(confirms[0]).toBe('Check each token with its provider over the network (read-only calls)?');
    expect(confirms[1]).toMatch(/^Store 2 secrets and make \d config changes?\?$/);
    expect(said.join('\n')).toContain('create it at https://github.com/settings/tokens/new');
    expect(said.join('\n')).toContain('scopes (classic scopes, limited): public_repo, read:org');
    for (const [name, value] of good) expect((await store.get('mcp-harden', name)) === value, `${name} holds its value`).toBe(true);
    // Not described by the policy: a warning naming who references it, never a question.
    expect(said).toContain(
      'INTERNAL_KEY is referenced by .mcp.json (server "internal") but not described by mcp-harden.policy.json: not asked for or stored; an item of that name is already in the keychain and was left as it is',
    );
    expect(said.some((l) => /INTERNAL_KEY .*already set up/.test(l))).toBe(false);
    for (const v of good.values()) expect(said.join('\n') + refusals.join('\n')).not.toContain(v);
  });

  test('without --yes and without a terminal it is a usage error pointing to --yes', async () => {
    const { runOnboard } = await import('../../src/cli/onboard-command.js');
    const b = box({ '.mcp.json': MCP_JSON });
    const err = await runOnboard(deps(new MemorySecretStore()), { audit: auditOf(b) }, {}, { tty: false, readStdin: async () => '', out: async () => {}, say: () => {} }).catch((e: unknown) => e);
    expect((err as { exitCode: number }).exitCode).toBe(2);
    expect((err as Error).message).toContain('--yes');
  });
});
