// From the engine's results to what the wizard shows. Everything that leaves here is masked: the
// report never holds values, and file diffs go through maskAll with every value the audit saw.
import { structuredPatch } from 'diff';
import type { ApplyEvent, FileChange } from '../app/apply.js';
import type { FixOutcome, PreparedFix } from '../app/fix.js';
import { maskAll, toolRulesWhat, toolsetsWhat } from '../cli/output/plan.js';
import { tildify } from '../cli/output/text.js';
import { EXIT } from '../core/errors.js';
import type { ClientKind, RuleId } from '../core/model.js';
import { localChangeKeys, type Action } from '../core/plan.js';
import { CLIENT_LABELS } from '../core/clients/labels.js';
import type { AuditReport } from '../core/report.js';
import { POLICY_FILE, recordedTrust, serverKey, stricterTrust, type Policy } from '../core/policy.js';
import { providerLink } from './provider-links.js';
import type { ApplyEventView, FileDiff, FileView, LocalChange, Preview, ProviderGuide, SecretView, ServerView, SubStep, SummaryData, WizardData } from './state.js';
import { suggestTrust } from './trust.js';

export interface PathView {
  home: string;
  workspace: string;
}

/** A path relative to the workspace, or with ~ for HOME. */
export function displayPath(p: string, view: PathView): string {
  const strip = (s: string) => s.replace(/[\\/]+$/, '');
  const ws = strip(view.workspace);
  if (p.startsWith(ws + '/') || p.startsWith(ws + '\\')) return p.slice(ws.length + 1);
  const home = strip(view.home);
  if (home && (p === home || p.startsWith(home + '/') || p.startsWith(home + '\\'))) return '~' + p.slice(home.length);
  return p;
}

function countByRule(report: AuditReport): Partial<Record<RuleId, number>> {
  const out: Partial<Record<RuleId, number>> = {};
  for (const f of report.findings) if (!f.suppressed) out[f.rule] = (out[f.rule] ?? 0) + 1;
  return out;
}

/**
 * One row per logical server: the same name and launch line, whichever clients declare it. A row
 * the team policy declares is suggested the level the policy records (the least trust, when its
 * declarations are recorded with different ones).
 */
function serverViews(report: AuditReport, view: PathView, policy?: Policy): ServerView[] {
  const p = (f: string) => displayPath(f, view);
  const recorded = recordedTrust(policy, report.servers, view.workspace);
  const groups = new Map<string, AuditReport['servers']>();
  for (const s of report.servers) {
    const id = `${s.name}\0${s.launch}`;
    groups.set(id, [...(groups.get(id) ?? []), s]);
  }
  return [...groups].map(([id, decls]) => {
    const first = decls[0]!;
    const mine = (x: { file: string; server?: string; client?: ClientKind }) =>
      decls.some((d) => d.file === x.file && x.server === d.name && (!x.client || x.client === d.client));
    const findings = report.findings.filter((f) => !f.suppressed && mine(f));
    const secrets = report.secrets.flatMap((s) => {
      const loc = s.locations.find((l) => mine(l));
      return loc ? [{ masked: s.masked, provider: s.provider, kind: s.kind, fingerprint: s.fingerprint, ...(loc.key ? { key: loc.key } : {}) }] : [];
    });
    const levels = decls.flatMap((d) => recorded.get(serverKey(d)) ?? []);
    const suggestion = suggestTrust({ launch: first.launch, transport: first.transport, findings, secretsHeld: secrets.length });
    const trust = levels.length
      ? { ...suggestion, suggested: levels.reduce(stricterTrust), reason: `recorded in ${POLICY_FILE}` }
      : suggestion;
    return {
      id,
      name: first.name,
      clients: [...new Set(decls.map((d) => d.client))],
      scopes: [...new Set(decls.map((d) => d.scope))],
      transport: first.transport,
      launch: first.launch,
      declared: decls.map((d) => {
        const level = recorded.get(serverKey(d));
        return { client: d.client, scope: d.scope, file: p(d.file), line: d.line, key: serverKey(d), ...(level ? { recorded: level } : {}) };
      }),
      envKeys: [...new Set(decls.flatMap((d) => d.envKeys))],
      headerKeys: [...new Set(decls.flatMap((d) => d.headerKeys))],
      secrets,
      findings: findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, ...(f.fix ? { fix: f.fix } : {}) })),
      trust,
    };
  });
}

/**
 * What the Servers and Trust steps need, from the scan alone (and the team policy's trust levels): shown while the keychain is opened
 * and the plan worked out (`ready: false` until wizardData replaces it).
 */
export function scanData(report: AuditReport, view: PathView, policy?: Policy): WizardData {
  return {
    workspace: view.workspace,
    ready: false,
    servers: serverViews(report, view, policy),
    secrets: [],
    files: [],
    providers: [],
    keychain: { available: true },
    interrupted: [],
    before: countByRule(report),
    leftOver: [],
  };
}

export function wizardData(prepared: PreparedFix, view: PathView, policy?: Policy): WizardData {
  const { report, plan } = prepared;
  const p = (f: string) => displayPath(f, view);
  const servers = serverViews(report, view, policy);
  const secrets: SecretView[] = prepared.secrets.map((ps) => {
    const rs = report.secrets.find((s) => s.fingerprint === ps.fingerprint);
    const locs = rs?.locations ?? [];
    return {
      fingerprint: ps.fingerprint,
      masked: rs?.masked ?? '…',
      provider: ps.provider,
      kind: ps.kind,
      account: ps.account,
      recommended: ps.level,
      used: ps.used,
      servers: [...new Set(locs.flatMap((l) => (l.server ? [l.server] : [])))],
      files: [...new Set(locs.map((l) => p(l.file)))],
    };
  });

  const files = new Map<string, FileView>();
  const file = (f: string) => {
    let v = files.get(f);
    if (!v) files.set(f, (v = { file: p(f), tracked: false }));
    return v;
  };
  for (const a of plan.actions) {
    if (a.kind === 'chmod') file(a.file).mode = { from: a.from, to: a.to };
    if (a.kind === 'gitignore') {
      const dir = a.gitignore.replace(/[\\/][^\\/]*$/, '');
      for (const entry of a.entries) {
        const target = `${dir}/${entry.replace(/^\//, '')}`;
        file(target).gitignore = { gitignore: p(a.gitignore), entry };
      }
    }
  }
  for (const f of report.findings) if (f.rule === 'secret-file-tracked' && !f.suppressed) file(f.file).tracked = true;

  // Provider-side work: every secret that has a known provider page, grouped by provider.
  const providers = new Map<string, ProviderGuide>();
  for (const s of secrets) {
    const found = providerLink(s.provider, s.account);
    if (!found) continue;
    let g = providers.get(found.id);
    if (!g) providers.set(found.id, (g = { provider: found.id, ...found.link, accounts: [], servers: [] }));
    if (!g.accounts.includes(s.account)) g.accounts.push(s.account);
    for (const sv of s.servers) if (!g.servers.includes(sv)) g.servers.push(sv);
  }

  return {
    workspace: view.workspace,
    ready: true,
    servers,
    secrets,
    files: [...files.values()],
    providers: [...providers.values()],
    keychain: prepared.keychainError ? { available: false, message: prepared.keychainError.message } : { available: true },
    interrupted: prepared.interrupted.map((r) => r.id),
    before: countByRule(report),
    leftOver: plan.leftOver.map((l) => ({ file: p(l.file), ...(l.server ? { server: l.server } : {}), why: l.why })),
  };
}

/** One short line per action, fit for 80 columns. */
export function actionLabel(a: Action, view: PathView): string {
  const p = (f: string) => displayPath(f, view);
  switch (a.kind) {
    case 'chmod':
      return `chmod ${a.to.toString(8)} ${p(a.file)}`;
    case 'gitignore':
      return `ignore ${a.entries.join(', ')} in ${p(a.gitignore)}`;
    case 'store-secret':
      return `keychain ${a.account} (${a.provider})`;
    case 'rewrite-config':
      return `rewrite ${p(a.file)} "${a.server}"`;
    case 'remove-plaintext':
      return `remove ${a.keys.join(', ')} from ${p(a.file)}`;
    case 'delete-backup':
      return `delete backup ${p(a.file)}`;
    case 'remove-history-lines':
      return `history: drop line${a.lines.length === 1 ? '' : 's'} ${a.lines.join(', ')} of ${p(a.file)}`;
    case 'pin-version':
      return `pin "${a.server}" to ${a.to}`;
    case 'set-read-only':
      return `read-only "${a.server}": ${[...Object.entries(a.env).map(([k, v]) => `${k}=${v}`), ...a.args].join(' ')}`;
    case 'narrow-roots':
      return `roots "${a.server}": ${a.roots.join(', ')} → ${tildify(a.to, view.home)}`;
    case 'set-toolsets':
      return `toolsets "${a.server}": ${toolsetsWhat(a)}`;
    case 'set-permissions':
      return `permissions ${p(a.file)}: ${a.servers.join(', ')}`;
    case 'set-tool-rules':
      return `tool rules "${a.server}": ${toolRulesWhat(a)}`;
    case 'write-policy':
      return `policy ${p(a.file)}`;
    case 'add-server':
      return `add "${a.server}" to ${p(a.file)}`;
  }
}

/**
 * Why a local least-privilege action is in the plan, in one line: what the wizard shows next to
 * it. Undefined for the actions that are not about least privilege.
 */
export function localActionWhy(a: Action): string | undefined {
  switch (a.kind) {
    case 'narrow-roots':
      return `it could read and write everything under ${a.roots.join(' and ')}; the workspace is all its work needs`;
    case 'set-toolsets':
      return `a ${a.trust} server gets only the tool groups that level needs (${a.value}); the others are not loaded`;
    case 'set-read-only':
      return `a ${a.trust} server gets no tool that changes anything`;
    default:
      return undefined;
  }
}

export function previewOf(prepared: PreparedFix, changes: FileChange[], view: PathView): Preview {
  const diffs: FileDiff[] = changes.map((c) => {
    const name = displayPath(c.file, view);
    const patch = structuredPatch(name, name, c.before, c.after, '', '', { context: 1 });
    const lines: FileDiff['lines'] = [];
    for (const h of patch.hunks) {
      lines.push({ sign: '@', text: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@` });
      for (const l of h.lines) {
        if (l.startsWith('\\')) continue;
        const sign = l[0] === '+' || l[0] === '-' ? l[0] : ' ';
        // Every value the audit saw is masked, in context lines too.
        lines.push({ sign, text: maskAll(l.slice(1), prepared.values) });
      }
    }
    return { file: name, lines };
  });
  return { actions: prepared.plan.actions.length, labels: prepared.plan.actions.map((a) => actionLabel(a, view)), diffs };
}

/** The sub-steps an action has been seen to complete (DESIGN §4: store → read back → … → remove). */
function subStepsOf(a: Action, done: boolean): SubStep[] {
  if (!done) return [];
  switch (a.kind) {
    case 'store-secret':
      return ['stored', 'read back'];
    case 'rewrite-config':
      return a.launcher ? ['launcher resolves', 'config rewritten'] : ['config rewritten'];
    case 'remove-plaintext':
      return ['plaintext removed'];
    case 'chmod':
      return ['mode set'];
    case 'gitignore':
      return ['ignored'];
    case 'delete-backup':
      return ['backup deleted'];
    case 'remove-history-lines':
      return ['history lines removed'];
    case 'pin-version':
      return ['config rewritten'];
    case 'set-read-only':
    case 'narrow-roots':
    case 'set-toolsets':
      return ['config rewritten'];
    case 'set-permissions':
    case 'set-tool-rules':
      return ['config rewritten'];
    case 'write-policy':
      return [];
    case 'add-server':
      return ['config rewritten'];
  }
}

export function applyEventView(e: ApplyEvent): ApplyEventView {
  return {
    type: e.type,
    seq: e.seq,
    subSteps: subStepsOf(e.action, e.type === 'done'),
    ...(e.type !== 'start' && e.message !== undefined ? { message: e.message } : {}),
  };
}

export function summaryOf(prepared: PreparedFix, outcome: FixOutcome, view: PathView): SummaryData {
  const { apply, after } = outcome;
  // Plaintext that came back: a value this run moved out of a file is in that file again.
  const movedOut = new Map<string, Set<string>>();
  for (const a of prepared.plan.actions) {
    if (a.kind !== 'rewrite-config' && a.kind !== 'remove-plaintext') continue;
    if (!apply.files.includes(a.file)) continue;
    const fps = a.kind === 'rewrite-config' ? a.replace.map((r) => r.fingerprint) : a.fingerprints;
    movedOut.set(a.file, new Set([...(movedOut.get(a.file) ?? []), ...fps]));
  }
  const cameBack = [
    ...new Set(
      after.findings
        .filter((f) => f.rule === 'plaintext-secret' && f.secret && movedOut.get(f.file)?.has(f.secret.fingerprint))
        .map((f) => displayPath(f.file, view)),
    ),
  ];
  const restart = [
    ...new Set(
      prepared.plan.actions.flatMap((a) => (a.kind === 'rewrite-config' && apply.files.includes(a.file) ? [a.client] : [])),
    ),
  ];
  // The same exit codes as `fix` (DESIGN §2).
  const exitCode = apply.cancelled
    ? EXIT.cancelled
    : prepared.keychainError
      ? EXIT.keychainUnavailable
      : apply.failed.length || cameBack.length
        ? EXIT.failure
        : EXIT.ok;
  return {
    runId: apply.runId,
    done: apply.done,
    skipped: apply.skipped.length,
    failed: apply.failed.map((f) => ({ label: actionLabel(f.action, view), message: f.message })),
    cancelled: apply.cancelled,
    after: countByRule(after),
    restart,
    cameBack,
    exitCode,
  };
}

/** The local least-privilege changes of a plan, one per server and kind, for the Scopes step. */
export function localChangesOf(prepared: PreparedFix, view: PathView): LocalChange[] {
  const out: (LocalChange & { file: string })[] = [];
  for (const a of prepared.plan.actions) {
    if (a.kind === 'set-permissions') {
      a.servers.forEach((server, i) => {
        const mine = (rules: string[]) => rules.filter((r) => r.startsWith(`mcp__${server}__`)).length;
        const ask = mine(a.ask);
        const deny = mine(a.deny);
        out.push({
          key: localChangeKeys(a)[i]!,
          server,
          file: a.file,
          label: deny ? `deny its ${deny} write tool${deny === 1 ? '' : 's'} in Claude Code` : `ask before its ${ask} write tool${ask === 1 ? '' : 's'} in Claude Code`,
          why: deny ? 'an untrusted server may read, never change' : 'a limited server changes nothing without your yes',
        });
      });
      continue;
    }
    const keys = localChangeKeys(a);
    if (!keys.length || !('server' in a) || !('client' in a)) continue;
    const why = localActionWhy(a) ?? (a.kind === 'pin-version' ? 'the version this machine runs now, so an update cannot change it behind your back' : 'least privilege for its trust level');
    out.push({ key: keys[0]!, server: a.server, file: a.file, label: `${CLIENT_LABELS[a.client]}: ${actionLabel(a, view)}`, why });
  }
  // Servers of the same name in one client's two files read alike: the file tells them apart.
  const seen = new Map<string, number>();
  for (const c of out) seen.set(`${c.server}\0${c.label}`, (seen.get(`${c.server}\0${c.label}`) ?? 0) + 1);
  return out.map(({ file, ...c }) => (seen.get(`${c.server}\0${c.label}`)! > 1 ? { ...c, label: `${c.label} (${displayPath(file, view)})` } : c));
}
