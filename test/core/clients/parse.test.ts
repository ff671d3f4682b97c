import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/clients/index.js';
import type { ClientKind, ConfigFormat, ConfigSource, Scope, Server } from '../../../src/core/model.js';

function src(client: ClientKind, format: ConfigFormat = 'json', scope: Scope = 'project', role: ConfigSource['role'] = 'servers'): ConfigSource {
  return { client, path: `/w/config.${format}`, scope, format, role, label: 'test' };
}

function names(servers: Server[]): string[] {
  return servers.map((s) => s.name);
}

function envOf(server: Server | undefined): Record<string, string> {
  return Object.fromEntries((server?.env ?? []).map((e) => [e.key, e.value.value]));
}

/** 1-based line/column of the first occurrence of `needle` in `text`. */
function where(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`fixture lacks ${needle}`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: (before.at(-1) ?? '').length + 1 };
}

describe('JSON shapes (mcpServers)', () => {
  const text = `{
  // comments and trailing commas are fine
  "$schema": "https://example.invalid/schema.json",
  "mcpServers": {
    "files": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem@1.0.0", 8080, true],
      "env": { "LOG_LEVEL": "debug", "RETRIES": 3, },
    },
    "remote": { "type": "http", "url": "https://mcp.example.com/mcp", "headers": { "X-Team": "blue" } },
    "legacy": { "type": "streamable-http", "url": "https://x.example/mcp" },
    "events": { "type": "sse", "url": "https://x.example/sse" },
    "untyped": { "url": "https://x.example/u" },
    "off": { "command": "node", "disabled": true },
    "_comment": "not a server",
    "broken": ["not", "an", "object"],
  },
}`;

  it('lists each server with transport, command, args, env and headers', () => {
    const { servers, error } = parseConfig(src('cursor'), text);
    expect(error).toBeUndefined();
    expect(names(servers)).toEqual(['files', 'remote', 'legacy', 'events', 'untyped', 'off']);
    const [files, remote, legacy, events, untyped, off] = servers;
    expect(files).toMatchObject({ client: 'cursor', scope: 'project', file: '/w/config.json', transport: 'stdio' });
    expect(files?.command?.value).toBe('npx');
    // Non-string values are kept as text, still located.
    expect(files?.args.map((a) => a.value)).toEqual(['-y', '@modelcontextprotocol/server-filesystem@1.0.0', '8080', 'true']);
    expect(envOf(files)).toEqual({ LOG_LEVEL: 'debug', RETRIES: '3' });
    expect(remote).toMatchObject({ transport: 'http' });
    expect(remote?.url?.value).toBe('https://mcp.example.com/mcp');
    expect(remote?.headers.map((h) => [h.key, h.value.value])).toEqual([['X-Team', 'blue']]);
    expect(legacy?.transport).toBe('http');
    expect(events?.transport).toBe('sse');
    expect(untyped?.transport).toBe('http');
    expect(off?.disabled).toBe(true);
    expect(files?.disabled).toBeUndefined();
  });

  it('gives the line and column of a server, an arg, and an env value, with their document paths', () => {
    const files = parseConfig(src('cursor'), text).servers[0];
    expect(files).toMatchObject({ ...where(text, '"files"'), path: ['mcpServers', 'files'] });
    const debug = files?.env.find((e) => e.key === 'LOG_LEVEL')?.value;
    expect(debug).toMatchObject({ ...where(text, 'debug"'), path: ['mcpServers', 'files', 'env', 'LOG_LEVEL'] });
    expect(files?.args[1]).toMatchObject({ ...where(text, '@model'), path: ['mcpServers', 'files', 'args', 1] });
    expect(files?.args[2]).toMatchObject(where(text, '8080'));
  });

  it('reads a file with a byte-order mark and CRLF line endings, with the same positions', () => {
    const crlf = '\uFEFF' + text.replace(/\n/g, '\r\n');
    const { servers, error } = parseConfig(src('cursor'), crlf);
    expect(error).toBeUndefined();
    expect(names(servers)).toHaveLength(6);
    expect(servers[0]).toMatchObject(where(text, '"files"'));
    expect(servers[0]?.env[0]?.value).toMatchObject(where(text, 'debug"'));
  });

  it('keeps envFile and cwd, and reads enabled: false as disabled', () => {
    const { servers } = parseConfig(
      src('cline'),
      '{"mcpServers":{"a":{"command":"x","envFile":"${workspaceFolder}/.env","cwd":"/srv","enabled":false}}}',
    );
    expect(servers[0]?.envFile).toMatchObject({ value: '${workspaceFolder}/.env', path: ['mcpServers', 'a', 'envFile'] });
    expect(servers[0]?.cwd).toBe('/srv');
    expect(servers[0]?.disabled).toBe(true);
  });

  it('Windsurf serverUrl is an HTTP server; Cline streamableHttp too', () => {
    const w = parseConfig(src('windsurf'), '{"mcpServers":{"r":{"serverUrl":"https://w.example/mcp"}}}').servers[0];
    expect(w).toMatchObject({ transport: 'http', url: { value: 'https://w.example/mcp' } });
    const c = parseConfig(src('cline'), '{"mcpServers":{"r":{"type":"streamableHttp","url":"https://c.example"}}}');
    expect(c.servers[0]?.transport).toBe('http');
  });

  it('Gemini: url is SSE, httpUrl is streamable HTTP, and an explicit type still wins', () => {
    const { servers } = parseConfig(
      src('gemini'),
      `{"mcpServers":{
        "s": {"url": "https://g.example/sse", "trust": true},
        "h": {"httpUrl": "https://g.example/mcp", "headers": {"Authorization": "Bearer \${TOKEN}"}},
        "t": {"type": "http", "url": "https://g.example/x"}
      }, "general": {"vimMode": true}}`,
    );
    expect(servers.map((s) => [s.name, s.transport])).toEqual([
      ['s', 'sse'],
      ['h', 'http'],
      ['t', 'http'],
    ]);
    expect(servers[1]?.url?.path).toEqual(['mcpServers', 'h', 'httpUrl']);
    expect(servers[1]?.headers[0]?.value.value).toBe('Bearer ${TOKEN}');
  });

  it('Amazon Q agent files, Kiro and Claude Desktop use mcpServers', () => {
    const agent = '{"name":"dev","mcpServers":{"git":{"command":"uvx","args":["mcp-server-git"]}},"allowedTools":["@git"]}';
    expect(names(parseConfig(src('amazon-q'), agent).servers)).toEqual(['git']);
    expect(names(parseConfig(src('kiro'), agent).servers)).toEqual(['git']);
    expect(parseConfig(src('claude-desktop', 'json', 'user'), agent).servers[0]).toMatchObject({
      name: 'git',
      client: 'claude-desktop',
      scope: 'user',
    });
  });

  it('an empty server map gives no servers and no error', () => {
    expect(parseConfig(src('claude-code'), '{"mcpServers":{}}')).toEqual({ servers: [] });
  });
});

describe('Claude Code ~/.claude.json', () => {
  const text = `{
  "numStartups": 12,
  "mcpServers": { "everywhere": { "type": "stdio", "command": "uvx", "args": ["mcp-server-time"] } },
  "projects": {
    "/home/ana/app": {
      "hasTrustDialogAccepted": true,
      "mcpServers": { "db": { "command": "npx", "env": { "PGHOST": "localhost" } } }
    },
    "/home/ana/empty": { "allowedTools": [] }
  }
}`;

  it('reads the user servers and each project\'s local servers', () => {
    const { servers } = parseConfig(src('claude-code', 'json', 'user'), text);
    expect(servers.map((s) => [s.name, s.scope, s.project])).toEqual([
      ['everywhere', 'user', undefined],
      ['db', 'local', '/home/ana/app'],
    ]);
    expect(servers[1]).toMatchObject({ path: ['projects', '/home/ana/app', 'mcpServers', 'db'], ...where(text, '"db"') });
    expect(servers[1]?.env[0]?.value.path).toEqual(['projects', '/home/ana/app', 'mcpServers', 'db', 'env', 'PGHOST']);
  });

  it('reads the same shape from a backup', () => {
    const backup: ConfigSource = { ...src('claude-code', 'json', 'user', 'backup') };
    expect(names(parseConfig(backup, text).servers)).toEqual(['everywhere', 'db']);
  });

  it('a settings file gives no servers', () => {
    const settings = src('claude-code', 'json', 'project', 'settings');
    expect(parseConfig(settings, '{"permissions":{"allow":["mcp__github"]},"mcpServers":{"x":{"command":"y"}}}')).toEqual({
      servers: [],
    });
  });
});

describe('VS Code', () => {
  const mcpJson = `{
	"inputs": [
		{ "type": "promptString", "id": "api-token", "description": "API token", "password": true },
		{ "type": "promptString", "id": "region" }
	],
	"servers": {
		"remote": { "type": "http", "url": "https://v.example/mcp", "headers": { "Authorization": "Bearer \${input:api-token}" } },
		"local": { "command": "node", "args": ["build/index.js"], "envFile": "\${workspaceFolder}/.env" },
	}
}`;

  it('reads servers and inputs from mcp.json and keeps ${input:…} references as written', () => {
    const parsed = parseConfig(src('vscode'), mcpJson);
    expect(names(parsed.servers)).toEqual(['remote', 'local']);
    expect(parsed.servers[0]?.headers[0]?.value.value).toBe('Bearer ${input:api-token}');
    expect(parsed.servers[1]?.envFile?.value).toBe('${workspaceFolder}/.env');
    expect(parsed.inputs?.map((i) => [i.id, i.password, i.type])).toEqual([
      ['api-token', true, 'promptString'],
      ['region', false, 'promptString'],
    ]);
    expect(parsed.inputs?.[0]).toMatchObject({ ...where(mcpJson, '{ "type": "promptString", "id": "api'), path: ['inputs', 0] });
  });

  it('reads `mcp.servers` from settings.json, nested or as a dotted key', () => {
    const nested = parseConfig(src('vscode', 'json', 'user'), '{"editor.fontSize":14,"mcp":{"servers":{"a":{"command":"x"}}}}');
    expect(nested.servers.map((s) => [s.name, s.path])).toEqual([['a', ['mcp', 'servers', 'a']]]);
    const dotted = parseConfig(src('vscode', 'json', 'user'), '{"mcp.servers":{"b":{"command":"y"}}}');
    expect(dotted.servers.map((s) => [s.name, s.path])).toEqual([['b', ['mcp.servers', 'b']]]);
  });

  it('does not take `mcpServers` as VS Code servers', () => {
    expect(parseConfig(src('vscode'), '{"mcpServers":{"a":{"command":"x"}}}').servers).toEqual([]);
  });
});

describe('Codex TOML', () => {
  const toml = `# Codex config
model = "o4-mini"

[mcp_servers.github]  # the GitHub server
command = "npx"
args = [
  "-y",
  "@modelcontextprotocol/server-github",
]

[mcp_servers.github.env]
GITHUB_API_URL = "https://api.github.com"
"QUOTED KEY" = 'literal'

[mcp_servers.docs]
url = "https://docs.example/mcp"
bearer_token_env_var = "DOCS_TOKEN"
http_headers = { "X-Org" = "acme", X-Region = "eu" }
env_http_headers = { "X-Api-Key" = "DOCS_API_KEY" }
enabled = false

[mcp_servers.inline]
command = "uvx"
env = { LEVEL = "info", COUNT = 2 }
`;

  it('reads each [mcp_servers.NAME] table with args, env subtables, headers and enabled', () => {
    const { servers, error } = parseConfig(src('codex', 'toml', 'user'), toml);
    expect(error).toBeUndefined();
    expect(names(servers)).toEqual(['github', 'docs', 'inline']);
    const [github, docs, inline] = servers;
    expect(github?.args.map((a) => a.value)).toEqual(['-y', '@modelcontextprotocol/server-github']);
    expect(envOf(github)).toEqual({ GITHUB_API_URL: 'https://api.github.com', 'QUOTED KEY': 'literal' });
    expect(docs).toMatchObject({ transport: 'http', disabled: true, url: { value: 'https://docs.example/mcp' } });
    // Static headers are values; env_http_headers only name variables.
    expect(docs?.headers.map((h) => [h.key, h.value.value])).toEqual([
      ['X-Org', 'acme'],
      ['X-Region', 'eu'],
    ]);
    expect(envOf(inline)).toEqual({ LEVEL: 'info', COUNT: '2' });
  });

  it('places servers on their table header and values where they are written', () => {
    const { servers } = parseConfig(src('codex', 'toml', 'user'), toml);
    const [github, docs, inline] = servers;
    expect(github).toMatchObject({ ...where(toml, '[mcp_servers.github]'), path: ['mcp_servers', 'github'] });
    expect(docs).toMatchObject(where(toml, '[mcp_servers.docs]'));
    expect(github?.command).toMatchObject(where(toml, '"npx"'));
    expect(github?.args[1]).toMatchObject({ ...where(toml, '"@model'), path: ['mcp_servers', 'github', 'args', 1] });
    expect(github?.env[0]?.value).toMatchObject({
      ...where(toml, '"https://api.github.com"'),
      path: ['mcp_servers', 'github', 'env', 'GITHUB_API_URL'],
    });
    expect(github?.env[1]?.value).toMatchObject(where(toml, "'literal'"));
    expect(docs?.headers[1]?.value).toMatchObject(where(toml, '"eu"'));
    expect(inline?.env[0]?.value).toMatchObject(where(toml, '"info"'));
    expect(inline?.env[1]?.value).toMatchObject(where(toml, '2 }'));
  });

  it('finds a server declared with dotted keys and no header', () => {
    const text = 'mcp_servers.one.command = "a"\nmcp_servers.one.args = ["b"]\n';
    const { servers } = parseConfig(src('codex', 'toml'), text);
    expect(servers[0]).toMatchObject({ name: 'one', line: 1, column: 1 });
    expect(servers[0]?.args[0]).toMatchObject({ value: 'b', line: 2 });
  });
});

describe('Continue YAML', () => {
  const yaml = `name: My config
version: 0.0.1
schema: v1
mcpServers:
  - name: SQLite
    command: npx
    args:
      - "-y"
      - mcp-sqlite
    env:
      DB_PATH: "\${{ secrets.DB_PATH }}"
  - name: Remote
    type: streamable-http
    url: https://c.example/mcp
    requestOptions:
      headers:
        X-Team: blue
  - just a string
`;

  it('reads the list of servers with names, env and request headers', () => {
    const { servers, error } = parseConfig(src('continue', 'yaml'), yaml);
    expect(error).toBeUndefined();
    expect(names(servers)).toEqual(['SQLite', 'Remote']);
    expect(servers[0]).toMatchObject({ transport: 'stdio', path: ['mcpServers', 0], ...where(yaml, 'name: SQLite') });
    expect(servers[0]?.args.map((a) => a.value)).toEqual(['-y', 'mcp-sqlite']);
    expect(servers[0]?.env[0]?.value).toMatchObject({
      value: '${{ secrets.DB_PATH }}',
      ...where(yaml, '"${{'),
      path: ['mcpServers', 0, 'env', 'DB_PATH'],
    });
    expect(servers[1]).toMatchObject({ transport: 'http' });
    expect(servers[1]?.headers[0]).toMatchObject({ key: 'X-Team', value: { value: 'blue' } });
  });

  it('reads Claude-shaped JSON dropped into .continue/mcpServers', () => {
    const s = parseConfig(src('continue'), '{"mcpServers":{"a":{"command":"x"}}}');
    expect(names(s.servers)).toEqual(['a']);
  });

  it('reads the legacy config.json list with a transport object', () => {
    const legacy = '{"experimental":{"modelContextProtocolServers":[{"transport":{"type":"stdio","command":"uvx","args":["mcp-server-sqlite"]}}]}}';
    const { servers } = parseConfig(src('continue', 'json', 'user'), legacy);
    expect(servers).toHaveLength(1);
    expect(servers[0]?.command?.value).toBe('uvx');
    expect(servers[0]?.args[0]?.path).toEqual(['experimental', 'modelContextProtocolServers', 0, 'transport', 'args', 0]);
  });

  it('an empty YAML file has no servers and no error', () => {
    expect(parseConfig(src('continue', 'yaml'), '')).toEqual({ servers: [] });
  });
});

describe('Zed', () => {
  it('reads context_servers in the current and the older nested command form', () => {
    const text = `// Zed settings
{
  "theme": "One Dark",
  "context_servers": {
    "new": { "command": "npx", "args": ["-y", "some-mcp"], "env": { "A": "1" } },
    "old": { "source": "custom", "command": { "path": "uvx", "args": ["mcp-x"], "env": { "B": "2" } } },
    "remote": { "url": "https://z.example/mcp", "headers": { "X-K": "v" } },
  },
}`;
    const { servers } = parseConfig(src('zed', 'json', 'user'), text);
    expect(servers.map((s) => [s.name, s.transport, s.command?.value])).toEqual([
      ['new', 'stdio', 'npx'],
      ['old', 'stdio', 'uvx'],
      ['remote', 'http', undefined],
    ]);
    expect(servers[1]?.args.map((a) => a.value)).toEqual(['mcp-x']);
    expect(servers[1]?.env[0]?.value).toMatchObject({ value: '2', path: ['context_servers', 'old', 'command', 'env', 'B'] });
  });
});

describe('unparseable files', () => {
  it('JSON: a truncated file gives an error with a position, never a throw, and no servers', () => {
    const text = '{\n  "mcpServers": {\n    "a": { "command": "x" },\n    "b": { "command": "y"';
    const parsed = parseConfig(src('cursor'), text);
    expect(parsed.servers).toEqual([]);
    expect(parsed.error).toMatchObject({ line: 4 });
    expect(parsed.error?.message).toMatch(/^Expected .* at 4:\d+$/);
  });

  it('JSON: a missing comma is reported where it is', () => {
    const text = '{\n  "mcpServers": {\n    "a": { "command": "x" }\n    "b": {}\n  }\n}';
    expect(parseConfig(src('cursor'), text).error).toEqual({ message: 'Expected comma at 4:5', line: 4, column: 5 });
  });

  it('JSON: a top level that is not an object is an error; an empty file too', () => {
    expect(parseConfig(src('cursor'), '[1, 2]').error).toMatchObject({ line: 1, column: 1 });
    expect(parseConfig(src('cursor'), '').error?.message).toMatch(/^Expected a value/);
  });

  it('the error message never quotes the file', () => {
    const value = 'quoted-value-that-must-stay-private';
    for (const [format, text] of [
      ['json', `{"mcpServers": {"a": {"env": {"K": "${value}" "L": 1}}}}`],
      ['toml', `[mcp_servers.a]\nenv = { K = "${value}" L = 1 }\n`],
      ['yaml', `mcpServers:\n  - name: a\n    env: { K: "${value}" \n  bad: [`],
    ] as const) {
      const parsed = parseConfig(src('codex', format), text);
      expect(parsed.error, format).toBeDefined();
      expect(parsed.error?.message).not.toContain(value);
    }
  });

  it('TOML: an error carries line and column', () => {
    const parsed = parseConfig(src('codex', 'toml'), '[mcp_servers.a]\ncommand = "x"\nargs = ["y"\n');
    expect(parsed.servers).toEqual([]);
    expect(parsed.error?.line).toBeGreaterThanOrEqual(3);
    expect(parsed.error?.message).toMatch(/at \d+:\d+$/);
  });

  it('YAML: an error carries line and column', () => {
    const parsed = parseConfig(src('continue', 'yaml'), 'mcpServers:\n  - name: a\n   command: x\n');
    expect(parsed.servers).toEqual([]);
    expect(parsed.error).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    expect(parsed.error?.message).toMatch(/at \d+:\d+$/);
  });
});
