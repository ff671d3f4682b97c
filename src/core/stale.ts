// The `stale-secret` rule: keychain items whose value was stored or last rotated longer ago than
// the maximum age. Pure: the audit reads <state>/secrets.json and hands its text and the clock here.
import { CLIENT_KINDS, type ClientKind, type Finding } from './model.js';
import { RULES } from './rules.js';

export const DEFAULT_MAX_SECRET_AGE_DAYS = 90;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the rule needs of a secrets.json entry (the app's SecretMeta fits it). */
export interface StaleEntry {
  service: string;
  account: string;
  /** ISO 8601: when the item was first stored. */
  created?: string;
  /** ISO 8601: when its value was last replaced. */
  rotated?: string;
  references?: readonly { file: string; client?: ClientKind; server?: string }[];
}

export interface StaleOptions {
  now: Date;
  maxAgeDays: number;
  /** The file to point at when an entry has no recorded reference (secrets.json itself). */
  metaFile: string;
  /** The line of a reference in its file, when the audit knows it (else line 1). */
  lineOf?(ref: { file: string; client?: ClientKind; server?: string }): number | undefined;
}

/** Whole days from `from` to `now`; undefined for a date that cannot be read. */
export function ageInDays(from: string | undefined, now: Date): number | undefined {
  if (typeof from !== 'string' || from === '') return undefined;
  const t = Date.parse(from);
  if (Number.isNaN(t)) return undefined;
  return Math.floor((now.getTime() - t) / DAY_MS);
}

/** A name that can go on a command line as it is; anything else is single-quoted. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_.@:/+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * One `stale-secret` finding per entry whose last change (`rotated`, else `created`) is more than
 * `maxAgeDays` whole days before `now`. An entry with no readable date is left out: its age is unknown.
 */
export function staleSecretFindings(entries: readonly StaleEntry[], opts: StaleOptions): Finding[] {
  const rule = RULES['stale-secret'];
  const out: Finding[] = [];
  for (const e of entries) {
    // A rotation date that cannot be read does not make the item look as old as its creation.
    const rotated = ageInDays(e.rotated, opts.now);
    const age = rotated ?? (e.rotated ? undefined : ageInDays(e.created, opts.now));
    if (age === undefined || age <= opts.maxAgeDays) continue;
    const verb = rotated !== undefined ? 'rotated' : 'stored';
    const ref = e.references?.find((r) => typeof r.file === 'string' && r.file !== '');
    out.push({
      rule: 'stale-secret',
      severity: rule.severity,
      message: `keychain item ${e.service}/${e.account} was last ${verb} ${age} days ago (limit ${opts.maxAgeDays}): run \`mcp-harden rotate ${shellWord(e.account)}\``,
      file: ref ? ref.file : opts.metaFile,
      line: (ref && opts.lineOf?.(ref)) || 1,
      ...(ref?.client ? { client: ref.client } : {}),
      ...(ref?.server !== undefined ? { server: ref.server } : {}),
      fix: rule.fix,
    });
  }
  return out;
}

/**
 * The entries of a secrets.json text, or why it cannot be used (one line, no content quoted).
 * Entries without a service or account name are skipped.
 */
export function parseSecretsMeta(text: string): { entries: StaleEntry[] } | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { error: 'is not valid JSON' };
  }
  if (doc === null || typeof doc !== 'object' || !Array.isArray((doc as { secrets?: unknown }).secrets)) {
    return { error: 'is not a secrets metadata file' };
  }
  const version = (doc as { version?: unknown }).version;
  if (typeof version === 'number' && version > 1) return { error: `was written by a newer version (format ${version})` };
  const entries: StaleEntry[] = [];
  for (const raw of (doc as { secrets: unknown[] }).secrets) {
    if (raw === null || typeof raw !== 'object') continue;
    const e = raw as Record<string, unknown>;
    if (typeof e.service !== 'string' || typeof e.account !== 'string') continue;
    const refs = Array.isArray(e.references) ? e.references : [];
    entries.push({
      service: e.service,
      account: e.account,
      ...(typeof e.created === 'string' ? { created: e.created } : {}),
      ...(typeof e.rotated === 'string' ? { rotated: e.rotated } : {}),
      references: refs
        .filter((r): r is Record<string, unknown> => r !== null && typeof r === 'object' && typeof (r as { file?: unknown }).file === 'string')
        .map((r) => ({
          file: r.file as string,
          ...(CLIENT_KINDS.includes(r.client as ClientKind) ? { client: r.client as ClientKind } : {}),
          ...(typeof r.server === 'string' ? { server: r.server } : {}),
        })),
    });
  }
  return { entries };
}
