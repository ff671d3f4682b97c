// The built CLI in a real pseudo-terminal: node-pty runs it, @xterm/headless plays its output into
// a screen buffer, so tests (and the screenshot script) see exactly what a user's terminal shows.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import xterm from '@xterm/headless';
import * as nodePty from 'node-pty';

const { Terminal } = xterm;
export type HeadlessTerminal = InstanceType<typeof Terminal>;

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const CLI = join(ROOT, 'dist/cli.js');

/** The bytes a terminal sends for each key. */
export const KEYS = {
  Enter: '\r',
  Esc: '\x1b',
  Up: '\x1b[A',
  Down: '\x1b[B',
  Right: '\x1b[C',
  Left: '\x1b[D',
  Space: ' ',
  q: 'q',
  '?': '?',
  'Ctrl+C': '\x03',
} as const;
export type KeyName = keyof typeof KEYS;

export interface PtyOptions {
  /** Arguments after `node dist/cli.js`. */
  args: string[];
  cwd: string;
  /** The child's whole environment (TERM defaults to xterm-256color). */
  env: Record<string, string>;
  cols?: number;
  rows?: number;
  /** The script to run (default: this repository's dist/cli.js). */
  cli?: string;
}

export interface PtyExit {
  code: number;
  signal: number | undefined;
}

export interface PtySession {
  readonly term: HeadlessTerminal;
  /** Everything the program wrote, escape sequences included. */
  raw(): string;
  /** The visible screen as text, one line per row, trailing blanks trimmed. */
  screen(): string;
  /** Resolves with the screen once it matches; rejects with the screen after `timeoutMs`. */
  waitFor(what: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves once no output has arrived for `quietMs` (and every byte is on the screen). */
  idle(quietMs?: number, timeoutMs?: number): Promise<void>;
  press(key: KeyName): void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  readonly exit: Promise<PtyExit>;
  readonly exited: boolean;
  kill(signal?: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function spawnCli(opts: PtyOptions): PtySession {
  const cols = opts.cols ?? 80;
  const rows = opts.rows ?? 24;
  const term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
  const child = nodePty.spawn(process.execPath, [opts.cli ?? CLI, ...opts.args], {
    name: opts.env['TERM'] ?? 'xterm-256color',
    cols,
    rows,
    cwd: opts.cwd,
    env: { TERM: 'xterm-256color', ...opts.env },
  });
  let raw = '';
  let pending = 0;
  let lastData = Date.now();
  let exited = false;
  child.onData((d) => {
    raw += d;
    lastData = Date.now();
    pending++;
    term.write(d, () => pending--);
  });
  const exit = new Promise<PtyExit>((res) =>
    child.onExit(({ exitCode, signal }) => {
      exited = true;
      res({ code: exitCode, signal: signal || undefined });
    }),
  );

  const screen = () => {
    const buf = term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < term.rows; y++) lines.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
    return lines.join('\n');
  };
  const matches = (s: string, what: string | RegExp) => (typeof what === 'string' ? s.includes(what) : what.test(s));

  return {
    term,
    raw: () => raw,
    screen,
    async waitFor(what, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const s = screen();
        if (pending === 0 && matches(s, what)) return s;
        if (Date.now() > until) throw new Error(`timed out waiting for ${String(what)}; the screen shows:\n${s}`);
        await sleep(20);
      }
    },
    async idle(quietMs = 150, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (pending > 0 || Date.now() - lastData < quietMs) {
        if (Date.now() > until) throw new Error(`output did not settle; the screen shows:\n${screen()}`);
        await sleep(20);
      }
    },
    press: (key) => child.write(KEYS[key]),
    write: (data) => child.write(data),
    resize(c, r) {
      child.resize(c, r);
      term.resize(c, r);
    },
    exit,
    get exited() {
      return exited;
    },
    kill: (signal) => {
      if (!exited) child.kill(signal);
    },
  };
}
