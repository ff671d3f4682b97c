// Rotation of a leaked secret (DESIGN §1, moment 2): find every place the old value is used, store
// the new value, switch every consumer with the same journaled actions as `fix`, check that every
// reference resolves and that no copy of the old value is left, and date the rotation.
//
// The old and new values live only in this process (a RotateSession's private map): what a UI gets
// is names, places, masks and fingerprints.
import { posix, win32 } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { ClientKind, HostEnv, SecretWhere, Server } from '../core/model.js';
import type { Action, Plan } from '../core/plan.js';
import type { AuditReport } from '../core/report.js';
import { findInlineReferences, parseReference } from '../core/reference.js';
import { checkShape, fingerprint, maskSecret, type ShapeCheck } from '../core/secrets/index.js';
import type { ReadOnlyFs } from '../ports/fs.js';
import type { SecretStore } from '../ports/secret-store.js';
import { applyPlan, launcherResolves, type ApplyEvent, type ApplyResult } from './apply.js';
import { scan, type AuditDetails, type AuditOptions, type SecretHit, type WorkspacePort } from './audit.js';
import { BACKUP_KEY_ACCOUNT, BackupVault } from './backup-vault.js';
import { Journal } from './journal.js';
import { installLauncher, launcherInstallPath } from './launcher.js';
import { KEYCHAIN_SERVICE, planMigration, type PlannedSecret } from './plan.js';
import { vscodeInputId } from './remote-headers.js';
import { SecretsMeta, type SecretMeta } from './secrets-meta.js';
import { stateDir, stateDirPath } from './state.js';

export interface RotateDeps {
  fs: ReadOnlyFs;
  workspacePort: WorkspacePort;
  /** Opens and probes the keychain; throws KeychainUnavailableError (exit 10). */
  openStore(): Promise<SecretStore>;
  /** Checks a reference resolves to the value; defaults to running the installed launcher. */
  resolvesTo?(service: string, account: string, value: string): Promise<boolean>;
}

/** A secret that can be rotated: a keychain item of ours, or a plaintext secret the audit found. */
export interface RotateCandidate {
  /** The name it has (keychain account) or would get in the keychain. */
  name: string;
  fingerprint: string;
  provider: string;
  kind: string;
  /** `ghp_…(40)`: safe to show. */
  masked: string;
  /** Our keychain items that hold the value. */
  items: string[];
  /** How many places use it (references to its items, plaintext copies). */
  uses: number;
  /** Rotated or stored date of its item, ISO 8601, when recorded. */
  lastChanged?: string;
}

export interface RotatePlace {
  file: string;
  line?: number;
  /**
   * `reference`: a config names the keychain item; `vscode-input`: a VS Code password input made for
   * the item (VS Code keeps the value itself); the others are plaintext copies of the value.
   */
  kind: 'reference' | 'vscode-input' | SecretWhere;
  client?: ClientKind;
  server?: string;
  key?: string;
  /** The VS Code input id (`vscode-input` places). */
  input?: string;
}

export interface RotateUsage {
  candidate: RotateCandidate;
  /** Keychain items (service/account) holding the value. */
  items: { service: string; account: string }[];
  places: RotatePlace[];
}

export interface RotateOutcome {
  apply: ApplyResult;
  /** Every item now holding the new value, read back. */
  items: { service: string; account: string; holdsNew: boolean; resolves: boolean | null }[];
  /** Copies of the old value still on disk after the run (files the run could not change). */
  leftOld: RotatePlace[];
  /** References (in configs) to a rotated item that does not exist. */
  dangling: RotatePlace[];
  /**
   * Consumers this run cannot switch: VS Code password inputs for a rotated item keep the old value
   * in VS Code's own secret storage until the user types the new one there.
   */
  manual: { file: string; server: string; input: string; why: string }[];
  /** Configs holding a reference to the rotated item, after the run. */
  references: RotatePlace[];
  after: AuditReport;
  launcher?: { scriptPath: string };
}

const SWITCH_KINDS = new Set<Action['kind']>(['store-secret', 'rewrite-config', 'remove-plaintext', 'delete-backup', 'remove-history-lines']);

/** Every `service/account` a config string names. */
function referencesIn(value: string): { service: string; account: string }[] {
  const whole = parseReference(value);
  return whole ? [whole] : findInlineReferences(value);
}

function serverStrings(s: Server): string[] {
  return [...s.env.map((e) => e.value.value), ...s.headers.map((h) => h.value.value), ...s.args.map((a) => a.value), ...(s.url ? [s.url.value] : [])];
}

const itemKey = (service: string, account: string) => `${service}\u0000${account}`;

/** Config places that reference a keychain item (any service), by itemKey. */
function referencePlaces(servers: readonly Server[]): Map<string, RotatePlace[]> {
  const out = new Map<string, RotatePlace[]>();
  for (const s of servers) {
    const keys = new Set(serverStrings(s).flatMap(referencesIn).map((r) => itemKey(r.service, r.account)));
    for (const k of keys) {
      out.set(k, [...(out.get(k) ?? []), { file: s.file, line: s.line, kind: 'reference', client: s.client, server: s.name }]);
    }
  }
  return out;
}

/** Every item of another service that a config references (ours are listed from the keychain). */
function otherItems(servers: readonly Server[]): { service: string; account: string }[] {
  const seen = new Map<string, { service: string; account: string }>();
  for (const r of servers.flatMap(serverStrings).flatMap(referencesIn)) {
    if (r.service !== KEYCHAIN_SERVICE) seen.set(itemKey(r.service, r.account), { service: r.service, account: r.account });
  }
  return [...seen.values()];
}

const INPUT_RE = /\$\{input:([^}]+)\}/g;

/** VS Code servers using a `${input:ID}` in a header, env value, argument or URL, by input id. */
function inputPlaces(servers: readonly Server[]): Map<string, RotatePlace[]> {
  const out = new Map<string, RotatePlace[]>();
  for (const s of servers) {
    if (s.client !== 'vscode') continue;
    const ids = new Set(serverStrings(s).flatMap((v) => [...v.matchAll(INPUT_RE)].map((m) => m[1]!)));
    for (const id of ids) {
      out.set(id, [...(out.get(id) ?? []), { file: s.file, line: s.line, kind: 'vscode-input', client: s.client, server: s.name, input: id }]);
    }
  }
  return out;
}

/** A store-secret step of an interrupted rotation: the item may hold the new value already. */
interface Interrupted {
  run: string;
  service: string;
  account: string;
  /** Fingerprint of the value the run stores. */
  newFp: string;
  /** Fingerprint of the value it replaces. */
  oldFp: string;
  /** Vault id of the item's value before the run, when it had one. */
  backup?: string;
}

function hitPlace(h: SecretHit): RotatePlace {
  return { file: h.file, line: h.line, kind: h.where, ...(h.client ? { client: h.client } : {}), ...(h.server ? { server: h.server } : {}), ...(h.key ? { key: h.key } : {}) };
}

export class RotateSession {
  /** Old values by fingerprint: keychain items and plaintext hits. Never leaves this object. */
  readonly #values = new Map<string, string>();
  readonly #items = new Map<string, string>(); // account → fingerprint
  /** Items of other services that configs reference, with the fingerprint of their value. */
  readonly #others: { service: string; account: string; fingerprint: string }[] = [];
  /** Interrupted rotations whose item already holds the new value: the item still stands for the old one. */
  #resumed: Interrupted[] = [];
  /** Every store-secret step of an interrupted rotation. */
  #interrupted: Interrupted[] = [];
  #candidates: RotateCandidate[] = [];

  private constructor(
    private readonly deps: RotateDeps,
    readonly audit: AuditOptions,
    readonly store: SecretStore,
    public report: AuditReport,
    private details: AuditDetails,
    private readonly meta: SecretMeta[],
  ) {}

  /** Scans, opens the keychain and reads our items. Changes nothing. */
  static async open(deps: RotateDeps, audit: AuditOptions): Promise<RotateSession> {
    const store = await deps.openStore();
    const { report, details } = await scan(deps.fs, deps.workspacePort, audit);
    const meta = await new SecretsMeta({ stateDir: stateDirPath(audit.host) }).list().catch(() => []);
    const session = new RotateSession(deps, audit, store, report, details, meta);
    await session.#load();
    return session;
  }

  get host(): HostEnv {
    return this.audit.host;
  }

  async #load(): Promise<void> {
    // Old values stay known after a rotation (history search, revocation report, liveness check).
    this.#items.clear();
    this.#others.length = 0;
    this.#resumed = [];
    const interrupted = await this.#interruptedRotations();
    this.#interrupted = interrupted;
    /** The fingerprint an item stands for: the old value's while an interrupted rotation of it is unfinished. */
    const standsFor = (service: string, account: string, value: string): string => {
      const fp = fingerprint(value);
      const run = interrupted.find((r) => r.service === service && r.account === account && r.newFp === fp);
      if (!run) {
        this.#values.set(fp, value);
        return fp;
      }
      this.#resumed.push(run);
      return run.oldFp;
    };
    for (const { account } of await this.store.list(KEYCHAIN_SERVICE)) {
      if (account === BACKUP_KEY_ACCOUNT) continue;
      const v = await this.store.get(KEYCHAIN_SERVICE, account);
      if (v === null || v === '') continue;
      this.#items.set(account, standsFor(KEYCHAIN_SERVICE, account, v));
    }
    // Items the user made by hand (DESIGN §3) that the launcher resolves for a config: when one holds
    // the rotated value it is a consumer like ours.
    for (const { service, account } of otherItems(this.details.servers)) {
      const v = await this.store.get(service, account).catch(() => null);
      if (v === null || v === '') continue;
      this.#others.push({ service, account, fingerprint: standsFor(service, account, v) });
    }
    for (const h of this.details.hits) this.#values.set(fingerprint(h.detection.value), h.detection.value);
    // The old value of a resumed rotation whose copies are all switched is in the run's backup.
    const vault = new BackupVault({ stateDir: stateDirPath(this.host), store: this.store });
    for (const r of this.#resumed) {
      if (this.#values.has(r.oldFp) || !r.backup) continue;
      const old = await vault.load(r.backup).then((b) => b.toString('utf8')).catch(() => null);
      if (old !== null && fingerprint(old) === r.oldFp) this.#values.set(r.oldFp, old);
    }
    this.#candidates = this.#buildCandidates();
  }

  /**
   * The store-secret steps of interrupted `rotate` runs, newest run first. A run killed after the new
   * value was stored but before every consumer was switched is carried on by rotating again.
   */
  async #interruptedRotations(): Promise<Interrupted[]> {
    const journal = new Journal({ stateDir: stateDirPath(this.host) });
    const out: Interrupted[] = [];
    const runs = await journal.findInterrupted().catch(() => []);
    for (const run of runs.filter((r) => r.summary.command === 'rotate')) {
      const record = await journal.read(run.id).catch(() => null);
      for (const step of record?.steps ?? []) {
        const a = step.action;
        if (a.kind !== 'store-secret' || !a.replaces?.length) continue;
        const undo = step.undo.find((u) => u.kind === 'keychain-item');
        const backup = undo?.kind === 'keychain-item' ? undo.backup : undefined;
        out.push({ run: run.id, service: a.service, account: a.account, newFp: a.fingerprint, oldFp: a.replaces[0]!, ...(backup ? { backup } : {}) });
      }
    }
    return out;
  }

  /** Items of other services holding the value. */
  #othersOf(c: RotateCandidate): { service: string; account: string }[] {
    return this.#others.filter((o) => o.fingerprint === c.fingerprint).map(({ service, account }) => ({ service, account }));
  }

  #planned(): PlannedSecret[] {
    // The names fix would give each plaintext secret (so rotate and a later fix agree).
    const levels = new Map([...new Set(this.details.hits.map((h) => fingerprint(h.detection.value)))].map((fp) => [fp, 2 as const]));
    return planMigration(this.report, this.details, this.#planOptions({ levels })).secrets;
  }

  #planOptions(extra: { levels: Map<string, 1 | 2>; removeHistory?: boolean }) {
    return {
      workspace: this.audit.workspace,
      home: this.host.home,
      platform: this.host.platform,
      launcherPath: launcherInstallPath(this.host),
      existing: new Map(this.#items),
      ...extra,
    };
  }

  #buildCandidates(): RotateCandidate[] {
    const metaOf = (account: string) => this.meta.find((m) => m.service === KEYCHAIN_SERVICE && m.account === account);
    const byFp = new Map<string, RotateCandidate>();
    for (const [account, fp] of [...this.#items].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const value = this.#values.get(fp)!;
      const m = metaOf(account);
      const c = byFp.get(fp);
      if (c) {
        c.items.push(account);
        continue;
      }
      const shape = checkShape(value, { key: account });
      byFp.set(fp, {
        name: account,
        fingerprint: fp,
        provider: m?.provider ?? shape.provider ?? 'unknown',
        kind: m?.kind ?? shape.kind ?? 'unknown',
        masked: maskSecret(value),
        items: [account],
        uses: 0,
        ...(m ? { lastChanged: m.rotated ?? m.created } : {}),
      });
    }
    const planned = this.#planned();
    for (const h of this.details.hits) {
      const fp = fingerprint(h.detection.value);
      if (byFp.has(fp)) continue;
      const p = planned.find((x) => x.fingerprint === fp);
      byFp.set(fp, {
        name: p?.account ?? h.key ?? `${h.detection.provider}-${fp.slice(0, 6)}`,
        fingerprint: fp,
        provider: h.detection.provider,
        kind: h.detection.kind,
        masked: maskSecret(h.detection.value),
        items: [],
        uses: 0,
      });
    }
    const all = [...byFp.values()];
    for (const c of all) c.uses = this.usage(c).places.length;
    return all;
  }

  /** Keychain items first (by name), then plaintext secrets. */
  candidates(): RotateCandidate[] {
    return [...this.#candidates];
  }

  /** By keychain item name (`NAME` or `mcp-harden/NAME`) or the name a plaintext secret would get. */
  find(name: string): RotateCandidate | undefined {
    const n = name.startsWith(`${KEYCHAIN_SERVICE}/`) ? name.slice(KEYCHAIN_SERVICE.length + 1) : name;
    const byName = this.#candidates.find((c) => c.items.includes(n)) ?? this.#candidates.find((c) => c.name === n);
    if (byName) return byName;
    // An item of another service, by `SERVICE/ACCOUNT`.
    const other = this.#others.find((o) => `${o.service}/${o.account}` === name);
    return other ? this.#candidates.find((c) => c.fingerprint === other.fingerprint) : undefined;
  }

  /** The candidate whose value is the pasted one (matched by fingerprint; the value is not kept). */
  matchValue(value: string): RotateCandidate | undefined {
    const fp = fingerprint(value.trim());
    return this.#candidates.find((c) => c.fingerprint === fp);
  }

  usage(c: RotateCandidate): RotateUsage {
    const refs = referencePlaces(this.details.servers);
    const inputs = inputPlaces(this.details.servers);
    const items = [...c.items.map((account) => ({ service: KEYCHAIN_SERVICE, account })), ...this.#othersOf(c)];
    const places: RotatePlace[] = items.flatMap((i) => refs.get(itemKey(i.service, i.account)) ?? []);
    places.push(...c.items.flatMap((a) => inputs.get(vscodeInputId(a)) ?? []));
    for (const h of this.details.hits) if (fingerprint(h.detection.value) === c.fingerprint) places.push(hitPlace(h));
    return { candidate: c, items, places };
  }

  /**
   * Runs `work` with the old value (git history search, revocation report, liveness check) without
   * handing it to the caller's state.
   */
  async withOldValue<T>(c: RotateCandidate, work: (value: string) => Promise<T>): Promise<T> {
    const v = this.#values.get(c.fingerprint);
    if (v === undefined) throw new UsageError(`the value of ${c.name} is no longer known to this run`);
    return work(v);
  }

  /** Checks a new value: its shape for the old one's provider and kind, and that it is not the old value. */
  checkNew(c: RotateCandidate, value: string): ShapeCheck {
    // The kind may change within the provider (a classic GitHub token replaced by a fine-grained one).
    const shape = checkShape(value, { provider: c.provider, key: c.name });
    // Carrying on an interrupted rotation: its new value, already in the item, is given again.
    if (this.#resumed.some((r) => r.oldFp === c.fingerprint && r.newFp === fingerprint(value.trim()))) return shape;
    if (fingerprint(value.trim()) === c.fingerprint) return { ...shape, ok: false, problems: ['this is the old value: create a new token first', ...shape.problems] };
    for (const other of this.#candidates) {
      if (other !== c && other.fingerprint === fingerprint(value.trim())) {
        return { ...shape, ok: false, problems: [`this value is already used as ${other.name}`, ...shape.problems] };
      }
    }
    return shape;
  }

  /** The actions that put the new value in place of the old everywhere; reads nothing but the scan. */
  plan(c: RotateCandidate, newValue: string, opts: { removeHistory?: boolean } = {}): Plan {
    const newFp = fingerprint(newValue);
    const oldFp = c.fingerprint;
    const newKind = checkShape(newValue, { provider: c.provider, key: c.name }).kind ?? c.kind;
    const hits = this.details.hits.filter((h) => fingerprint(h.detection.value) === oldFp);
    const { plan } = planMigration(this.report, { ...this.details, hits }, this.#planOptions({ levels: new Map([[oldFp, 2]]), ...(opts.removeHistory ? { removeHistory: true } : {}) }));
    const stores: Action[] = [];
    const rest: Action[] = [];
    const accounts = new Set<string>();
    for (const a of plan.actions) {
      if (!SWITCH_KINDS.has(a.kind)) continue;
      if (a.kind === 'store-secret') {
        accounts.add(a.account);
        continue;
      }
      if (a.kind === 'rewrite-config') {
        const replace = a.replace.filter((r) => r.fingerprint === oldFp);
        if (replace.length) rest.push({ ...a, replace });
        continue;
      }
      rest.push(a);
    }
    for (const account of c.items) accounts.add(account);
    if (!accounts.size) accounts.add(c.name);
    const ours = [c.name, ...[...accounts].filter((a) => a !== c.name).sort()].filter((a) => accounts.has(a));
    // Then the items of other services holding the old value (made by hand, resolved by the launcher).
    const items = [...ours.map((account) => ({ service: KEYCHAIN_SERVICE, account })), ...this.#othersOf(c)];
    for (const { service, account } of items) {
      stores.push({
        kind: 'store-secret',
        service,
        account,
        fingerprint: newFp,
        provider: c.provider,
        secretKind: newKind,
        from: [],
        provided: true,
        replaces: [oldFp],
      });
    }
    return { workspace: plan.workspace, actions: [...stores, ...rest], leftOver: plan.leftOver.filter((l) => l.rule === 'plaintext-secret') };
  }

  /** Applies the rotation, then checks every item, reference and file. */
  async apply(
    c: RotateCandidate,
    newValue: string,
    opts: {
      onEvent?(e: ApplyEvent): void;
      signal?: AbortSignal;
      resolvesTo?(service: string, account: string, value: string): Promise<boolean>;
      /** Shell-history lines holding the old value go too (only when the user chose it, DESIGN §5). */
      removeHistory?: boolean;
    } = {},
  ): Promise<RotateOutcome> {
    const value = newValue.trim();
    const check = this.checkNew(c, value);
    if (!check.ok) throw new UsageError(`the new value of ${c.name} was refused: ${check.problems.join('; ')}`);
    const plan = this.plan(c, value, { ...(opts.removeHistory ? { removeHistory: true } : {}) });
    const host = this.host;
    let launcher: RotateOutcome['launcher'];
    if (plan.actions.some((a) => a.kind === 'rewrite-config' && a.launcher)) {
      launcher = { scriptPath: (await installLauncher(host)).scriptPath };
    }
    await stateDir(host);
    const dir = stateDirPath(host);
    const meta = new SecretsMeta({ stateDir: dir });
    const launcherPath = launcherInstallPath(host);
    const resolves = opts.resolvesTo ?? this.deps.resolvesTo ?? ((s: string, a: string, v: string) => launcherResolves(launcherPath, process.env, s, a, v));
    const apply = await applyPlan(
      plan,
      {
        host,
        store: this.store,
        vault: new BackupVault({ stateDir: dir, store: this.store }),
        journal: new Journal({ stateDir: dir }),
        meta,
        launcherPath,
        allowedRoots: [this.audit.workspace, host.home],
        provided: new Map([[fingerprint(value), value]]),
        resolvesTo: resolves,
        ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      'rotate',
    );

    const rotated = plan.actions.flatMap((a) => (a.kind === 'store-secret' ? [{ service: a.service, account: a.account }] : []));
    const items: RotateOutcome['items'] = [];
    const missing = new Set<string>();
    const hasLauncher = Boolean(opts.resolvesTo ?? this.deps.resolvesTo) || (await this.deps.fs.inspect(launcherPath).then((s) => !!s).catch(() => false));
    for (const { service, account } of rotated) {
      const now = await this.store.get(service, account);
      if (now === null) missing.add(itemKey(service, account));
      const holdsNew = now === value;
      const ok = holdsNew && hasLauncher ? await resolves(service, account, value) : null;
      items.push({ service, account, holdsNew, resolves: ok });
      if (holdsNew) await meta.recordRotated(service, account).catch(() => undefined);
    }

    const { report: after, details } = await scan(this.deps.fs, this.deps.workspacePort, this.audit);
    this.report = after;
    this.details = details;
    const leftOld = details.hits.filter((h) => fingerprint(h.detection.value) === c.fingerprint).map(hitPlace);
    const refs = referencePlaces(details.servers);
    // Only the rotated items: a broken reference to some other item is not this rotation's doing.
    const dangling = [...missing].flatMap((k) => refs.get(k) ?? []);
    const references = rotated.flatMap((i) => refs.get(itemKey(i.service, i.account)) ?? []);
    const inputs = inputPlaces(details.servers);
    const manual = rotated
      .filter((i) => i.service === KEYCHAIN_SERVICE)
      .flatMap((i) => inputs.get(vscodeInputId(i.account)) ?? [])
      .map((p) => ({ file: p.file, server: p.server ?? '', input: p.input ?? '', why: 'VS Code keeps the value of a password input in its own secret storage, which only VS Code can change' }));
    const clean =
      !apply.cancelled && !apply.failed.length && items.every((i) => i.holdsNew && i.resolves !== false) && !leftOld.some((p) => p.kind !== 'history') && !dangling.length;
    if (clean) await this.#closeResumed(c, dir);
    await this.#load();
    return { apply, items, leftOld, dangling, references, manual, after, ...(launcher ? { launcher } : {}) };
  }

  /**
   * Ends the interrupted rotations of this value that this run carried through (or replaced), so they
   * are no longer resumed nor reported as interrupted; `undo` still takes them back.
   */
  async #closeResumed(c: RotateCandidate, dir: string): Promise<void> {
    const runs = new Set(this.#interrupted.filter((r) => r.oldFp === c.fingerprint).map((r) => r.run));
    for (const run of runs) {
      const journal = new Journal({ stateDir: dir });
      try {
        await journal.resume(run);
        await journal.end('complete');
      } catch {
        await journal.close().catch(() => undefined);
      }
    }
  }

  /** Places shown relative to the workspace or home. */
  display(file: string): string {
    const lib = this.host.platform === 'win32' ? win32 : posix;
    const rel = lib.relative(this.audit.workspace, file);
    if (!rel.startsWith('..') && !lib.isAbsolute(rel)) return rel || '.';
    const home = lib.relative(this.host.home, file);
    if (!home.startsWith('..') && !lib.isAbsolute(home)) return `~/${home.split(lib.sep).join('/')}`;
    return file;
  }
}

