// The audit report: what `audit --json` prints (one document) and what the human and SARIF
// printers render. It never holds a secret value, only SecretRef (provider, kind, fingerprint, mask).
import type {
  ClientKind,
  ConfigFormat,
  Finding,
  RuleId,
  Scope,
  SecretRef,
  SecretWhere,
  Severity,
  Transport,
} from './model.js';

export interface ReportSource {
  file: string;
  client: ClientKind;
  scope: Scope;
  format: ConfigFormat;
  label: string;
  /** parsed: read and understood; unparseable: a config-unparseable finding; unreadable: could not be read. */
  status: 'parsed' | 'unparseable' | 'unreadable';
  servers: number;
  /** The file is a symlink; its real path. */
  symlinkTarget?: string;
}

export interface ReportServer {
  name: string;
  client: ClientKind;
  scope: Scope;
  file: string;
  line: number;
  /** Claude Code local scope: the project the entry belongs to. */
  project?: string;
  transport: Transport;
  /** `command arg…` with any secret masked, or the URL with any secret masked. */
  launch: string;
  envKeys: string[];
  headerKeys: string[];
  disabled?: boolean;
  /** How many unsuppressed findings belong to this server. */
  findings: number;
}

export interface ReportSecretLocation {
  file: string;
  line?: number;
  column?: number;
  where: SecretWhere;
  key?: string;
  client?: ClientKind;
  server?: string;
}

export interface ReportSecret extends SecretRef {
  confidence: 'high' | 'medium' | 'low';
  locations: ReportSecretLocation[];
}

export interface ReportSummary {
  clients: number;
  sources: number;
  servers: number;
  secrets: number;
  findings: number;
  suppressed: number;
  bySeverity: Record<Severity, number>;
  byRule: Partial<Record<RuleId, number>>;
  /** Findings at or above the --fail-on threshold, not suppressed and not in the baseline. */
  failing: number;
}

export interface AuditReport {
  tool: { name: 'mcp-harden'; version: string };
  /** Schema version of this document. */
  schema: 1;
  workspace: string;
  /** Whether user-level (home) configs were looked at. */
  home: boolean;
  clients: ClientKind[];
  sources: ReportSource[];
  servers: ReportServer[];
  secrets: ReportSecret[];
  findings: Finding[];
  /** Things the user should know about the run itself (a file that could not be read, a missing git). */
  notes: string[];
  failOn: Severity;
  summary: ReportSummary;
}
