// Colour for the printers: only the basic 16 colours plus bold/dim, so it reads the same in any
// terminal. Whether colour is on is decided once per output stream and passed down as a boolean.
import { styleText, stripVTControlCharacters } from 'node:util';
import type { Severity } from '../../core/model.js';

type Style = 'bold' | 'dim' | 'red' | 'yellow' | 'cyan' | 'green';

export interface ColorStream {
  isTTY?: boolean;
}

export interface ColorDecision {
  /** The caller asked for no colour (e.g. a `--no-color` flag or a machine format). */
  disabled?: boolean;
  /** Environment to read NO_COLOR / FORCE_COLOR / TERM from; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Whether to colour what goes to `stream`.
 * Off when asked, when NO_COLOR has any non-empty value (no-color.org), or when the stream is not a
 * terminal (or a dumb one) — unless FORCE_COLOR is set to something other than 0/false.
 */
export function colorEnabled(stream: ColorStream, decision: ColorDecision = {}): boolean {
  if (decision.disabled) return false;
  const env = decision.env ?? process.env;
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

export interface Theme {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  green(text: string): string;
  /** Colour text in the colour of a severity. */
  severity(severity: Severity, text: string): string;
}

const SEVERITY_STYLE: Record<Severity, Style[]> = {
  critical: ['red', 'bold'],
  high: ['red'],
  medium: ['yellow'],
  low: ['cyan'],
  info: ['dim'],
};

export function createTheme(enabled: boolean): Theme {
  // validateStream: false — the decision was already made by colorEnabled for the right stream;
  // styleText would otherwise re-check process.stdout.
  const paint = (styles: Style[], text: string): string =>
    enabled && text !== '' ? styleText(styles, text, { validateStream: false }) : text;
  return {
    enabled,
    bold: (t) => paint(['bold'], t),
    dim: (t) => paint(['dim'], t),
    red: (t) => paint(['red'], t),
    yellow: (t) => paint(['yellow'], t),
    cyan: (t) => paint(['cyan'], t),
    green: (t) => paint(['green'], t),
    severity: (s, t) => paint(SEVERITY_STYLE[s], t),
  };
}

/** Text as it appears on screen, without escape sequences (for width checks). */
export function stripAnsi(text: string): string {
  return stripVTControlCharacters(text);
}
