// `mcp-harden rotate`: the non-interactive path (`NAME --value-stdin --yes`) and the entry to the
// guided flow (Ink, or `--plain` prompts). What both print about a rotation is built here.
import type { HistorySearch } from '../adapters/git-history.js';
import type { ApplyEvent } from '../app/apply.js';
import type { RotateCandidate, RotateDeps, RotateOutcome, RotatePlace, RotateSession, RotateUsage } from '../app/rotate.js';
import type { AuditOptions } from '../app/audit.js';
import { CLIENT_LABELS } from '../core/clients/labels.js';
import { EXIT, UsageError } from '../core/errors.js';
import { describeAction, type PlanView } from './output/plan.js';

export interface RotateCliOptions {
  valueStdin?: boolean;
  yes?: boolean;
  online?: boolean;
  reportToGithub?: boolean;
  revokeFirst?: boolean;
  /** commander's `--no-history`: false skips the git history search. */
  history?: boolean;
  /** Also remove shell-history lines holding the old value. */
  removeHistory?: boolean;
  json?: boolean;
  plain?: boolean;
}

const WHERE: Record<string, string> = {
  reference: 'keychain reference',
  'vscode-input': 'VS Code password input (VS Code keeps the value itself)',
  env: 'plaintext env value',
  header: 'plaintext header',
  arg: 'plaintext argument',
  url: 'plaintext in a URL',
  dotenv: 'plaintext .env line',
  backup: 'client backup copy',
  history: 'shell history line',
};

export function placeLine(session: Pick<RotateSession, 'display'>, p: RotatePlace): string {
  const at = `${session.display(p.file)}${p.line ? `:${p.line}` : ''}`;
  const who = p.server ? ` — server "${p.server}"${p.client ? ` (${CLIENT_LABELS[p.client]})` : ''}` : p.key ? ` — ${p.key}` : '';
  return `${at}${who}: ${WHERE[p.kind] ?? p.kind}`;
}

/** The places a secret is used, one line each (never the value). */
export function usageLines(session: Pick<RotateSession, 'display'>, usage: RotateUsage): string[] {
  const lines = usage.items.map((i) => `keychain item ${i.service}/${i.account}`);
  for (const p of usage.places) lines.push(placeLine(session, p));
  return lines;
}

export function historyLines(h: HistorySearch): string[] {
  if (!h.isRepo) return [`git history: not searched (${h.note ?? 'the workspace is not a git repository'})`];
  const out: string[] = [];
  if (!h.commits.length) out.push('git history: never committed in this repository');
  else {
    const pushed = h.commits.some((c) => c.remotes.length);
    out.push(`git history: committed in ${h.commits.length} commit${h.commits.length === 1 ? '' : 's'}${pushed ? ' — pushed to a remote: treat the token as public' : ''}`);
    for (const c of h.commits) {
      const where = c.remotes.length ? `on ${c.remotes.join(', ')}` : 'local only';
      out.push(`  ${c.sha.slice(0, 12)} ${c.date.slice(0, 10)} ${c.change} in ${c.files.join(', ') || '(message)'} — "${c.subject}" — ${where}`);
    }
  }
  if (h.note) out.push(`  (${h.note})`);
  return out;
}

export function outcomeLines(session: Pick<RotateSession, 'display'>, o: RotateOutcome): string[] {
  const out: string[] = [];
  for (const i of o.items) {
    const resolves = i.resolves === null ? '' : i.resolves ? ', launcher resolves it' : ', the launcher does NOT resolve it';
    out.push(`${i.holdsNew ? '✓' : '✗'} ${i.service}/${i.account} ${i.holdsNew ? 'holds the new value' : 'does not hold the new value'}${resolves}`);
  }
  if (o.references.length) out.push(`✓ ${o.references.length === 1 ? '1 config reference now resolves' : `${o.references.length} config references now resolve`} to the new value`);
  const [history, other] = [o.leftOld.filter((p) => p.kind === 'history'), o.leftOld.filter((p) => p.kind !== 'history')];
  for (const p of other) out.push(`✗ the old value is still in ${placeLine(session, p)}`);
  for (const p of history) out.push(`! the old value is still in ${placeLine(session, p)} (--remove-history removes such lines)`);
  if (!other.length) out.push(history.length ? '✓ no copy of the old value is left on disk outside shell history' : '✓ no copy of the old value is left on disk');
  for (const p of o.dangling) out.push(`✗ ${placeLine(session, p)} names a keychain item that does not exist`);
  // Nothing here can change what VS Code stored: the user types the new value there.
  for (const m of o.manual) out.push(`✗ re-enter the new value in VS Code: input ${m.input} of server ${m.server} (${session.display(m.file)})`);
  return out;
}

/** Exit code of a finished rotation: 0 only when every check passed. */
export function rotationExit(o: RotateOutcome): number {
  if (o.apply.cancelled) return EXIT.cancelled;
  // Shell-history lines go only when the user chose it (DESIGN §5): left, they are said, not failed.
  const left = o.leftOld.filter((p) => p.kind !== 'history');
  const bad = o.apply.failed.length || left.length || o.dangling.length || o.manual.length || o.items.some((i) => !i.holdsNew || i.resolves === false);
  return bad ? EXIT.failure : 0;
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One value on stdin: a trailing newline is dropped; anything else multi-line is refused. */
export function valueFromStdin(text: string): string {
  const v = text.replace(/\r?\n$/, '');
  if (v.trim() === '') throw new UsageError('--value-stdin: stdin held no value');
  if (/[\r\n]/.test(v)) throw new UsageError('--value-stdin: give exactly one line (the new value)');
  return v;
}

export async function runRotate(deps: RotateDeps, audit: AuditOptions, name: string | undefined, cli: RotateCliOptions, out: (s: string) => Promise<void>): Promise<number> {
  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const scripted = cli.valueStdin || cli.yes;
  if (scripted) {
    if (!name) throw new UsageError('rotate --value-stdin --yes needs the secret’s NAME (see `mcp-harden secrets`)');
    if (!cli.valueStdin || !cli.yes) throw new UsageError('the non-interactive form is `mcp-harden rotate NAME --value-stdin --yes`');
    return runScripted(deps, audit, name, cli, out);
  }
  if (!tty) throw new UsageError('rotate asks questions and needs a terminal; in scripts use `mcp-harden rotate NAME --value-stdin --yes`');
  const { runRotateFlow } = await import('./rotate-flow.js');
  return runRotateFlow(deps, audit, name, cli);
}

async function runScripted(deps: RotateDeps, audit: AuditOptions, name: string, cli: RotateCliOptions, out: (s: string) => Promise<void>): Promise<number> {
  // Typed at a terminal, the value would be echoed in clear: the guided form asks for it masked.
  if (process.stdin.isTTY) throw new UsageError('--value-stdin reads a pipe: `printf %s "$TOKEN" | mcp-harden rotate NAME --value-stdin --yes`; on a terminal, run `mcp-harden rotate NAME` to type it masked');
  const newValue = valueFromStdin(await readAllStdin());
  const { RotateSession } = await import('../app/rotate.js');
  const say = (line: string) => process.stderr.write(line + '\n');
  const session = await RotateSession.open(deps, audit);
  const c = session.find(name);
  if (!c) throw new UsageError(`no secret named ${name}: \`mcp-harden secrets\` lists the keychain items, \`mcp-harden audit\` the plaintext ones`);
  const check = session.checkNew(c, newValue);
  if (!check.ok) throw new UsageError(`the new value for ${c.name} was refused: ${check.problems.join('; ')}`);
  const usage = session.usage(c);
  const history = cli.history === false ? undefined : await session.withOldValue(c, async (v) => (await import('../adapters/git-history.js')).searchHistory(audit.workspace, v));
  const online = cli.online ? await checkNewOnline(c, newValue) : undefined;
  if (online && online.status === 'invalid') {
    throw new UsageError(`the provider refused the new value for ${c.name} (${online.detail}); nothing was changed`);
  }

  if (cli.reportToGithub && (c.provider !== 'github' || !['personal-access-token', 'fine-grained-pat'].includes(c.kind))) {
    throw new UsageError('--report-to-github is for GitHub personal access tokens (classic or fine-grained) only');
  }
  const revoke = await import('../app/revocation.js');
  const report = async () => {
    if (!cli.reportToGithub) return undefined;
    return session.withOldValue(c, async (v) => (await import('../adapters/github-revoke.js')).reportToGithub([v]));
  };
  // Revoke-first (a public leak): the old token is reported before the switch.
  const reportedFirst = cli.revokeFirst ? await report() : undefined;

  const view: PlanView = { color: false, width: 100, home: audit.host.home, workspace: audit.workspace };
  const progress = (e: ApplyEvent) => {
    if (cli.json) return;
    const what = describeAction(e.action, [], view);
    if (e.type === 'done') say(`  ✓ ${what}${e.message ? ` — ${e.message}` : ''}`);
    if (e.type === 'skipped') say(`  - ${what} — skipped: ${e.message}`);
    if (e.type === 'failed') say(`  ✗ ${what} — ${e.message}`);
  };
  if (!cli.json) {
    await out(`Rotating ${c.name} (${c.provider} ${c.kind}, ${c.masked} sha256:${c.fingerprint})\n`);
    await out(['Used in:', ...usageLines(session, usage).map((l) => `  ${l}`), ...(history ? historyLines(history) : [])].join('\n') + '\n');
    if (online) await out(`New value: ${online.status === 'ok' ? 'works' : 'could not be checked'} — ${online.detail}\n`);
  }
  const controller = new AbortController();
  const onSigint = () => {
    say('\nStopping after the current action…');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let outcome: RotateOutcome;
  try {
    outcome = await session.apply(c, newValue, { onEvent: progress, signal: controller.signal, ...(cli.removeHistory ? { removeHistory: true } : {}) });
  } finally {
    process.off('SIGINT', onSigint);
  }
  // Reported only once every consumer uses the new token: reporting revokes the old one at once.
  const switched = rotationExit(outcome) === 0;
  const reportedAfter = cli.revokeFirst || !switched ? undefined : await report();
  const reported = reportedFirst ?? reportedAfter;
  const notReported = cli.reportToGithub && !cli.revokeFirst && !switched;
  const link = revoke.revokeLink(c.provider, c.name, c.kind);
  const dead = cli.online && (cli.revokeFirst || reported?.status === 'accepted') ? await session.withOldValue(c, (v) => revoke.checkRevoked(v, c)) : undefined;
  const code = rotationExit(outcome);

  if (cli.json) {
    await out(
      JSON.stringify(
        {
          secret: { name: c.name, provider: c.provider, kind: c.kind, fingerprint: c.fingerprint },
          usedIn: { items: usage.items, places: usage.places.map((p) => ({ ...p, file: p.file })) },
          ...(history ? { history } : {}),
          ...(online ? { newValue: { status: online.status, detail: online.detail, ...(online.scopes ? { scopes: online.scopes } : {}) } } : {}),
          run: outcome.apply.runId,
          items: outcome.items,
          leftOld: outcome.leftOld,
          dangling: outcome.dangling,
          manual: outcome.manual,
          ...(reported ? { reportedToGithub: reported } : notReported ? { reportedToGithub: { status: 'not-sent', detail: 'the rotation did not complete' } } : {}),
          ...(dead ? { oldValue: dead } : {}),
          revoke: link ?? null,
          undo: `mcp-harden undo ${outcome.apply.runId}`,
          ok: code === 0,
        },
        null,
        2,
      ) + '\n',
    );
    return code;
  }
  const lines = outcomeLines(session, outcome);
  if (reported) lines.push(`${reported.status === 'accepted' ? '✓' : '!'} reported to GitHub's credential revocation API: ${reported.detail}`);
  if (notReported) lines.push('! not reported to GitHub: some consumers may still use the old token; fix what is listed above and run rotate again');
  if (dead) lines.push(`${dead.status === 'revoked' ? '✓' : '!'} old value: ${dead.detail}`);
  if (code === 0 && reported?.status !== 'accepted') {
    lines.push(`Now revoke the old token at the provider${link ? `: ${link}` : ''}. Every consumer already uses the new one.`);
  }
  lines.push(`Run ${outcome.apply.runId} · undo: mcp-harden undo ${outcome.apply.runId}`);
  const clients = [...new Set(outcome.references.flatMap((r) => (r.client ? [CLIENT_LABELS[r.client]] : [])))];
  if (clients.length) lines.push(`Restart ${clients.join(', ')} so running servers pick up the new value.`);
  await out(lines.join('\n') + '\n');
  return code;
}

export async function checkNewOnline(c: RotateCandidate, value: string) {
  const { checkFor, CHECKERS } = await import('../adapters/scope-check.js');
  const p = checkFor(c.provider, c.kind, value);
  if (!p) return { status: 'unknown' as const, detail: `no read-only check exists for ${c.provider}` };
  return CHECKERS[p](value);
}
