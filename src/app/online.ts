// `audit --online`: ask each token's provider what the token can do, and compare that with the
// trust level of the servers it is given to (DESIGN §6). Each distinct token is checked once,
// against its own provider only. The result is findings (token-invalid, token-scope-exceeds-trust)
// and notes; nothing in them holds a value or a fingerprint of one, only the masked form.
import type { ClientKind, Finding, RuleId, Server } from '../core/model.js';
import { compareText } from '../core/model.js';
import type { AuditReport } from '../core/report.js';
import { RULES } from '../core/rules.js';
import { isScopedProvider, readOnlyAdvice, scopesBeyondTrust, type TrustLevel } from '../core/scopes.js';
import { fingerprint, maskSecret } from '../core/secrets/index.js';
import { applyIgnores, findingKey, type IgnoreEntry } from '../core/suppress.js';
import {
  CHECKERS,
  checkFor,
  overrideVariable,
  providerLabel,
  selfHostedSetting,
  type CheckOptions,
  type CheckProvider,
  type ScopeCheckResult,
} from '../adapters/scope-check.js';
import { placeOf, sortFindings, summarize, type AuditDetails, type SecretHit } from './audit.js';

/** A server as the trust function sees it. */
export interface OnlineServer {
  name: string;
  client: ClientKind;
  file: string;
}

export interface OnlineOptions extends CheckOptions {
  /** The trust level of a server (the wizard's suggestion, or the user's choice). */
  trustOf(server: OnlineServer): TrustLevel | undefined;
  /** How many providers are asked at once. */
  concurrency?: number;
}

export interface OnlineResult {
  findings: Finding[];
  notes: string[];
  /** How many distinct tokens were sent to their provider. */
  checked: number;
}

const DEFAULT_CONCURRENCY = 4;

/** Names a `${VAR}` reference in a config value expands (also `${env:VAR}` and `${{ secrets.VAR }}`). */
const REF_IN_VALUE = /\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}|\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

const isConfigPlace = (h: SecretHit) => h.where === 'env' || h.where === 'header' || h.where === 'arg' || h.where === 'url';

/** A server using the token, and the place the finding about it points at. */
interface Use {
  server: OnlineServer;
  at: SecretHit;
}

function serverId(s: OnlineServer): string {
  return `${s.file}\0${s.client}\0${s.name}`;
}

/** The servers a secret is given to: in their own config, through an envFile, or a `${VAR}` naming its .env key. */
function usesOf(hits: SecretHit[], details: Pick<AuditDetails, 'servers' | 'envFileUsers'>): Use[] {
  const uses = new Map<string, Use>();
  const add = (server: OnlineServer, at: SecretHit) => {
    if (!uses.has(serverId(server))) uses.set(serverId(server), { server, at });
  };
  for (const h of hits) {
    if (isConfigPlace(h) && h.server && h.client) add({ name: h.server, client: h.client, file: h.file }, h);
  }
  for (const h of hits) {
    if (h.where !== 'dotenv') continue;
    for (const u of details.envFileUsers.get(h.file) ?? []) add({ name: u.server, client: u.client, file: u.file }, h);
    if (!h.key) continue;
    for (const s of details.servers) {
      const values = [...s.env.map((e) => e.value), ...s.headers.map((x) => x.value), ...s.args, ...(s.url ? [s.url] : [])];
      const named = values.some((v) => [...v.value.matchAll(REF_IN_VALUE)].some((m) => (m[1] ?? m[2]) === h.key));
      if (named) add({ name: s.name, client: s.client, file: s.file }, h);
    }
  }
  return [...uses.values()];
}


/** Runs `work` over `items`, at most `limit` at a time, keeping the order of results. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const runner = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, runner));
  return out;
}

interface Candidate {
  provider: CheckProvider;
  value: string;
  hits: SecretHit[];
}

/**
 * Checks every distinct token the audit found that a server may use (copies only in shell history
 * or client backups are not sent anywhere: a dead token there hurts no one).
 */
export async function checkOnline(details: Pick<AuditDetails, 'hits' | 'servers' | 'envFileUsers'>, opts: OnlineOptions): Promise<OnlineResult> {
  const byValue = new Map<string, SecretHit[]>();
  for (const h of details.hits) byValue.set(h.detection.value, [...(byValue.get(h.detection.value) ?? []), h]);

  const candidates: Candidate[] = [];
  for (const [value, hits] of byValue) {
    const live = hits.filter((h) => h.where !== 'history' && h.where !== 'backup');
    if (!live.length) continue;
    const d = live[0]!.detection;
    const provider = checkFor(d.provider, d.kind, value);
    if (provider) candidates.push({ provider, value, hits: live });
  }

  // A token of a self-hosted instance is not sent to the public service (a stranger's host as far
  // as the token goes), unless the user pointed the check at their own instance.
  const notes: string[] = [];
  const selfHosted = new Set<Candidate>();
  for (const c of candidates) {
    if (opts.env?.[overrideVariable(c.provider)]?.trim()) continue;
    for (const u of usesOf(c.hits, details)) {
      const server = details.servers.find((s) => s.name === u.server.name && s.client === u.server.client && s.file === u.server.file);
      const why = server && selfHostedSetting(c.provider, server);
      if (!why) continue;
      const d = c.hits[0]!.detection;
      const first = [...c.hits].sort((a, b) => Number(isConfigPlace(b)) - Number(isConfigPlace(a)))[0]!;
      notes.push(
        `online check of ${providerLabel(c.provider)} ${d.kind} ${maskSecret(c.value)} ${placeOf(first)}: self-hosted (${why} in "${server.name}"): not checked; set ${overrideVariable(c.provider)} to check it there`,
      );
      selfHosted.add(c);
      break;
    }
  }
  candidates.splice(0, candidates.length, ...candidates.filter((c) => !selfHosted.has(c)));

  const results = await pool(candidates, opts.concurrency ?? DEFAULT_CONCURRENCY, (c) =>
    CHECKERS[c.provider](c.value, { env: opts.env, timeoutMs: opts.timeoutMs, now: opts.now }).catch(
      // A checker does not throw; if one ever does, the answer is still "unknown", never "ok".
      (): ScopeCheckResult => ({ status: 'unknown', detail: 'the check failed unexpectedly' }),
    ),
  );

  const findings: Finding[] = [];
  candidates.forEach((c, i) => {
    const r = results[i]!;
    const d = c.hits[0]!.detection;
    const label = providerLabel(c.provider);
    const masked = maskSecret(c.value);
    const ref = { provider: d.provider, kind: d.kind, fingerprint: fingerprint(c.value), masked };
    const first = [...c.hits].sort((a, b) => Number(isConfigPlace(b)) - Number(isConfigPlace(a)))[0]!;
    const what = `${label} ${d.kind} ${masked}`;
    // The finding points at the place the token is given to that server (or its first place).
    const locate = (h: SecretHit, server?: OnlineServer): Pick<Finding, 'file' | 'line' | 'column' | 'client' | 'server'> => {
      const client = server?.client ?? h.client;
      const name = server?.name ?? h.server;
      return { file: h.file, line: h.line, column: h.column, ...(client ? { client } : {}), ...(name ? { server: name } : {}) };
    };

    if (r.status === 'unknown') {
      notes.push(`online check of ${what} ${placeOf(first)}: unknown, not verified (${r.detail})`);
      return;
    }
    if (r.status === 'invalid') {
      findings.push({
        rule: 'token-invalid',
        severity: RULES['token-invalid'].severity,
        message: `${what} ${placeOf(first)} is not valid: ${r.detail}`,
        ...locate(first),
        secret: ref,
        fix: RULES['token-invalid'].fix,
      });
      return;
    }
    if (!isScopedProvider(c.provider)) return;
    const uses = usesOf(c.hits, details);
    const levels = uses.map((u) => ({ ...u, level: opts.trustOf(u.server) }));
    if (!r.scopes) {
      const judged = levels.filter((u) => u.level && u.level !== 'trusted');
      if (judged.length) {
        const names = judged.map((u) => `"${u.server.name}" (${u.level})`).join(', ');
        notes.push(`online check of ${what} ${placeOf(first)}: ${r.detail}; whether it suits ${names} is unknown`);
      }
      return;
    }
    for (const u of levels) {
      if (!u.level) continue;
      const beyond = scopesBeyondTrust(c.provider, r.scopes, u.level);
      if (!beyond.length) continue;
      findings.push({
        rule: 'token-scope-exceeds-trust',
        severity: RULES['token-scope-exceeds-trust'].severity,
        message: `${what} given to ${u.level} server "${u.server.name}" has ${beyond.join(', ')}; a ${u.level} server should get read-only scopes`,
        ...locate(u.at, u.server),
        secret: ref,
        fix: `${readOnlyAdvice(c.provider)}; then replace the token (\`mcp-harden rotate\`) and revoke the old one.`,
      });
    }
  });
  findings.sort((a, b) => compareText(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0));
  return { findings, notes, checked: candidates.length };
}

/** What a trust suggestion gets to know about a server, besides the server itself. */
export interface TrustInput {
  /** How many secrets the server holds, and under which env vars or headers. */
  secrets: number;
  secretKeys: string[];
  /** Rule ids of its unsuppressed findings (risky settings among them). */
  risks: RuleId[];
}

/**
 * Trust levels from a suggestion function (core/trust's `suggestTrust`), fed from the report the
 * way the wizard feeds it: the parsed server, the secrets it holds, its findings.
 */
export function suggestedTrustOf(
  report: AuditReport,
  servers: readonly Server[],
  levelOf: (server: Server, input: TrustInput) => TrustLevel,
): (server: OnlineServer) => TrustLevel | undefined {
  const cache = new Map<string, TrustLevel>();
  return (wanted) => {
    const id = serverId(wanted);
    if (cache.has(id)) return cache.get(id);
    const server = servers.find((s) => s.name === wanted.name && s.client === wanted.client && s.file === wanted.file);
    if (!server) return undefined;
    const mine = (x: { file: string; server?: string; client?: ClientKind }) =>
      x.file === server.file && x.server === server.name && (!x.client || x.client === server.client);
    const held = report.secrets.filter((s) => s.locations.some(mine));
    const secretKeys = held.flatMap((s) => s.locations.filter(mine).flatMap((l) => (l.key ? [l.key] : [])));
    const risks = report.findings.filter((f) => !f.suppressed && mine(f)).map((f) => f.rule);
    const level = levelOf(server, { secrets: held.length, secretKeys, risks });
    cache.set(id, level);
    return level;
  };
}

/**
 * Adds the online findings and notes to a report: the policy's ignore list and the baseline apply
 * to them as to any other, and the counts (per server, summary, failing) are recomputed.
 */
export function mergeOnline(
  report: AuditReport,
  online: Pick<OnlineResult, 'findings' | 'notes'>,
  opts: { ignore: IgnoreEntry[]; baseline?: Set<string> },
): AuditReport {
  const added = online.findings.map((f) => ({ ...f }));
  applyIgnores(added, opts.ignore, report.workspace);
  if (opts.baseline) for (const f of added) if (opts.baseline.has(findingKey(f, report.workspace))) f.inBaseline = true;
  const findings = [...report.findings, ...added];
  sortFindings(findings);
  const servers = report.servers.map((s) => ({
    ...s,
    findings: findings.filter((f) => !f.suppressed && f.server === s.name && f.file === s.file).length,
  }));
  const listed = { ...report, servers, findings, notes: [...report.notes, ...online.notes] };
  return { ...listed, summary: summarize(listed) };
}
