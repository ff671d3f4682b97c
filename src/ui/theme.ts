// Semantic colours for the wizard: only the basic 16 ANSI colours, and none at all with NO_COLOR
// (then state is carried by symbols and bold/inverse, never by colour alone).
import { createContext, useContext } from 'react';
import type { Severity } from '../core/model.js';
import type { TrustLevel } from '../wizard/state.js';

type Color = 'red' | 'green' | 'yellow' | 'cyan' | 'gray' | 'magenta';

export interface Theme {
  color: boolean;
  /** The Ink colour for a role, or undefined when colour is off. */
  ok: Color | undefined;
  warn: Color | undefined;
  bad: Color | undefined;
  accent: Color | undefined;
  muted: Color | undefined;
  severity(s: Severity): Color | undefined;
  trust(t: TrustLevel): Color | undefined;
}

export function createTheme(color: boolean): Theme {
  const c = (x: Color): Color | undefined => (color ? x : undefined);
  return {
    color,
    ok: c('green'),
    warn: c('yellow'),
    bad: c('red'),
    accent: c('cyan'),
    muted: c('gray'),
    severity: (s) => c(s === 'critical' || s === 'high' ? 'red' : s === 'medium' ? 'yellow' : s === 'low' ? 'cyan' : 'gray'),
    trust: (t) => c(t === 'trusted' ? 'green' : t === 'limited' ? 'yellow' : 'red'),
  };
}

/** Colour unless NO_COLOR is set (no-color.org) or the terminal is dumb. */
export function colorFromEnv(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return env['TERM'] !== 'dumb';
}

export const ThemeContext = createContext<Theme>(createTheme(false));
export const useTheme = () => useContext(ThemeContext);
