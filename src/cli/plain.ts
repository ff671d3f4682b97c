// `--plain`: the same wizard (same state machine, same runner) as line-by-line questions with
// @inquirer/prompts, for screen readers and simple terminals. Ink is never mounted in this mode.
import { EXIT } from '../core/errors.js';
import { TRUST_LEVELS, type Command, type Level, type TrustLevel, type WizardEvent, type WizardState } from '../wizard/state.js';
import { createRunner, type WizardEngine } from '../wizard/run.js';

export interface Choice<T> {
  name: string;
  value: T;
}

/** The prompts plain mode asks; the first choice is always the recommended one (what Enter picks). */
export interface PlainPrompts {
  select<T>(q: { message: string; choices: Choice<T>[] }): Promise<T>;
  print(text: string): void;
}

/** Thrown by a prompt when the user presses Ctrl+C; inquirer's own error has this name. */
function isPromptExit(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError');
}

/** The real prompts, over the given streams (inquirer is loaded only in this mode). */
export function inquirerPrompts(io: { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream }): PlainPrompts {
  return {
    async select<T>(q: { message: string; choices: Choice<T>[] }) {
      const { select } = await import('@inquirer/prompts');
      return select<T>({ message: q.message, choices: q.choices, pageSize: 12 }, { input: io.stdin, output: io.stdout });
    },
    print: (text) => void io.stdout.write(text + '\n'),
  };
}

type Next = WizardEvent[] | 'wait';

const cmd = (...commands: Command[]): WizardEvent[] => commands.map((command) => ({ type: 'command', command }));
const CONTINUE = 'continue';
const BACK = 'back';
const QUIT = 'quit';

function common<T extends string>(extra: Choice<T | typeof CONTINUE | typeof BACK | typeof QUIT>[], back = true): Choice<string>[] {
  return [
    { name: 'Continue (recommended)', value: CONTINUE },
    ...extra,
    ...(back ? [{ name: 'Back', value: BACK }] : []),
    { name: 'Quit without changing anything', value: QUIT },
  ];
}

function asEvents(answer: string): WizardEvent[] {
  if (answer === CONTINUE) return cmd('accept');
  if (answer === BACK) return cmd('back');
  return cmd('cancel');
}

/** One question for the current step, and the events its answer means. */
async function ask(state: WizardState, p: PlainPrompts): Promise<Next> {
  switch (state.step) {
    case 'scan':
    case 'cancelled':
      return 'wait';
    case 'error': {
      p.print(`mcp-harden: ${state.message}`);
      return cmd('accept');
    }
    case 'servers': {
      if (state.details) return cmd('back');
      p.print(`\n${state.data.servers.length} MCP servers found:`);
      for (const s of state.data.servers) {
        p.print(`  ${s.name}: ${s.clients.join(', ')}; ${s.scopes.join(', ')} scope; ${s.transport}; ${s.findings.length} findings; suggested ${s.trust.suggested}`);
      }
      const answer = await p.select({
        message: 'Servers',
        choices: common(state.data.servers.map((s, i) => ({ name: `Details of ${s.name}`, value: `d${i}` })), false),
      });
      if (answer.startsWith('d')) {
        const s = state.data.servers[Number(answer.slice(1))]!;
        p.print(`\n${s.name} (${s.transport}): ${s.launch}`);
        for (const d of s.declared) p.print(`  declared in ${d.file}:${d.line} (${d.client}, ${d.scope})`);
        if (s.envKeys.length) p.print(`  env keys: ${s.envKeys.join(', ')}`);
        if (s.headerKeys.length) p.print(`  header keys: ${s.headerKeys.join(', ')}`);
        for (const x of s.secrets) p.print(`  secret ${x.key ?? ''} ${x.masked} sha256:${x.fingerprint} (${x.provider} ${x.kind})`);
        for (const f of s.findings) p.print(`  ${f.severity} ${f.rule}: ${f.message}${f.fix ? `. Fix: ${f.fix}` : ''}`);
        return [];
      }
      return asEvents(answer);
    }
    case 'trust': {
      if (state.waitingForPlan) return 'wait';
      // Rows of one name (different launch lines) are told apart by their clients.
      const label = (s: (typeof state.data.servers)[number]) =>
        state.data.servers.some((o) => o !== s && o.name === s.name) ? `${s.name} (${s.clients.join(', ')})` : s.name;
      p.print('\nTrust levels (suggested, with the evidence):');
      for (const s of state.data.servers) {
        const t = s.trust;
        const pinned = t.pinned === null ? 'not a package' : t.pinned ? 'pinned' : 'not pinned';
        const read = s.declared.flatMap((d) => (state.tools?.[d.key] ? [state.tools[d.key]!] : []));
        const writes = [...new Set(read.flat())].sort();
        const tools = read.length ? `; tools: ${writes.length ? `${writes.length} may write (${writes.join(', ')})` : 'all read-only'}, by their annotations` : '';
        p.print(`  ${label(s)}: ${state.trust[s.id]} (suggested ${t.suggested}: ${t.reason}; publisher ${t.publisher}; ${pinned}; ${t.transportNote}; ${t.secretsHeld} secrets${tools})`);
      }
      const answer = await p.select({
        message: 'Trust',
        choices: common(state.data.servers.map((s, i) => ({ name: `Change ${label(s)} (now ${state.trust[s.id]})`, value: `t${i}` }))),
      });
      if (answer.startsWith('t')) {
        const s = state.data.servers[Number(answer.slice(1))]!;
        const level = await p.select<TrustLevel>({
          message: `Trust level of ${label(s)}`,
          choices: TRUST_LEVELS.map((l) => ({ name: l === s.trust.suggested ? `${l} (suggested)` : l, value: l })),
        });
        return [{ type: 'set-trust', id: s.id, level }];
      }
      return asEvents(answer);
    }
    case 'scopes': {
      if (state.local === 'loading' || state.online === 'checking') return 'wait';
      if (Array.isArray(state.online)) {
        p.print('\nOnline check of the tokens:');
        for (const l of state.online) p.print(`  ${l.tone === 'ok' ? 'ok' : l.tone === 'bad' ? 'PROBLEM' : 'note'}: ${l.text}`);
      }
      if (state.local.length) {
        p.print('\nOn this machine, for the trust levels chosen:');
        for (const c of state.local) p.print(`  [${state.localOff.includes(c.key) ? ' ' : 'x'}] ${c.server}: ${c.label} (${c.why})`);
      } else {
        p.print('\nNo local change: no server here has a switch, pin or tool rule for its trust level.');
      }
      if (!state.data.providers.length) p.print('\nNo provider-side work: no secret from a provider with scoped tokens was found.');
      else p.print('\nGive each token only what its server needs. Do this at the provider:');
      for (const g of state.data.providers) {
        p.print(`  ${g.label} (${g.accounts.join(', ')}${g.servers.length ? ` → ${g.servers.join(', ')}` : ''}): ${g.advice}`);
        p.print(`    ${g.url}`);
      }
      const toggles = state.local.map((c, i) => ({ name: `${state.localOff.includes(c.key) ? 'Turn on' : 'Turn off'}: ${c.server}: ${c.label}`, value: `l${i}` }));
      const options = [
        {
          name: state.annotations
            ? 'Stop reading tool annotations (use the catalog’s lists of write tools)'
            : 'Read tool annotations: start each limited or untrusted server once to learn which tools write',
          value: 'annotations',
        },
        { name: `${state.online === null ? 'Check' : 'Check again'}: each token with its provider (read-only network calls)`, value: 'online' },
      ];
      const answer = await p.select({ message: 'Scopes', choices: common([...toggles, ...options]) });
      if (answer === 'annotations') return [{ type: 'set-annotations', on: !state.annotations }];
      if (answer === 'online') return [{ type: 'check-online' }];
      if (answer.startsWith('l')) {
        const c = state.local[Number(answer.slice(1))]!;
        return [{ type: 'set-local', key: c.key, on: state.localOff.includes(c.key) }];
      }
      return asEvents(answer);
    }
    case 'files': {
      p.print('\nFiles that hold secrets:');
      for (const f of state.data.files) {
        const mode = f.mode ? `chmod ${f.mode.from.toString(8).padStart(3, '0')} → ${f.mode.to.toString(8)}` : 'mode ok';
        p.print(`  ${f.file}: ${mode}${f.gitignore ? `; add ${f.gitignore.entry} to ${f.gitignore.gitignore}` : ''}`);
        if (f.tracked) p.print(`    WARNING: committed to git with a secret in it. Rotate it: mcp-harden rotate`);
      }
      return asEvents(await p.select({ message: 'Files', choices: common([]) }));
    }
    case 'keychain': {
      if (state.preview === 'loading') return 'wait';
      if (state.preview) {
        p.print(`\n${state.preview.diffs.length} files will change (secrets masked):`);
        for (const d of state.preview.diffs) {
          p.print(`--- ${d.file}`);
          for (const l of d.lines) p.print(l.sign === '@' ? l.text : `${l.sign}${l.text}`);
        }
        return asEvents(await p.select({ message: 'Changes', choices: common([]) }));
      }
      if (!state.data.keychain.available) p.print(`\nKeychain unavailable (${state.data.keychain.message}): Level 2 actions will be skipped.`);
      p.print('\nWhere each secret lives (Level 2: OS keychain; Level 1: the file, locked down):');
      for (const s of state.data.secrets) {
        p.print(`  ${s.account} ${s.masked}: Level ${state.levels[s.fingerprint]}${state.levels[s.fingerprint] !== s.recommended ? ` (recommended ${s.recommended})` : ''}`);
      }
      const answer = await p.select({
        message: 'Keychain',
        choices: common(
          state.data.secrets.map((s, i) => ({ name: `Switch ${s.account} to Level ${state.levels[s.fingerprint] === 2 ? 1 : 2}`, value: `s${i}` })),
        ),
      });
      if (answer.startsWith('s')) {
        const s = state.data.secrets[Number(answer.slice(1))]!;
        const level: Level = state.levels[s.fingerprint] === 2 ? 1 : 2;
        return [{ type: 'set-level', fingerprint: s.fingerprint, level }];
      }
      return asEvents(answer);
    }
    case 'confirm': {
      p.print(`\nThe plan (${state.preview.actions} actions):`);
      state.preview.labels.forEach((l, i) => p.print(`  ${i + 1}. ${l}`));
      const answer = await p.select({
        message: `Apply ${state.preview.actions} actions?`,
        choices: [
          { name: `Apply ${state.preview.actions} actions`, value: CONTINUE },
          { name: 'Back', value: BACK },
          { name: 'Quit without changing anything', value: QUIT },
        ],
      });
      return asEvents(answer);
    }
    case 'applying':
      return 'wait';
    case 'summary': {
      const s = state.summary;
      p.print(`\n${s.cancelled ? 'Stopped on request' : 'Done'}: ${s.done} done, ${s.skipped} skipped, ${s.failed.length} failed.`);
      for (const r of new Set([...Object.keys(state.data.before), ...Object.keys(s.after)])) {
        p.print(`  ${r}: ${state.data.before[r as keyof typeof s.after] ?? 0} → ${s.after[r as keyof typeof s.after] ?? 0}`);
      }
      for (const f of s.failed) p.print(`  failed: ${f.label}: ${f.message}`);
      for (const f of s.cameBack) p.print(`  plaintext came back in ${f}: a running client rewrote it`);
      p.print(`Run ${s.runId}. Undo it with: mcp-harden undo ${s.runId}`);
      if (s.restart.length) p.print(`Restart ${s.restart.join(', ')} so they read the new config.`);
      if (state.data.providers.length) p.print('Left for you at the providers:');
      for (const g of state.data.providers) p.print(`  ${g.label}: ${g.url}`);
      return cmd('accept');
    }
  }
}

/** Runs the wizard with prompts; resolves with the exit code. */
export async function runPlain(
  engine: WizardEngine,
  prompts: PlainPrompts,
  opts: { onSignal?(handler: () => void): () => void } = {},
): Promise<number> {
  const runner = createRunner(engine);
  const { store } = runner;
  // The exit effect is seen synchronously, so no question is asked after it.
  const exitEffect = () => runner.effects.find((e): e is Extract<typeof e, { type: 'exit' }> => e.type === 'exit');

  // Progress is printed as it changes: scan phases and each finished action.
  let lastPhase = '';
  const printed = new Set<number>();
  const unsubscribe = store.subscribe(() => {
    const s = store.getState();
    if (s.step === 'scan' && s.progress && s.progress.phase !== lastPhase) {
      lastPhase = s.progress.phase;
      prompts.print(`Scanning: ${s.progress.phase} (${s.progress.filesRead} files read, ${s.progress.servers} servers, ${s.progress.secrets} secrets)`);
    }
    if (s.step === 'applying') {
      for (const l of s.lines) {
        if (printed.has(l.seq) || l.status === 'pending' || l.status === 'running') continue;
        printed.add(l.seq);
        const mark = l.status === 'done' ? 'done' : l.status;
        const detail = l.subSteps.length ? ` (${l.subSteps.join(', ')})` : l.message ? `: ${l.message}` : '';
        prompts.print(`  ${mark}: ${l.label}${detail}`);
      }
    }
  });
  const stopSignal = opts.onSignal?.(() => store.dispatch({ type: 'command', command: 'cancel' }));
  const changed = () =>
    new Promise<void>((resolve) => {
      const off = store.subscribe(() => {
        off();
        resolve();
      });
      void runner.exited.then(() => {
        off();
        resolve();
      });
    });

  try {
    prompts.print('mcp-harden: looking at your MCP setup (read-only until you confirm).');
    runner.start();
    while (!exitEffect()) {
      const state = store.getState();
      let next: Next;
      try {
        next = await ask(state, prompts);
      } catch (err) {
        if (!isPromptExit(err)) throw err;
        next = cmd('cancel');
      }
      if (next === 'wait') {
        // The awaited result may already have arrived while the question was being worked out.
        if (store.getState() === state) await changed();
        continue;
      }
      for (const e of next) store.dispatch(e);
    }
    if (store.getState().step === 'cancelled') prompts.print('Cancelled. Nothing was changed.');
    return exitEffect()?.code ?? EXIT.failure;
  } finally {
    unsubscribe();
    stopSignal?.();
  }
}
