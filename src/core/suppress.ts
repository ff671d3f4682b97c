// Accepted findings: the policy's `ignore` list and an earlier report used as a baseline.
import { createRequire } from 'node:module';
import type Picomatch from 'picomatch';
import { posix, win32 } from 'node:path';
import type { Finding, RuleId } from './model.js';
import { RULES } from './rules.js';

export interface IgnoreEntry {
  rule?: RuleId;
  /** A glob matched against the file path relative to the workspace (or absolute when outside it). */
  path?: string;
  server?: string;
  fingerprint?: string;
  reason: string;
}

/** Reads the `ignore` list of a policy document; throws a one-line message on a malformed entry. */
export function readIgnoreList(policy: unknown): IgnoreEntry[] {
  if (policy === null || typeof policy !== 'object') throw new Error('the policy must be a JSON object');
  const list = (policy as { ignore?: unknown }).ignore;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new Error('"ignore" must be a list');
  return list.map((raw, i) => {
    const where = `ignore[${i}]`;
    if (raw === null || typeof raw !== 'object') throw new Error(`${where} must be an object`);
    const e = raw as Record<string, unknown>;
    for (const k of ['rule', 'path', 'server', 'fingerprint', 'reason']) {
      if (e[k] !== undefined && typeof e[k] !== 'string') throw new Error(`${where}.${k} must be a string`);
    }
    if (!e.reason || !(e.reason as string).trim()) throw new Error(`${where} needs a "reason"`);
    if (e.rule !== undefined && !(e.rule as string in RULES)) throw new Error(`${where}.rule "${e.rule as string}" is not a rule id`);
    if (e.rule === undefined && e.path === undefined && e.server === undefined && e.fingerprint === undefined) {
      throw new Error(`${where} must name at least one of rule, path, server, fingerprint`);
    }
    return {
      rule: e.rule as RuleId | undefined,
      path: e.path as string | undefined,
      server: e.server as string | undefined,
      fingerprint: e.fingerprint as string | undefined,
      reason: (e.reason as string).trim(),
    };
  });
}

/** The path used to match and compare findings: relative to the workspace, with forward slashes. */
export function displayPath(file: string, workspace: string): string {
  const lib = /^[A-Za-z]:[\\/]/.test(workspace) || workspace.startsWith('\\\\') ? win32 : posix;
  const rel = lib.relative(workspace, file);
  if (rel && !rel.startsWith('..') && !lib.isAbsolute(rel)) return rel.split(lib.sep).join('/');
  return file.split('\\').join('/');
}

// Loaded only when an ignore entry has a path glob: most audits have none, and start-up is benchmarked.
let glob: typeof Picomatch | undefined;
function picomatch(pattern: string, options: Picomatch.PicomatchOptions): Picomatch.Matcher {
  glob ??= createRequire(import.meta.url)('picomatch') as typeof Picomatch;
  return glob(pattern, options);
}

/** Marks findings matched by an ignore entry as suppressed (they stay in the report). */
export function applyIgnores(findings: Finding[], entries: IgnoreEntry[], workspace: string): void {
  const compiled = entries.map((e) => ({ e, match: e.path ? picomatch(e.path, { dot: true }) : undefined }));
  for (const f of findings) {
    const rel = displayPath(f.file, workspace);
    for (const { e, match } of compiled) {
      if (e.rule && e.rule !== f.rule) continue;
      if (e.server && e.server !== f.server) continue;
      if (e.fingerprint && e.fingerprint !== f.secret?.fingerprint) continue;
      if (match && !match(rel) && !match(f.file)) continue;
      f.suppressed = { reason: e.reason };
      break;
    }
  }
}

/**
 * Identity of a finding across runs: stable when unrelated lines move. A secret finding is keyed by
 * its fingerprint, other findings by their line.
 */
export function findingKey(f: Pick<Finding, 'rule' | 'file' | 'server' | 'secret' | 'line'>, workspace: string): string {
  const where = f.secret ? `fp:${f.secret.fingerprint}` : `line:${f.line ?? 0}`;
  return [f.rule, displayPath(f.file, workspace), f.server ?? '', where].join('|');
}

/** Keys of the findings in an earlier `audit --json` report. */
export function baselineKeys(report: unknown): Set<string> {
  const r = report as { findings?: unknown; workspace?: unknown };
  if (!r || typeof r !== 'object' || !Array.isArray(r.findings) || typeof r.workspace !== 'string') {
    throw new Error('not an mcp-harden JSON report (no "findings" list)');
  }
  const keys = new Set<string>();
  for (const f of r.findings as Finding[]) {
    if (f && typeof f.rule === 'string' && typeof f.file === 'string') keys.add(findingKey(f, r.workspace));
  }
  return keys;
}
