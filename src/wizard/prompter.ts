// The questions a guided flow (rotate, onboard) asks, behind one interface with two front ends:
// Ink (src/ui/flow) and line-by-line prompts for `--plain` (src/cli/plain-prompter.ts). The flow
// decides what to ask; the front end only shows it and returns the answer. Nothing a front end
// is given is secret: secret answers come back from `secret()` and are never echoed.

export type Tone = 'plain' | 'title' | 'ok' | 'warn' | 'error' | 'muted';

export interface PromptChoice<T> {
  name: string;
  value: T;
  /** A second, dimmer line of explanation. */
  hint?: string;
}

export interface Prompter {
  /** A line of output that stays on screen. */
  say(text: string, tone?: Tone): void;
  /** One choice among several; the first is the recommended one (what Enter picks). */
  select<T>(q: { message: string; choices: PromptChoice<T>[] }): Promise<T>;
  /**
   * A masked answer (a token). `validate` returns true, or why the value is refused (never the
   * value itself); a refused value is asked again.
   */
  secret(q: { message: string; validate?(value: string): true | string }): Promise<string>;
  /** Yes or no; Enter gives `default`. */
  confirm(q: { message: string; default: boolean }): Promise<boolean>;
  /**
   * Something slow, with live progress text, so the screen never looks frozen. `stop` is aborted
   * when the user asks to stop meanwhile (q, Ctrl+C): work that can stop between steps watches it.
   */
  task<T>(label: string, work: (update: (text: string) => void, stop: AbortSignal) => Promise<T>): Promise<T>;
  /** Restores the terminal. */
  close(): Promise<void>;
}

/** The user cancelled (q, Ctrl+C, Esc on a question): the flow stops; exit 130. */
export class FlowCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'FlowCancelled';
  }
}

/** Says a line whose leading ✓ / ✗ / ! becomes its tone (the front end draws the symbol). */
export function sayMarked(p: Pick<Prompter, 'say'>, line: string): void {
  const m = /^\s*([✓✗!]) (.*)$/s.exec(line);
  if (!m) return p.say(line);
  p.say(m[2]!, m[1] === '✓' ? 'ok' : m[1] === '✗' ? 'error' : 'warn');
}
