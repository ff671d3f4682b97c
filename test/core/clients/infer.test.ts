import { describe, expect, it } from 'vitest';
import { CLIENT_LABELS, inferSource } from '../../../src/core/clients/index.js';
import { CLIENT_KINDS } from '../../../src/core/model.js';

const EMPTY = '{}';

describe('inferSource by path', () => {
  it.each([
    ['/home/ana/app/.mcp.json', EMPTY, 'claude-code', 'project', 'json', 'servers'],
    ['/home/ana/.claude.json', EMPTY, 'claude-code', 'user', 'json', 'servers'],
    ['/home/ana/.claude/backups/.claude.json.backup.1712345678', EMPTY, 'claude-code', 'user', 'json', 'backup'],
    ['/home/ana/app/.claude/settings.json', EMPTY, 'claude-code', 'project', 'json', 'settings'],
    ['/home/ana/app/.claude/settings.local.json', EMPTY, 'claude-code', 'local', 'json', 'settings'],
    ['/home/ana/.claude/settings.json', EMPTY, 'claude-code', 'user', 'json', 'settings'],
    ['/etc/claude-code/managed-mcp.json', EMPTY, 'claude-code', 'managed', 'json', 'servers'],
    ['/Users/ana/Library/Application Support/Claude/claude_desktop_config.json', EMPTY, 'claude-desktop', 'user', 'json', 'servers'],
    ['/Users/ana/.cursor/mcp.json', EMPTY, 'cursor', 'user', 'json', 'servers'],
    ['/Users/ana/src/app/.cursor/mcp.json', EMPTY, 'cursor', 'project', 'json', 'servers'],
    ['C:\\Users\\ana\\.cursor\\mcp.json', EMPTY, 'cursor', 'user', 'json', 'servers'],
    ['C:\\work\\app\\.vscode\\mcp.json', EMPTY, 'vscode', 'project', 'json', 'servers'],
    ['/home/ana/.config/Code/User/mcp.json', EMPTY, 'vscode', 'user', 'json', 'servers'],
    ['/home/ana/.config/Code - Insiders/User/settings.json', EMPTY, 'vscode', 'user', 'json', 'servers'],
    ['/home/ana/.codeium/windsurf/mcp_config.json', EMPTY, 'windsurf', 'user', 'json', 'servers'],
    ['/home/ana/app/.windsurf/mcp_config.json', EMPTY, 'windsurf', 'project', 'json', 'servers'],
    ['/home/ana/.gemini/settings.json', EMPTY, 'gemini', 'user', 'json', 'servers'],
    ['/home/ana/app/.gemini/settings.json', EMPTY, 'gemini', 'project', 'json', 'servers'],
    ['/etc/gemini-cli/settings.json', EMPTY, 'gemini', 'managed', 'json', 'servers'],
    ['/home/ana/.codex/config.toml', '', 'codex', 'user', 'toml', 'servers'],
    ['/home/ana/app/.codex/config.toml', '', 'codex', 'project', 'toml', 'servers'],
    ['/home/ana/.cline/data/settings/cline_mcp_settings.json', EMPTY, 'cline', 'user', 'json', 'servers'],
    ['/home/ana/.kiro/settings/mcp.json', EMPTY, 'kiro', 'user', 'json', 'servers'],
    ['/home/ana/app/.kiro/settings/mcp.json', EMPTY, 'kiro', 'project', 'json', 'servers'],
    ['/home/ana/.continue/config.yaml', '', 'continue', 'user', 'yaml', 'servers'],
    ['/home/ana/app/.continue/mcpServers/db.yaml', '', 'continue', 'project', 'yaml', 'servers'],
    ['/home/ana/app/.continue/mcpServers/db.json', EMPTY, 'continue', 'project', 'json', 'servers'],
    ['/home/ana/.config/zed/settings.json', EMPTY, 'zed', 'user', 'json', 'servers'],
    ['/home/ana/app/.zed/settings.json', EMPTY, 'zed', 'project', 'json', 'servers'],
    ['/home/ana/.aws/amazonq/cli-agents/dev.json', EMPTY, 'amazon-q', 'user', 'json', 'servers'],
    ['/home/ana/app/.amazonq/mcp.json', EMPTY, 'amazon-q', 'project', 'json', 'servers'],
  ] as const)('%s → %s %s', (path, text, client, scope, format, role) => {
    expect(inferSource(path, text)).toMatchObject({ client, scope, format, role, path });
  });
});

describe('inferSource by shape', () => {
  it.each([
    ['{"servers":{}}', 'vscode'],
    ['{"mcp":{"servers":{}}}', 'vscode'],
    ['{"context_servers":{}}', 'zed'],
    ['{"projects":{}}', 'claude-code'],
    ['{"mcpServers":{}}', 'claude-code'],
    ['// a comment\n{"servers":{},}', 'vscode'],
    ['not json at all', 'claude-code'],
  ] as const)('%s → %s', (text, client) => {
    expect(inferSource('/tmp/review/my-config.json', text).client).toBe(client);
  });

  it('a TOML file with mcp_servers is Codex, a YAML file is Continue', () => {
    expect(inferSource('/tmp/x/servers.toml', '[mcp_servers.a]\ncommand = "x"\n').client).toBe('codex');
    expect(inferSource('/tmp/x/blocks.yml', 'mcpServers: []\n')).toMatchObject({ client: 'continue', format: 'yaml' });
  });

  it('a settings.json outside a known folder is Zed with context_servers and Gemini with mcpServers', () => {
    expect(inferSource('/tmp/a/settings.json', '{"context_servers":{}}').client).toBe('zed');
    expect(inferSource('/tmp/a/settings.json', '{"mcpServers":{}}').client).toBe('gemini');
  });

  it('~/.claude.json shape found by content is user scope', () => {
    expect(inferSource('/tmp/copy.json', '{"projects":{"/a":{}}}')).toMatchObject({ client: 'claude-code', scope: 'user' });
  });
});

describe('inferSource options', () => {
  it('--client wins over path and shape', () => {
    expect(inferSource('/home/ana/app/.vscode/mcp.json', '{"servers":{}}', 'cursor')).toMatchObject({
      client: 'cursor',
      scope: 'project',
      role: 'servers',
    });
    // A Claude settings file forced to another client is read for servers.
    expect(inferSource('/r/.claude/settings.json', EMPTY, 'gemini').role).toBe('servers');
  });

  it('a given home decides user vs project for ambiguous folders', () => {
    expect(inferSource('/data/people/ana/.cursor/mcp.json', EMPTY, undefined, '/data/people/ana').scope).toBe('user');
    expect(inferSource('/data/people/ana/.cursor/mcp.json', EMPTY).scope).toBe('project');
  });

  it('labels name the client', () => {
    expect(inferSource('/home/ana/.cursor/mcp.json', EMPTY).label).toBe('Cursor user config');
  });
});

describe('CLIENT_LABELS', () => {
  it('has a display name for every client kind', () => {
    for (const kind of CLIENT_KINDS) expect(CLIENT_LABELS[kind]).toMatch(/^[A-Z]/);
    expect(CLIENT_LABELS['gemini']).toBe('Gemini CLI');
  });
});
