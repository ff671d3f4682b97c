// Decides which client a file given with `--config FILE` belongs to: by its path first, then by its shape.
import { parse as parseJsonc } from 'jsonc-parser';
import { parseToml } from '../toml-lib.js';
import { yamlLib } from '../yaml-lib.js';
import type { ClientKind, ConfigFormat, ConfigSource, Scope } from '../model.js';
import { stripBom } from './formats.js';
import { CLIENT_LABELS } from './labels.js';

interface Guess {
  client: ClientKind;
  /** Known scope; undefined means "project if in a project folder, else user". */
  scope?: Scope;
  role?: ConfigSource['role'];
}

function formatOf(path: string): ConfigFormat {
  if (/\.toml$/i.test(path)) return 'toml';
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  return 'json';
}

/** Top-level keys of the document, read leniently; empty when it cannot be read. */
function topLevel(format: ConfigFormat, text: string): Record<string, unknown> {
  const body = stripBom(text);
  try {
    const value: unknown =
      format === 'toml'
        ? parseToml(body)
        : format === 'yaml'
          ? yamlLib().parse(body)
          : parseJsonc(body, [], { allowTrailingComma: true });
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function fromShape(format: ConfigFormat, doc: Record<string, unknown>): Guess {
  if (format === 'toml') return { client: 'codex' };
  if (format === 'yaml') return { client: 'continue' };
  if ('servers' in doc || 'mcp.servers' in doc) return { client: 'vscode' };
  const mcp = doc['mcp'];
  if (mcp !== null && typeof mcp === 'object' && 'servers' in mcp) return { client: 'vscode' };
  if ('context_servers' in doc) return { client: 'zed' };
  if ('mcp_servers' in doc) return { client: 'codex' };
  if ('projects' in doc) return { client: 'claude-code', scope: 'user' };
  return { client: 'claude-code' };
}

/** Path rules, on a lower-cased path with forward slashes. */
function fromPath(p: string, format: ConfigFormat, doc: () => Record<string, unknown>): Guess | undefined {
  const base = p.slice(p.lastIndexOf('/') + 1);
  if (base.startsWith('.claude.json.backup.') || base.startsWith('.claude.json.corrupted.')) {
    return { client: 'claude-code', scope: 'user', role: 'backup' };
  }
  if (base === '.claude.json') return { client: 'claude-code', scope: 'user' };
  if (base === 'managed-mcp.json') return { client: 'claude-code', scope: 'managed' };
  if (base === '.mcp.json') return { client: 'claude-code', scope: 'project' };
  if (/\/\.claude\/settings\.local\.json$/.test(p)) return { client: 'claude-code', scope: 'local', role: 'settings' };
  if (/\/\.claude\/settings\.json$/.test(p)) return { client: 'claude-code', role: 'settings' };
  if (base === 'claude_desktop_config.json') return { client: 'claude-desktop', scope: 'user' };
  if (base === 'cline_mcp_settings.json') return { client: 'cline', scope: 'user' };
  if (/\/\.kiro\//.test(p)) return { client: 'kiro' };
  if (/\/\.aws\/amazonq\//.test(p)) return { client: 'amazon-q', scope: 'user' };
  if (/\/\.amazonq\//.test(p)) return { client: 'amazon-q', scope: 'project' };
  if (/\/\.continue\//.test(p) || base === 'config.yaml' || base === 'config.yml') {
    return { client: 'continue', ...(/\/\.continue\/mcpservers\//.test(p) ? { scope: 'project' as const } : {}) };
  }
  if (/\/\.cursor\/mcp\.json$/.test(p)) return { client: 'cursor' };
  if (/\/\.vscode\/mcp\.json$/.test(p)) return { client: 'vscode', scope: 'project' };
  if (/\/code( - insiders)?\/user\/(profiles\/[^/]+\/)?(mcp|settings)\.json$/.test(p)) {
    return { client: 'vscode', scope: 'user' };
  }
  if (base === 'mcp_config.json') {
    return { client: 'windsurf', ...(/\/\.codeium\//.test(p) ? { scope: 'user' as const } : {}) };
  }
  if (/\/\.gemini\/settings\.json$/.test(p) || /\/gemini-?cli\/(settings|system-defaults)\.json$/.test(p)) {
    return { client: 'gemini', ...(/\/\.gemini\//.test(p) ? {} : { scope: 'managed' as const }) };
  }
  if (/\/\.?zed\/settings\.json$/.test(p)) return { client: 'zed', ...(/\/\.zed\//.test(p) ? { scope: 'project' as const } : { scope: 'user' as const }) };
  if (format === 'toml') return { client: 'codex' };
  if (base === 'settings.json') {
    // A settings.json outside a known folder: its content says whose it is.
    const d = doc();
    if ('context_servers' in d) return { client: 'zed' };
    if ('mcpServers' in d) return { client: 'gemini' };
    return fromShape(format, d);
  }
  return undefined;
}

/** A directory that is a home directory, judged from its form when no home is given. */
function looksLikeHome(dir: string, home: string | undefined): boolean {
  if (home !== undefined) return dir === home.replace(/\\/g, '/').replace(/\/+$/, '').toLowerCase();
  return /^(\/users\/[^/]+|\/home\/[^/]+|\/root|\/var\/root|[a-z]:\/users\/[^/]+)$/.test(dir);
}

const CLIENT_DOT_FOLDERS = /\/(\.cursor|\.vscode|\.gemini|\.codex|\.kiro|\.amazonq|\.zed|\.windsurf|\.continue|\.claude)(\/|$)/;

function defaultScope(p: string, home: string | undefined): Scope {
  const dir = p.slice(0, p.lastIndexOf('/'));
  const match = CLIENT_DOT_FOLDERS.exec(dir);
  if (match) {
    // `~/.cursor/mcp.json` is the user's; `<project>/.cursor/mcp.json` is the project's.
    const owner = dir.slice(0, match.index);
    return looksLikeHome(owner, home) ? 'user' : 'project';
  }
  return looksLikeHome(dir, home) ? 'user' : 'project';
}

/**
 * The config source for a file named on the command line. `forced` (from `--client`) wins over
 * what the path and content suggest; `home`, when given, sharpens the user/project decision.
 */
export function inferSource(path: string, text: string, forced?: ClientKind, home?: string): ConfigSource {
  const format = formatOf(path);
  const normalized = path.replace(/\\/g, '/').toLowerCase();
  let docCache: Record<string, unknown> | undefined;
  const doc = (): Record<string, unknown> => (docCache ??= topLevel(format, text));
  const guess = fromPath(normalized, format, doc) ?? fromShape(format, doc());

  const client = forced ?? guess.client;
  const sameClient = client === guess.client;
  const scope = (sameClient ? guess.scope : undefined) ?? defaultScope(normalized, home);
  let role: ConfigSource['role'] = 'servers';
  if (guess.role === 'backup') role = 'backup';
  else if (sameClient && guess.role !== undefined) role = guess.role;

  const kind = role === 'backup' ? 'config backup' : role === 'settings' ? 'settings' : 'config';
  const result: ConfigSource = {
    client,
    path,
    scope,
    format: role === 'backup' ? 'json' : format,
    role,
    label: `${CLIENT_LABELS[client]} ${scope} ${kind}`,
  };
  if (scope === 'managed') result.readOnly = true;
  return result;
}
