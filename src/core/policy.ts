// The team policy, `mcp-harden.policy.json` (DESIGN §3): the project-scope servers with their
// definitions, trust levels and pinned versions, the secrets they need (by keychain name, never a
// value), and the accepted findings. Pure: validation, building from a scan, and the audit check.
// schema/mcp-harden.policy.schema.json states the same rules; test/core/policy.test.ts keeps them equal.
import { CATALOG } from './catalog/entries.js';
import { createLink, matchServer } from './catalog/match.js';
import type { CatalogEntry } from './catalog/types.js';
import { CLIENT_KINDS, type ClientKind, type DocPath, type Finding, type Located, type Server, type Transport } from './model.js';
import type { Action } from './plan.js';
import { findInlineReferences, formatInlineReference, formatReference, parseReference } from './reference.js';
import { effectiveArgv, packageRef } from './risks.js';
import { replaceSpec } from './pin.js';
import { RULES } from './rules.js';
import { detectSecrets, fingerprint } from './secrets/index.js';
import { displayPath, readIgnoreList, type IgnoreEntry } from './suppress.js';
import { suggestTrust, TRUST_ORDER, type TrustLevel } from './trust.js';

import { POLICY_FILE, POLICY_VERSION } from './policy-file.js';
export { POLICY_FILE, POLICY_VERSION };
/** The keychain service of our items (DESIGN §3). */
const SERVICE = 'mcp-harden';

export interface PolicyServer {
  name: string;
  client: ClientKind;
  /** The config file that declares it, relative to the workspace, with forward slashes. */
  file: string;
  transport: Transport;
  command?: string;
  args?: string[];
  url?: string;
  env?: Record<string, string>;
  headers?: Record<string, string>;
  trust: TrustLevel;
  /** The pinned package or image (`@notionhq/notion-mcp-server@1.9.0`), when it is pinned. */
  pin?: string;
}

export interface PolicyScopes {
  kind: string;
  trusted: string[];
  limited: string[];
  untrusted: string[];
}

export interface PolicySecret {
  /** The keychain account name (service `mcp-harden`). */
  name: string;
  provider: string;
  kind?: string;
  /** Names of the policy's servers that need it. */
  servers: string[];
  scopes?: PolicyScopes;
  /** Where to create one. */
  create?: string;
}

export interface Policy {
  $schema?: string;
  version?: number;
  /** Keychain items stored or rotated longer ago than this are `stale-secret` (audit default 90). */
  maxSecretAgeDays?: number;
  servers?: PolicyServer[];
  secrets?: PolicySecret[];
  ignore?: IgnoreEntry[];
}

const TRANSPORTS: readonly Transport[] = ['stdio', 'http', 'sse'];
const TOP_KEYS = ['$schema', 'version', 'maxSecretAgeDays', 'servers', 'secrets', 'ignore'];
const SERVER_KEYS = ['name', 'client', 'file', 'transport', 'command', 'args', 'url', 'env', 'headers', 'trust', 'pin'];
const SECRET_KEYS = ['name', 'provider', 'kind', 'servers', 'scopes', 'create'];
const SCOPE_KEYS = ['kind', 'trusted', 'limited', 'untrusted'];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function onlyKeys(o: Record<string, unknown>, keys: string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new Error(`${where}: unknown property "${k}"`);
}

function str(o: Record<string, unknown>, k: string, where: string, required: boolean): void {
  if (o[k] === undefined) {
    if (required) throw new Error(`${where} needs "${k}"`);
    return;
  }
  if (typeof o[k] !== 'string' || (o[k] as string).length === 0) throw new Error(`${where}.${k} must be a non-empty string`);
}

function strList(v: unknown, where: string, minItems = 0): void {
  if (!Array.isArray(v)) throw new Error(`${where} must be a list`);
  if (v.length < minItems) throw new Error(`${where} must list at least ${minItems}`);
  v.forEach((x, i) => {
    if (typeof x !== 'string') throw new Error(`${where}[${i}] must be a string`);
  });
}

function strMap(v: unknown, where: string): void {
  if (!isObject(v)) throw new Error(`${where} must be an object`);
  for (const [k, x] of Object.entries(v)) if (typeof x !== 'string') throw new Error(`${where}.${k} must be a string`);
}

function oneOf<T extends string>(o: Record<string, unknown>, k: string, allowed: readonly T[], where: string): void {
  if (o[k] === undefined) throw new Error(`${where} needs "${k}"`);
  if (!allowed.includes(o[k] as T)) throw new Error(`${where}.${k} must be one of ${allowed.join(', ')}`);
}

export function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
}

/** Checks a parsed policy document; throws a one-line message naming the JSON path of the first problem. */
export function validatePolicy(doc: unknown): Policy {
  if (!isObject(doc)) throw new Error('the policy must be a JSON object');
  onlyKeys(doc, TOP_KEYS, 'policy');
  str(doc, '$schema', 'policy', false);
  if (doc.version !== undefined && doc.version !== POLICY_VERSION) throw new Error(`policy.version must be ${POLICY_VERSION}`);
  const out: Policy = {};
  if (doc.$schema !== undefined) out.$schema = doc.$schema as string;
  if (doc.version !== undefined) out.version = POLICY_VERSION;
  if (doc.maxSecretAgeDays !== undefined) {
    if (!isPositiveInteger(doc.maxSecretAgeDays)) throw new Error('policy.maxSecretAgeDays must be a whole number of days, 1 or more');
    out.maxSecretAgeDays = doc.maxSecretAgeDays;
  }
  if (doc.servers !== undefined) {
    if (!Array.isArray(doc.servers)) throw new Error('servers must be a list');
    doc.servers.forEach((s, i) => {
      const where = `servers[${i}]`;
      if (!isObject(s)) throw new Error(`${where} must be an object`);
      onlyKeys(s, SERVER_KEYS, where);
      str(s, 'name', where, true);
      oneOf(s, 'client', CLIENT_KINDS, where);
      str(s, 'file', where, true);
      oneOf(s, 'transport', TRANSPORTS, where);
      str(s, 'command', where, false);
      if (s.args !== undefined) strList(s.args, `${where}.args`);
      str(s, 'url', where, false);
      if (s.env !== undefined) strMap(s.env, `${where}.env`);
      if (s.headers !== undefined) strMap(s.headers, `${where}.headers`);
      oneOf(s, 'trust', TRUST_ORDER, where);
      str(s, 'pin', where, false);
    });
    out.servers = doc.servers as PolicyServer[];
  }
  if (doc.secrets !== undefined) {
    if (!Array.isArray(doc.secrets)) throw new Error('secrets must be a list');
    doc.secrets.forEach((s, i) => {
      const where = `secrets[${i}]`;
      if (!isObject(s)) throw new Error(`${where} must be an object`);
      onlyKeys(s, SECRET_KEYS, where);
      str(s, 'name', where, true);
      str(s, 'provider', where, true);
      str(s, 'kind', where, false);
      if (s.servers === undefined) throw new Error(`${where} needs "servers"`);
      strList(s.servers, `${where}.servers`, 1);
      if (s.scopes !== undefined) {
        if (!isObject(s.scopes)) throw new Error(`${where}.scopes must be an object`);
        onlyKeys(s.scopes, SCOPE_KEYS, `${where}.scopes`);
        str(s.scopes, 'kind', `${where}.scopes`, true);
        for (const level of TRUST_ORDER) {
          if (s.scopes[level] === undefined) throw new Error(`${where}.scopes needs "${level}"`);
          strList(s.scopes[level], `${where}.scopes.${level}`);
        }
      }
      str(s, 'create', where, false);
      if (s.create !== undefined && !/^https:\/\//.test(s.create as string)) throw new Error(`${where}.create must be an https link`);
    });
    out.secrets = doc.secrets as PolicySecret[];
  }
  // The ignore list keeps the rules (and messages) it had before the policy had anything else.
  if (doc.ignore !== undefined) out.ignore = readIgnoreList(doc);
  return out;
}

/** The file text: stable key order and a final newline, so an unchanged policy is not rewritten. */
export function serializePolicy(policy: Policy): string {
  return JSON.stringify(policy, null, 2) + '\n';
}

export interface PolicySecretInfo {
  fingerprint: string;
  account: string;
  provider: string;
  kind: string;
}

export interface BuildPolicyInput {
  workspace: string;
  /** Every parsed server of the scan: only project-scope ones go in. */
  servers: readonly Server[];
  /** Rule ids of findings per server, for the trust suggestion (risky settings). */
  findings: readonly Pick<Finding, 'rule' | 'file' | 'server'>[];
  /** The plan's secrets (keychain names by fingerprint). */
  secrets: readonly PolicySecretInfo[];
  /** The plan's actions: rewrite-config ones say which reference replaces what. */
  actions: readonly Action[];
  /** The trust levels chosen (the user's, the policy's), by `serverKey`; the suggestion otherwise. */
  trust?: ReadonlyMap<string, TrustLevel>;
  /** The policy already in the workspace: its ignore list is kept, and what it knows of secrets. */
  existing?: Policy;
  catalog?: readonly CatalogEntry[];
}

function pathEq(a: DocPath | undefined, b: DocPath | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * A server's identity: its file, client and name. Two clients may declare servers of one name with
 * different launch lines, so choices about a server (its trust) are keyed by this.
 */
export function serverKey(s: { file: string; client: ClientKind; name: string }): string {
  return `${s.file}\0${s.client}\0${s.name}`;
}

/**
 * The trust levels the policy records for the scan's servers, by `serverKey`: matched by name,
 * client and workspace-relative file, as `checkPolicy` matches them (project servers only).
 */
export function recordedTrust(policy: Policy | undefined, servers: readonly Pick<Server, 'name' | 'client' | 'scope' | 'file'>[], workspace: string): Map<string, TrustLevel> {
  const out = new Map<string, TrustLevel>();
  if (!policy?.servers) return out;
  for (const s of servers) {
    if (s.scope !== 'project') continue;
    const rel = displayPath(s.file, workspace);
    const declared = policy.servers.find((p) => p.name === s.name && p.file === rel && p.client === s.client);
    if (declared) out.set(serverKey(s), declared.trust);
  }
  return out;
}

/** The strictest of two trust levels. */
export const stricterTrust = (a: TrustLevel, b: TrustLevel): TrustLevel => (TRUST_ORDER.indexOf(b) > TRUST_ORDER.indexOf(a) ? b : a);

/**
 * The levels `fix --yes` starts from: recordedTrust, and for a declaration the policy does not
 * record, the level recorded for another declaration of the same server (same name and launch
 * line; the strictest, if several). The wizard shows such declarations as one row at that level, so
 * pressing Enter through it plans what `fix --yes` plans.
 */
export function teamTrust(
  policy: Policy | undefined,
  servers: readonly (Pick<Server, 'name' | 'client' | 'scope' | 'file'> & { launch: string })[],
  workspace: string,
): Map<string, TrustLevel> {
  const out = recordedTrust(policy, servers, workspace);
  const byServer = new Map<string, TrustLevel>();
  const idOf = (s: { name: string; launch: string }) => `${s.name}\0${s.launch}`;
  for (const s of servers) {
    const level = out.get(serverKey(s));
    if (level) byServer.set(idOf(s), stricterTrust(byServer.get(idOf(s)) ?? level, level));
  }
  for (const s of servers) {
    const level = byServer.get(idOf(s));
    if (level && !out.has(serverKey(s))) out.set(serverKey(s), level);
  }
  return out;
}

/** The suggested trust of a server from its launch line and its risky settings, as the wizard shows it. */
export function currentTrust(server: Server, findings: readonly Pick<Finding, 'rule' | 'file' | 'server'>[], catalog: readonly CatalogEntry[] = CATALOG): TrustLevel {
  const risks = findings.filter((f) => f.file === server.file && f.server === server.name).map((f) => f.rule);
  return suggestTrust(server, matchServer(server, catalog), { secrets: 0, risks }).level;
}

/** Every `mcp-harden` keychain account a string names. */
function referencedAccounts(value: string): string[] {
  const whole = parseReference(value);
  const refs = whole ? [whole] : findInlineReferences(value);
  return refs.filter((r) => r.service === SERVICE).map((r) => r.account);
}

/** Builds the policy from a scan and its plan. Never holds a value: every detected secret becomes a reference. */
export function buildPolicy(input: BuildPolicyInput): Policy {
  const catalog = input.catalog ?? CATALOG;
  const byFp = new Map(input.secrets.map((s) => [s.fingerprint, s]));
  const servers: PolicyServer[] = [];
  const needs = new Map<string, { servers: Set<string>; entry?: CatalogEntry; trust: TrustLevel; envKey?: string }>();

  const project = input.servers.filter((s) => s.scope === 'project');
  for (const server of project) {
    const rewrite = input.actions.find(
      (a): a is Extract<Action, { kind: 'rewrite-config' }> =>
        a.kind === 'rewrite-config' && a.file === server.file && a.client === server.client && a.server === server.name,
    );
    const reps = rewrite?.replace ?? [];
    const used = new Set<number>();
    const clean = (loc: Located, where: 'env' | 'header' | 'arg' | 'url', key?: string, previousArg?: string): string => {
      let v = loc.value;
      reps.forEach((r, i) => {
        if (!pathEq(r.location.path, loc.path)) return;
        used.add(i);
        if (r.placeholder) v = v.split(r.placeholder).join(r.reference);
      });
      // Whatever is still a secret becomes the reference to its keychain item (or a neutral marker).
      const found = detectSecrets(v, { where, ...(key ? { key } : {}), ...(previousArg ? { previousArg } : {}) }).sort((a, b) => b.start - a.start);
      for (const d of found) {
        const fp = fingerprint(d.value);
        const rep = reps.find((r) => r.fingerprint === fp && !r.placeholder && pathEq(r.location.path, loc.path));
        const account = byFp.get(fp)?.account;
        const whole = d.start === 0 && d.end === v.length && where === 'env';
        const ref = rep?.reference ?? (account ? (whole ? formatReference(SERVICE, account) : formatInlineReference(SERVICE, account)) : '{{secret}}');
        v = v.slice(0, d.start) + ref + v.slice(d.end);
      }
      return v;
    };
    const def: PolicyServer = {
      name: server.name,
      client: server.client,
      file: displayPath(server.file, input.workspace),
      transport: server.transport,
      trust: 'untrusted',
    };
    // The launcher is how this machine starts it, not part of what the team runs.
    const argv = effectiveArgv(server);
    if (argv[0]) {
      def.command = argv[0].value;
      def.args = argv.slice(1).map((a, i) => clean(a, 'arg', undefined, argv[i]?.value));
    }
    if (server.url) def.url = clean(server.url, 'url');
    const env: Record<string, string> = {};
    for (const e of server.env) env[e.key] = clean(e.value, 'env', e.key);
    const headers: Record<string, string> = {};
    for (const h of server.headers) headers[h.key] = clean(h.value, 'header', h.key);
    // Values the server read from an envFile are now given to it by reference.
    reps.forEach((r, i) => {
      if (used.has(i) || r.location.where !== 'env' || !r.location.key || r.location.key in env) return;
      env[r.location.key] = r.reference;
    });
    // What this run does to the server goes in too: the policy describes the configs as they will be.
    const mine = <K extends Action['kind']>(kind: K) =>
      input.actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind && 'server' in a && a.file === server.file && a.client === server.client && a.server === server.name);
    for (const ro of mine('set-read-only')) {
      for (const [k, v] of Object.entries(ro.env)) if (!(k in env)) env[k] = v;
      if (def.args) for (const a of ro.args) if (!def.args.includes(a)) def.args.push(a);
    }
    // As the apply step narrows: each broad root becomes the workspace, once.
    for (const n of mine('narrow-roots')) {
      if (!def.args) continue;
      // Where the audit saw the roots (positional arguments only): an option's value equal to a root stays.
      const at = new Set(
        (n.rootPaths ?? []).flatMap((p) => {
          const i = server.args.findIndex((a) => a.path.length === p.length && a.path.every((x, k) => x === p[k]));
          return i >= 0 ? [server.args[i]!] : [];
        }),
      );
      const argv = effectiveArgv(server).slice(1);
      const isRoot = (v: string, i: number) => n.roots.includes(v) && !v.startsWith('-') && (!at.size || at.has(argv[i]!));
      let placed = def.args.includes(n.to);
      def.args = def.args.flatMap((a, i) => {
        if (!isRoot(a, i)) return [a];
        if (placed) return [];
        placed = true;
        return [n.to];
      });
    }
    for (const t of mine('set-toolsets')) {
      if (t.envPath) {
        if (!(t.env in env)) env[t.env] = t.value;
      } else if (t.arg && def.args && !def.args.includes(t.arg)) def.args.push(t.arg);
    }
    const pinned = mine('pin-version')[0];
    if (pinned && def.args) def.args = def.args.map((a) => replaceSpec(a, pinned.from, pinned.to) ?? a);
    if (Object.keys(env).length) def.env = env;
    if (Object.keys(headers).length) def.headers = headers;
    def.trust = input.trust?.get(serverKey(server)) ?? currentTrust(server, input.findings, catalog);
    const pkg = packageRef(server);
    if (pinned) def.pin = pinned.to;
    else if (pkg?.pinned) def.pin = pkg.spec;
    servers.push(def);

    const entry = matchServer(server, catalog);
    const strings: [string, string | undefined][] = [
      ...Object.entries(env).map(([k, v]): [string, string] => [v, k]),
      ...Object.entries(headers).map(([k, v]): [string, string] => [v, k]),
      ...(def.args ?? []).map((v): [string, undefined] => [v, undefined]),
      ...(def.url ? [[def.url, undefined] as [string, undefined]] : []),
    ];
    for (const [v, key] of strings) {
      for (const account of referencedAccounts(v)) {
        const n = needs.get(account) ?? { servers: new Set<string>(), trust: def.trust, ...(entry ? { entry } : {}), ...(key ? { envKey: key } : {}) };
        n.servers.add(server.name);
        needs.set(account, n);
      }
    }
  }

  const secrets: PolicySecret[] = [];
  for (const [account, n] of [...needs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const planned = input.secrets.find((s) => s.account === account);
    const before = input.existing?.secrets?.find((s) => s.name === account);
    const entryProvider = n.entry && n.entry.provider !== 'none' ? n.entry.provider : undefined;
    const provider = planned?.provider ?? before?.provider ?? entryProvider ?? 'unknown';
    const s: PolicySecret = { name: account, provider, servers: [...n.servers].sort() };
    const kind = planned?.kind ?? before?.kind;
    if (kind) s.kind = kind;
    if (n.entry && n.entry.provider === provider) {
      const sc = n.entry.scopes;
      s.scopes = { kind: sc.kind, trusted: [...sc.trusted], limited: [...sc.limited], untrusted: [...sc.untrusted] };
      const link = createLink(n.entry, sc[n.trust], `mcp-harden ${account}`);
      if (link && link.startsWith('https://')) s.create = link;
    } else {
      if (before?.scopes) s.scopes = before.scopes;
      if (before?.create) s.create = before.create;
    }
    secrets.push(s);
  }

  const policy: Policy = {};
  if (input.existing?.$schema) policy.$schema = input.existing.$schema;
  policy.version = POLICY_VERSION;
  // A rewritten policy keeps the team's settings.
  if (input.existing?.maxSecretAgeDays !== undefined) policy.maxSecretAgeDays = input.existing.maxSecretAgeDays;
  policy.servers = servers;
  policy.secrets = secrets;
  policy.ignore = input.existing?.ignore ?? [];
  return policy;
}

/**
 * The audit's check of the configs against the policy: one `policy-violation` per drift.
 *
 * "A lower trust than declared" is read as: the policy grants a server more trust than the
 * evidence now supports — the trust suggestion for the server as configured today (publisher,
 * pinning, transport, risky settings) is more restrictive than the level the policy records. A
 * server the team declared `trusted` that is now unpinned, or now runs a different package, is
 * reported; declaring a server less trusted than suggested is always fine.
 *
 * Secrets are checked on the config side only (the audit stays offline and never opens the
 * keychain): a required secret whose keychain reference no config names any more.
 */
export function checkPolicy(
  policy: Policy,
  servers: readonly Server[],
  findings: readonly Pick<Finding, 'rule' | 'file' | 'server'>[],
  opts: { workspace: string; policyFile: string; checkSecrets?: boolean; catalog?: readonly CatalogEntry[] },
): Finding[] {
  const out: Finding[] = [];
  const rule = RULES['policy-violation'];
  const push = (f: Omit<Finding, 'rule' | 'severity' | 'fix'>) => out.push({ rule: 'policy-violation', severity: rule.severity, ...f, fix: rule.fix });
  if (policy.servers) {
    for (const server of servers.filter((s) => s.scope === 'project')) {
      const rel = displayPath(server.file, opts.workspace);
      const at = { file: server.file, line: server.line, column: server.column, client: server.client, server: server.name };
      const declared = policy.servers.find((p) => p.name === server.name && p.file === rel && p.client === server.client);
      if (!declared) {
        push({ ...at, message: `project server "${server.name}" in ${rel} is not in ${POLICY_FILE}` });
        continue;
      }
      const now = currentTrust(server, findings, opts.catalog);
      if (TRUST_ORDER.indexOf(declared.trust) < TRUST_ORDER.indexOf(now)) {
        push({ ...at, message: `"${server.name}" is declared ${declared.trust} in ${POLICY_FILE}, but as configured it is ${now}` });
      }
      if (declared.pin) {
        const pkg = packageRef(server);
        if (!pkg || !pkg.pinned) {
          push({ ...at, message: `"${server.name}" no longer pins ${declared.pin} as ${POLICY_FILE} requires` });
        } else if (pkg.spec !== declared.pin) {
          push({ ...at, message: `"${server.name}" runs ${pkg.spec}, but ${POLICY_FILE} pins ${declared.pin}` });
        }
      }
    }
  }
  if (policy.secrets?.length && opts.checkSecrets !== false) {
    const named = new Set<string>();
    for (const s of servers) {
      const strings = [...s.env.map((e) => e.value.value), ...s.headers.map((h) => h.value.value), ...s.args.map((a) => a.value), ...(s.url ? [s.url.value] : [])];
      for (const v of strings) for (const a of referencedAccounts(v)) named.add(a);
    }
    for (const secret of policy.secrets) {
      if (named.has(secret.name)) continue;
      push({
        file: opts.policyFile,
        message: `required secret ${secret.name} (for ${secret.servers.join(', ')}) is not referenced by any config: expected ${formatReference(SERVICE, secret.name)}`,
      });
    }
  }
  return out;
}
