// `audit --sarif`: SARIF 2.1.0 for GitHub code scanning. SARIF leaves the machine, so it carries no
// value fingerprint at all (DESIGN §2): partialFingerprints hash the rule and the location only.
import { createHash } from 'node:crypto';
import { posix, win32 } from 'node:path';
import type { Finding, RuleId, Severity } from '../../core/model.js';
import type { AuditReport } from '../../core/report.js';
import { RULES } from '../../core/rules.js';
import { assertNoSecretValues } from './json.js';

export interface SarifOptions {
  /** The workspace (repository root): files inside it get URIs relative to %SRCROOT%. */
  workspace: string;
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';
const FINGERPRINT_KEY = 'mcpHarden/v1';

type Level = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, Level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

// GitHub reads `security-severity` (0–10, as a string) to rank security alerts.
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

function pascalCase(id: string): string {
  return id
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function isWindowsPath(p: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

function encodeSegments(segments: string[]): string {
  return segments.map((s) => encodeURIComponent(s)).join('/');
}

/** An absolute path as a file:// URI, for POSIX and Windows (drive or UNC) paths alike. */
export function toFileUri(path: string): string {
  if (isWindowsPath(path)) {
    const parts = win32.normalize(path).split('\\').filter((s) => s !== '');
    // \\server\share\dir → file://server/share/dir; C:\dir → file:///C:/dir
    if (path.startsWith('\\\\')) return `file://${parts[0] ?? ''}/${encodeSegments(parts.slice(1))}`;
    return `file:///${parts[0] ?? ''}/${encodeSegments(parts.slice(1))}`;
  }
  return `file:///${encodeSegments(posix.normalize(path).split('/').filter((s) => s !== ''))}`;
}

/** The path relative to the workspace with `/` separators, or undefined when it lies outside. */
export function relativeToWorkspace(file: string, workspace: string): string | undefined {
  const windows = isWindowsPath(workspace);
  const path = windows ? win32 : posix;
  if (windows !== isWindowsPath(file)) return undefined;
  const rel = path.relative(workspace, file);
  if (rel === '' || path.isAbsolute(rel) || rel === '..' || rel.startsWith('..' + path.sep)) return undefined;
  return windows ? rel.split('\\').join('/') : rel;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every fingerprint the report knows, so none can reach the SARIF text even through a message. */
function fingerprintsOf(report: AuditReport): string[] {
  const all = new Set<string>();
  for (const s of report.secrets) all.add(s.fingerprint);
  for (const f of report.findings) if (f.secret) all.add(f.secret.fingerprint);
  return [...all].filter((fp) => fp !== '');
}

function scrub(text: string, fingerprints: string[]): string {
  const found = fingerprints.filter((fp) => text.includes(fp));
  if (found.length === 0) return text;
  let out = text;
  for (const fp of found) out = out.split(`sha256:${fp}`).join('').split(fp).join('');
  // Taking "sha256:…" out of a sentence leaves doubled spaces behind.
  return out.replace(/ {2,}/g, ' ').replace(/ ([,.;)])/g, '$1').trim();
}

function ruleDescriptor(id: RuleId) {
  const r = RULES[id];
  return {
    id,
    name: pascalCase(id),
    shortDescription: { text: r.title },
    fullDescription: { text: r.help },
    help: {
      text: `${r.help}\n\nFix: ${r.fix}`,
      markdown: `**${r.title}**\n\n${r.help}\n\n**Fix:** ${r.fix}`,
    },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: {
      tags: ['security'],
      'security-severity': SECURITY_SEVERITY[r.severity],
    },
  };
}

export function renderSarif(report: AuditReport, opts: SarifOptions): string {
  const ruleIds = Object.keys(RULES) as RuleId[];
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const fingerprints = fingerprintsOf(report);

  const result = (f: Finding) => {
    const rel = relativeToWorkspace(f.file, opts.workspace);
    const artifactLocation = rel !== undefined ? { uri: encodeSegments(rel.split('/')), uriBaseId: SRCROOT } : { uri: toFileUri(f.file) };
    const region: { startLine: number; startColumn?: number } = {
      startLine: f.line !== undefined && f.line >= 1 ? f.line : 1,
    };
    if (f.column !== undefined && f.column >= 1) region.startColumn = f.column;
    // Stable across runs and machines for the same problem in the same place; no secret input.
    const key = [f.rule, rel ?? f.file.split('\\').join('/'), f.server ?? '', f.line ?? 0, f.column ?? 0].join('\0');
    return {
      ruleId: f.rule,
      ruleIndex: ruleIndex.get(f.rule) ?? -1,
      level: LEVEL[f.severity],
      message: { text: scrub(f.message, fingerprints) || RULES[f.rule]?.title || f.rule },
      locations: [{ physicalLocation: { artifactLocation, region } }],
      partialFingerprints: { [FINGERPRINT_KEY]: sha256(key) },
      properties: {
        severity: f.severity,
        ...(f.client !== undefined ? { client: f.client } : {}),
        ...(f.server !== undefined ? { server: f.server } : {}),
      },
      ...(f.suppressed
        ? { suppressions: [{ kind: 'external', justification: scrub(f.suppressed.reason, fingerprints) }] }
        : {}),
    };
  };

  const version = report.tool.version;
  const driver = {
    name: 'mcp-harden',
    version,
    ...(/^\d+\.\d+\.\d+(?:[-+].*)?$/.test(version) ? { semanticVersion: version } : {}),
    rules: ruleIds.map(ruleDescriptor),
  };
  const workspaceUri = toFileUri(opts.workspace);
  const doc = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        originalUriBaseIds: {
          [SRCROOT]: { uri: workspaceUri.endsWith('/') ? workspaceUri : workspaceUri + '/' },
        },
        results: report.findings.map(result),
      },
    ],
  };
  assertNoSecretValues(doc);
  return JSON.stringify(doc, null, 2) + '\n';
}
