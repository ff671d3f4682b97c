// The one frame-test helper: mounts the wizard App over a store, at a chosen terminal size, sends
// keys and reads frames (ANSI stripped). Every UI test goes through here, so the renderer can be
// swapped in one place.
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import App from '../../src/ui/App.js';
import { createStore, type WizardStore } from '../../src/wizard/run.js';
import type { Effect, WizardState } from '../../src/wizard/state.js';
import FlowApp from '../../src/ui/flow/FlowApp.js';
import { createFlow, type FlowStore } from '../../src/ui/flow/store.js';
import type { Prompter } from '../../src/wizard/prompter.js';

export const KEYS = {
  enter: '\r',
  esc: '\x1b',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  space: ' ',
  help: '?',
  q: 'q',
  ctrlC: '\x03',
} as const;
export type KeyName = keyof typeof KEYS;

export interface Rendered {
  lastFrame(): string;
  /** The last frame as written, escape codes included. */
  rawFrame(): string;
  /** Every frame written so far, ANSI stripped. */
  frames(): string[];
  press(...keys: KeyName[]): Promise<void>;
  /** Changes the terminal size, as a resize does. */
  resize(columns: number, rows: number): Promise<void>;
  waitFor(predicate: (frame: string) => boolean, timeoutMs?: number): Promise<string>;
  store: WizardStore;
  /** Effects the store asked for (not run, unless a store was given). */
  effects: Effect[];
  unmount(): void;
}

const tick = () => new Promise((r) => setTimeout(r, 5));

/** Input is handled asynchronously: waits until the frame stops changing (or 1 s has passed). */
async function settleFrames(lastFrame: () => string): Promise<void> {
  let prev = lastFrame();
  for (let quiet = 0, i = 0; quiet < 4 && i < 200; i++) {
    await tick();
    const now = lastFrame();
    quiet = now === prev ? quiet + 1 : 0;
    prev = now;
  }
}

export async function renderApp(
  from: WizardState | WizardStore,
  opts: { columns?: number; rows?: number; color?: boolean } = {},
): Promise<Rendered> {
  const effects: Effect[] = [];
  const store = 'dispatch' in from ? from : createStore(from, (e) => effects.push(e));
  const r = render(<App store={store} color={opts.color ?? false} />);
  const setSize = (columns: number, rows: number) => {
    Object.defineProperty(r.stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(r.stdout, 'rows', { value: rows, configurable: true });
    r.stdout.emit('resize');
  };
  const strip = (s: string | undefined) => stripVTControlCharacters(s ?? '');
  const lastFrame = () => strip(r.lastFrame());
  const waitFor = async (predicate: (f: string) => boolean, timeoutMs = 3000) => {
    const until = Date.now() + timeoutMs;
    while (!predicate(lastFrame())) {
      if (Date.now() > until) throw new Error(`no matching frame; last frame:\n${lastFrame()}`);
      await tick();
    }
    return lastFrame();
  };
  const settle = () => settleFrames(lastFrame);
  setSize(opts.columns ?? 80, opts.rows ?? 24);
  await settle();
  return {
    lastFrame,
    rawFrame: () => r.lastFrame() ?? '',
    frames: () => r.frames.map(strip),
    async press(...keys) {
      for (const k of keys) {
        r.stdin.write(KEYS[k]);
        await settle();
      }
    },
    async resize(columns, rows) {
      setSize(columns, rows);
      await settle();
    },
    waitFor,
    store,
    effects,
    unmount: () => r.unmount(),
  };
}

/** The widest line of a frame, in columns (every glyph the wizard uses is one column wide). */
export function widest(frame: string): number {
  return Math.max(0, ...frame.split('\n').map((l) => [...l].length));
}

/** A guided flow's Ink app (src/ui/flow) with its driver's Prompter, mounted like renderApp. */
export interface RenderedFlow extends Omit<Rendered, 'store' | 'effects'> {
  prompter: Omit<Prompter, 'close'>;
  store: FlowStore;
  /** Writes text to stdin as the terminal would send it (typing or pasting). */
  type(text: string): Promise<void>;
}

export async function renderFlow(
  title: string,
  opts: { columns?: number; rows?: number; color?: boolean } = {},
): Promise<RenderedFlow> {
  const flow = createFlow(title);
  // The title goes into the log (<Static>) at the first frame and stays as drawn: mount at the
  // chosen size from the start, as a terminal would.
  const r = render(<></>);
  const setSize = (columns: number, rows: number) => {
    Object.defineProperty(r.stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(r.stdout, 'rows', { value: rows, configurable: true });
    r.stdout.emit('resize');
  };
  const strip = (s: string | undefined) => stripVTControlCharacters(s ?? '');
  const lastFrame = () => strip(r.lastFrame());
  const settle = () => settleFrames(lastFrame);
  setSize(opts.columns ?? 80, opts.rows ?? 24);
  r.rerender(<FlowApp store={flow.store} color={opts.color ?? false} animate={false} />);
  await settle();
  return {
    prompter: flow.prompter,
    store: flow.store,
    lastFrame,
    rawFrame: () => r.lastFrame() ?? '',
    frames: () => r.frames.map(strip),
    async press(...keys) {
      for (const k of keys) {
        r.stdin.write(KEYS[k]);
        await settle();
      }
    },
    async type(text) {
      r.stdin.write(text);
      await settle();
    },
    async resize(columns, rows) {
      setSize(columns, rows);
      await settle();
    },
    async waitFor(predicate, timeoutMs = 3000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(lastFrame())) {
        if (Date.now() > until) throw new Error(`no matching frame; last frame:\n${lastFrame()}`);
        await tick();
      }
      return lastFrame();
    },
    unmount: () => r.unmount(),
  };
}
