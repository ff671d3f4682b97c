// `onboard`: a new teammate's machine set up from the committed team policy (DESIGN §1, §3). The
// engine is split in steps a UI drives one at a time: load the policy, prepare (what is needed and
// what is already done), check each value the user gives, then apply through the journaled engine
// (so `mcp-harden undo` rolls an onboarding back like any fix). Values live in memory only.
import { lstat, readFile, realpath } from 'node:fs/promises';
import { posix, win32 } from 'node:path';
import { CLIENT_LABELS, inferSource, parseConfig } from '../core/clients/index.js';
import { projectServerFiles } from '../core/clients/paths.js';
import { PolicyInvalidError, PolicyMissingError } from '../core/errors.js';
import type { ClientKind, DocPath, HostEnv, Located, Server } from '../core/model.js';
import type { Action, Plan, ServerDefinition } from '../core/plan.js';
import { POLICY_FILE, validatePolicy, type Policy, type PolicySecret, type PolicyServer } from '../core/policy.js';
import { findInlineReferences, parseReference } from '../core/reference.js';
import { packageRef } from '../core/risks.js';
import { scopesBeyondTrust } from '../core/scopes.js';
import { checkShape, detectSecrets, fingerprint, githubChecksumValid, isPlaceholder, isReference } from '../core/secrets/index.js';
import { TRUST_ORDER, type TrustLevel } from '../core/trust.js';
import type { SecretStore } from '../ports/secret-store.js';
import { applyPlan, computePermissions, computePin, type ApplyEvent, type ApplyResult } from './apply.js';
import { scan, type AuditOptions } from './audit.js';
import { BackupVault } from './backup-vault.js';
import type { FixDeps } from './fix.js';
import { Journal, type RunInfo } from './journal.js';
import { installLauncher, LAUNCHER_NAME, launcherInstallPath, launcherStatus } from './launcher.js';
import { KEYCHAIN_SERVICE, permissionRules } from './plan.js';
import { SecretsMeta } from './secrets-meta.js';
import { stateDir, stateDirPath } from './state.js';
import type { VerifyResult } from './verify.js';

// ---------------------------------------------------------------------------------------------
// The policy

/**
 * The workspace's team policy. Missing: PolicyMissingError (exit 2) saying what to do. Not JSON or
 * not valid: PolicyInvalidError (exit 1) naming the problem.
 */
export async function loadTeamPolicy(workspace: string): Promise<Policy> {
  const path = joinPath(workspace, POLICY_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new PolicyMissingError(
        `no ${POLICY_FILE} in ${workspace}: onboarding sets a machine up from the team policy committed at the repository root; run it there, or ask a teammate to create one with \`mcp-harden fix\``,
      );
    }
    throw new PolicyInvalidError(`${path} cannot be read (${code ?? 'error'})`);
  }
  // The same reader the policy is written for: JSON with comments and trailing commas is accepted.
  const { parse, printParseErrorCode } = await import('jsonc-parser');
  const errors: import('jsonc-parser').ParseError[] = [];
  const doc: unknown = parse(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: true });
  if (errors.length) {
    const e = errors[0]!;
    const before = text.slice(0, e.offset);
    throw new PolicyInvalidError(`${path} is not valid JSON: ${printParseErrorCode(e.error)} at ${before.split('\n').length}:${e.offset - before.lastIndexOf('\n')}`);
  }
  try {
    return validatePolicy(doc);
  } catch (err) {
    throw new PolicyInvalidError(`${path} is not a valid policy: ${(err as Error).message}`);
  }
}

function joinPath(dir: string, name: string): string {
  return (/^[A-Za-z]:[\\/]/.test(dir) ? win32 : posix).join(dir, name);
}

// ---------------------------------------------------------------------------------------------
// Preparing: what the policy needs on this machine, and what is already there

export interface RequiredSecret {
  /** The keychain account (service `mcp-harden`). */
  name: string;
  /** From the policy ('unknown' when its entry names none). */
  provider: string;
  kind?: string;
  /** Servers that use it: the policy's list and the configs that reference it. */
  servers: string[];
  /** The most restrictive trust among its servers (what its scopes are chosen for). */
  trust: TrustLevel;
  /** The scopes the policy asks for at that trust, and what kind of scopes they are. */
  scopes?: string[];
  scopesKind?: string;
  /** Where to create one (the policy's link). */
  create?: string;
  /** The policy has an entry for it (always: only described secrets are asked for). */
  described: boolean;
  status: 'present' | 'needed';
  /** Present items: configs outside this workspace that already use it, as far as the metadata knows. */
  usedElsewhere?: string[];
}

/**
 * A keychain item a config (or a policy server) references that the policy does not describe:
 * never asked for or stored by onboarding, only shown, so a committed config cannot make a new
 * teammate hand an item of another project to this repository's servers.
 */
export interface UndescribedSecret {
  name: string;
  /** Who references it: the config file and the server. */
  references: { file: string; server: string }[];
  /** An item of that name is already in the keychain (it is left as it is). */
  present: boolean;
}

export interface ConfigStep {
  /** One line for the user: what the step does. */
  what: string;
  file: string;
  status: 'todo' | 'done';
  /** The action that does it (todo steps only). */
  action?: Action;
}

export interface PreparedOnboard {
  workspace: string;
  policyFile: string;
  policy: Policy;
  /** The secrets the policy describes: asked for when missing. */
  secrets: RequiredSecret[];
  /** Referenced but not described by the policy: shown as warnings, never asked for. */
  undescribed: UndescribedSecret[];
  steps: ConfigStep[];
  /** What onboarding cannot do for the user (a TOML/YAML config to edit by hand, …). */
  leftOver: Plan['leftOver'];
  /** A stdio server references a keychain secret, so it starts through the launcher. */
  launcherNeeded: boolean;
  launcherPath: string;
  store: SecretStore;
  stateDir: string;
  interrupted: RunInfo[];
}

export interface OnboardOptions {
  audit: AuditOptions;
  /** The policy, when the caller loaded it already; read from the workspace otherwise. */
  policy?: Policy;
}

/** Every `mcp-harden` keychain account a string names. */
function accountsIn(value: string): string[] {
  const whole = parseReference(value);
  const refs = whole ? [whole] : findInlineReferences(value);
  return refs.filter((r) => r.service === KEYCHAIN_SERVICE).map((r) => r.account);
}

function serverStrings(s: Server): string[] {
  return [...s.env.map((e) => e.value.value), ...s.headers.map((h) => h.value.value), ...s.args.map((a) => a.value), ...(s.url ? [s.url.value] : [])];
}

function policyStrings(p: PolicyServer): string[] {
  return [...Object.values(p.env ?? {}), ...Object.values(p.headers ?? {}), ...(p.args ?? []), ...(p.url ? [p.url] : []), ...(p.command ? [p.command] : [])];
}

function formatOf(file: string): 'json' | 'toml' | 'yaml' {
  const lower = file.toLowerCase();
  return lower.endsWith('.toml') ? 'toml' : lower.endsWith('.yaml') || lower.endsWith('.yml') ? 'yaml' : 'json';
}

/** Where a client keeps its servers in a JSON config it does not have yet. */
function containerPath(client: ClientKind): DocPath {
  return client === 'vscode' ? ['servers'] : client === 'zed' ? ['context_servers'] : ['mcpServers'];
}

/**
 * The entry a JSON config gets for a policy server. A local server whose environment or arguments
 * name a keychain item starts through `mcp-harden-launch` by name, as committed configs do.
 */
export function serverDefinition(p: PolicyServer): ServerDefinition {
  const def: ServerDefinition = {};
  if (p.transport === 'stdio') {
    const refs = [...Object.values(p.env ?? {}), ...(p.args ?? [])].some((v) => accountsIn(v).length > 0);
    const command = p.command ?? '';
    const behind = refs && command !== LAUNCHER_NAME;
    if (p.client === 'vscode') def.type = 'stdio';
    def.command = behind ? LAUNCHER_NAME : command;
    def.args = behind ? [command, ...(p.args ?? [])] : [...(p.args ?? [])];
    if (p.env && Object.keys(p.env).length) def.env = { ...p.env };
    return def;
  }
  // Remote servers: the URL key and `type` each client reads (src/core/clients/parse.ts).
  if (p.client === 'claude-code' || p.client === 'vscode') def.type = p.transport;
  const urlKey = p.client === 'gemini' ? (p.transport === 'http' ? 'httpUrl' : 'url') : p.client === 'windsurf' ? 'serverUrl' : 'url';
  if (p.url) def[urlKey] = p.url;
  if (p.headers && Object.keys(p.headers).length) def.headers = { ...p.headers };
  return def;
}

/** A parsed-server view of a policy server, for the catalog match and the permission rules. */
function serverFromPolicy(p: PolicyServer, file: string, path: DocPath): Server {
  const def = serverDefinition(p);
  const loc = (value: string, at: DocPath): Located => ({ value, line: 0, column: 0, path: at });
  const s: Server = { name: p.name, client: p.client, scope: 'project', file, path, line: 0, column: 0, transport: p.transport, args: [], env: [], headers: [] };
  if (typeof def.command === 'string') s.command = loc(def.command, [...path, 'command']);
  if (Array.isArray(def.args)) s.args = def.args.map((a, i) => loc(a, [...path, 'args', i]));
  for (const [k, v] of Object.entries(p.env ?? {})) s.env.push({ key: k, value: loc(v, [...path, 'env', k]) });
  for (const [k, v] of Object.entries(p.headers ?? {})) s.headers.push({ key: k, value: loc(v, [...path, 'headers', k]) });
  if (p.url) s.url = loc(p.url, [...path, 'url']);
  return s;
}

/** Strings of a policy server that hold a plaintext secret: a policy is secret-free, so such a server is not copied. */
function holdsPlaintext(p: PolicyServer): boolean {
  const places: [string, 'env' | 'header' | 'arg' | 'url', string | undefined][] = [
    ...Object.entries(p.env ?? {}).map(([k, v]): [string, 'env', string] => [v, 'env', k]),
    ...Object.entries(p.headers ?? {}).map(([k, v]): [string, 'header', string] => [v, 'header', k]),
    ...(p.args ?? []).map((v): [string, 'arg', undefined] => [v, 'arg', undefined]),
    ...(p.url ? [[p.url, 'url', undefined] as [string, 'url', undefined]] : []),
  ];
  return places.some(([v, where, key]) => detectSecrets(v, { where, ...(key ? { key } : {}) }).length > 0);
}

const pathEq = (a: DocPath, b: DocPath) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Reads the policy, the workspace's committed configs and the keychain (which of our items exist),
 * and says what onboarding would do. Writes nothing. Throws KeychainUnavailableError (exit 10):
 * storing the team's secrets is what onboarding is for.
 */
export async function prepareOnboard(deps: FixDeps, opts: OnboardOptions): Promise<PreparedOnboard> {
  const host = opts.audit.host;
  const lib = host.platform === 'win32' ? win32 : posix;
  const workspace = opts.audit.workspace;
  const policy = opts.policy ?? (await loadTeamPolicy(workspace));
  // Only the workspace matters: the policy describes project servers, never the user's own.
  const { report, details } = await scan(deps.fs, deps.workspacePort, { ...opts.audit, noHome: true, configs: [], policy, ignore: policy.ignore ?? [] });
  const store = await deps.openStore();
  const present = new Set((await store.list(KEYCHAIN_SERVICE)).map((a) => a.account));

  const inside = (file: string) => {
    const rel = lib.relative(workspace, file);
    return rel !== '' && !rel.startsWith('..') && !lib.isAbsolute(rel);
  };
  const project = details.servers.filter((s) => s.scope === 'project');
  const leftOver: Plan['leftOver'] = [];
  const steps: ConfigStep[] = [];
  /** Servers as they will be after onboarding: the configs' own, and the policy's that get added. */
  const after: Server[] = [...project];
  const users = new Map<string, Set<string>>();
  /** Where each account is referenced, for the warning about the ones the policy does not describe. */
  const referencedAt = new Map<string, { file: string; server: string }[]>();
  const use = (account: string, server: string, file: string) => {
    users.set(account, new Set([...(users.get(account) ?? []), server]));
    const refs = referencedAt.get(account) ?? [];
    if (!refs.some((r) => r.file === file && r.server === server)) refs.push({ file, server });
    referencedAt.set(account, refs);
  };
  for (const s of project) for (const v of serverStrings(s)) for (const a of accountsIn(v)) use(a, s.name, s.file);
  const rel = (file: string) => lib.relative(workspace, file).split(lib.sep).join('/');
  const realWorkspace = await realpath(workspace).catch(() => workspace);

  const trustOf = new Map<string, TrustLevel>();
  for (const p of policy.servers ?? []) {
    const prev = trustOf.get(p.name);
    trustOf.set(p.name, prev && TRUST_ORDER.indexOf(prev) > TRUST_ORDER.indexOf(p.trust) ? prev : p.trust);
  }

  // Servers of the policy that their declared file lacks, and the pins it declares.
  for (const p of policy.servers ?? []) {
    const file = lib.resolve(workspace, p.file);
    if (!inside(file)) {
      leftOver.push({ rule: 'policy-server', file, server: p.name, why: `${p.file} is outside the workspace; onboarding changes files inside it only` });
      continue;
    }
    // Only where the client reads project servers: a policy cannot aim a write at any JSON file.
    const known = projectServerFiles(p.client);
    const isKnown = known.some((k) => lib.join(workspace, ...k.split('/')) === file);
    // The scan's view, or a known config read directly (the scan may have skipped it), so a
    // second run finds what the first one added.
    const existing =
      project.find((s) => s.file === file && s.client === p.client && s.name === p.name) ?? (isKnown ? await serverInFile(file, p.client, p.name) : undefined);
    if (!existing) {
      if (!isKnown) {
        const where = known.length ? `project servers are read from ${known.join(' or ')}` : 'it reads no project config onboarding can edit';
        leftOver.push({
          rule: 'policy-server',
          file,
          server: p.name,
          why: `${p.file} is not a ${CLIENT_LABELS[p.client]} project config (${where}); "${p.name}" was not added`,
        });
        continue;
      }
      if (formatOf(file) !== 'json') {
        leftOver.push({ rule: 'policy-server', file, server: p.name, why: `add server "${p.name}" to ${p.file} by hand, as ${POLICY_FILE} defines it (onboarding edits JSON configs only)` });
        continue;
      }
      if (!(await staysInside(file, realWorkspace))) {
        leftOver.push({ rule: 'policy-server', file, server: p.name, why: linkedOutNote(p.file, p.name) });
        continue;
      }
      if (holdsPlaintext(p)) {
        leftOver.push({ rule: 'policy-server', file, server: p.name, why: `the definition of "${p.name}" in ${POLICY_FILE} holds what looks like a plaintext secret; it was not copied` });
        continue;
      }
      const serverPath = [...(await containerIn(file, p.client)), p.name];
      const action: Action = { kind: 'add-server', file, client: p.client, server: p.name, serverPath, definition: serverDefinition(p) };
      steps.push({ what: `add server "${p.name}" to ${p.file}`, file, status: 'todo', action });
      after.push(serverFromPolicy(p, file, serverPath));
      for (const v of policyStrings(p)) for (const a of accountsIn(v)) use(a, p.name, file);
      continue;
    }
    if (!project.includes(existing)) {
      after.push(existing);
      for (const v of serverStrings(existing)) for (const a of accountsIn(v)) use(a, existing.name, file);
    }
    steps.push({ what: `server "${p.name}" in ${p.file}`, file, status: 'done' });
    if (p.pin) {
      const ref = packageRef(existing);
      const argAt = ref ? existing.args.findIndex((a) => pathEq(a.path, ref.at.path)) : -1;
      if (ref && ref.spec === p.pin) {
        steps.push({ what: `"${p.name}" runs ${p.pin}`, file, status: 'done' });
      } else if (!ref || argAt < 0) {
        leftOver.push({ rule: 'policy-violation', file, server: p.name, why: `pin "${p.name}" to ${p.pin} by hand, as ${POLICY_FILE} asks` });
      } else {
        const action: Action = { kind: 'pin-version', file, client: p.client, server: p.name, serverPath: existing.path, argPath: ref.at.path, from: ref.spec, to: p.pin };
        const change = await computePin(action).catch(() => null);
        if (change && change.after === change.before) steps.push({ what: `"${p.name}" runs ${p.pin}`, file, status: 'done' });
        else if (!(await staysInside(file, realWorkspace))) leftOver.push({ rule: 'policy-violation', file, server: p.name, why: linkedOutNote(p.file, p.name) });
        else steps.push({ what: `pin "${p.name}" in ${p.file} to ${p.pin}`, file, status: 'todo', action });
      }
    }
  }

  // Claude Code permission rules for the write tools of limited and untrusted servers, as fix adds them.
  const localDir = lib.join(workspace, '.claude');
  const localFacts = await deps.fs.inspect(localDir);
  const claudeSettings = localFacts && !localFacts.isFile && !localFacts.isSymlink ? { local: lib.join(localDir, 'settings.local.json') } : {};
  const policyNames = new Set((policy.servers ?? []).map((p) => p.name));
  const ruled = after.filter((s) => policyNames.has(s.name) && trustOf.get(s.name) !== 'trusted');
  const permissionNotes: Plan['leftOver'] = [];
  const perms = permissionRules(
    ruled,
    report,
    { workspace, home: host.home, platform: host.platform, launcherPath: '', trust: trustOf, claudeSettings },
    (f) => inside(f),
    permissionNotes,
  );
  leftOver.push(...permissionNotes);
  for (const action of perms) {
    if (action.kind !== 'set-permissions') continue;
    const rel = lib.relative(workspace, action.file).split(lib.sep).join('/');
    const change = await computePermissions(action).catch(() => null);
    const what = `permission rules for ${action.servers.map((n) => `"${n}"`).join(', ')} in ${rel}`;
    steps.push(change && change.after === change.before ? { what, file: action.file, status: 'done' } : { what, file: action.file, status: 'todo', action });
  }

  // The secrets the policy lists are asked for; one a config references that the policy does not
  // describe is only reported: asking for it would let any committed config name an item to fill.
  const described = new Set((policy.secrets ?? []).map((x) => x.name));
  const undescribed: UndescribedSecret[] = [...referencedAt]
    .filter(([name]) => !described.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, refs]) => ({ name, references: refs.map((r) => ({ file: rel(r.file), server: r.server })), present: present.has(name) }));
  const dir = stateDirPath(host);
  const meta = await new SecretsMeta({ stateDir: dir }).list().catch(() => []);
  const secrets: RequiredSecret[] = [];
  for (const entry of [...(policy.secrets ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const name = entry.name;
    const all = [...new Set([...(entry.servers ?? []), ...(users.get(name) ?? [])])].sort();
    // The most restrictive level among its servers; a server the policy does not rate counts as untrusted.
    const levels = all.map((n) => trustOf.get(n) ?? 'untrusted');
    const trust = levels.reduce<TrustLevel>((worst, l) => (TRUST_ORDER.indexOf(l) > TRUST_ORDER.indexOf(worst) ? l : worst), levels.length ? 'trusted' : 'untrusted');
    const r: RequiredSecret = {
      name,
      provider: entry.provider ?? 'unknown',
      servers: all,
      trust,
      described: true,
      status: present.has(name) ? 'present' : 'needed',
    };
    if (entry.kind) r.kind = entry.kind;
    if (entry.scopes) {
      r.scopes = [...entry.scopes[trust]];
      r.scopesKind = entry.scopes.kind;
    }
    if (entry.create) r.create = entry.create;
    if (r.status === 'present') {
      // An item of that name may already serve another project: say so before this one relies on it.
      const refs = meta.find((m) => m.service === KEYCHAIN_SERVICE && m.account === name)?.references ?? [];
      const elsewhere = [...new Set(refs.map((x) => x.file).filter((f) => !inside(f) && f !== workspace))].sort();
      if (elsewhere.length) r.usedElsewhere = elsewhere;
    }
    secrets.push(r);
  }

  const launcherNeeded = after.some((s) => s.transport === 'stdio' && [...s.env.map((e) => e.value.value), ...s.args.map((a) => a.value)].some((v) => accountsIn(v).length > 0));
  const interrupted = await new Journal({ stateDir: dir }).findInterrupted();
  return {
    workspace,
    policyFile: lib.join(workspace, POLICY_FILE),
    policy,
    secrets,
    undescribed,
    steps,
    leftOver,
    launcherNeeded,
    launcherPath: host.platform === 'win32' ? '' : launcherInstallPath(host),
    store,
    stateDir: dir,
    interrupted,
  };
}

/** The server of that name in a config, read directly; undefined when the file or the server is not there. */
async function serverInFile(file: string, client: ClientKind, name: string): Promise<Server | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const source = { ...inferSource(file, text, client), scope: 'project' as const };
  return parseConfig(source, text).servers.find((s) => s.name === name);
}

/**
 * Whether a write to `file` stays in the workspace once symlinks are followed: the real path of the
 * file, or of its deepest existing folder, must be inside the real workspace.
 */
async function staysInside(file: string, realWorkspace: string): Promise<boolean> {
  const lib = /^[A-Za-z]:[\\/]/.test(file) ? win32 : posix;
  for (let p = file; ; p = lib.dirname(p)) {
    const exists = await lstat(p).then(
      () => true,
      () => false,
    );
    if (exists) {
      const real = await realpath(p).catch(() => null);
      if (real === null) return false;
      const r = lib.relative(realWorkspace, real);
      return r === '' || (!r.startsWith('..') && !lib.isAbsolute(r));
    }
    if (lib.dirname(p) === p) return false;
  }
}

function linkedOutNote(declared: string, server: string): string {
  return `${declared} is reached through a symlink that leads outside the workspace; "${server}" was not changed there (onboarding changes files inside the workspace only)`;
}

/** Where servers sit in a config that exists: beside the servers it already declares; the client's usual key otherwise. */
async function containerIn(file: string, client: ClientKind): Promise<DocPath> {
  try {
    const text = await readFile(file, 'utf8');
    const first = parseConfig(inferSource(file, text, client), text).servers[0];
    if (first && typeof first.path[first.path.length - 1] === 'string') return first.path.slice(0, -1);
  } catch {
    // A file that does not exist yet gets the client's usual layout.
  }
  return containerPath(client);
}

// ---------------------------------------------------------------------------------------------
// Checking what the user gives

export interface ValueCheck {
  ok: boolean;
  /** One line each; never the value. */
  problems: string[];
}

/**
 * Whether a value can be what the policy asks for: the shared shape check (not empty, not a
 * placeholder or reference, of the provider and kind the policy names, a valid GitHub checksum, a
 * believable length), worded with the secret's name.
 */
export function checkSecretValue(value: string, required: Pick<RequiredSecret, 'name' | 'provider' | 'kind'>): ValueCheck {
  const shape = checkShape(value, { provider: required.provider, ...(required.kind ? { kind: required.kind } : {}), key: required.name });
  return { ok: shape.ok, problems: shape.problems.map((p) => `${required.name}: ${p}`) };
}

export interface LiveCheck extends ValueCheck {
  /** What the provider says the token can do, when it says. */
  scopes?: string[];
  /** Scopes beyond what the secret's trust level allows: stored anyway, and said. */
  beyondTrust?: string[];
  /** One line: what was learnt, or why nothing was. */
  detail: string;
  checked: boolean;
}

/**
 * Asks the provider (read-only) whether the token works and what it can do. A token the provider
 * rejects is not ok; one that cannot be checked (no checker, offline) is ok with a note.
 */
export async function checkSecretLive(
  value: string,
  required: Pick<RequiredSecret, 'name' | 'provider' | 'kind' | 'trust'>,
  opts: { env?: Readonly<Record<string, string | undefined>>; timeoutMs?: number } = {},
): Promise<LiveCheck> {
  const { CHECKERS, checkFor, providerLabel } = await import('../adapters/scope-check.js');
  const v = value.trim();
  const detected = detectSecrets(v, { where: 'env', key: required.name }).find((d) => d.start === 0 && d.end === v.length);
  const provider = required.provider !== 'unknown' ? required.provider : (detected?.provider ?? 'unknown');
  const which = checkFor(provider, required.kind ?? detected?.kind ?? '', v);
  if (!which) return { ok: true, problems: [], detail: `no live check for ${provider} credentials`, checked: false };
  const result = await CHECKERS[which](v, { ...(opts.env ? { env: opts.env } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
  if (result.status === 'invalid') return { ok: false, problems: [`${required.name}: ${result.detail}`], detail: result.detail, checked: true };
  const out: LiveCheck = { ok: true, problems: [], detail: result.status === 'ok' ? `${providerLabel(which)} accepted it` : result.detail, checked: result.status === 'ok' };
  if (result.scopes) {
    out.scopes = result.scopes;
    const beyond = scopesBeyondTrust(provider, result.scopes, required.trust);
    if (beyond.length) out.beyondTrust = beyond;
  }
  return out;
}

export interface ParsedSecretLines {
  values: Map<string, string>;
  /** By line number and name only; never a value. */
  errors: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.@-]*$/;

/**
 * `NAME=value` lines (onboard --yes): `#` comments and blank lines are skipped, an `export ` prefix
 * and quotes around the value are dropped, and as in dotenv an unquoted value ends before ` #` (a
 * comment after a space); CRLF line ends are fine. Every other line is an error, as is a name that
 * is not required, one the policy does not describe (`undescribed`), or one given twice.
 */
export function parseSecretLines(text: string, requiredNames: Iterable<string>, undescribed: Iterable<string> = []): ParsedSecretLines {
  const required = new Set(requiredNames);
  const notDescribed = new Set(undescribed);
  const values = new Map<string, string>();
  const firstLine = new Map<string, number>();
  const errors: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const body = line.replace(/^export\s+/, '');
    const eq = body.indexOf('=');
    const name = eq > 0 ? body.slice(0, eq).trim() : '';
    if (eq <= 0 || !NAME.test(name)) {
      errors.push(`line ${n}: expected NAME=value`);
      return;
    }
    if (notDescribed.has(name) && !required.has(name)) {
      errors.push(`line ${n}: ${name} is referenced by a config but not described by ${POLICY_FILE}; onboarding does not store it`);
      return;
    }
    if (!required.has(name)) {
      errors.push(`line ${n}: ${name} is not a secret this workspace needs`);
      return;
    }
    if (firstLine.has(name)) {
      errors.push(`line ${n}: ${name} is given twice (first on line ${firstLine.get(name)})`);
      return;
    }
    let value = body.slice(eq + 1).trim();
    const q = value[0] ?? '';
    const close = q === '"' || q === "'" ? value.indexOf(q, 1) : -1;
    if (close > 0 && value.length >= 2 && value.endsWith(q)) value = value.slice(1, -1);
    else if (close > 0 && /^\s+#/.test(value.slice(close + 1))) value = value.slice(1, close);
    // Unquoted: a space then `#` starts a comment (a `#` inside a value, as in `ab#cd`, stays).
    else if (close < 0) value = value.replace(/\s+#.*$/, '');
    firstLine.set(name, n);
    values.set(name, value);
  });
  return { values, errors };
}

// ---------------------------------------------------------------------------------------------
// Applying

export interface OnboardApplyOptions {
  host: HostEnv;
  /** The values for needed secrets, by name. Memory only; names already present are ignored. */
  values: ReadonlyMap<string, string>;
  /** Start each policy server afterwards (MCP initialize and tools/list). */
  verify?: boolean;
  verifyTimeoutMs?: number;
  onEvent?(e: ApplyEvent): void;
  signal?: AbortSignal;
  /** Tests: install the launcher from this source instead of the shipped script. */
  launcherSource?: string;
}

export type SecretOutcome = 'stored' | 'present' | 'failed' | 'not-given';
export type StepOutcome = 'applied' | 'done' | 'failed' | 'skipped';

export interface OnboardResult {
  secrets: (RequiredSecret & { outcome: SecretOutcome; message?: string })[];
  steps: (ConfigStep & { outcome: StepOutcome; message?: string })[];
  launcher: { needed: boolean; installed: boolean; onPath: string | null; reachable: boolean; linkPath?: string };
  /** The journaled run; null when there was nothing to do (nothing was written). */
  run: ApplyResult | null;
  verify?: VerifyResult[];
}

/** The plan a run carries out: the values to store first, then the config steps. */
export function onboardPlan(prepared: PreparedOnboard, values: ReadonlyMap<string, string>): { plan: Plan; provided: Map<string, string> } {
  const provided = new Map<string, string>();
  const actions: Action[] = [];
  for (const s of prepared.secrets) {
    if (s.status !== 'needed') continue;
    const value = values.get(s.name);
    if (value === undefined) continue;
    const fp = fingerprint(value);
    provided.set(fp, value);
    const detected = detectSecrets(value, { where: 'env', key: s.name }).find((d) => d.start === 0 && d.end === value.length);
    actions.push({
      kind: 'store-secret',
      service: KEYCHAIN_SERVICE,
      account: s.name,
      fingerprint: fp,
      provider: s.provider !== 'unknown' ? s.provider : (detected?.provider ?? 'unknown'),
      secretKind: s.kind ?? detected?.kind ?? 'unknown',
      from: [],
      provided: true,
    });
  }
  for (const step of prepared.steps) if (step.status === 'todo' && step.action) actions.push(step.action);
  return { plan: { workspace: prepared.workspace, actions, leftOver: prepared.leftOver }, provided };
}

/**
 * Installs the launcher when a server needs it, stores the given values and makes the config
 * changes in one journaled run, then optionally starts the policy's servers. A second run with
 * the same input finds everything done and writes nothing.
 */
export async function applyOnboard(prepared: PreparedOnboard, opts: OnboardApplyOptions): Promise<OnboardResult> {
  const host = opts.host;
  let installed = false;
  let linkPath: string | undefined;
  if (prepared.launcherNeeded && host.platform !== 'win32') {
    const r = await installLauncher(host, opts.launcherSource ? { source: opts.launcherSource } : {});
    installed = true;
    linkPath = r.linkPath;
  }
  const status = prepared.launcherNeeded && host.platform !== 'win32' ? await launcherStatus(host, opts.launcherSource ? { source: opts.launcherSource } : {}) : null;
  const { plan, provided } = onboardPlan(prepared, opts.values);

  let run: ApplyResult | null = null;
  const outcomeOf = new Map<Action, { outcome: 'applied' | 'done' | 'failed' | 'skipped'; message?: string }>();
  if (plan.actions.length) {
    await stateDir(host);
    const journal = new Journal({ stateDir: prepared.stateDir });
    const staleFiles: string[] = [];
    for (const r of prepared.interrupted) {
      const record = await journal.read(r.id);
      for (const step of record.steps) for (const u of step.undo) if (u.kind === 'file') staleFiles.push(u.path);
    }
    run = await applyPlan(
      plan,
      {
        host,
        store: prepared.store,
        vault: new BackupVault({ stateDir: prepared.stateDir, store: prepared.store }),
        journal,
        meta: new SecretsMeta({ stateDir: prepared.stateDir }),
        launcherPath: prepared.launcherPath,
        // Project files only: a link from the workspace into HOME is not followed either.
        allowedRoots: [prepared.workspace],
        staleFiles,
        provided,
        onEvent: (e) => {
          if (e.type === 'done') outcomeOf.set(e.action, { outcome: e.message && /^already/.test(e.message) ? 'done' : 'applied', ...(e.message ? { message: e.message } : {}) });
          if (e.type === 'failed' || e.type === 'skipped') outcomeOf.set(e.action, { outcome: e.type, message: e.message });
          opts.onEvent?.(e);
        },
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      'onboard',
    );
  }

  const storeActions = new Map(plan.actions.flatMap((a) => (a.kind === 'store-secret' ? [[a.account, a] as const] : [])));
  const secrets = prepared.secrets.map((s) => {
    if (s.status === 'present') return { ...s, outcome: 'present' as const };
    const a = storeActions.get(s.name);
    const o = a ? outcomeOf.get(a) : undefined;
    if (!a) return { ...s, outcome: 'not-given' as const };
    if (!o) return { ...s, outcome: 'failed' as const, message: run?.cancelled ? 'cancelled before it was stored' : 'not stored' };
    const outcome: SecretOutcome = o.outcome === 'applied' || o.outcome === 'done' ? 'stored' : 'failed';
    return { ...s, outcome, ...(o.message ? { message: o.message } : {}) };
  });
  const steps = prepared.steps.map((step) => {
    if (step.status === 'done' || !step.action) return { ...step, outcome: 'done' as const };
    const o = outcomeOf.get(step.action);
    return { ...step, outcome: o?.outcome ?? ('skipped' as const), ...(o?.message ? { message: o.message } : {}) };
  });

  const result: OnboardResult = {
    secrets,
    steps,
    launcher: { needed: prepared.launcherNeeded, installed, onPath: status?.onPath ?? null, reachable: status?.reachable ?? false, ...(linkPath ? { linkPath } : {}) },
    run,
  };
  // Servers start only after a complete run: a half-applied setup is not what the user gets.
  const complete = !run || (!run.cancelled && !run.failed.length);
  if (opts.verify && complete) result.verify = await verifyPolicyServers(prepared, host, opts.verifyTimeoutMs);
  return result;
}

/** Starts each local policy server from its config as it is now (through the launcher where it names it). */
async function verifyPolicyServers(prepared: PreparedOnboard, host: HostEnv, timeoutMs?: number): Promise<VerifyResult[]> {
  const { loadTargets, verifyServers } = await import('./verify.js');
  const { VERIFY_TIMEOUT_MS } = await import('../core/plan.js');
  const lib = host.platform === 'win32' ? win32 : posix;
  const refs = (prepared.policy.servers ?? [])
    .filter((p) => p.transport === 'stdio')
    .map((p) => ({ client: p.client, file: lib.resolve(prepared.workspace, p.file), server: p.name, scope: 'project' as const }));
  const { targets, unresolved } = await loadTargets(refs, host.home);
  const results = await verifyServers(targets, { timeoutMs: timeoutMs ?? VERIFY_TIMEOUT_MS, env: host.env });
  return [...unresolved, ...results];
}

