import { describe, expect, it } from 'vitest';
import {
  historyFiles,
  sourceDirectories,
  userSources,
  workspaceSources,
} from '../../../src/core/clients/index.js';
import type { ClientKind, ConfigSource, HostEnv } from '../../../src/core/model.js';

const mac = (env: HostEnv['env'] = {}): HostEnv => ({ platform: 'darwin', home: '/Users/ana', env });
const linux = (env: HostEnv['env'] = {}): HostEnv => ({ platform: 'linux', home: '/home/ana', env });
const win = (env: HostEnv['env'] = {}): HostEnv => ({
  platform: 'win32',
  home: 'C:\\Users\\ana',
  env: { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming', USERPROFILE: 'C:\\Users\\ana', ...env },
});

function pathsOf(sources: ConfigSource[], client: ClientKind): string[] {
  return sources.filter((s) => s.client === client).map((s) => s.path);
}

function byPath(sources: ConfigSource[], path: string): ConfigSource {
  const found = sources.find((s) => s.path === path);
  if (!found) throw new Error(`no source at ${path}; have:\n${sources.map((s) => s.path).join('\n')}`);
  return found;
}

describe('userSources: Claude Code', () => {
  it('reads ~/.claude.json as user servers, settings.json as settings, and the managed file per OS', () => {
    const s = userSources(mac());
    expect(byPath(s, '/Users/ana/.claude.json')).toMatchObject({
      client: 'claude-code',
      scope: 'user',
      role: 'servers',
      format: 'json',
      label: 'Claude Code user config',
    });
    expect(byPath(s, '/Users/ana/.claude/settings.json')).toMatchObject({ role: 'settings', scope: 'user' });
    expect(byPath(s, '/Library/Application Support/ClaudeCode/managed-mcp.json')).toMatchObject({
      scope: 'managed',
      readOnly: true,
      role: 'servers',
    });
    expect(pathsOf(userSources(linux()), 'claude-code')).toEqual([
      '/home/ana/.claude.json',
      '/home/ana/.claude/settings.json',
      '/etc/claude-code/managed-mcp.json',
    ]);
    expect(pathsOf(userSources(win()), 'claude-code')).toEqual([
      'C:\\Users\\ana\\.claude.json',
      'C:\\Users\\ana\\.claude\\settings.json',
      'C:\\Program Files\\ClaudeCode\\managed-mcp.json',
    ]);
  });

  it('follows CLAUDE_CONFIG_DIR for both .claude.json and settings.json', () => {
    expect(pathsOf(userSources(linux({ CLAUDE_CONFIG_DIR: '/srv/tenant/claude' })), 'claude-code')).toEqual([
      '/srv/tenant/claude/.claude.json',
      '/srv/tenant/claude/settings.json',
      '/etc/claude-code/managed-mcp.json',
    ]);
    expect(pathsOf(userSources(win({ CLAUDE_CONFIG_DIR: 'D:\\cc' })), 'claude-code').slice(0, 2)).toEqual([
      'D:\\cc\\.claude.json',
      'D:\\cc\\settings.json',
    ]);
  });

  it('an empty CLAUDE_CONFIG_DIR counts as unset', () => {
    expect(pathsOf(userSources(linux({ CLAUDE_CONFIG_DIR: '' })), 'claude-code')[0]).toBe('/home/ana/.claude.json');
  });
});

describe('userSources: Claude Desktop', () => {
  it('macOS, Windows (APPDATA, or the AppData\\Roaming fallback) and the unofficial Linux path', () => {
    expect(pathsOf(userSources(mac()), 'claude-desktop')).toEqual([
      '/Users/ana/Library/Application Support/Claude/claude_desktop_config.json',
    ]);
    expect(pathsOf(userSources(win({ APPDATA: 'E:\\Roam' })), 'claude-desktop')).toEqual([
      'E:\\Roam\\Claude\\claude_desktop_config.json',
    ]);
    expect(
      pathsOf(userSources({ platform: 'win32', home: 'C:\\Users\\bo', env: {} }), 'claude-desktop'),
    ).toEqual(['C:\\Users\\bo\\AppData\\Roaming\\Claude\\claude_desktop_config.json']);
    expect(pathsOf(userSources(linux()), 'claude-desktop')).toEqual([
      '/home/ana/.config/Claude/claude_desktop_config.json',
    ]);
    expect(pathsOf(userSources(linux({ XDG_CONFIG_HOME: '/xdg' })), 'claude-desktop')).toEqual([
      '/xdg/Claude/claude_desktop_config.json',
    ]);
  });
});

describe('userSources: editors', () => {
  it('Cursor, Windsurf and Kiro live in dot-folders of the home directory', () => {
    for (const [host, sep, home] of [
      [mac(), '/', '/Users/ana'],
      [linux(), '/', '/home/ana'],
      [win(), '\\', 'C:\\Users\\ana'],
    ] as const) {
      const s = userSources(host);
      const j = (...parts: string[]) => [home, ...parts].join(sep);
      expect(pathsOf(s, 'cursor')).toEqual([j('.cursor', 'mcp.json')]);
      expect(pathsOf(s, 'windsurf')).toEqual([
        j('.codeium', 'windsurf', 'mcp_config.json'),
        j('.codeium', 'mcp_config.json'),
      ]);
      expect(pathsOf(s, 'kiro')).toEqual([j('.kiro', 'settings', 'mcp.json')]);
      expect(byPath(s, j('.cursor', 'mcp.json')).label).toBe('Cursor user config');
    }
  });

  it('Windows dot-folders follow USERPROFILE', () => {
    expect(pathsOf(userSources(win({ USERPROFILE: 'D:\\Profiles\\ana' })), 'cursor')).toEqual([
      'D:\\Profiles\\ana\\.cursor\\mcp.json',
    ]);
  });

  it('VS Code and Insiders: mcp.json and settings.json in the user data dir of each OS', () => {
    expect(pathsOf(userSources(mac()), 'vscode')).toEqual([
      '/Users/ana/Library/Application Support/Code/User/mcp.json',
      '/Users/ana/Library/Application Support/Code/User/settings.json',
      '/Users/ana/Library/Application Support/Code - Insiders/User/mcp.json',
      '/Users/ana/Library/Application Support/Code - Insiders/User/settings.json',
    ]);
    expect(pathsOf(userSources(linux({ XDG_CONFIG_HOME: '/xdg' })), 'vscode')).toEqual([
      '/xdg/Code/User/mcp.json',
      '/xdg/Code/User/settings.json',
      '/xdg/Code - Insiders/User/mcp.json',
      '/xdg/Code - Insiders/User/settings.json',
    ]);
    expect(pathsOf(userSources(win()), 'vscode')[0]).toBe('C:\\Users\\ana\\AppData\\Roaming\\Code\\User\\mcp.json');
    // settings.json may hold `mcp.servers`, so it is read for servers.
    expect(byPath(userSources(linux()), '/home/ana/.config/Code/User/settings.json').role).toBe('servers');
  });

  it('Zed: XDG-aware on Linux, ~/.config/zed on macOS, %APPDATA%\\Zed on Windows', () => {
    expect(pathsOf(userSources(linux()), 'zed')).toEqual(['/home/ana/.config/zed/settings.json']);
    expect(pathsOf(userSources(linux({ XDG_CONFIG_HOME: '/xdg' })), 'zed')).toEqual(['/xdg/zed/settings.json']);
    expect(pathsOf(userSources(mac({ XDG_CONFIG_HOME: '/xdg' })), 'zed')).toEqual([
      '/Users/ana/.config/zed/settings.json',
    ]);
    expect(pathsOf(userSources(win()), 'zed')).toEqual(['C:\\Users\\ana\\AppData\\Roaming\\Zed\\settings.json']);
  });

  it('a relative XDG_CONFIG_HOME is ignored, as the XDG spec says', () => {
    expect(pathsOf(userSources(linux({ XDG_CONFIG_HOME: 'rel/dir' })), 'zed')).toEqual([
      '/home/ana/.config/zed/settings.json',
    ]);
  });
});

describe('userSources: CLIs', () => {
  it('Gemini CLI: user settings plus the read-only system files per OS', () => {
    const gem = (h: HostEnv) => userSources(h).filter((s) => s.client === 'gemini');
    expect(gem(linux()).map((s) => [s.path, s.scope, s.readOnly ?? false])).toEqual([
      ['/home/ana/.gemini/settings.json', 'user', false],
      ['/etc/gemini-cli/settings.json', 'managed', true],
      ['/etc/gemini-cli/system-defaults.json', 'managed', true],
    ]);
    expect(gem(mac()).map((s) => s.path)[1]).toBe('/Library/Application Support/GeminiCli/settings.json');
    expect(gem(win()).map((s) => s.path).slice(0, 2)).toEqual([
      'C:\\Users\\ana\\.gemini\\settings.json',
      'C:\\ProgramData\\gemini-cli\\settings.json',
    ]);
    expect(gem(linux({ GEMINI_CLI_SYSTEM_SETTINGS_PATH: '/opt/gem.json' })).map((s) => s.path)[1]).toBe(
      '/opt/gem.json',
    );
    expect(gem(linux())[0]?.role).toBe('servers');
  });

  it('Codex: ~/.codex/config.toml or $CODEX_HOME/config.toml, read as TOML', () => {
    expect(userSources(linux()).filter((s) => s.client === 'codex')).toEqual([
      expect.objectContaining({ path: '/home/ana/.codex/config.toml', format: 'toml', label: 'Codex user config' }),
    ]);
    expect(pathsOf(userSources(mac({ CODEX_HOME: '/opt/codex' })), 'codex')).toEqual(['/opt/codex/config.toml']);
    expect(pathsOf(userSources(win({ CODEX_HOME: 'D:\\codex' })), 'codex')).toEqual(['D:\\codex\\config.toml']);
    expect(pathsOf(userSources(win()), 'codex')).toEqual(['C:\\Users\\ana\\.codex\\config.toml']);
  });

  it('Cline: the shared file with its overrides in order, and the legacy VS Code globalStorage file per OS', () => {
    const first = (h: HostEnv) => pathsOf(userSources(h), 'cline')[0];
    expect(first(linux())).toBe('/home/ana/.cline/data/settings/cline_mcp_settings.json');
    expect(first(linux({ CLINE_DIR: '/c' }))).toBe('/c/data/settings/cline_mcp_settings.json');
    expect(first(linux({ CLINE_DIR: '/c', CLINE_DATA_DIR: '/d' }))).toBe('/d/settings/cline_mcp_settings.json');
    expect(first(linux({ CLINE_DIR: '/c', CLINE_DATA_DIR: '/d', CLINE_MCP_SETTINGS_PATH: '/e/m.json' }))).toBe(
      '/e/m.json',
    );
    expect(first(win())).toBe('C:\\Users\\ana\\.cline\\data\\settings\\cline_mcp_settings.json');
    const legacy = 'globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json';
    expect(pathsOf(userSources(mac()), 'cline')).toContain(`/Users/ana/Library/Application Support/Code/User/${legacy}`);
    expect(pathsOf(userSources(linux()), 'cline')).toContain(`/home/ana/.config/Code/User/${legacy}`);
    expect(pathsOf(userSources(win()), 'cline')).toContain(
      `C:\\Users\\ana\\AppData\\Roaming\\Code\\User\\${legacy.replace(/\//g, '\\')}`,
    );
  });

  it('Continue (YAML and legacy JSON) and Amazon Q', () => {
    const s = userSources(linux());
    expect(byPath(s, '/home/ana/.continue/config.yaml')).toMatchObject({ client: 'continue', format: 'yaml' });
    expect(byPath(s, '/home/ana/.continue/config.json')).toMatchObject({ client: 'continue', format: 'json' });
    expect(pathsOf(s, 'amazon-q')).toContain('/home/ana/.aws/amazonq/mcp.json');
    expect(pathsOf(userSources(win()), 'amazon-q')).toContain('C:\\Users\\ana\\.aws\\amazonq\\mcp.json');
  });

  it('every client has at least one user source on every OS, each with a label', () => {
    for (const host of [mac(), linux(), win()]) {
      const s = userSources(host);
      const clients = new Set(s.map((x) => x.client));
      expect(clients.size).toBe(12);
      for (const x of s) expect(x.label.length).toBeGreaterThan(3);
    }
  });
});

describe('workspaceSources', () => {
  it('lists the project files of each client with the right scope and role', () => {
    const s = workspaceSources('/repo', 'linux');
    const rows = s.map((x) => [x.client, x.path, x.scope, x.role, x.format]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['claude-code', '/repo/.mcp.json', 'project', 'servers', 'json'],
        ['claude-code', '/repo/.claude/settings.json', 'project', 'settings', 'json'],
        ['claude-code', '/repo/.claude/settings.local.json', 'local', 'settings', 'json'],
        ['cursor', '/repo/.cursor/mcp.json', 'project', 'servers', 'json'],
        ['vscode', '/repo/.vscode/mcp.json', 'project', 'servers', 'json'],
        ['gemini', '/repo/.gemini/settings.json', 'project', 'servers', 'json'],
        ['codex', '/repo/.codex/config.toml', 'project', 'servers', 'toml'],
        ['kiro', '/repo/.kiro/settings/mcp.json', 'project', 'servers', 'json'],
        ['amazon-q', '/repo/.amazonq/mcp.json', 'project', 'servers', 'json'],
        ['zed', '/repo/.zed/settings.json', 'project', 'servers', 'json'],
        ['windsurf', '/repo/.windsurf/mcp_config.json', 'project', 'servers', 'json'],
      ]),
    );
  });

  it('uses Windows separators for a Windows workspace', () => {
    expect(workspaceSources('C:\\src\\app', 'win32').map((x) => x.path)).toContain('C:\\src\\app\\.vscode\\mcp.json');
  });
});

describe('sourceDirectories', () => {
  it('Continue blocks in the workspace: YAML and JSON files', () => {
    const [dir] = sourceDirectories(null, '/repo');
    expect(dir?.dir).toBe('/repo/.continue/mcpServers');
    expect(['a.yaml', 'b.yml', 'c.json', 'notes.md'].filter((n) => dir?.match(n))).toEqual(['a.yaml', 'b.yml', 'c.json']);
    expect(dir?.make('/repo/.continue/mcpServers/a.yaml')).toMatchObject({
      client: 'continue',
      scope: 'project',
      format: 'yaml',
    });
    expect(dir?.make('/repo/.continue/mcpServers/c.json').format).toBe('json');
  });

  it('Amazon Q agents and Claude Code backups under the home directory', () => {
    const dirs = sourceDirectories(linux(), null);
    const q = dirs.find((d) => d.dir === '/home/ana/.aws/amazonq/cli-agents');
    expect(q?.match('dev.json')).toBe(true);
    expect(q?.make('/home/ana/.aws/amazonq/cli-agents/dev.json')).toMatchObject({ client: 'amazon-q', scope: 'user' });

    const backups = dirs.find((d) => d.dir === '/home/ana/.claude/backups');
    expect(backups?.match('.claude.json.backup.1712345678')).toBe(true);
    expect(backups?.match('.claude.json.corrupted.1712345678')).toBe(true);
    expect(backups?.match('settings.json')).toBe(false);
    expect(backups?.make('/home/ana/.claude/backups/.claude.json.backup.1')).toMatchObject({
      client: 'claude-code',
      role: 'backup',
      format: 'json',
    });
  });

  it('backups follow CLAUDE_CONFIG_DIR; Windows homes use Windows paths', () => {
    expect(sourceDirectories(linux({ CLAUDE_CONFIG_DIR: '/cc' }), null).map((d) => d.dir)).toContain('/cc/backups');
    expect(sourceDirectories(win(), 'C:\\src\\app').map((d) => d.dir)).toEqual([
      'C:\\src\\app\\.continue\\mcpServers',
      'C:\\Users\\ana\\.aws\\amazonq\\cli-agents',
      'C:\\Users\\ana\\.claude\\backups',
    ]);
    // Without a host, a Windows-looking workspace still gets Windows separators.
    expect(sourceDirectories(null, 'D:\\w')[0]?.dir).toBe('D:\\w\\.continue\\mcpServers');
  });
});

describe('historyFiles', () => {
  it('bash, zsh and fish history at their default places', () => {
    expect(historyFiles(linux())).toEqual([
      { path: '/home/ana/.bash_history', shell: 'bash' },
      { path: '/home/ana/.zsh_history', shell: 'zsh' },
      { path: '/home/ana/.local/share/fish/fish_history', shell: 'fish' },
    ]);
  });

  it('adds $HISTFILE and follows XDG_DATA_HOME for fish', () => {
    const files = historyFiles(mac({ HISTFILE: '/Users/ana/.zhistory', XDG_DATA_HOME: '/data' }));
    expect(files).toContainEqual({ path: '/Users/ana/.zhistory', shell: 'zsh' });
    expect(files).toContainEqual({ path: '/data/fish/fish_history', shell: 'fish' });
    // A HISTFILE equal to a default is not listed twice.
    expect(historyFiles(linux({ HISTFILE: '/home/ana/.bash_history' }))).toHaveLength(3);
  });
});
