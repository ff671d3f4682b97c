// Where each client keeps its config files. Facts and sources: reference/mcp-clients.md.
import { posix, win32 } from 'node:path';
import type { ClientKind, ConfigFormat, ConfigSource, HostEnv, Platform, Scope } from '../model.js';

type PathApi = typeof posix;

export function pathApi(platform: Platform): PathApi {
  return platform === 'win32' ? win32 : posix;
}

/** A non-empty environment variable, or undefined. */
function envVar(host: HostEnv, name: string): string | undefined {
  const value = host.env[name];
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/** The home directory used for dot-folders (`~/.cursor`, …). On Windows that is %USERPROFILE%. */
function homeDir(host: HostEnv): string {
  return host.platform === 'win32' ? (envVar(host, 'USERPROFILE') ?? host.home) : host.home;
}

/** %APPDATA% on Windows, with the usual fallback when it is not set. */
function appData(host: HostEnv): string {
  return envVar(host, 'APPDATA') ?? win32.join(homeDir(host), 'AppData', 'Roaming');
}

/** `$XDG_CONFIG_HOME` or `~/.config` (only absolute XDG values count, as the spec says). */
function xdgConfigHome(host: HostEnv): string {
  const xdg = envVar(host, 'XDG_CONFIG_HOME');
  return xdg !== undefined && posix.isAbsolute(xdg) ? xdg : posix.join(host.home, '.config');
}

function xdgDataHome(host: HostEnv): string {
  const xdg = envVar(host, 'XDG_DATA_HOME');
  return xdg !== undefined && posix.isAbsolute(xdg) ? xdg : posix.join(host.home, '.local', 'share');
}

/** Where Electron apps (VS Code) keep per-user data on each OS. */
function electronAppData(host: HostEnv): string {
  switch (host.platform) {
    case 'darwin':
      return posix.join(host.home, 'Library', 'Application Support');
    case 'win32':
      return appData(host);
    case 'linux':
      return xdgConfigHome(host);
  }
}

/** Claude Code's config directory: `$CLAUDE_CONFIG_DIR` or `~/.claude`. */
function claudeConfigDir(host: HostEnv): string {
  return envVar(host, 'CLAUDE_CONFIG_DIR') ?? pathApi(host.platform).join(homeDir(host), '.claude');
}

function formatOf(path: string): ConfigFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.toml')) return 'toml';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return 'json';
}

function source(
  client: ClientKind,
  path: string,
  scope: Scope,
  label: string,
  extra: { role?: ConfigSource['role']; readOnly?: boolean } = {},
): ConfigSource {
  const result: ConfigSource = {
    client,
    path,
    scope,
    format: formatOf(path),
    role: extra.role ?? 'servers',
    label,
  };
  if (extra.readOnly) result.readOnly = true;
  return result;
}

function managedClaudeDir(host: HostEnv): string {
  switch (host.platform) {
    case 'darwin':
      return '/Library/Application Support/ClaudeCode';
    case 'linux':
      return '/etc/claude-code';
    case 'win32':
      return win32.join(envVar(host, 'ProgramFiles') ?? 'C:\\Program Files', 'ClaudeCode');
  }
}

function geminiSystemDir(host: HostEnv): string {
  switch (host.platform) {
    case 'darwin':
      return '/Library/Application Support/GeminiCli';
    case 'linux':
      return '/etc/gemini-cli';
    case 'win32':
      return win32.join(envVar(host, 'ProgramData') ?? 'C:\\ProgramData', 'gemini-cli');
  }
}

/** Cline's shared settings file, with its documented overrides in order. */
function clineSettingsPath(host: HostEnv): string {
  const p = pathApi(host.platform);
  const explicit = envVar(host, 'CLINE_MCP_SETTINGS_PATH');
  if (explicit !== undefined) return explicit;
  const dataDir = envVar(host, 'CLINE_DATA_DIR');
  if (dataDir !== undefined) return p.join(dataDir, 'settings', 'cline_mcp_settings.json');
  const clineDir = envVar(host, 'CLINE_DIR') ?? p.join(homeDir(host), '.cline');
  return p.join(clineDir, 'data', 'settings', 'cline_mcp_settings.json');
}

function zedSettingsPath(host: HostEnv): string {
  switch (host.platform) {
    case 'win32':
      return win32.join(appData(host), 'Zed', 'settings.json');
    case 'linux':
      return posix.join(xdgConfigHome(host), 'zed', 'settings.json');
    case 'darwin':
      // Zed on macOS always uses ~/.config/zed, whatever XDG_CONFIG_HOME says.
      return posix.join(host.home, '.config', 'zed', 'settings.json');
  }
}

/** Every user-level and managed config file of every client on this host (most will not exist). */
export function userSources(host: HostEnv): ConfigSource[] {
  const p = pathApi(host.platform);
  const home = homeDir(host);
  const out: ConfigSource[] = [];

  // Claude Code
  const claudeDirOverride = envVar(host, 'CLAUDE_CONFIG_DIR');
  out.push(
    source('claude-code', p.join(claudeDirOverride ?? home, '.claude.json'), 'user', 'Claude Code user config'),
    source('claude-code', p.join(claudeConfigDir(host), 'settings.json'), 'user', 'Claude Code user settings', {
      role: 'settings',
    }),
    source('claude-code', p.join(managedClaudeDir(host), 'managed-mcp.json'), 'managed', 'Claude Code managed MCP config', {
      readOnly: true,
    }),
  );

  // Claude Desktop (no official Linux build; community builds use the XDG config dir)
  const desktopDir =
    host.platform === 'darwin'
      ? posix.join(host.home, 'Library', 'Application Support', 'Claude')
      : host.platform === 'win32'
        ? win32.join(appData(host), 'Claude')
        : posix.join(xdgConfigHome(host), 'Claude');
  out.push(source('claude-desktop', p.join(desktopDir, 'claude_desktop_config.json'), 'user', 'Claude Desktop config'));

  // Cursor
  out.push(source('cursor', p.join(home, '.cursor', 'mcp.json'), 'user', 'Cursor user config'));

  // VS Code and VS Code Insiders: mcp.json, and `mcp.servers` in settings.json
  for (const [app, name] of [
    ['Code', 'VS Code'],
    ['Code - Insiders', 'VS Code Insiders'],
  ] as const) {
    const userDir = p.join(electronAppData(host), app, 'User');
    out.push(
      source('vscode', p.join(userDir, 'mcp.json'), 'user', `${name} user MCP config`),
      source('vscode', p.join(userDir, 'settings.json'), 'user', `${name} user settings`),
    );
  }

  // Windsurf: the editor, and the Windsurf plugins for other IDEs
  out.push(
    source('windsurf', p.join(home, '.codeium', 'windsurf', 'mcp_config.json'), 'user', 'Windsurf user config'),
    source('windsurf', p.join(home, '.codeium', 'mcp_config.json'), 'user', 'Windsurf plugin config'),
  );

  // Gemini CLI: settings.json holds mcpServers, so it is a servers file
  const geminiSystem = geminiSystemDir(host);
  out.push(
    source('gemini', p.join(home, '.gemini', 'settings.json'), 'user', 'Gemini CLI user settings'),
    source(
      'gemini',
      envVar(host, 'GEMINI_CLI_SYSTEM_SETTINGS_PATH') ?? p.join(geminiSystem, 'settings.json'),
      'managed',
      'Gemini CLI system settings',
      { readOnly: true },
    ),
    source(
      'gemini',
      envVar(host, 'GEMINI_CLI_SYSTEM_DEFAULTS_PATH') ?? p.join(geminiSystem, 'system-defaults.json'),
      'managed',
      'Gemini CLI system defaults',
      { readOnly: true },
    ),
  );

  // Codex
  const codexHome = envVar(host, 'CODEX_HOME') ?? p.join(home, '.codex');
  out.push(source('codex', p.join(codexHome, 'config.toml'), 'user', 'Codex user config'));

  // Cline: the shared file, then the legacy files it migrates from
  out.push(
    source('cline', clineSettingsPath(host), 'user', 'Cline MCP settings'),
    source(
      'cline',
      p.join(
        electronAppData(host),
        'Code',
        'User',
        'globalStorage',
        'saoudrizwan.claude-dev',
        'settings',
        'cline_mcp_settings.json',
      ),
      'user',
      'Cline legacy MCP settings (VS Code extension)',
    ),
    source(
      'cline',
      p.join(home, 'Documents', 'Cline', 'MCP', 'cline_mcp_settings.json'),
      'user',
      'Cline legacy MCP settings (Documents)',
    ),
  );

  // Kiro
  out.push(source('kiro', p.join(home, '.kiro', 'settings', 'mcp.json'), 'user', 'Kiro user config'));

  // Continue
  out.push(
    source('continue', p.join(home, '.continue', 'config.yaml'), 'user', 'Continue user config'),
    source('continue', p.join(home, '.continue', 'config.json'), 'user', 'Continue legacy user config'),
  );

  // Zed
  out.push(source('zed', zedSettingsPath(host), 'user', 'Zed user settings'));

  // Amazon Q: the legacy global file and the IDE default agent (CLI agents are globbed, see sourceDirectories)
  out.push(
    source('amazon-q', p.join(home, '.aws', 'amazonq', 'mcp.json'), 'user', 'Amazon Q user config'),
    source('amazon-q', p.join(home, '.aws', 'amazonq', 'agents', 'default.json'), 'user', 'Amazon Q IDE default agent'),
  );

  return out;
}

/** Config files a project can hold, relative to its root. */
const WORKSPACE_FILES: readonly {
  client: ClientKind;
  parts: readonly string[];
  scope: Scope;
  label: string;
  role?: ConfigSource['role'];
}[] = [
  { client: 'claude-code', parts: ['.mcp.json'], scope: 'project', label: 'Claude Code project config' },
  {
    client: 'claude-code',
    parts: ['.claude', 'settings.json'],
    scope: 'project',
    label: 'Claude Code project settings',
    role: 'settings',
  },
  {
    // Not committed (Claude Code git-ignores it), so it is local scope.
    client: 'claude-code',
    parts: ['.claude', 'settings.local.json'],
    scope: 'local',
    label: 'Claude Code local project settings',
    role: 'settings',
  },
  { client: 'cursor', parts: ['.cursor', 'mcp.json'], scope: 'project', label: 'Cursor project config' },
  { client: 'vscode', parts: ['.vscode', 'mcp.json'], scope: 'project', label: 'VS Code workspace MCP config' },
  { client: 'gemini', parts: ['.gemini', 'settings.json'], scope: 'project', label: 'Gemini CLI project settings' },
  { client: 'codex', parts: ['.codex', 'config.toml'], scope: 'project', label: 'Codex project config' },
  { client: 'kiro', parts: ['.kiro', 'settings', 'mcp.json'], scope: 'project', label: 'Kiro workspace config' },
  { client: 'amazon-q', parts: ['.amazonq', 'mcp.json'], scope: 'project', label: 'Amazon Q workspace config' },
  { client: 'zed', parts: ['.zed', 'settings.json'], scope: 'project', label: 'Zed project settings' },
  { client: 'windsurf', parts: ['.windsurf', 'mcp_config.json'], scope: 'project', label: 'Windsurf project config' },
];

/** Project-level config files of every client inside `workspace`. */
export function workspaceSources(workspace: string, platform: Platform): ConfigSource[] {
  const p = pathApi(platform);
  return WORKSPACE_FILES.map((f) =>
    source(f.client, p.join(workspace, ...f.parts), f.scope, f.label, f.role ? { role: f.role } : {}),
  );
}

/**
 * Where `client` reads a project's committed server list, relative to the project root with `/`
 * separators (`.cursor/mcp.json`, …): the only files onboarding may add a server to.
 */
export function projectServerFiles(client: ClientKind): string[] {
  return WORKSPACE_FILES.filter((f) => f.client === client && f.scope === 'project' && (f.role ?? 'servers') === 'servers').map((f) => f.parts.join('/'));
}

/** A directory whose matching files are config sources (the caller lists it). */
export interface SourceDirectory {
  dir: string;
  match: (fileName: string) => boolean;
  make: (path: string) => ConfigSource;
}

/** Guess the path flavour of a bare path (used when no host is given). */
function platformOfPath(path: string): Platform {
  return /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\') ? 'win32' : 'linux';
}

/** Globbed locations: Continue workspace blocks, Amazon Q CLI agents, Claude Code config backups. */
export function sourceDirectories(host: HostEnv | null, workspace: string | null): SourceDirectory[] {
  const out: SourceDirectory[] = [];
  if (workspace !== null) {
    const p = pathApi(host?.platform ?? platformOfPath(workspace));
    out.push({
      dir: p.join(workspace, '.continue', 'mcpServers'),
      match: (name) => /\.(ya?ml|json)$/i.test(name),
      make: (path) => source('continue', path, 'project', 'Continue workspace MCP server block'),
    });
  }
  if (host !== null) {
    const p = pathApi(host.platform);
    out.push(
      {
        dir: p.join(homeDir(host), '.aws', 'amazonq', 'cli-agents'),
        match: (name) => /\.json$/i.test(name),
        make: (path) => source('amazon-q', path, 'user', 'Amazon Q CLI agent'),
      },
      {
        dir: p.join(claudeConfigDir(host), 'backups'),
        match: (name) => name.startsWith('.claude.json.backup.') || name.startsWith('.claude.json.corrupted.'),
        // Backups are `.claude.json` copies: JSON whatever the suffix says.
        make: (path) => ({
          client: 'claude-code',
          path,
          scope: 'user',
          format: 'json',
          role: 'backup',
          label: 'Claude Code config backup',
        }),
      },
    );
  }
  return out;
}

export type HistoryShell = 'bash' | 'zsh' | 'fish';

/** Shell history files that may hold `claude mcp add … -e TOKEN=…` or `export TOKEN=…` lines. */
export function historyFiles(host: HostEnv): { path: string; shell: HistoryShell }[] {
  const p = pathApi(host.platform);
  const home = homeDir(host);
  const out: { path: string; shell: HistoryShell }[] = [
    { path: p.join(home, '.bash_history'), shell: 'bash' },
    { path: p.join(home, '.zsh_history'), shell: 'zsh' },
  ];
  const histfile = envVar(host, 'HISTFILE');
  if (histfile !== undefined) {
    const expanded = histfile.startsWith('~/') ? p.join(home, histfile.slice(2)) : histfile;
    if (p.isAbsolute(expanded) && !out.some((h) => h.path === expanded)) {
      // HISTFILE is set by whichever shell exported it; its name usually says which.
      out.push({ path: expanded, shell: /bash/i.test(p.basename(expanded)) ? 'bash' : 'zsh' });
    }
  }
  const fishData =
    host.platform === 'win32' ? p.join(home, '.local', 'share') : xdgDataHome(host);
  out.push({ path: p.join(fishData, 'fish', 'fish_history'), shell: 'fish' });
  return out;
}
