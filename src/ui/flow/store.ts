// The state behind the Ink front end of a guided flow, and the Prompter that drives it. No IO and
// no Ink here: the driver's calls change the state, the Ink app (FlowApp) draws it and answers the
// question through the callbacks it holds. A typed secret never enters this state: the input
// keeps it in its own component until it is submitted.
import { FlowCancelled, type Prompter, type Tone } from '../../wizard/prompter.js';

export interface SaidLine {
  id: number;
  text: string;
  tone: Tone;
}

export type Question =
  | { kind: 'select'; id: number; message: string; choices: { name: string; hint?: string }[]; answer(index: number): void }
  | {
      kind: 'secret';
      id: number;
      message: string;
      /** True when the value is taken; otherwise why it was refused (the input asks again). */
      submit(value: string): true | string;
    }
  | { kind: 'confirm'; id: number; message: string; default: boolean; answer(yes: boolean): void };

export interface TaskView {
  label: string;
  progress: string;
}

export interface FlowState {
  title: string;
  /** Everything said so far, oldest first; drawn once each, as a log. */
  lines: SaidLine[];
  question: Question | null;
  task: TaskView | null;
  /** The user asked to stop while no question was open: the next call is cancelled. */
  stopping: boolean;
}

export interface FlowStore {
  getState(): FlowState;
  subscribe(listener: () => void): () => void;
  /** q / Esc / Ctrl+C / a signal: cancels the open question, or the next call when none is open. */
  cancel(): void;
}

/** Shown in place of a secret once it is submitted; its length only (DESIGN §5 masks show it). */
export function maskOf(length: number): string {
  return length === 0 ? '(empty)' : `•••••••• (${length} character${length === 1 ? '' : 's'})`;
}

/** The symbol that carries a tone without colour (NO_COLOR, screen readers, monochrome). */
export const TONE_MARK: Record<Tone, string> = { plain: '', title: '', ok: '✓ ', warn: '! ', error: '✗ ', muted: '' };

export function createFlow(title: string): { store: FlowStore; prompter: Omit<Prompter, 'close'>; dispose(): void } {
  let state: FlowState = { title, lines: [], question: null, task: null, stopping: false };
  /** Aborted when the user asks to stop while a task runs. */
  let taskStop: AbortController | undefined;
  const listeners = new Set<() => void>();
  let nextId = 1;
  // Rejects the open question; set while one is open.
  let rejectOpen: ((err: Error) => void) | null = null;

  const set = (patch: Partial<FlowState>) => {
    state = { ...state, ...patch };
    for (const l of [...listeners]) l();
  };
  const say = (text: string, tone: Tone = 'plain') => {
    // One entry per line, so each scrolls like a log line.
    const lines = text.split('\n').map((t) => ({ id: nextId++, text: t, tone }));
    set({ lines: [...state.lines, ...lines] });
  };

  /** Opens a question; `make` builds it from the settle functions. */
  function ask<T>(make: (id: number, done: (value: T, echo: string) => void) => Question): Promise<T> {
    if (state.stopping) return Promise.reject(new FlowCancelled());
    if (state.question || state.task) return Promise.reject(new Error('a guided flow asks one thing at a time'));
    return new Promise<T>((resolve, reject) => {
      const id = nextId++;
      const message = () => (state.question ? state.question.message : '');
      rejectOpen = (err) => {
        rejectOpen = null;
        set({ question: null });
        reject(err);
      };
      const done = (value: T, echo: string) => {
        rejectOpen = null;
        // The answer stays in the log under its question, like a transcript.
        const line = { id: nextId++, text: `? ${message()} › ${echo}`, tone: 'plain' as const };
        set({ question: null, lines: [...state.lines, line] });
        resolve(value);
      };
      set({ question: make(id, done) });
    });
  }

  const store: FlowStore = {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    cancel() {
      if (rejectOpen) rejectOpen(new FlowCancelled());
      else if (!state.stopping) {
        set({ stopping: true });
        taskStop?.abort();
      }
    },
  };

  const prompter: Omit<Prompter, 'close'> = {
    say,
    select<T>(q: { message: string; choices: { name: string; value: T; hint?: string }[] }) {
      if (!q.choices.length) return Promise.reject(new Error('a select needs at least one choice'));
      return ask<T>((id, done) => ({
        kind: 'select',
        id,
        message: q.message,
        choices: q.choices.map((c) => ({ name: c.name, ...(c.hint ? { hint: c.hint } : {}) })),
        answer: (index) => {
          const c = q.choices[index];
          if (c) done(c.value, c.name);
        },
      }));
    },
    secret(q: { message: string; validate?(value: string): true | string }) {
      return ask<string>((id, done) => ({
        kind: 'secret',
        id,
        message: q.message,
        submit(value) {
          let verdict: true | string;
          try {
            verdict = q.validate ? q.validate(value) : true;
          } catch (err) {
            rejectOpen?.(err instanceof Error ? err : new Error(String(err)));
            return true;
          }
          if (verdict === true) done(value, maskOf(value.length));
          return verdict;
        },
      }));
    },
    confirm(q: { message: string; default: boolean }) {
      return ask<boolean>((id, done) => ({
        kind: 'confirm',
        id,
        message: q.message,
        default: q.default,
        answer: (yes) => done(yes, yes ? 'Yes' : 'No'),
      }));
    },
    async task<T>(label: string, work: (update: (text: string) => void, stop: AbortSignal) => Promise<T>): Promise<T> {
      if (state.stopping) throw new FlowCancelled();
      if (state.question || state.task) throw new Error('a guided flow asks one thing at a time');
      set({ task: { label, progress: '' } });
      const update = (text: string) => {
        if (state.task) set({ task: { label, progress: text } });
      };
      taskStop = new AbortController();
      try {
        const result = await work(update, taskStop.signal);
        set({ task: null, lines: [...state.lines, { id: nextId++, text: label, tone: 'ok' }] });
        return result;
      } catch (err) {
        set({ task: null, lines: [...state.lines, { id: nextId++, text: `${label}: failed`, tone: 'error' }] });
        throw err;
      }
    },
  };

  // On close, a question still open cannot be answered any more: it is cancelled.
  const dispose = () => rejectOpen?.(new FlowCancelled());
  return { store, prompter, dispose };
}
