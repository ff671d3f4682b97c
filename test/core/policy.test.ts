// The policy's validator and its shipped JSON Schema agree; the policy built from a scan holds no
// value and only project servers; the audit check reports each kind of drift.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import { buildPolicy, checkPolicy, recordedTrust, serializePolicy, serverKey, validatePolicy, type Policy } from '../../src/core/policy.js';
import { parseConfig } from '../../src/core/clients/index.js';
import type { ConfigSource, Server } from '../../src/core/model.js';
import { RULES } from '../../src/core/rules.js';
import { fingerprint } from '../../src/core/secrets/index.js';
import { fakeToken } from '../../src/demo/synthetic-tokens.js';

const schemaText = readFileSync(join(__dirname, '../../schema/mcp-harden.policy.schema.json'), 'utf8');
const schema = JSON.parse(schemaText);
const validate = new Ajv2020({ strict: false }).compile(schema);

const server = { name: 'notion', client: 'claude-code', file: '.mcp.json', transport: 'stdio', trust: 'trusted' };
const secret = { name: 'NOTION_TOKEN', provider: 'notion', servers: ['notion'] };

const GOOD: [string, unknown][] = [
  ['an empty policy', {}],
  ['only an ignore list', { ignore: [{ rule: 'plaintext-secret', reason: 'demo' }] }],
  ['a maximum secret age', { maxSecretAgeDays: 30 }],
  ['a stale-secret acceptance', { ignore: [{ rule: 'stale-secret', reason: 'rotated by the vault' }] }],
  ['a full policy', { $schema: './schema.json', version: 1, servers: [{ ...server, command: 'npx', args: ['-y', 'x@1.0.0'], env: { A: 'keychain:mcp-harden/A' }, pin: 'x@1.0.0' }], secrets: [{ ...secret, kind: 'token', scopes: { kind: 'capabilities', trusted: ['read', 'write'], limited: ['read'], untrusted: [] }, create: 'https://example.com/new' }], ignore: [] }],
];
const BAD: [string, unknown, string][] = [
  ['not an object', [], 'must be a JSON object'],
  ['an unknown top-level key', { servres: [] }, 'unknown property "servres"'],
  ['another version', { version: 2 }, 'policy.version must be 1'],
  ['a zero maximum secret age', { maxSecretAgeDays: 0 }, 'policy.maxSecretAgeDays must be a whole number of days, 1 or more'],
  ['a fractional maximum secret age', { maxSecretAgeDays: 1.5 }, 'policy.maxSecretAgeDays must be a whole number of days, 1 or more'],
  ['a maximum secret age as a string', { maxSecretAgeDays: '90' }, 'policy.maxSecretAgeDays must be a whole number of days, 1 or more'],
  ['a negative maximum secret age', { maxSecretAgeDays: -30 }, 'policy.maxSecretAgeDays must be a whole number of days, 1 or more'],
  ['servers not a list', { servers: {} }, 'servers must be a list'],
  ['a server without a name', { servers: [{ ...server, name: undefined }] }, 'servers[0] needs "name"'],
  ['an unknown client', { servers: [{ ...server, client: 'emacs' }] }, 'servers[0].client must be one of'],
  ['an unknown trust level', { servers: [{ ...server, trust: 'maybe' }] }, 'servers[0].trust must be one of'],
  ['args not strings', { servers: [{ ...server, args: [1] }] }, 'servers[0].args[0] must be a string'],
  ['env not strings', { servers: [{ ...server, env: { A: 1 } }] }, 'servers[0].env.A must be a string'],
  ['an unknown server key', { servers: [{ ...server, value: 'x' }] }, 'servers[0]: unknown property "value"'],
  ['a secret without servers', { secrets: [{ name: 'A', provider: 'p' }] }, 'secrets[0] needs "servers"'],
  ['a secret with no server', { secrets: [{ ...secret, servers: [] }] }, 'secrets[0].servers must list at least 1'],
  ['scopes missing a level', { secrets: [{ ...secret, scopes: { kind: 'k', trusted: [], limited: [] } }] }, 'secrets[0].scopes needs "untrusted"'],
  ['a plain-http create link', { secrets: [{ ...secret, create: 'http://example.com' }] }, 'secrets[0].create must be an https link'],
  ['a secret holding a value field', { secrets: [{ ...secret, value: 'x' }] }, 'secrets[0]: unknown property "value"'],
  ['an ignore entry without a reason', { ignore: [{ rule: 'plaintext-secret' }] }, 'ignore[0] needs a "reason"'],
  ['an ignore entry with an unknown rule', { ignore: [{ rule: 'nope', reason: 'r' }] }, 'ignore[0].rule "nope" is not a rule id'],
  ['an ignore entry naming nothing', { ignore: [{ reason: 'r' }] }, 'must name at least one of'],
];

describe('the schema and the validator', () => {
  test('the shipped schema is draft 2020-12 JSON and lists every rule id', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect([...schema.$defs.ignore.properties.rule.enum].sort()).toEqual(Object.keys(RULES).sort());
  });
  test.each(GOOD)('both accept %s', (_, doc) => {
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(() => validatePolicy(doc)).not.toThrow();
  });
  test.each(BAD)('both refuse %s, with a one-line message naming the path', (_, doc, message) => {
    expect(validate(doc)).toBe(false);
    expect(() => validatePolicy(doc)).toThrow(message);
    try {
      validatePolicy(doc);
    } catch (err) {
      expect((err as Error).message).not.toContain('\n');
    }
  });
});

const WS = '/w';
function servers(file: string, scope: ConfigSource['scope'], doc: unknown): Server[] {
  return parseConfig({ client: 'claude-code', path: file, scope, format: 'json', role: 'servers', label: 'x' }, JSON.stringify(doc, null, 2)).servers;
}

describe('building and checking', () => {
  const token = fakeToken('notion', 'policy-core');
  const project = servers(`${WS}/.mcp.json`, 'project', {
    mcpServers: { notion: { command: 'npx', args: ['-y', '@notionhq/notion-mcp-server@1.9.0'], env: { NOTION_TOKEN: token } } },
  });
  const user = servers('/home/u/.claude.json', 'user', { mcpServers: { mine: { command: 'npx', args: ['-y', 'x@1.0.0'] } } });
  const build = (trust?: Map<string, 'trusted' | 'limited' | 'untrusted'>, existing?: Policy) =>
    buildPolicy({
      workspace: WS,
      servers: [...project, ...user],
      findings: [],
      secrets: [{ fingerprint: fingerprint(token), account: 'NOTION_TOKEN', provider: 'notion', kind: 'token' }],
      actions: [],
      ...(trust ? { trust } : {}),
      ...(existing ? { existing } : {}),
    });

  test('project servers only, the secret as its keychain reference, never the value', () => {
    const p = build();
    const text = serializePolicy(p);
    expect(text).not.toContain(token);
    expect(p.servers!.map((s) => s.name)).toEqual(['notion']);
    expect(p.servers![0]!.env).toEqual({ NOTION_TOKEN: 'keychain:mcp-harden/NOTION_TOKEN' });
    expect(p.servers![0]!.pin).toBe('@notionhq/notion-mcp-server@1.9.0');
    expect(p.secrets!.map((s) => [s.name, s.provider, s.servers])).toEqual([['NOTION_TOKEN', 'notion', ['notion']]]);
    expect(validate(JSON.parse(text))).toBe(true);
  });

  test("the user's trust choice wins over the suggestion, and the ignore list is kept", () => {
    const ignore = [{ rule: 'unpinned-package' as const, reason: 'accepted' }];
    const p = build(new Map([[serverKey(project[0]!), 'untrusted']]), { ignore });
    expect(p.servers![0]!.trust).toBe('untrusted');
    expect(p.ignore).toEqual(ignore);
  });

  test('a trust choice belongs to one declaration: a server of the same name in another file keeps its suggestion', () => {
    const cursor = parseConfig(
      { client: 'cursor', path: `${WS}/.cursor/mcp.json`, scope: 'project', format: 'json', role: 'servers', label: 'x' },
      JSON.stringify({ mcpServers: { notion: { command: 'npx', args: ['-y', '@notionhq/notion-mcp-server@1.9.0'] } } }),
    ).servers;
    const p = buildPolicy({ workspace: WS, servers: [...project, ...cursor], findings: [], secrets: [], actions: [], trust: new Map([[serverKey(cursor[0]!), 'untrusted']]) });
    expect(p.servers!.map((s) => [s.client, s.trust])).toEqual([
      ['claude-code', build().servers![0]!.trust],
      ['cursor', 'untrusted'],
    ]);
    expect(build().servers![0]!.trust).not.toBe('untrusted');
  });

  test('the levels a policy records are found by name, client and workspace-relative file, for project servers only', () => {
    const policy: Policy = {
      servers: [
        { name: 'notion', client: 'claude-code', file: '.mcp.json', transport: 'stdio', trust: 'limited' },
        { name: 'notion', client: 'cursor', file: '.mcp.json', transport: 'stdio', trust: 'untrusted' },
        { name: 'mine', client: 'claude-code', file: '/home/u/.claude.json', transport: 'stdio', trust: 'untrusted' },
      ],
    };
    expect([...recordedTrust(policy, [...project, ...user], WS)]).toEqual([[serverKey(project[0]!), 'limited']]);
    expect(recordedTrust(undefined, project, WS).size).toBe(0);
  });

  test('a rebuilt policy keeps the maximum secret age, and the validator returns it', () => {
    expect(build(undefined, { maxSecretAgeDays: 45 }).maxSecretAgeDays).toBe(45);
    expect(build().maxSecretAgeDays).toBeUndefined();
    expect(validatePolicy({ maxSecretAgeDays: 45 })).toEqual({ maxSecretAgeDays: 45 });
  });

  test('the pin and the read-only switch the same run applies are in the policy it writes', () => {
    const unpinned = servers(`${WS}/.mcp.json`, 'project', {
      mcpServers: { notion: { command: 'npx', args: ['-y', '@notionhq/notion-mcp-server'], env: { NOTION_TOKEN: 'keychain:mcp-harden/NOTION_TOKEN' } } },
    });
    const at = { file: `${WS}/.mcp.json`, client: 'claude-code' as const, server: 'notion', serverPath: ['mcpServers', 'notion'] };
    const p = buildPolicy({
      workspace: WS,
      servers: unpinned,
      findings: [],
      secrets: [],
      actions: [
        { kind: 'pin-version', ...at, argPath: ['mcpServers', 'notion', 'args', 1], from: '@notionhq/notion-mcp-server', to: '@notionhq/notion-mcp-server@1.9.0' },
        { kind: 'set-read-only', ...at, trust: 'limited', entry: 'notion', env: { NOTION_READ_ONLY: 'true' }, envPath: ['mcpServers', 'notion', 'env'], args: ['--read-only'] },
      ],
    });
    const def = p.servers![0]!;
    expect(def.pin).toBe('@notionhq/notion-mcp-server@1.9.0');
    expect(def.args).toEqual(['-y', '@notionhq/notion-mcp-server@1.9.0', '--read-only']);
    expect(def.env).toEqual({ NOTION_TOKEN: 'keychain:mcp-harden/NOTION_TOKEN', NOTION_READ_ONLY: 'true' });
  });

  test('the roots narrowed and the tool groups chosen by the same run are in the policy it writes', () => {
    const broad = servers(`${WS}/.mcp.json`, 'project', {
      mcpServers: {
        files: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '/', '~', '/srv/data'] },
        gh: { command: 'github-mcp-server', args: ['stdio'], env: { X: '1' } },
        ghtoml: { command: 'github-mcp-server', args: ['stdio'] },
      },
    });
    const at = (server: string) => ({ file: `${WS}/.mcp.json`, client: 'claude-code' as const, server, serverPath: ['mcpServers', server] });
    const p = buildPolicy({
      workspace: WS,
      servers: broad,
      findings: [],
      secrets: [],
      actions: [
        { kind: 'narrow-roots', ...at('files'), roots: ['/', '~'], to: '.' },
        { kind: 'set-toolsets', ...at('gh'), trust: 'limited', entry: 'github', env: 'GITHUB_TOOLSETS', value: 'context,repos', envPath: ['mcpServers', 'gh', 'env'] },
        { kind: 'set-toolsets', ...at('ghtoml'), trust: 'limited', entry: 'github', env: 'GITHUB_TOOLSETS', value: 'context,repos', arg: '--toolsets=context,repos' },
      ],
    });
    const def = (name: string) => p.servers!.find((s) => s.name === name)!;
    // Both broad roots become the workspace once; a root the audit did not flag stays.
    expect(def('files').args).toEqual(['-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '.', '/srv/data']);
    expect(def('gh').env).toEqual({ X: '1', GITHUB_TOOLSETS: 'context,repos' });
    expect(def('ghtoml').args).toEqual(['stdio', '--toolsets=context,repos']);
  });

  test('narrowed roots are replaced in the policy where the audit saw them, not where an option holds the same path', () => {
    const fs = servers(`${WS}/.mcp.json`, 'project', {
      mcpServers: { files: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '--log', '/', '/'] } },
    });
    const at = { file: `${WS}/.mcp.json`, client: 'claude-code' as const, server: 'files', serverPath: ['mcpServers', 'files'] };
    const p = buildPolicy({
      workspace: WS,
      servers: fs,
      findings: [],
      secrets: [],
      actions: [{ kind: 'narrow-roots', ...at, roots: ['/'], rootPaths: [['mcpServers', 'files', 'args', 4]], to: '.' }],
    });
    expect(p.servers![0]!.args).toEqual(['-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '--log', '/', '.']);
  });

  test('a policy declaring more trust than the evidence supports is a violation; less is fine', () => {
    const unpinned = servers(`${WS}/.mcp.json`, 'project', {
      mcpServers: { notion: { command: 'npx', args: ['-y', '@notionhq/notion-mcp-server'], env: { NOTION_TOKEN: 'keychain:mcp-harden/NOTION_TOKEN' } } },
    });
    const decl = { name: 'notion', client: 'claude-code' as const, file: '.mcp.json', transport: 'stdio' as const };
    const check = (trust: 'trusted' | 'untrusted') =>
      checkPolicy({ servers: [{ ...decl, trust }] }, unpinned, [], { workspace: WS, policyFile: `${WS}/mcp-harden.policy.json` }).map((f) => f.message);
    expect(check('trusted')).toEqual([expect.stringContaining('declared trusted')]);
    expect(check('untrusted')).toEqual([]);
  });
});
