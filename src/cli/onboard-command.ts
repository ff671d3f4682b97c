// `onboard`: argv already parsed; this wires the onboarding engine to the terminal. `--yes` reads
// NAME=value lines from stdin; on a terminal each needed secret is asked for, masked, one at a time.
// The engine (src/app/onboard.ts) does the work, so a full-screen UI can replace the questions.
import type { ApplyEvent } from '../app/apply.js';
import type { FixDeps } from '../app/fix.js';
import {
  applyOnboard,
  checkSecretLive,
  checkSecretValue,
  parseSecretLines,
  prepareOnboard,
  type OnboardOptions,
  type OnboardResult,
  type PreparedOnboard,
  type RequiredSecret,
  type UndescribedSecret,
} from '../app/onboard.js';
import { EXIT, UsageError } from '../core/errors.js';
import { FlowCancelled, sayMarked, type Prompter } from '../wizard/prompter.js';
import { CLIENT_LABELS } from '../core/clients/labels.js';
import type { HostEnv } from '../core/model.js';
import { tildify } from './output/text.js';

export interface OnboardCliOptions {
  yes?: boolean;
  online?: boolean;
  verify?: boolean;
  json?: boolean;
  plain?: boolean;
}

export interface OnboardIo {
  /** Everything on stdin (for --yes). */
  readStdin(): Promise<string>;
  out(text: string): Promise<void>;
  /** Progress and notes (stderr). */
  say(line: string): void;
  tty: boolean;
  /** The questions on a terminal; the default is Ink, or line-by-line prompts with --plain. */
  prompter?: Prompter;
}

function scopesLine(s: RequiredSecret): string {
  if (!s.scopes) return s.described ? 'scopes: not listed in the policy' : 'not described by the policy';
  const kind = s.scopesKind ? `${s.scopesKind}, ` : '';
  return `scopes (${kind}${s.trust}): ${s.scopes.length ? s.scopes.join(', ') : 'none: read-only access only'}`;
}

/** One line about a secret a config references that the policy does not describe (never its value). */
function undescribedLine(u: UndescribedSecret): string {
  const by = u.references.map((r) => `${r.file} (server "${r.server}")`).join(', ');
  const state = u.present ? 'an item of that name is already in the keychain and was left as it is' : 'its server cannot start until someone provides it';
  return `${u.name} is referenced by ${by} but not described by ${POLICY_NAME}: not asked for or stored; ${state}`;
}

/** Where else an item already set up is used, when the metadata knows. */
function elsewhereNote(s: RequiredSecret, home: string): string {
  return s.usedElsewhere?.length ? ` (the keychain item is also used by ${s.usedElsewhere.map((f) => tildify(f, home)).join(', ')})` : '';
}

function describeSecret(s: RequiredSecret): string {
  return `${s.name}  ${s.provider}${s.kind ? ` ${s.kind}` : ''}  ${scopesLine(s)}`;
}

/** Checks a value: its shape always, then its provider when --online. Problems never hold the value. */
async function checkValue(value: string, s: RequiredSecret, online: boolean, host: HostEnv): Promise<{ problems: string[]; notes: string[] }> {
  const shape = checkSecretValue(value, s);
  if (!shape.ok || !online) return { problems: shape.problems, notes: [] };
  const live = await checkSecretLive(value, s, { env: host.env });
  const notes = [`${s.name}: ${live.detail}${live.scopes ? `; scopes: ${live.scopes.join(', ') || 'none'}` : ''}`];
  if (live.beyondTrust?.length) notes.push(`${s.name}: ${live.beyondTrust.join(', ')} ${live.beyondTrust.length === 1 ? 'is' : 'are'} more than a ${s.trust} server needs; consider a narrower token`);
  return { problems: live.problems, notes };
}

export async function runOnboard(deps: FixDeps, opts: OnboardOptions, cli: OnboardCliOptions, io: OnboardIo): Promise<number> {
  if (!cli.yes && !io.tty) {
    throw new UsageError('onboard asks for each secret on a terminal; without one, add --yes and give NAME=value lines on stdin');
  }
  if (!cli.yes) return runOnboardFlow(deps, opts, cli, io);
  const host = opts.audit.host;
  const prepared = await prepareOnboard(deps, opts);
  for (const run of prepared.interrupted) io.say(`mcp-harden: run ${run.id} was interrupted; \`mcp-harden undo ${run.id}\` rolls it back.`);
  const needed = prepared.secrets.filter((s) => s.status === 'needed');
  const values = new Map<string, string>();
  const notes: string[] = [];

  if (cli.yes) {
    // Read also when an undescribed secret is missing: a value given for it is refused, not ignored.
    const text = needed.length || prepared.undescribed.some((u) => !u.present) ? await io.readStdin() : '';
    const parsed = parseSecretLines(
      text,
      prepared.secrets.map((s) => s.name),
      prepared.undescribed.map((u) => u.name),
    );
    const problems = [...parsed.errors];
    const missing = needed.filter((s) => !parsed.values.has(s.name)).map((s) => s.name);
    if (missing.length) problems.push(`missing from stdin: ${missing.join(', ')}`);
    if (!problems.length) {
      // Values for secrets already set up are ignored: the keychain item stays as it is.
      for (const s of needed) {
        const value = parsed.values.get(s.name)!;
        const checked = await checkValue(value, s, Boolean(cli.online), host);
        problems.push(...checked.problems);
        notes.push(...checked.notes);
        values.set(s.name, value);
      }
    }
    if (problems.length) {
      // All or nothing: a provisioning script gets a machine either set up or untouched.
      for (const p of problems) io.say(`mcp-harden: ${p}`);
      io.say('mcp-harden: nothing was stored or changed.');
      return EXIT.failure;
    }
  }
  for (const n of notes) io.say(`mcp-harden: ${n}`);

  const controller = new AbortController();
  const onSigint = () => {
    io.say('\nStopping after the current step…');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let result: OnboardResult;
  try {
    result = await applyOnboard(prepared, {
      host,
      values,
      ...(cli.verify ? { verify: true } : {}),
      signal: controller.signal,
      onEvent: (e: ApplyEvent) => {
        if (e.type === 'failed' && !cli.json) io.say(`mcp-harden: ${e.message}`);
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  await io.out(cli.json ? renderJson(prepared, result) : renderHuman(prepared, result, host));
  return onboardExit(result);
}

function onboardExit(result: OnboardResult): number {
  if (result.run?.cancelled) return EXIT.cancelled;
  const failed =
    result.secrets.some((s) => s.outcome === 'failed' || s.outcome === 'not-given') ||
    result.steps.some((s) => s.outcome === 'failed' || s.outcome === 'skipped') ||
    result.verify?.some((v) => !v.ok);
  return failed ? EXIT.failure : EXIT.ok;
}

/** On a terminal: the same run as questions through a Prompter (Ink, or --plain prompts). */
async function runOnboardFlow(deps: FixDeps, opts: OnboardOptions, cli: OnboardCliOptions, io: OnboardIo): Promise<number> {
  const color = !process.env['NO_COLOR'] && process.env['TERM'] !== 'dumb';
  const p = io.prompter ?? (await (await import('./rotate-flow.js')).openPrompter(cli.plain === true, color, 'Set up this machine from the team policy'));
  try {
    return await onboardWith(p, deps, opts, cli);
  } catch (err) {
    if (err instanceof FlowCancelled) {
      p.say('Cancelled; nothing was stored.', 'muted');
      return EXIT.cancelled;
    }
    throw err;
  } finally {
    await p.close();
  }
}

/** The guided onboarding over any Prompter (tests drive it with a scripted one). */
export async function onboardWith(p: Prompter, deps: FixDeps, opts: OnboardOptions, cli: OnboardCliOptions): Promise<number> {
  const host = opts.audit.host;
  const prepared = await p.task('Reading the team policy, the configs and the keychain', () => prepareOnboard(deps, opts));
  for (const run of prepared.interrupted) p.say(`Run ${run.id} was interrupted; \`mcp-harden undo ${run.id}\` rolls it back.`, 'warn');
  const needed = prepared.secrets.filter((s) => s.status === 'needed');
  const todo = prepared.steps.filter((s) => s.status === 'todo');
  p.say(`Team policy: ${POLICY_NAME} — ${prepared.secrets.length} secret${prepared.secrets.length === 1 ? '' : 's'}, ${prepared.steps.length} config step${prepared.steps.length === 1 ? '' : 's'}`, 'title');
  for (const s of prepared.secrets.filter((x) => x.status === 'present')) p.say(`${s.name} — already in the keychain${elsewhereNote(s, host.home)}`, 'ok');
  for (const u of prepared.undescribed) p.say(undescribedLine(u), 'warn');
  for (const s of prepared.steps.filter((x) => x.status === 'done')) p.say(`${s.what} — already done`, 'ok');
  if (!needed.length && !todo.length) {
    for (const l of prepared.leftOver) p.say(`left for you: ${l.why}`, 'warn');
    p.say('Everything is already set up; nothing was changed.');
    return EXIT.ok;
  }
  const online = needed.length ? (cli.online ?? (await p.confirm({ message: 'Check each token with its provider over the network (read-only calls)?', default: false }))) : false;
  const values = new Map<string, string>();
  for (const s of needed) {
    p.say(`${s.name} — ${s.provider}${s.kind ? ` ${s.kind}` : ''}, for ${s.servers.map((n) => `"${n}"`).join(', ') || 'the workspace'} (${s.trust})`, 'title');
    p.say(`  ${scopesLine(s)}`);
    if (s.create) p.say(`  create it at ${s.create}`);
    for (;;) {
      const value = (await p.secret({ message: `${s.name} (${s.provider})`, validate: (v) => checkSecretValue(v, s).ok || checkSecretValue(v, s).problems.join('; ') })).trim();
      if (online) {
        const checked = await p.task(`Checking ${s.name} with ${s.provider}`, () => checkValue(value, s, true, host));
        for (const n of checked.notes) p.say(`  ${n}`, 'muted');
        if (checked.problems.length) {
          for (const x of checked.problems) p.say(x, 'error');
          continue;
        }
      }
      values.set(s.name, value);
      break;
    }
  }
  for (const s of todo) p.say(`to do: ${s.what}`);
  for (const l of prepared.leftOver) p.say(`left for you: ${l.why}`, 'warn');
  const launcherNeeded = prepared.launcherNeeded;
  const what = [needed.length ? `store ${needed.length} secret${needed.length === 1 ? '' : 's'}` : '', todo.length ? `make ${todo.length} config change${todo.length === 1 ? '' : 's'}` : ''].filter(Boolean).join(' and ');
  if (!(await p.confirm({ message: `${what[0]!.toUpperCase()}${what.slice(1)}?`, default: true }))) {
    p.say('Nothing was stored or changed.', 'muted');
    return EXIT.cancelled;
  }
  const verify = cli.verify ?? (launcherNeeded ? await p.confirm({ message: 'Then start each local server once to check it answers (MCP initialize)?', default: false }) : false);
  const result = await p.task('Setting up', (update) =>
    applyOnboard(prepared, {
      host,
      values,
      ...(verify ? { verify: true } : {}),
      onEvent: (e: ApplyEvent) => {
        if (e.type === 'start') update(e.action.kind === 'store-secret' ? `storing ${e.action.account}` : e.action.kind);
        if (e.type === 'failed') p.say(e.message, 'error');
      },
    }),
  );
  for (const line of renderHuman(prepared, result, host).trimEnd().split('\n')) sayMarked(p, line);
  return onboardExit(result);
}

const POLICY_NAME = 'mcp-harden.policy.json';

function renderJson(prepared: PreparedOnboard, r: OnboardResult): string {
  return (
    JSON.stringify(
      {
        policy: prepared.policyFile,
        secrets: r.secrets,
        steps: r.steps.map(({ action: _action, ...s }) => s),
        undescribed: prepared.undescribed,
        leftOver: prepared.leftOver,
        launcher: r.launcher,
        run: r.run ? r.run.runId : null,
        ...(r.run ? { undo: `mcp-harden undo ${r.run.runId}` } : {}),
        ...(r.verify ? { verify: r.verify } : {}),
      },
      null,
      2,
    ) + '\n'
  );
}

function renderHuman(prepared: PreparedOnboard, r: OnboardResult, host: HostEnv): string {
  const lines: string[] = [];
  const rel = (f: string) => (f.startsWith(prepared.workspace + '/') ? f.slice(prepared.workspace.length + 1) : tildify(f, host.home));
  lines.push(`Team policy: ${rel(prepared.policyFile)}`);
  if (r.secrets.length) lines.push('Secrets:');
  for (const s of r.secrets) {
    const mark = s.outcome === 'stored' || s.outcome === 'present' ? '✓' : '✗';
    const what =
      s.outcome === 'stored'
        ? 'stored in the keychain'
        : s.outcome === 'present'
          ? `already set up${elsewhereNote(s, host.home)}`
          : s.outcome === 'not-given'
            ? 'not given'
            : `not stored${s.message ? `: ${s.message}` : ''}`;
    lines.push(`  ${mark} ${describeSecret(s)} — ${what}`);
  }
  for (const u of prepared.undescribed) lines.push(`  ! ${undescribedLine(u)}`);
  if (r.steps.length) lines.push('Configs:');
  for (const s of r.steps) {
    const mark = s.outcome === 'applied' || s.outcome === 'done' ? '✓' : '✗';
    const what = s.outcome === 'applied' ? 'done' : s.outcome === 'done' ? 'already done' : `${s.outcome}${s.message ? `: ${s.message}` : ''}`;
    lines.push(`  ${mark} ${s.what} — ${what}`);
  }
  for (const l of prepared.leftOver) lines.push(`  - left for you: ${l.why}`);
  if (r.launcher.needed) {
    lines.push(
      r.launcher.reachable
        ? `Launcher: mcp-harden-launch is on PATH (${tildify(r.launcher.onPath ?? '', host.home)})`
        : `Launcher: installed, but mcp-harden-launch is not on PATH: add ${tildify(r.launcher.linkPath ? r.launcher.linkPath.replace(/\/[^/]+$/, '') : '~/.local/bin', host.home)} to PATH so the committed configs can start their servers`,
    );
  }
  if (r.verify) {
    for (const v of r.verify) {
      const where = `${v.server} (${CLIENT_LABELS[v.client]}, ${rel(v.file)})`;
      lines.push(v.ok ? `  ✓ ${where} starts: ${v.tools} tool${v.tools === 1 ? '' : 's'}` : `  ✗ ${where} does not start: ${v.error}`);
    }
  }
  if (r.run) {
    lines.push(`Run ${r.run.runId}: ${r.run.done} done, ${r.run.skipped.length} skipped, ${r.run.failed.length} failed${r.run.cancelled ? ', cancelled' : ''}`);
    lines.push(`Undo it with: mcp-harden undo ${r.run.runId} (add --delete-secrets to also remove the secrets it stored)`);
  } else {
    lines.push('Everything is already set up; nothing was changed.');
  }
  return lines.join('\n') + '\n';
}
