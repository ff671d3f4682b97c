// Remote (http/sse) servers: Claude Code gets a headersHelper, VS Code a password input, every
// other client a left-over item with its manual steps. Plans come from a real scan of temp files.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import { computeRewrite } from '../../src/app/apply.js';
import { scan } from '../../src/app/audit.js';
import { planMigration } from '../../src/app/plan.js';
import { helperCommandLine, parseHeaderSpec, resolveHeaders, type HelperPaths } from '../../src/app/remote-headers.js';
import { runHeaders } from '../../src/cli/headers-command.js';
import { KeychainUnavailableError, UsageError } from '../../src/core/errors.js';
import type { ClientKind, Platform } from '../../src/core/model.js';
import type { Action } from '../../src/core/plan.js';
import { fakeToken } from '../helpers/tokens.js';
import { noWorkspace, tempMachine } from '../helpers/workspace.js';

const LINEAR = fakeToken('linear', 'remote-headers');
const OPENAI = fakeToken('openai-project', 'remote-headers');
const PATHS: HelperPaths = { node: '/opt/node/bin/node', cli: '/opt/mcp-harden/dist/cli.js' };
const roots: string[] = [];

afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A temp HOME and workspace holding the given files (paths relative to the root). */
function machine(files: Record<string, string>): { root: string; home: string; workspace: string } {
  const m = tempMachine('mcp-harden-remote-', files);
  roots.push(m.root);
  return m;
}

async function planFor(files: Record<string, string>, platform: Platform = 'linux') {
  const m = machine(files);
  const host = { platform, home: m.home, env: { HOME: m.home } };
  const { report, details } = await scan(nodeFs, noWorkspace, {
    host: { ...host, platform: 'linux' },
    workspace: m.workspace,
    noHome: false,
    configs: [],
    failOn: 'high',
    ignore: [],
    version: 'test',
  });
  const { plan } = planMigration(report, details, { workspace: m.workspace, home: m.home, platform, launcherPath: '/l/mcp-harden-launch' });
  return { ...m, plan };
}

const rewrites = (actions: Action[]) => actions.filter((a): a is Extract<Action, { kind: 'rewrite-config' }> => a.kind === 'rewrite-config');

const remoteServer = (headers: Record<string, string>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ mcpServers: { linear: { type: 'http', url: 'https://mcp.linear.app/mcp', headers, ...extra } } }, null, 2) + '\n';

describe('planning secrets of remote servers', () => {
  test('Claude Code (user scope): a headersHelper rewrite, no left-over item', async () => {
    const { plan, home } = await planFor({ 'home/.claude.json': remoteServer({ Authorization: `Bearer ${LINEAR}` }) });
    const [rw] = rewrites(plan.actions);
    expect(rw).toMatchObject({ file: join(home, '.claude.json'), client: 'claude-code', scope: 'user', launcher: false, remote: 'headers-helper' });
    expect(rw!.replace).toEqual([
      expect.objectContaining({ location: expect.objectContaining({ where: 'header', path: ['mcpServers', 'linear', 'headers', 'Authorization'] }), reference: '{{keychain:mcp-harden/LINEAR_API_KEY}}' }),
    ]);
    expect(plan.leftOver).toEqual([]);
    expect(plan.actions.some((a) => a.kind === 'store-secret' && a.account === 'LINEAR_API_KEY')).toBe(true);
  });

  test('Claude Code local scope (a project in ~/.claude.json) and project scope (.mcp.json) both get a helper', async () => {
    const local = JSON.stringify({ projects: { '/p': { mcpServers: { api: { type: 'sse', url: 'https://x.example/sse', headers: { 'X-API-Key': OPENAI } } } } } });
    const { plan } = await planFor({ 'home/.claude.json': local, 'ws/.mcp.json': remoteServer({ Authorization: `Bearer ${LINEAR}` }) });
    const rws = rewrites(plan.actions);
    expect(rws.map((r) => [r.scope, r.remote]).sort()).toEqual([
      ['local', 'headers-helper'],
      ['project', 'headers-helper'],
    ]);
  });

  test('Claude Code on Windows keeps a left-over item with the ${VAR} steps', async () => {
    const { plan } = await planFor({ 'home/.claude.json': remoteServer({ Authorization: `Bearer ${LINEAR}` }) }, 'win32');
    expect(rewrites(plan.actions)).toEqual([]);
    expect(plan.leftOver).toEqual([expect.objectContaining({ rule: 'plaintext-secret', server: 'linear', why: expect.stringContaining('${LINEAR_API_KEY}') })]);
  });

  test('VS Code: a password-input rewrite and a left-over note saying VS Code asks once', async () => {
    const vs = JSON.stringify({ servers: { linear: { type: 'http', url: 'https://mcp.linear.app/mcp', headers: { Authorization: `Bearer ${LINEAR}` } } } });
    const { plan } = await planFor({ 'ws/.vscode/mcp.json': vs });
    const [rw] = rewrites(plan.actions);
    expect(rw).toMatchObject({ client: 'vscode', remote: 'vscode-input', launcher: false });
    expect(plan.leftOver).toHaveLength(1);
    expect(plan.leftOver[0]!.why).toContain('VS Code will ask for it once: `mcp-harden secrets` shows where it is stored');
    expect(plan.leftOver[0]!.why).not.toContain(LINEAR);
  });

  const manual: [string, ClientKind, string, string, RegExp][] = [
    ['Cursor', 'cursor', 'home/.cursor/mcp.json', remoteServer({ Authorization: `Bearer ${LINEAR}` }), /\$\{env:LINEAR_API_KEY\}.*export LINEAR_API_KEY="\$\(secret-tool lookup service mcp-harden account LINEAR_API_KEY\)"/],
    [
      'Windsurf',
      'windsurf',
      'home/.codeium/windsurf/mcp_config.json',
      JSON.stringify({ mcpServers: { linear: { serverUrl: 'https://mcp.linear.app/mcp', headers: { Authorization: `Bearer ${LINEAR}` } } } }),
      /\$\{env:LINEAR_API_KEY\}/,
    ],
    [
      'Gemini CLI',
      'gemini',
      'home/.gemini/settings.json',
      JSON.stringify({ mcpServers: { linear: { httpUrl: 'https://mcp.linear.app/mcp', headers: { Authorization: `Bearer ${LINEAR}` } } } }),
      /\$LINEAR_API_KEY.*export LINEAR_API_KEY=/,
    ],
    ['Codex', 'codex', 'home/.codex/config.toml', `[mcp_servers.linear]\nurl = "https://mcp.linear.app/mcp"\nhttp_headers = { Authorization = "Bearer ${LINEAR}" }\n`, /bearer_token_env_var = "LINEAR_API_KEY"/],
  ];
  test.each(manual)('%s keeps a left-over item with its manual steps', async (_name, client, file, text, steps) => {
    const { plan } = await planFor({ [file]: text });
    expect(rewrites(plan.actions).filter((r) => r.client === client)).toEqual([]);
    const items = plan.leftOver.filter((l) => l.server === 'linear');
    expect(items).toHaveLength(1);
    expect(items[0]!.why).toMatch(steps);
    expect(items[0]!.why).toContain('mcp-harden/LINEAR_API_KEY');
    expect(items[0]!.why).not.toContain(LINEAR);
  });

  test('a secret in a remote URL stays a left-over item, for Claude Code too', async () => {
    const text = JSON.stringify({ mcpServers: { search: { type: 'http', url: `https://search.example/mcp?api_key=${OPENAI}` } } });
    const { plan } = await planFor({ 'home/.claude.json': text });
    expect(rewrites(plan.actions)).toEqual([]);
    expect(plan.leftOver).toEqual([expect.objectContaining({ server: 'search', why: expect.stringMatching(/secret in its URL.*\$\{OPENAI_API_KEY\}|secret in its URL.*\$\{SEARCH_/) })]);
    expect(plan.leftOver[0]!.why).not.toContain(OPENAI);
  });
});

describe('the rewritten text', () => {
  const rewriteOf = async (files: Record<string, string>) => {
    const m = await planFor(files);
    const [rw] = rewrites(m.plan.actions);
    return { ...m, change: await computeRewrite(rw!, '/l/mcp-harden-launch', PATHS) };
  };

  test('~/.claude.json (user scope): headers leave, headersHelper names node and the CLI by absolute path', async () => {
    const before = [
      '{',
      '  "numStartups": 3,',
      '  "mcpServers": {',
      '    "linear": {',
      '      "type": "http",',
      '      "url": "https://mcp.linear.app/mcp",',
      `      "headers": {`,
      `        "Authorization": "Bearer ${LINEAR}"`,
      '      }',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');
    const { change } = await rewriteOf({ 'home/.claude.json': before });
    expect(change.after).toBe(
      [
        '{',
        '  "numStartups": 3,',
        '  "mcpServers": {',
        '    "linear": {',
        '      "type": "http",',
        '      "url": "https://mcp.linear.app/mcp",',
        `      "headersHelper": "/opt/node/bin/node /opt/mcp-harden/dist/cli.js headers 'Authorization: Bearer {{keychain:mcp-harden/LINEAR_API_KEY}}'"`,
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(change.values).toEqual([LINEAR]);
    expect(change.expectHeaders).toEqual({
      specs: ['Authorization: Bearer {{keychain:mcp-harden/LINEAR_API_KEY}}'],
      headers: { Authorization: `Bearer ${LINEAR}` },
    });
  });

  test('project .mcp.json: the helper names mcp-harden on PATH, and headers without a secret stay', async () => {
    const before = [
      '{',
      '  "mcpServers": {',
      '    "api": {',
      '      "type": "http",',
      '      "url": "https://api.example.com/mcp",',
      '      "headers": {',
      '        "X-Org": "acme",',
      `        "X-API-Key": "${OPENAI}"`,
      '      }',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');
    const { change } = await rewriteOf({ 'ws/.mcp.json': before });
    expect(change.after).toBe(
      [
        '{',
        '  "mcpServers": {',
        '    "api": {',
        '      "type": "http",',
        '      "url": "https://api.example.com/mcp",',
        '      "headers": {',
        '        "X-Org": "acme"',
        '      },',
        `      "headersHelper": "mcp-harden headers 'X-API-Key: {{keychain:mcp-harden/X-API-Key}}'"`,
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(change.after).not.toContain(OPENAI);
  });

  test('VS Code mcp.json without inputs: the header reads ${input:…} and a password input is added', async () => {
    const before = [
      '{',
      '  "servers": {',
      '    "linear": {',
      '      "type": "http",',
      '      "url": "https://mcp.linear.app/mcp",',
      `      "headers": { "Authorization": "Bearer ${LINEAR}" }`,
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');
    const { change } = await rewriteOf({ 'ws/.vscode/mcp.json': before });
    expect(change.after).toBe(
      [
        '{',
        '  "servers": {',
        '    "linear": {',
        '      "type": "http",',
        '      "url": "https://mcp.linear.app/mcp",',
        '      "headers": { "Authorization": "Bearer ${input:mcp-harden.LINEAR_API_KEY}" }',
        '    }',
        '  },',
        '  "inputs": [',
        '    {',
        '      "type": "promptString",',
        '      "id": "mcp-harden.LINEAR_API_KEY",',
        '      "description": "linear Authorization (stored by mcp-harden in the keychain as mcp-harden/LINEAR_API_KEY)",',
        '      "password": true',
        '    }',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
    expect(change.expectHeaders).toBeUndefined();
  });

  test('VS Code mcp.json with inputs: the new input goes after the existing ones, comments kept', async () => {
    const before = [
      '{',
      '  // asked once by VS Code',
      '  "inputs": [',
      '    { "type": "promptString", "id": "github_token", "description": "GitHub token", "password": true }',
      '  ],',
      '  "servers": {',
      '    "linear": {',
      '      "type": "http",',
      '      "url": "https://mcp.linear.app/mcp",',
      `      "headers": { "Authorization": "Bearer ${LINEAR}" } // team token`,
      '    }',
      '  }',
      '}',
      '',
    ].join('\n');
    const { change } = await rewriteOf({ 'ws/.vscode/mcp.json': before });
    expect(change.after).toBe(
      [
        '{',
        '  // asked once by VS Code',
        '  "inputs": [',
        '    { "type": "promptString", "id": "github_token", "description": "GitHub token", "password": true },',
        '    {',
        '      "type": "promptString",',
        '      "id": "mcp-harden.LINEAR_API_KEY",',
        '      "description": "linear Authorization (stored by mcp-harden in the keychain as mcp-harden/LINEAR_API_KEY)",',
        '      "password": true',
        '    }',
        '  ],',
        '  "servers": {',
        '    "linear": {',
        '      "type": "http",',
        '      "url": "https://mcp.linear.app/mcp",',
        '      "headers": { "Authorization": "Bearer ${input:mcp-harden.LINEAR_API_KEY}" } // team token',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('a rewrite already applied changes nothing the second time', async () => {
    const m = await planFor({ 'home/.claude.json': remoteServer({ Authorization: `Bearer ${LINEAR}` }) });
    const [rw] = rewrites(m.plan.actions);
    const first = await computeRewrite(rw!, '/l', PATHS);
    writeFileSync(join(m.home, '.claude.json'), first.after);
    const second = await computeRewrite(rw!, '/l', PATHS);
    expect(second.after).toBe(second.before);
  });

  test('a server that already has its own headersHelper is refused, nothing changed', async () => {
    const m = await planFor({ 'home/.claude.json': remoteServer({ Authorization: `Bearer ${LINEAR}` }, { headersHelper: '/usr/local/bin/sso-headers' }) });
    const [rw] = rewrites(m.plan.actions);
    await expect(computeRewrite(rw!, '/l', PATHS)).rejects.toThrow(/already has a headersHelper/);
  });
});

describe('the helper line and the headers command', () => {
  test('the helper line quotes for sh and holds references only', () => {
    const line = helperCommandLine(["Authorization: Bearer {{keychain:mcp-harden/A}}", "X-Key: it's {{keychain:mcp-harden/B}}"], 'user', {
      node: '/home/me/.nvm/versions/node/v24.1.0/bin/node',
      cli: '/home/me/My Tools/dist/cli.js',
    });
    expect(line).toBe(
      "/home/me/.nvm/versions/node/v24.1.0/bin/node '/home/me/My Tools/dist/cli.js' headers 'Authorization: Bearer {{keychain:mcp-harden/A}}' 'X-Key: it'\\''s {{keychain:mcp-harden/B}}'",
    );
  });

  test('specs parse as Name: value', () => {
    expect(parseHeaderSpec('Authorization: Bearer x')).toEqual({ name: 'Authorization', value: 'Bearer x' });
    expect(parseHeaderSpec('no colon here')).toBeNull();
  });

  test('headers resolves every reference and prints one JSON object', async () => {
    const store = new MemorySecretStore({ items: [['mcp-harden', 'LINEAR_API_KEY', LINEAR], ['mcp-harden', 'K', 'k1']] });
    let out = '';
    const code = await runHeaders(
      ['Authorization: Bearer {{keychain:mcp-harden/LINEAR_API_KEY}}', 'X-Org: acme', 'X-Key: {{keychain:mcp-harden/K}}'],
      async () => store,
      async (s) => {
        out += s;
      },
    );
    expect(code).toBe(0);
    expect(out.endsWith('\n')).toBe(true);
    expect(JSON.parse(out)).toEqual({ Authorization: `Bearer ${LINEAR}`, 'X-Org': 'acme', 'X-Key': 'k1' });
  });

  test('a missing item and a locked keychain are exit-10 errors that name no value; a bad spec is a usage error', async () => {
    const empty = new MemorySecretStore();
    await expect(resolveHeaders(['A: {{keychain:mcp-harden/NOPE}}'], empty)).rejects.toMatchObject({ exitCode: 10 });
    const locked = new MemorySecretStore({ state: 'locked', items: [['mcp-harden', 'X', LINEAR]] });
    const err = await resolveHeaders(['A: {{keychain:mcp-harden/X}}'], locked).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeychainUnavailableError);
    expect((err as Error).message).not.toContain(LINEAR);
    await expect(resolveHeaders(['A: {{keychain:mcp-harden/X'], locked)).rejects.toBeInstanceOf(UsageError);
    await expect(resolveHeaders(['just text'], locked)).rejects.toBeInstanceOf(UsageError);
  });
});
