// The fix use case: audit, open the keychain, install the launcher, plan, then preview or apply,
// then audit again to report anything a client wrote back. The CLI and the wizard both drive it.
import { posix, win32 } from 'node:path';
import { EXIT, HardenError, KeychainUnavailableError } from '../core/errors.js';
import type { HostEnv, Server } from '../core/model.js';
import { withoutLocalChanges, type Plan } from '../core/plan.js';
import type { AuditReport } from '../core/report.js';
import type { ReadOnlyFs } from '../ports/fs.js';
import type { SecretStore } from '../ports/secret-store.js';
import { applyPlan, computeRemoval, computeRewrite, computeSettingChange, type ApplyEvent, type ApplyResult, type FileChange } from './apply.js';
import { scan, type AuditDetails, type AuditOptions, type WorkspacePort } from './audit.js';
import { buildPolicy, POLICY_FILE, serializePolicy, teamTrust } from '../core/policy.js';
import type { TrustLevel } from '../core/trust.js';
import { BackupVault } from './backup-vault.js';
import { Journal, type RunInfo } from './journal.js';
import { installLauncher, launcherInstallPath } from './launcher.js';
import { KEYCHAIN_SERVICE, planMigration, trustOf, type ActionGroup, type PlannedSecret, type PlanOptions } from './plan.js';
import { SecretsMeta } from './secrets-meta.js';
import { stateDir, stateDirPath } from './state.js';
import { BACKUP_KEY_ACCOUNT } from './backup-vault.js';
import { fingerprint } from '../core/secrets/index.js';
import { pinTarget, type PinTarget } from '../core/pin.js';
import { packageRef } from '../core/risks.js';
import { findCachedVersions } from './version-cache.js';

export interface FixDeps {
  fs: ReadOnlyFs;
  workspacePort: WorkspacePort;
  /** Opens and probes the keychain; throws KeychainUnavailableError. */
  openStore(): Promise<SecretStore>;
}

export interface FixOptions {
  audit: AuditOptions;
  /** A scan made moments ago (the wizard shows its servers first): planned from instead of scanning again. */
  scanned?: { report: AuditReport; details: AuditDetails };
  only?: ActionGroup[];
  removeHistory?: boolean;
  levels?: Map<string, 1 | 2>;
  /**
   * Trust levels the user chose, by server identity (`annotationKey`: file, client, name). They win
   * over the levels the team policy records; the suggestion for the others. The policy records them.
   */
  trust?: ReadonlyMap<string, TrustLevel>;
  /**
   * Start each limited or untrusted local server once to read its tool annotations, and derive its
   * permission rules from them (the user allowed it: it runs the servers).
   */
  annotations?: { timeoutMs?: number; onProgress?(server: string): void };
  /** Local least-privilege changes the user turned off in the wizard (`localChangeKey`s). */
  skipLocal?: ReadonlySet<string>;
  /**
   * Write tools read from the servers' annotations earlier (`PreparedFix.toolAnnotations`), by
   * `annotationKey`: used instead of starting the servers again; `annotations` is then ignored.
   */
  toolAnnotations?: ReadonlyMap<string, readonly string[]>;
  /** The notes that reading came with (servers that did not answer, tools no rule can name). */
  toolAnnotationNotes?: Plan['leftOver'];
}

export interface PreparedFix {
  report: AuditReport;
  plan: Plan;
  secrets: PlannedSecret[];
  store: SecretStore | null;
  keychainError?: KeychainUnavailableError;
  launcherPath: string;
  stateDir: string;
  interrupted: RunInfo[];
  /** Every secret value the audit saw, in memory only: previews mask them all. */
  values: string[];
  /** The scan's details (values included, in memory only): the wizard's online check reads them. */
  details: AuditDetails;
  /** The trust levels planned by, by `annotationKey`: the policy's, then the user's choices over them. */
  trust: ReadonlyMap<string, TrustLevel>;
  /** The tool annotations planned by, when they were read (or given): to plan again without starting the servers. */
  toolAnnotations?: { writeTools: ReadonlyMap<string, readonly string[]>; notes: Plan['leftOver'] };
}

/** A rotation was interrupted: fix must not run over it. Exit 1. */
export class InterruptedRotationError extends HardenError {
  readonly code = 'interrupted-rotation';
  readonly exitCode = EXIT.failure;
}

/** Audits and plans; reads the keychain (which accounts exist) but changes nothing. */
export async function prepareFix(deps: FixDeps, opts: FixOptions): Promise<PreparedFix> {
  const host = opts.audit.host;
  const { report, details } = opts.scanned ?? (await scan(deps.fs, deps.workspacePort, opts.audit));
  let store: SecretStore | null = null;
  let keychainError: KeychainUnavailableError | undefined;
  try {
    store = await deps.openStore();
  } catch (err) {
    if (!(err instanceof KeychainUnavailableError)) throw err;
    keychainError = err;
  }
  const existing = new Map<string, string>();
  if (store) {
    for (const { account } of await store.list(KEYCHAIN_SERVICE)) {
      if (account === BACKUP_KEY_ACCOUNT) continue;
      const v = await store.get(KEYCHAIN_SERVICE, account);
      if (v !== null) existing.set(account, fingerprint(v));
    }
  }
  const launcherPath = launcherInstallPath(host);
  // The levels the team recorded stay unless the user chose otherwise now.
  const trust = new Map([...teamTrust(opts.audit.policy, report.servers, opts.audit.workspace), ...(opts.trust ?? [])]);
  const planOpts: PlanOptions = {
    workspace: opts.audit.workspace,
    home: host.home,
    platform: host.platform,
    launcherPath,
    existing,
    ...(opts.levels ? { levels: opts.levels } : {}),
    ...(opts.removeHistory ? { removeHistory: true } : {}),
    ...(opts.only ? { only: opts.only } : {}),
    versions: await findCachedVersions(host, pinTargets(details.servers)),
    ...(trust.size ? { trust } : {}),
    claudeSettings: await claudeSettingsFiles(deps.fs, host, opts.audit.workspace),
  };
  const annotationNotes: Plan['leftOver'] = [];
  if (opts.toolAnnotations) {
    // Read earlier (the wizard reads them once per trust choice): nothing is started again.
    planOpts.toolAnnotations = opts.toolAnnotations;
    annotationNotes.push(...(opts.toolAnnotationNotes ?? []));
  } else if (opts.annotations) {
    const annotations = await import('./annotations.js');
    const wanted = annotations.annotationCandidates(details.servers, {
      workspace: opts.audit.workspace,
      platform: host.platform,
      limited: (s) => trustOf(s, report, trust) !== 'trusted',
    });
    const onProgress = opts.annotations.onProgress;
    const read = await annotations.readToolAnnotations(wanted, {
      env: process.env,
      ...(opts.annotations.timeoutMs ? { timeoutMs: opts.annotations.timeoutMs } : {}),
      ...(onProgress ? { onStart: (s: Server) => onProgress(s.name) } : {}),
    });
    planOpts.toolAnnotations = read.writeTools;
    annotationNotes.push(...annotations.annotationNotes(read));
  }
  const toolAnnotations = planOpts.toolAnnotations ? { writeTools: planOpts.toolAnnotations, notes: [...annotationNotes] } : undefined;
  const skip = (p: Plan): Plan => (opts.skipLocal?.size ? { ...p, actions: withoutLocalChanges(p.actions, opts.skipLocal) } : p);
  let { plan, secrets } = planMigration(report, details, planOpts);
  plan = skip(plan);
  // The team policy follows from the plan (the keychain names it gives each secret): plan again with it.
  const values = [...new Set(details.hits.map((h) => h.detection.value))];
  const policy = policyContent(report, details, plan, secrets, opts, trust, values);
  // A policy that already says all this is not rewritten: a second run plans nothing for it.
  const lib = host.platform === 'win32' ? win32 : posix;
  const current = policy === undefined ? undefined : await deps.fs.readText(lib.join(opts.audit.workspace, POLICY_FILE));
  if (policy !== undefined && !(current?.ok && current.text === policy)) {
    ({ plan, secrets } = planMigration(report, details, { ...planOpts, policy: { content: policy } }));
    plan = skip(plan);
  }
  plan.leftOver.push(...annotationNotes);
  // Planning creates nothing: the state directory is made when a run begins.
  const dir = stateDirPath(host);
  const interrupted = await new Journal({ stateDir: dir }).findInterrupted();
  // Fix would store the leftover copies of a rotated (leaked) value and point consumers back at it.
  const rotation = interrupted.find((r) => r.summary.command === 'rotate');
  if (rotation) {
    throw new InterruptedRotationError(
      `run ${rotation.id}, a rotation, was interrupted: finish it first (\`mcp-harden rotate NAME\` with the same new value) or roll it back (\`mcp-harden undo ${rotation.id}\`)`,
    );
  }
  return { report, plan, secrets, store, ...(keychainError ? { keychainError } : {}), launcherPath, stateDir: dir, interrupted, values, details, trust, ...(toolAnnotations ? { toolAnnotations } : {}) };
}

/** Claude Code settings files whose directory exists (a file there is created when missing). */
async function claudeSettingsFiles(fs: ReadOnlyFs, host: HostEnv, workspace: string): Promise<{ user?: string; local?: string }> {
  const lib = host.platform === 'win32' ? win32 : posix;
  const userDir = host.env['CLAUDE_CONFIG_DIR'] || lib.join(host.home, '.claude');
  const localDir = lib.join(workspace, '.claude');
  const isDir = async (d: string) => {
    const f = await fs.inspect(d);
    return !!f && !f.isFile && !f.isSymlink;
  };
  return {
    ...((await isDir(userDir)) ? { user: lib.join(userDir, 'settings.json') } : {}),
    ...((await isDir(localDir)) ? { local: lib.join(localDir, 'settings.local.json') } : {}),
  };
}

/** The packages that could be pinned, to look up in the caches. */
function pinTargets(servers: AuditDetails['servers']): PinTarget[] {
  const out: PinTarget[] = [];
  for (const s of servers) {
    const ref = packageRef(s);
    const i = ref ? s.args.findIndex((a) => a.path.join('\0') === ref.at.path.join('\0')) : -1;
    const t = ref && i >= 0 ? pinTarget(ref, s.args[i - 1]?.value) : undefined;
    if (t) out.push(t);
  }
  return out;
}

/**
 * The policy file's text for this workspace: its project-scope servers, with the trust levels
 * planned by (the user's choices, else the policy's), and the existing ignore list. None when
 * only some files were read (--config), or when there is neither a project server nor a policy
 * yet. Never a value: refused if one slipped in.
 */
function policyContent(
  report: AuditReport,
  details: AuditDetails,
  plan: Plan,
  secrets: PlannedSecret[],
  opts: FixOptions,
  trust: ReadonlyMap<string, TrustLevel>,
  values: string[],
): string | undefined {
  if (opts.audit.configs.length) return undefined;
  if (!opts.audit.policy && !details.servers.some((s) => s.scope === 'project')) return undefined;
  const text = serializePolicy(
    buildPolicy({
      workspace: opts.audit.workspace,
      servers: details.servers,
      findings: report.findings,
      secrets,
      actions: plan.actions,
      trust,
      ...(opts.audit.policy ? { existing: opts.audit.policy } : {}),
    }),
  );
  if (values.some((v) => v && text.includes(v))) return undefined;
  return text;
}

/** The file changes a plan would make, for a masked preview. Reads files; writes nothing. */
export async function previewChanges(prepared: PreparedFix): Promise<FileChange[]> {
  const out: FileChange[] = [];
  for (const a of prepared.plan.actions) {
    try {
      if (a.kind === 'rewrite-config') out.push(await computeRewrite(a, prepared.launcherPath));
      else if (a.kind === 'remove-plaintext' || a.kind === 'remove-history-lines' || a.kind === 'gitignore') {
        const c = await computeRemoval(a);
        if (c) out.push(c);
      } else if (
        a.kind === 'pin-version' ||
        a.kind === 'set-read-only' ||
        a.kind === 'narrow-roots' ||
        a.kind === 'set-toolsets' ||
        a.kind === 'set-permissions' ||
        a.kind === 'set-tool-rules' ||
        a.kind === 'write-policy' ||
        a.kind === 'add-server'
      ) {
        const c = await computeSettingChange(a);
        if (c && c.after !== c.before) out.push(c);
      }
    } catch {
      // The apply step reports it; a preview shows what it can.
    }
  }
  return out;
}

export interface FixOutcome {
  apply: ApplyResult;
  /** The audit after the run: what is left, and any plaintext a client wrote back. */
  after: AuditReport;
  launcher?: { scriptPath: string; link: string };
}

export async function applyFix(
  deps: FixDeps,
  prepared: PreparedFix,
  opts: FixOptions & { onEvent?(e: ApplyEvent): void; signal?: AbortSignal; resolvesTo?(s: string, a: string, v: string): Promise<boolean> },
): Promise<FixOutcome> {
  const host: HostEnv = opts.audit.host;
  let launcher: FixOutcome['launcher'];
  if (prepared.plan.actions.some((a) => a.kind === 'rewrite-config' && a.launcher) && prepared.store) {
    const installed = await installLauncher(host);
    launcher = { scriptPath: installed.scriptPath, link: installed.link };
  }
  await stateDir(host);
  const journal = new Journal({ stateDir: prepared.stateDir });
  const staleFiles: string[] = [];
  for (const run of prepared.interrupted) {
    const record = await journal.read(run.id);
    for (const step of record.steps) for (const u of step.undo) if (u.kind === 'file') staleFiles.push(u.path);
  }
  const store = prepared.store;
  const vault = new BackupVault({ stateDir: prepared.stateDir, store: store ?? unavailableStore(prepared.keychainError) });
  const meta = new SecretsMeta({ stateDir: prepared.stateDir });
  const result = await applyPlan(
    prepared.plan,
    {
      host,
      store,
      ...(prepared.keychainError ? { keychainError: prepared.keychainError } : {}),
      vault,
      journal,
      meta,
      launcherPath: prepared.launcherPath,
      staleFiles,
      allowedRoots: [opts.audit.workspace, host.home],
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.resolvesTo ? { resolvesTo: opts.resolvesTo } : {}),
    },
    'fix',
  );
  const { report: after } = await scan(deps.fs, deps.workspacePort, opts.audit);
  return { apply: result, after, ...(launcher ? { launcher } : {}) };
}

/** A store that always says why the keychain cannot be used (the vault then refuses to back up). */
function unavailableStore(err?: KeychainUnavailableError): SecretStore {
  const fail = async (): Promise<never> => {
    throw err ?? new KeychainUnavailableError('missing-backend', 'no keychain is available');
  };
  return { backend: 'none', get: fail, set: fail, delete: fail, list: fail, probe: fail };
}
