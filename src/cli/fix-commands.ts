// `fix`, `undo` and `secrets`: argv already parsed; these wire the use cases to the terminal.
import { createInterface } from 'node:readline/promises';
import { readdir, readFile } from 'node:fs/promises';
import type { ApplyEvent } from '../app/apply.js';
import { applyFix, prepareFix, previewChanges, type FixDeps, type FixOptions } from '../app/fix.js';
import { Journal } from '../app/journal.js';
import { ACTION_GROUPS, KEYCHAIN_SERVICE, type ActionGroup } from '../app/plan.js';
import { BackupVault, BACKUP_KEY_ACCOUNT } from '../app/backup-vault.js';
import { SecretsMeta } from '../app/secrets-meta.js';
import { stateDir } from '../app/state.js';
import { undoRun } from '../app/undo.js';
import type { AuditReport } from '../core/report.js';
import type { ServerRef as VerifyRef, VerifyResult } from '../app/verify.js';
import { CLIENT_LABELS } from '../core/clients/labels.js';
import { tildify } from './output/text.js';
import { handMadeItems, importCandidates, ImportLog, type HandMadeSource } from '../app/import-items.js';
import { KeychainUnavailableError, UsageError, EXIT } from '../core/errors.js';
import type { ClientKind, HostEnv } from '../core/model.js';
import type { SecretStore } from '../ports/secret-store.js';
import { describeAction, renderApplyResult, renderPlan } from './output/plan.js';
import { colorEnabled } from './output/theme.js';

export interface FixCliOptions {
  dryRun?: boolean;
  yes?: boolean;
  only?: string;
  removeHistory?: boolean;
  json?: boolean;
  verify?: boolean;
  annotations?: boolean;
}

/** How long one server may take to start and list its tools under `--verify` (npx may download it). */
export { VERIFY_TIMEOUT_MS } from '../core/plan.js';
import { VERIFY_TIMEOUT_MS } from '../core/plan.js';

/**
 * Starts the servers from their configs as they are on disk now; with `onlyLauncher`, only those
 * that start through the launcher. The server's stderr is shown only with MCP_HARDEN_DEBUG=1.
 */
async function verifyRefs(refs: VerifyRef[], host: HostEnv, onlyLauncher: boolean, say?: (line: string) => void): Promise<VerifyResult[]> {
  // Loaded here: the MCP SDK is needed only with --verify.
  const { loadTargets, startsThroughLauncher, verifyServers } = await import('../app/verify.js');
  const seen = new Set<string>();
  const unique = refs.filter((r) => {
    const key = JSON.stringify([r.client, r.file, r.path ?? r.server, r.scope, r.project]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
  const { targets, unresolved } = await loadTargets(unique, host.home);
  const chosen = onlyLauncher ? targets.filter((t) => startsThroughLauncher(t.command, t.args)) : targets;
  if (chosen.length) say?.(`Verifying ${chosen.length} server${chosen.length === 1 ? '' : 's'}: initialize and tools/list through ${onlyLauncher ? 'the launcher' : 'each new launch line'}…`);
  const debug = process.env.MCP_HARDEN_DEBUG === '1';
  const results = await verifyServers(chosen, {
    timeoutMs: VERIFY_TIMEOUT_MS,
    env: host.env,
    ...(debug ? { onStderr: (t, text) => process.stderr.write(text.replace(/^(?=.)/gm, `[${t.name}] `)) } : {}),
  });
  return [...(onlyLauncher ? [] : unresolved), ...results];
}

/** Every stdio server the audit saw: `fix --verify` with nothing to apply checks those behind the launcher. */
function stdioRefs(report: AuditReport): VerifyRef[] {
  return report.servers
    .filter((s) => s.transport === 'stdio')
    .map((s) => ({ client: s.client, file: s.file, server: s.name, scope: s.scope, ...(s.project !== undefined ? { project: s.project } : {}) }));
}

function renderVerify(results: VerifyResult[], home: string, none: string): string {
  if (!results.length) return `Verify: ${none}; nothing to verify.\n`;
  const lines = results.map((r) => {
    const where = `${r.server} (${CLIENT_LABELS[r.client]}, ${tildify(r.file, home)})`;
    return r.ok ? `  ✓ ${where}: ok (${r.tools} tool${r.tools === 1 ? '' : 's'})` : `  ✗ ${where}: failed: ${r.error}`;
  });
  const failed = results.filter((r) => !r.ok).length;
  return `Verify: ${results.length - failed} ok, ${failed} failed\n${lines.join('\n')}\n`;
}

function parseOnly(only: string | undefined): ActionGroup[] | undefined {
  if (!only) return undefined;
  const groups = only.split(',').map((s) => s.trim()).filter(Boolean);
  for (const g of groups) {
    if (!(g in ACTION_GROUPS)) throw new UsageError(`--only takes ${Object.keys(ACTION_GROUPS).join(', ')}; not "${g}"`);
  }
  return groups as ActionGroup[];
}

/** Clients whose processes are running now (Linux /proc; elsewhere unknown). */
async function runningClients(): Promise<Set<ClientKind>> {
  const found = new Set<ClientKind>();
  if (process.platform !== 'linux') return found;
  const names: [RegExp, ClientKind][] = [
    [/(^|\/)claude(\s|$)/, 'claude-code'],
    [/(^|\/)cursor(\s|$)/i, 'cursor'],
    [/(^|\/)(code|code-insiders)(\s|$)/, 'vscode'],
    [/(^|\/)windsurf(\s|$)/i, 'windsurf'],
    [/(^|\/)gemini(\s|$)/, 'gemini'],
    [/(^|\/)codex(\s|$)/, 'codex'],
  ];
  let pids: string[] = [];
  try {
    pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p));
  } catch {
    return found;
  }
  for (const pid of pids) {
    try {
      const cmd = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').slice(0, 2).join(' ');
      for (const [re, client] of names) if (re.test(cmd)) found.add(client);
    } catch {
      // Processes come and go.
    }
  }
  return found;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export async function runFix(deps: FixDeps, fixOpts: FixOptions, cli: FixCliOptions, out: (s: string) => Promise<void>): Promise<number> {
  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  if (!cli.dryRun && !cli.yes && !tty) {
    throw new UsageError('fix changes files: add --yes to apply it without a terminal, or --dry-run to see the plan');
  }
  if (cli.verify && cli.dryRun) throw new UsageError('--verify starts the servers a fix rewrote; --dry-run changes nothing, so there is nothing to verify');
  const only = parseOnly(cli.only);
  const opts: FixOptions = {
    ...fixOpts,
    ...(only ? { only } : {}),
    ...(cli.removeHistory ? { removeHistory: true } : {}),
    ...(cli.annotations ? { annotations: { onProgress: (name: string) => !cli.json && process.stderr.write(`mcp-harden: reading the tools of "${name}"…\n`) } } : {}),
  };
  const host = opts.audit.host;
  const prepared = await prepareFix(deps, opts);
  const say = (line: string) => process.stderr.write(line + '\n');
  const view = { color: colorEnabled(process.stdout), width: process.stdout.columns || 100, home: host.home, workspace: opts.audit.workspace };

  for (const run of prepared.interrupted) {
    say(`mcp-harden: run ${run.id} was interrupted. \`mcp-harden undo ${run.id}\` rolls it back; this fix carries on from the files as they are now.`);
  }
  if (prepared.keychainError) {
    say(`mcp-harden: ${prepared.keychainError.message}. Actions that need no keychain (chmod, .gitignore) still apply; the others are skipped.`);
  }

  if (cli.dryRun) {
    const changes = await previewChanges(prepared);
    if (cli.json) {
      await out(
        JSON.stringify(
          {
            plan: prepared.plan,
            secrets: prepared.secrets,
            keychain: prepared.keychainError ? { available: false, reason: prepared.keychainError.reason } : { available: true },
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      await out(renderPlan(prepared.plan, prepared.secrets, changes, prepared.values, view));
    }
    return prepared.keychainError ? EXIT.keychainUnavailable : 0;
  }

  if (!prepared.plan.actions.length) {
    // Nothing left to apply: --verify checks every server already behind the launcher.
    const verified = cli.verify ? await verifyRefs(stdioRefs(prepared.report), host, true, cli.json ? undefined : say) : undefined;
    if (cli.json) await out(JSON.stringify({ plan: prepared.plan, run: null, ...(verified ? { verify: verified } : {}) }, null, 2) + '\n');
    else await out('Nothing to fix.\n' + (verified ? renderVerify(verified, host.home, 'no server starts through the launcher') : ''));
    if (prepared.keychainError) return EXIT.keychainUnavailable;
    return verified?.some((r) => !r.ok) ? 1 : 0;
  }

  const running = await runningClients();
  const touched = new Set(prepared.plan.actions.flatMap((a) => (a.kind === 'rewrite-config' ? [a.client] : [])));
  const busy = [...touched].filter((c) => running.has(c));
  if (busy.length) {
    say(`mcp-harden: ${busy.join(', ')} ${busy.length === 1 ? 'is' : 'are'} running and may write its config back. Quit ${busy.length === 1 ? 'it' : 'them'} first if you can; changes made meanwhile are refused, never overwritten.`);
  }

  if (!cli.yes) {
    const changes = await previewChanges(prepared);
    await out(renderPlan(prepared.plan, prepared.secrets, changes, prepared.values, view));
    if (!(await confirm(`Apply these ${prepared.plan.actions.length} actions? [y/N] `))) {
      say('Nothing was changed.');
      return EXIT.cancelled;
    }
  }

  const controller = new AbortController();
  const onSigint = () => {
    say('\nStopping after the current action…');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const rewritten: VerifyRef[] = [];
  const progress = (e: ApplyEvent) => {
    if (e.type === 'done' && e.action.kind === 'rewrite-config' && e.action.launcher) {
      rewritten.push({ client: e.action.client, file: e.action.file, server: e.action.server, path: e.action.serverPath });
    }
    if (cli.json) return;
    const n = `${e.seq + 1}/${prepared.plan.actions.length}`;
    if (e.type === 'done') say(`  ✓ ${n} ${describeAction(e.action, prepared.secrets, view)}${e.message ? ` — ${e.message}` : ''}`);
    if (e.type === 'skipped') say(`  - ${n} ${describeAction(e.action, prepared.secrets, view)} — skipped: ${e.message}`);
    if (e.type === 'failed') say(`  ✗ ${n} ${describeAction(e.action, prepared.secrets, view)} — ${e.message}`);
  };
  let outcome;
  try {
    outcome = await applyFix(deps, prepared, { ...opts, onEvent: progress, signal: controller.signal });
  } finally {
    process.off('SIGINT', onSigint);
  }
  // Plaintext that came back: a value this run moved out of a file is in that file again.
  const movedOut = new Map<string, Set<string>>();
  for (const a of prepared.plan.actions) {
    if (a.kind !== 'rewrite-config' && a.kind !== 'remove-plaintext') continue;
    if (!outcome.apply.files.includes(a.file)) continue;
    const fps = a.kind === 'rewrite-config' ? a.replace.map((r) => r.fingerprint) : a.fingerprints;
    movedOut.set(a.file, new Set([...(movedOut.get(a.file) ?? []), ...fps]));
  }
  const cameBack = [
    ...new Set(
      outcome.after.findings
        .filter((f) => f.rule === 'plaintext-secret' && f.secret && movedOut.get(f.file)?.has(f.secret.fingerprint))
        .map((f) => f.file),
    ),
  ];
  const leftAfter = outcome.after.summary.failing;
  // Servers are started only after a complete run: a half-applied config is not what the user gets.
  const completed = !outcome.apply.cancelled && !outcome.apply.failed.length;
  const verified = cli.verify && completed ? await verifyRefs(rewritten, host, false, cli.json ? undefined : say) : undefined;
  if (cli.verify && !completed) say('mcp-harden: the run did not complete, so no server was verified.');
  if (cli.json) {
    await out(
      JSON.stringify(
        {
          run: outcome.apply.runId,
          done: outcome.apply.done,
          skipped: outcome.apply.skipped.map((s) => ({ action: s.action.kind, message: s.message })),
          failed: outcome.apply.failed.map((s) => ({ action: s.action.kind, message: s.message })),
          cancelled: outcome.apply.cancelled,
          cameBack,
          after: outcome.after.summary,
          undo: `mcp-harden undo ${outcome.apply.runId}`,
          ...(verified ? { verify: verified } : {}),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    await out(renderApplyResult(outcome.apply, view, { leftAfter, cameBack }));
    const clients = [...touched];
    if (clients.length) await out(`Restart ${clients.join(', ')} so ${clients.length === 1 ? 'it reads' : 'they read'} the new config.\n`);
    if (verified) await out(renderVerify(verified, host.home, 'this run moved no local server behind the launcher'));
  }
  if (outcome.apply.cancelled) return EXIT.cancelled;
  if (prepared.keychainError) return EXIT.keychainUnavailable;
  return outcome.apply.failed.length || cameBack.length || verified?.some((r) => !r.ok) ? 1 : 0;
}

export interface UndoCliOptions {
  list?: boolean;
  deleteSecrets?: boolean;
  force?: boolean;
  json?: boolean;
}

export async function runUndo(
  host: HostEnv,
  run: string | undefined,
  cli: UndoCliOptions,
  openStore: () => Promise<SecretStore>,
  allowedRoots: string[],
  out: (s: string) => Promise<void>,
): Promise<number> {
  const dir = await stateDir(host);
  const journal = new Journal({ stateDir: dir });
  if (cli.list) {
    const runs = await journal.listRuns();
    if (cli.json) await out(JSON.stringify({ runs }, null, 2) + '\n');
    else if (!runs.length) await out('No runs yet.\n');
    else for (const r of runs) await out(`${r.id}  ${r.status.padEnd(11)} ${String(r.actions).padStart(3)} actions  ${r.filesChanged} files\n`);
    return 0;
  }
  const store = await openStore();
  const vault = new BackupVault({ stateDir: dir, store });
  const report = await undoRun(run ?? 'last', {
    deleteKeychainItems: Boolean(cli.deleteSecrets),
    force: Boolean(cli.force),
    store,
    vault,
    journal,
    allowedRoots,
    meta: new SecretsMeta({ stateDir: dir }),
  });
  if (cli.json) {
    await out(JSON.stringify(report, null, 2) + '\n');
  } else if (report.alreadyUndone) {
    await out(`Run ${report.runId} was already undone.\n`);
  } else {
    await out(`Undo of run ${report.runId}: ${report.complete ? 'complete' : 'incomplete'}\n`);
    for (const f of report.files) await out(`  ${f.outcome.padEnd(13)} ${f.path}${f.detail ? ` — ${f.detail}` : ''}\n`);
    for (const i of report.items) await out(`  ${i.outcome.padEnd(13)} keychain ${i.service}/${i.account}${i.detail ? ` — ${i.detail}` : ''}\n`);
  }
  return report.complete || report.alreadyUndone ? 0 : 1;
}

async function defaultHandMade(host: HostEnv): Promise<HandMadeSource> {
  const { nodeProcessRunner } = await import('../adapters/process.js');
  return handMadeItems({ platform: host.platform, runner: nodeProcessRunner, env: host.env });
}

export async function runSecrets(
  host: HostEnv,
  cli: { json?: boolean; import?: true | string[] },
  openStore: () => Promise<SecretStore>,
  out: (s: string) => Promise<void>,
  handMade?: HandMadeSource,
): Promise<number> {
  const source = handMade ?? (await defaultHandMade(host));
  if (cli.import) {
    const { runSecretsImport } = await import('./doctor-command.js');
    return runSecretsImport(host, { json: cli.json, pairs: cli.import === true ? [] : cli.import }, openStore, source, out);
  }
  const dir = await stateDir(host);
  const meta = await new SecretsMeta({ stateDir: dir }).list();
  let accounts: string[] = [];
  let keychain: { available: boolean; reason?: string } = { available: true };
  try {
    const store = await openStore();
    accounts = (await store.list(KEYCHAIN_SERVICE)).map((a) => a.account).filter((a) => a !== BACKUP_KEY_ACCOUNT);
  } catch (err) {
    if (!(err instanceof KeychainUnavailableError)) throw err;
    keychain = { available: false, reason: err.reason };
  }
  const rows = [
    ...meta.map((m) => ({ ...m, inKeychain: keychain.available ? accounts.includes(m.account) : null })),
    ...accounts
      .filter((a) => !meta.some((m) => m.account === a))
      .map((a) => ({ service: KEYCHAIN_SERVICE, account: a, provider: 'unknown', kind: 'unknown', created: '', references: [], inKeychain: true })),
  ];
  // Items made by hand with the guide's `secret-tool store … service S username U`: offered, never taken.
  let importable = 0;
  if (keychain.available) {
    try {
      importable = (await importCandidates(source, new ImportLog({ stateDir: dir }))).length;
    } catch {
      importable = 0; // only an offer: listing the stored secrets does not depend on it
    }
  }
  if (cli.json) {
    await out(JSON.stringify({ keychain, secrets: rows, importable }, null, 2) + '\n');
  } else if (!rows.length) {
    await out('No secrets stored by mcp-harden yet.\n');
  } else {
    for (const r of rows) {
      const dates = `created ${r.created ? r.created.slice(0, 10) : 'unknown'}${'rotated' in r && r.rotated ? `, rotated ${r.rotated.slice(0, 10)}` : ''}`;
      const where = r.references.length ? r.references.map((x) => `${x.file}${x.server ? ` (${x.server})` : ''}`).join('; ') : 'not referenced';
      const missing = r.inKeychain === false ? ' — MISSING from the keychain' : '';
      await out(`${r.service}/${r.account}  ${r.provider} ${r.kind}  ${dates}${missing}\n    ${where}\n`);
    }
  }
  if (importable && !cli.json) {
    await out(`${importable} keychain item${importable === 1 ? '' : 's'} made by hand can be imported: mcp-harden secrets --import\n`);
  }
  if (!keychain.available) return EXIT.keychainUnavailable;
  return 0;
}

