// The runner: holds the wizard state, runs the effects transition() asks for (all the IO: scan,
// plan, preview, apply) and feeds their results back as events. Both the Ink UI and plain mode
// sit on top of one store; neither does IO of its own.
import type { ApplyEvent, FileChange } from '../app/apply.js';
import type { FixDeps, FixOptions, FixOutcome, PreparedFix } from '../app/fix.js';
import { scan, type AuditDetails } from '../app/audit.js';
import type { AuditReport } from '../core/report.js';
import type { Policy } from '../core/policy.js';

/** A read-only scan: the report, and the details the plan is made from (values in memory only). */
export interface Scanned {
  report: AuditReport;
  details: AuditDetails;
}
import { exitCodeFor } from '../core/errors.js';
import { applyEventView, localChangesOf, previewOf, scanData, summaryOf, wizardData, type PathView } from './data.js';
import { initialState, recommendedLevels, type Effect, type Level, type OnlineLine, type ScanProgress, type TrustLevel, type WizardEvent, type WizardState } from './state.js';
import { transition } from './transition.js';

/** The engine calls the wizard needs; built from the fix use case, replaced by fakes in tests. */
export interface WizardEngine {
  view: PathView;
  /** The team policy of the workspace: the trust levels it records are the rows' suggestions. */
  policy?: Policy;
  /** `trust`: the user's changes to the suggested levels, by `annotationKey` (recorded in the policy). */
  prepare(
    levels: Map<string, Level> | undefined,
    onProgress: (p: ScanProgress) => void,
    trust?: Map<string, TrustLevel>,
    /** Local least-privilege changes turned off (`localChangeKey`s). */
    skipLocal?: ReadonlySet<string>,
    /**
     * Start limited/untrusted servers once to read their tool annotations (`true`), or plan with
     * annotations read before (`PreparedFix.toolAnnotations`), starting nothing.
     */
    annotations?: boolean | NonNullable<PreparedFix['toolAnnotations']>,
    /** The scan `scan()` just made, planned from instead of scanning again. */
    scanned?: Scanned,
  ): Promise<PreparedFix>;
  /** The read-only scan alone: the servers are shown from it while the plan is worked out. */
  scan(onProgress: (p: ScanProgress) => void): Promise<Scanned>;
  /** Each token sent to its own provider, read-only; `trust`: the user's changes by `annotationKey`. */
  checkOnline(prepared: PreparedFix, trust: Map<string, TrustLevel>): Promise<OnlineLine[]>;
  preview(prepared: PreparedFix): Promise<FileChange[]>;
  apply(prepared: PreparedFix, onEvent: (e: ApplyEvent) => void, signal: AbortSignal): Promise<FixOutcome>;
}

const fixEngine = () => import('../app/fix.js');

export function engineFromFix(
  deps: FixDeps,
  opts: FixOptions,
  extra: { resolvesTo?(service: string, account: string, value: string): Promise<boolean> } = {},
): WizardEngine {
  return {
    view: { home: opts.audit.host.home, workspace: opts.audit.workspace },
    ...(opts.audit.policy ? { policy: opts.audit.policy } : {}),
    scan: (onProgress) => scan(deps.fs, deps.workspacePort, { ...opts.audit, onProgress: (p) => onProgress(p) }),
    // The fix engine loads while the servers are on screen: the scan does not need it.
    prepare: async (levels, onProgress, trust, skipLocal, annotations, scanned) =>
      (await fixEngine()).prepareFix(deps, {
        ...opts,
        ...(scanned ? { scanned } : {}),
        ...(levels ? { levels } : {}),
        ...(trust?.size ? { trust } : {}),
        ...(skipLocal?.size ? { skipLocal } : {}),
        ...(annotations === true ? { annotations: {} } : annotations ? { toolAnnotations: annotations.writeTools, toolAnnotationNotes: annotations.notes } : {}),
        audit: { ...opts.audit, onProgress: (p) => onProgress(p) },
      }),
    preview: async (prepared) => (await fixEngine()).previewChanges(prepared),
    checkOnline: (prepared, trust) => onlineLines(prepared, trust, opts.audit.host.env),
    apply: async (prepared, onEvent, signal) =>
      (await fixEngine()).applyFix(deps, prepared, { ...opts, onEvent, signal, ...(extra.resolvesTo ? { resolvesTo: extra.resolvesTo } : {}) }),
  };
}

/** The online check as lines for the Scopes step: what each provider said, findings first. */
async function onlineLines(prepared: PreparedFix, trust: Map<string, TrustLevel>, env: Readonly<Record<string, string | undefined>>): Promise<OnlineLine[]> {
  const [{ checkOnline }, { currentTrust, serverKey }] = await Promise.all([import('../app/online.js'), import('../core/policy.js')]);
  const { details, report } = prepared;
  const result = await checkOnline(details, {
    env,
    trustOf: (s) => {
      const server = details.servers.find((x) => x.name === s.name && x.client === s.client && x.file === s.file);
      const key = serverKey(s);
      return trust.get(key) ?? prepared.trust.get(key) ?? (server ? currentTrust(server, report.findings) : undefined);
    },
  });
  const lines: OnlineLine[] = [
    ...result.findings.map((f): OnlineLine => ({ tone: 'bad', text: f.message })),
    ...result.notes.map((n): OnlineLine => ({ tone: 'warn', text: n.replace(/^online check of /, '') })),
  ];
  if (!result.checked) lines.push({ tone: 'warn', text: 'no token here has a read-only check at its provider' });
  else if (!lines.length) lines.push({ tone: 'ok', text: `${result.checked} token${result.checked === 1 ? '' : 's'} checked: each is valid and within its server's trust level` });
  return lines;
}

export interface WizardStore {
  getState(): WizardState;
  dispatch(event: WizardEvent): void;
  subscribe(listener: () => void): () => void;
}

export type Executor = (effect: Effect, dispatch: (e: WizardEvent) => void) => void;

/** A store over transition(): every dispatch computes the next state, notifies, then runs effects. */
export function createStore(initial: WizardState, execute: Executor): WizardStore {
  let state = initial;
  const listeners = new Set<() => void>();
  const store: WizardStore = {
    getState: () => state,
    dispatch(event) {
      const next = transition(state, event);
      if (next.state !== state) {
        state = next.state;
        for (const l of listeners) l();
      }
      for (const effect of next.effects) execute(effect, store.dispatch);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return store;
}

/**
 * How long a scan may run before its progress is drawn. A pause this short before the first frame
 * is not felt, and loading the UI takes a good part of it anyway.
 */
export const SCAN_FRAME_AFTER_MS = 150;

const levelsKey = (levels: Record<string, Level>) =>
  JSON.stringify(Object.entries(levels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export interface Runner {
  store: WizardStore;
  /** Settles with the exit code once the wizard asks to exit. */
  exited: Promise<number>;
  /** Effects run so far, in order (for tests and diagnostics; they hold no secret). */
  effects: Effect[];
  /**
   * Starts the scan (an effect); once only, later calls do nothing. It may start before the UI is
   * mounted, which then waits for firstFrame().
   */
  start(): void;
  /**
   * Settles when the first frame is worth drawing: as soon as the scan is over, or `scanFrameAfterMs`
   * after start() while it still runs. A quick scan opens on the server table (one frame instead of
   * a progress frame that is gone before it can be read, and the table comes sooner); a slow one
   * shows its progress.
   */
  firstFrame(): Promise<void>;
  /**
   * Lets the UI put a state on screen before slow work starts: awaited once the servers are known,
   * before the plan is worked out (Ink throttles its frames, and planning would hold the table back).
   */
  setFrameFlush(flush: () => Promise<void>): void;
}

export function createRunner(engine: WizardEngine, opts: { progressEveryMs?: number; scanFrameAfterMs?: number } = {}): Runner {
  const every = opts.progressEveryMs ?? 50;
  const scanFrameAfter = opts.scanFrameAfterMs ?? SCAN_FRAME_AFTER_MS;
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((r) => (resolveExit = r));
  /** Plans already computed, by their levels: the first one is `fix --yes`'s. */
  const plans = new Map<string, PreparedFix>();
  let abort: AbortController | undefined;
  const effects: Effect[] = [];
  let flushFrame: () => Promise<void> = () => Promise.resolve();
  let started = false;
  let firstFrameDue!: () => void;
  const firstFrame = new Promise<void>((r) => (firstFrameDue = r));
  let scanFrameTimer: NodeJS.Timeout | undefined;
  const resolveFirstFrame = () => {
    clearTimeout(scanFrameTimer);
    firstFrameDue();
  };

  const fail = (dispatch: (e: WizardEvent) => void, err: unknown) => {
    dispatch({ type: 'failed', message: err instanceof Error ? err.message : String(err), code: exitCodeFor(err) });
  };

  /** Tool annotations read so far, by the trust choices they were read for: each set is read once. */
  const annotationsRead = new Map<string, NonNullable<PreparedFix['toolAnnotations']>>();

  const planFor = async (levels: Record<string, Level>, trust: Record<string, TrustLevel> = {}, off: string[] = [], annotations = false): Promise<PreparedFix> => {
    const trustKey = Object.keys(trust).length ? JSON.stringify(Object.entries(trust).sort()) : '';
    const key = levelsKey(levels) + trustKey + (off.length ? JSON.stringify([...off].sort()) : '') + (annotations ? ' annotations' : '');
    let prepared = plans.get(key);
    if (!prepared) {
      // Another toggle or level set is planned again, but the servers are not started again.
      const read = annotations ? annotationsRead.get(trustKey) : undefined;
      prepared = await engine.prepare(new Map(Object.entries(levels)), () => {}, new Map(Object.entries(trust)), new Set(off), read ?? annotations);
      if (annotations && !read && prepared.toolAnnotations) annotationsRead.set(trustKey, prepared.toolAnnotations);
      plans.set(key, prepared);
    }
    return prepared;
  };

  const execute: Executor = (effect, dispatch) => {
    effects.push(effect);
    switch (effect.type) {
      case 'start-scan': {
        let last = 0;
        let phase = '';
        const onProgress = (p: ScanProgress) => {
          const now = Date.now();
          // Phase changes always show; counters at most every `every` ms.
          if (p.phase === phase && now - last < every) return;
          last = now;
          phase = p.phase;
          dispatch({ type: 'scan-progress', progress: { ...p } });
        };
        // Right after the current dispatch (the scan runs while the UI loads). The servers show as
        // soon as the scan is done; the keychain and the plan follow while the user reads them.
        queueMicrotask(() => {
          engine
            .scan(onProgress)
            .then(async (scanned) => {
              dispatch({ type: 'servers-ready', data: scanData(scanned.report, engine.view, engine.policy) });
              // A turn of the event loop lets a UI waiting for firstFrame() mount; then its frame is flushed.
              await new Promise((r) => setImmediate(r));
              await flushFrame();
              const prepared = await engine.prepare(undefined, onProgress, undefined, undefined, undefined, scanned);
              const data = wizardData(prepared, engine.view, engine.policy);
              plans.set(levelsKey(recommendedLevels(data)), prepared);
              dispatch({ type: 'scan-done', data });
            })
            .catch((err) => fail(dispatch, err));
        });
        return;
      }
      case 'local-changes':
        planFor(effect.levels, effect.trust, [], effect.annotations)
          .then((prepared) =>
            dispatch({
              type: 'local-ready',
              local: localChangesOf(prepared, engine.view),
              ...(prepared.toolAnnotations ? { tools: Object.fromEntries(prepared.toolAnnotations.writeTools) } : {}),
            }),
          )
          .catch((err) => fail(dispatch, err));
        return;
      case 'check-online':
        planFor(effect.levels, effect.trust)
          .then((prepared) => engine.checkOnline(prepared, new Map(Object.entries(effect.trust))))
          .then((lines) => dispatch({ type: 'online-ready', lines }))
          // A failed check is an answer, not a wizard error: the user can carry on.
          .catch((err) => dispatch({ type: 'online-ready', lines: [{ tone: 'warn', text: `the online check failed: ${err instanceof Error ? err.message : String(err)}` }] }));
        return;
      case 'preview':
        planFor(effect.levels, effect.trust, effect.off, effect.annotations)
          .then(async (prepared) => dispatch({ type: 'preview-ready', preview: previewOf(prepared, await engine.preview(prepared), engine.view) }))
          .catch((err) => fail(dispatch, err));
        return;
      case 'apply':
        abort = new AbortController();
        planFor(effect.levels, effect.trust, effect.off, effect.annotations)
          .then(async (prepared) => {
            const outcome = await engine.apply(prepared, (e) => dispatch({ type: 'apply-event', event: applyEventView(e) }), abort!.signal);
            dispatch({ type: 'apply-done', summary: summaryOf(prepared, outcome, engine.view) });
          })
          .catch((err) => fail(dispatch, err));
        return;
      case 'stop-apply':
        abort?.abort();
        return;
      case 'exit':
        resolveExit(effect.code);
        return;
    }
  };

  const store = createStore(initialState, execute);
  store.subscribe(() => {
    if (store.getState().step !== 'scan') resolveFirstFrame();
  });
  return {
    store,
    exited,
    effects,
    start: () => {
      if (started) return;
      started = true;
      scanFrameTimer = setTimeout(resolveFirstFrame, scanFrameAfter);
      store.dispatch({ type: 'init' });
    },
    firstFrame: () => firstFrame,
    setFrameFlush: (flush) => {
      flushFrame = flush;
    },
  };
}
