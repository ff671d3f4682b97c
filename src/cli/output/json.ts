// `audit --json`: the report as one JSON document. The report type holds no secret values; the
// check below makes sure nothing carrying one (a Detection, a Located) slipped in at runtime.
import type { AuditReport } from '../../core/report.js';

/** Property names that only ever hold a secret value or raw file text; none belongs in a report. */
const FORBIDDEN_KEYS = new Set(['value', 'rawValue', 'raw', 'plaintext', 'secretValue', 'token', 'password']);

export class UnsafeReportError extends Error {
  constructor(path: string) {
    // Names where the property is, never what it holds.
    super(`refusing to print the report: it has a property that may hold a secret value at ${path}`);
    this.name = 'UnsafeReportError';
  }
}

/** Throws UnsafeReportError when any object in `doc` has a forbidden property name. */
export function assertNoSecretValues(doc: unknown, path = '$'): void {
  if (Array.isArray(doc)) {
    doc.forEach((item, i) => assertNoSecretValues(item, `${path}[${i}]`));
  } else if (doc !== null && typeof doc === 'object') {
    for (const [key, child] of Object.entries(doc)) {
      if (FORBIDDEN_KEYS.has(key)) throw new UnsafeReportError(`${path}.${key}`);
      assertNoSecretValues(child, `${path}.${key}`);
    }
  }
}

export function renderJson(report: AuditReport): string {
  assertNoSecretValues(report);
  return JSON.stringify(report, null, 2) + '\n';
}
