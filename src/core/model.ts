// The domain vocabulary of DESIGN §3. Pure types: no IO, no node:* imports.

export type Platform = 'darwin' | 'linux' | 'win32';

/** Where a config source lives, as DESIGN §3 names it. */
export type Scope = 'user' | 'project' | 'local' | 'managed';

export type Transport = 'stdio' | 'http' | 'sse';

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export type ClientKind =
  | 'claude-code'
  | 'claude-desktop'
  | 'cursor'
  | 'vscode'
  | 'windsurf'
  | 'gemini'
  | 'codex'
  | 'cline'
  | 'kiro'
  | 'continue'
  | 'zed'
  | 'amazon-q';

export const CLIENT_KINDS: readonly ClientKind[] = [
  'claude-code',
  'claude-desktop',
  'cursor',
  'vscode',
  'windsurf',
  'gemini',
  'codex',
  'cline',
  'kiro',
  'continue',
  'zed',
  'amazon-q',
];

/** A JSON pointer-like path into a parsed document: keys and array indexes. */
export type DocPath = readonly (string | number)[];

/** 1-based line and column of a value inside its file. */
export interface Position {
  line: number;
  column: number;
}

/** A string taken from a config file, with where it stands. */
export interface Located extends Position {
  value: string;
  /** Path of the value inside the document (for edits later). */
  path: DocPath;
}

/** The environment discovery runs in; injected so every OS is testable here. */
export interface HostEnv {
  platform: Platform;
  /** The user's home directory (absolute, in the platform's own form). */
  home: string;
  /** Environment variables (APPDATA, XDG_CONFIG_HOME, CLAUDE_CONFIG_DIR, CODEX_HOME, …). */
  env: Readonly<Record<string, string | undefined>>;
}

export type ConfigFormat = 'json' | 'toml' | 'yaml';

/**
 * A file where a client may declare servers (DESIGN §3 "config source").
 * Candidates are produced from client knowledge; most will not exist on a given machine.
 */
export interface ConfigSource {
  client: ClientKind;
  path: string;
  scope: Scope;
  format: ConfigFormat;
  /** What kind of file this is for the client. */
  role: 'servers' | 'settings' | 'backup';
  /** Managed (org policy) files are never written by us. */
  readOnly?: boolean;
  /** Human label, e.g. "Claude Code user config". */
  label: string;
}

export interface Server {
  name: string;
  client: ClientKind;
  scope: Scope;
  file: string;
  /** For Claude Code local scope: the project path key in ~/.claude.json. */
  project?: string;
  /** Where the server entry itself sits in the document. */
  path: DocPath;
  line: number;
  column: number;
  transport: Transport;
  command?: Located;
  args: Located[];
  url?: Located;
  env: { key: string; value: Located }[];
  headers: { key: string; value: Located }[];
  /** envFile the server points to (VS Code, Cursor), as written. */
  envFile?: Located;
  cwd?: string;
  disabled?: boolean;
  /**
   * The entry's own tool permission settings, present when it has any: Gemini's `trust`, and lists
   * of tool names by key (`excludeTools`, `includeTools`, `disabled_tools`, `enabled_tools`,
   * `autoApprove`, `alwaysAllow`, `disabledTools`), at `[...path, key]`. A list holding anything
   * but strings is null: it cannot be rewritten without losing what it holds.
   */
  toolSettings?: { trust?: boolean; lists: { [key: string]: string[] | null } };
}

/** A config file that could not be parsed. */
export interface ParseError extends Position {
  message: string;
}

export interface ParsedConfig {
  servers: Server[];
  /** Present when the file could not be parsed at all (a `config-unparseable` finding). */
  error?: ParseError;
}

/** Where a secret value was found. */
export type SecretWhere = 'env' | 'header' | 'arg' | 'url' | 'dotenv' | 'history' | 'backup' | 'text';

/** Context a detector gets with a value. */
export interface DetectContext {
  where: SecretWhere;
  /** The env var, header or .env key the value belongs to. */
  key?: string;
  /** For an argument: the argument just before it (`--api-key`, `-e`). */
  previousArg?: string;
}

export type Confidence = 'high' | 'medium' | 'low';

/** One credential inside a string. Holds the value in memory only: never print or serialise it. */
export interface Detection {
  provider: string;
  kind: string;
  /** The secret itself. Never leaves the process except to the keychain. */
  value: string;
  /** Offsets of the value inside the scanned string. */
  start: number;
  end: number;
  confidence: Confidence;
}

export type RuleId =
  | 'plaintext-secret'
  | 'file-permissions'
  | 'secret-file-tracked'
  | 'env-not-gitignored'
  | 'unpinned-package'
  | 'insecure-transport'
  | 'broad-filesystem-access'
  | 'dangerous-container'
  | 'config-unparseable'
  | 'secret-in-shell-history'
  | 'symlink-outside'
  | 'secret-in-backup'
  | 'token-scope-exceeds-trust'
  | 'token-invalid'
  | 'policy-violation'
  | 'stale-secret';

/** A secret as it may appear in a report: never the value. */
export interface SecretRef {
  provider: string;
  kind: string;
  /** First 12 hex digits of SHA-256 of the value (DESIGN §2). */
  fingerprint: string;
  /** Masked display, e.g. `ghp_…(40)`. */
  masked: string;
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
  file: string;
  line?: number;
  column?: number;
  client?: ClientKind;
  server?: string;
  secret?: SecretRef;
  /** What fixes it, in words. */
  fix?: string;
  /** Set when an ignore entry in the policy accepts this finding. */
  suppressed?: { reason: string };
  /** Set when the finding was already in the --baseline report: shown, but it does not fail the audit. */
  inBaseline?: boolean;
}

/** Plain code-unit order. localeCompare would load ICU collation data: slow at start-up, and
 * locale-dependent output is not wanted in reports. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
