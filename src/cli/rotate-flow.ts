// The guided rotation (DESIGN §1, moment 2) as questions through a Prompter: Ink by default,
// line-by-line prompts with --plain. Follows the runbook order of tokens-and-scopes.md: the new
// token is stored and every consumer switched before the user revokes the old one, unless the
// user picks revoke-first because the leak is public.
import type { ApplyEvent } from '../app/apply.js';
import type { AuditOptions } from '../app/audit.js';
import type { RotateCandidate, RotateDeps, RotateSession } from '../app/rotate.js';
import { CLIENT_LABELS } from '../core/clients/labels.js';
import { EXIT } from '../core/errors.js';
import { fingerprint } from '../core/secrets/index.js';
import { providerLink } from '../wizard/provider-links.js';
import { FlowCancelled, sayMarked, type Prompter } from '../wizard/prompter.js';
import { describeAction, type PlanView } from './output/plan.js';
import { checkNewOnline, historyLines, outcomeLines, rotationExit, usageLines, type RotateCliOptions } from './rotate-command.js';

type Pick = { candidate: RotateCandidate } | { pasted: string } | 'quit';

export async function runRotateFlow(deps: RotateDeps, audit: AuditOptions, name: string | undefined, cli: RotateCliOptions): Promise<number> {
  const color = !process.env['NO_COLOR'] && process.env['TERM'] !== 'dumb';
  const p: Prompter = await openPrompter(cli.plain === true, color, 'Rotate a leaked secret');
  try {
    return await rotateWith(p, deps, audit, name, cli);
  } catch (err) {
    if (err instanceof FlowCancelled) {
      p.say('Cancelled.', 'muted');
      return EXIT.cancelled;
    }
    throw err;
  } finally {
    await p.close();
  }
}

/** Ink by default; line-by-line prompts with --plain (Ink is then never loaded). */
export async function openPrompter(plain: boolean, color: boolean, title: string): Promise<Prompter> {
  if (plain) return (await import('./plain-prompter.js')).plainPrompter({ stdin: process.stdin, stdout: process.stdout });
  return (await import('./ink-prompter.js')).inkPrompter({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, color }, title);
}

/** The flow itself, over any Prompter (tests drive it with a scripted one). */
export async function rotateWith(p: Prompter, deps: RotateDeps, audit: AuditOptions, name: string | undefined, cli: RotateCliOptions): Promise<number> {
  const { RotateSession } = await import('../app/rotate.js');
  const session = await p.task('Looking for secrets and opening the keychain', async (update) =>
    RotateSession.open(deps, { ...audit, onProgress: (x) => update(`${x.filesRead ?? 0} files read`) }),
  );
  const picked = await pick(p, session, name);
  if (picked === 'quit') return EXIT.cancelled;
  if ('pasted' in picked) return notUsedHere(p, session, picked.pasted, cli);
  const c = picked.candidate;

  p.say(`${c.name} — ${c.provider} ${c.kind}, ${c.masked} sha256:${c.fingerprint}`, 'title');
  const usage = session.usage(c);
  p.say('Used in:');
  for (const l of usageLines(session, usage)) p.say(`  ${l}`);
  if (cli.history !== false) {
    const history = await p.task('Searching the git history (the value stays in this process)', (update) =>
      session.withOldValue(c, async (v) =>
        (await import('../adapters/git-history.js')).searchHistory(audit.workspace, v, { onProgress: (n) => update(`${n} commits read`) }),
      ),
    );
    for (const l of historyLines(history)) p.say(l, history.commits.length ? 'warn' : 'muted');
  }

  const revoke = await import('../app/revocation.js');
  const link = revoke.revokeLink(c.provider, c.name, c.kind);
  const order = cli.revokeFirst
    ? 'revoke-first'
    : await p.select({
        message: 'In which order?',
        choices: [
          { name: 'Switch to a new token first, then revoke the old one', value: 'switch-first' as const, hint: 'no gap: every server keeps working' },
          { name: 'Revoke the old token first', value: 'revoke-first' as const, hint: 'when the leak is public or abuse is suspected' },
        ],
      });
  const online =
    cli.online ??
    (await p.confirm({ message: `Check tokens with ${c.provider} over the network (read-only calls)?`, default: false }));

  if (order === 'revoke-first') await revokeOld(p, session, c, link, online);

  const guide = providerLink(c.provider, c.name);
  if (guide) p.say(`Create the new token: ${guide.link.url}\n  ${guide.link.advice}`);
  let newValue = '';
  for (;;) {
    newValue = (await p.secret({ message: `New value for ${c.name}`, validate: (v) => session.checkNew(c, v).ok || session.checkNew(c, v).problems.join('; ') })).trim();
    if (!online) break;
    const live = await p.task('Checking the new token with the provider', () => checkNewOnline(c, newValue));
    p.say(`New token: ${live.detail}${live.scopes?.length ? ` (scopes: ${live.scopes.join(', ')})` : ''}`, live.status === 'ok' ? 'ok' : live.status === 'invalid' ? 'error' : 'warn');
    if (live.status !== 'invalid') break;
    p.say('The provider refused it: paste another one.', 'warn');
  }

  const inHistory = usage.places.filter((x) => x.kind === 'history').length;
  const removeHistory =
    cli.removeHistory ??
    (inHistory > 0 &&
      (await p.confirm({ message: `Also remove the ${inHistory} shell-history line${inHistory === 1 ? '' : 's'} holding the old value?`, default: false })));
  const plan = session.plan(c, newValue, { removeHistory });
  const view: PlanView = { color: false, width: 100, home: audit.host.home, workspace: audit.workspace };
  p.say(`The plan (${plan.actions.length} actions, journaled; \`mcp-harden undo\` reverts it):`);
  for (const a of plan.actions) p.say(`  • ${describeAction(a, [], view)}`);
  for (const l of plan.leftOver) p.say(`  ! ${session.display(l.file)}: ${l.why}`, 'warn');
  if (!(await p.confirm({ message: 'Apply it?', default: true }))) {
    p.say('Nothing was changed.', 'muted');
    return EXIT.cancelled;
  }
  const outcome = await p.task('Switching every consumer to the new token', (update, stop) =>
    session.apply(c, newValue, {
      signal: stop,
      removeHistory,
      onEvent: (e: ApplyEvent) => {
        if (e.type === 'start') update(describeAction(e.action, [], view));
        if (e.type === 'done') p.say(`${describeAction(e.action, [], view)}${e.message ? ` — ${e.message}` : ''}`, 'ok');
        if (e.type === 'failed') p.say(`${describeAction(e.action, [], view)} — ${e.message}`, 'error');
        if (e.type === 'skipped') p.say(`skipped: ${describeAction(e.action, [], view)} — ${e.message}`, 'muted');
      },
    }),
  );
  for (const l of outcomeLines(session, outcome)) sayMarked(p, l);
  const code = rotationExit(outcome);
  // The run id first: whatever is asked next, the way back has been said.
  p.say(`Run ${outcome.apply.runId} · undo: mcp-harden undo ${outcome.apply.runId}`, 'muted');
  const clients = [...new Set(outcome.references.flatMap((r) => (r.client ? [CLIENT_LABELS[r.client]] : [])))];
  if (clients.length) p.say(`Restart ${clients.join(', ')} so running servers pick up the new value.`);
  if (code === 0 && order === 'switch-first') await revokeOld(p, session, c, link, online);
  else if (code !== 0 && order === 'switch-first') p.say('Not every consumer uses the new token yet: fix what is listed above before you revoke the old one.', 'warn');
  return code;
}

async function pick(p: Prompter, session: RotateSession, name: string | undefined): Promise<Pick> {
  if (name) {
    const c = session.find(name);
    if (c) return { candidate: c };
    p.say(`No secret named ${name} here.`, 'warn');
  }
  const all = session.candidates();
  const choice = await p.select<RotateCandidate | 'paste' | 'quit'>({
    message: 'Which secret leaked?',
    choices: [
      ...all.map((c) => ({
        name: `${c.name} — ${c.provider}, ${c.masked}`,
        value: c,
        hint: `${c.items.length ? 'in the keychain' : 'plaintext'} · used in ${c.uses} place${c.uses === 1 ? '' : 's'}${c.lastChanged ? ` · last changed ${c.lastChanged.slice(0, 10)}` : ''}`,
      })),
      { name: 'Paste the leaked value', value: 'paste', hint: 'matched by fingerprint; never shown or stored' },
      { name: 'Quit', value: 'quit' },
    ],
  });
  if (choice === 'quit') return 'quit';
  if (choice !== 'paste') return { candidate: choice };
  const pasted = (await p.secret({ message: 'The leaked value', validate: (v) => (v.trim() ? true : 'paste the value') })).trim();
  const found = session.matchValue(pasted);
  if (found) {
    p.say(`That value is ${found.name} (sha256:${found.fingerprint}).`);
    return { candidate: found };
  }
  return { pasted };
}

/** A pasted value nothing here uses: only the git history and the provider are left to check. */
async function notUsedHere(p: Prompter, session: RotateSession, pasted: string, cli: RotateCliOptions): Promise<number> {
  p.say(`No config, .env file, keychain item, backup or history line on this machine holds that value (sha256:${fingerprint(pasted)}).`);
  if (cli.history !== false) {
    const history = await p.task('Searching the git history', async (update) =>
      (await import('../adapters/git-history.js')).searchHistory(session.audit.workspace, pasted, { onProgress: (n) => update(`${n} commits read`) }),
    );
    for (const l of historyLines(history)) p.say(l, history.commits.length ? 'warn' : 'muted');
  }
  p.say('Revoke it at its provider; nothing here needs switching.');
  return 0;
}

async function revokeOld(p: Prompter, session: RotateSession, c: RotateCandidate, link: string | undefined, online: boolean): Promise<void> {
  const revoke = await import('../app/revocation.js');
  p.say(`Revoke the old token${link ? `: ${link}` : ' at its provider'}.`, 'title');
  if (c.provider === 'github' && (c.kind === 'personal-access-token' || c.kind === 'fine-grained-pat')) {
    const report = await p.confirm({
      message: 'Report it to GitHub’s public credential-revocation API now? GitHub revokes it at once and emails its owner.',
      default: false,
    });
    if (report) {
      const r = await p.task('Reporting to GitHub', () => session.withOldValue(c, async (v) => (await import('../adapters/github-revoke.js')).reportToGithub([v])));
      p.say(`GitHub: ${r.detail}`, r.status === 'accepted' ? 'ok' : 'warn');
    }
  }
  if (!online) return;
  if (!(await p.confirm({ message: 'Is the old token revoked now? (then it is checked)', default: true }))) return;
  const dead = await p.task('Checking the old token', () => session.withOldValue(c, (v) => revoke.checkRevoked(v, c)));
  p.say(`Old token: ${dead.detail}`, dead.status === 'revoked' ? 'ok' : 'warn');
}
