import { describe, expect, it } from 'vitest';
import { colorEnabled, createTheme, stripAnsi } from '../../../src/cli/output/theme.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('colorEnabled', () => {
  it('colours a terminal and not a pipe', () => {
    expect(colorEnabled(tty, { env: {} })).toBe(true);
    expect(colorEnabled(pipe, { env: {} })).toBe(false);
    expect(colorEnabled({}, { env: {} })).toBe(false);
  });

  it('honours NO_COLOR with any non-empty value, even over FORCE_COLOR', () => {
    expect(colorEnabled(tty, { env: { NO_COLOR: '1' } })).toBe(false);
    expect(colorEnabled(tty, { env: { NO_COLOR: 'false' } })).toBe(false);
    expect(colorEnabled(tty, { env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).toBe(false);
    // An empty NO_COLOR does not count (no-color.org).
    expect(colorEnabled(tty, { env: { NO_COLOR: '' } })).toBe(true);
  });

  it('colours a pipe when FORCE_COLOR is set, unless it says 0', () => {
    expect(colorEnabled(pipe, { env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(colorEnabled(pipe, { env: { FORCE_COLOR: '' } })).toBe(true);
    expect(colorEnabled(tty, { env: { FORCE_COLOR: '0' } })).toBe(false);
  });

  it('is off when asked and on a dumb terminal', () => {
    expect(colorEnabled(tty, { env: {}, disabled: true })).toBe(false);
    expect(colorEnabled(tty, { env: { TERM: 'dumb' } })).toBe(false);
  });
});

describe('createTheme', () => {
  it('uses basic colours per severity, and nothing when disabled', () => {
    const on = createTheme(true);
    expect(on.severity('critical', 'x')).toBe('\u001b[31m\u001b[1mx\u001b[22m\u001b[39m');
    expect(on.severity('high', 'x')).toBe('\u001b[31mx\u001b[39m');
    expect(on.severity('medium', 'x')).toBe('\u001b[33mx\u001b[39m');
    expect(on.severity('low', 'x')).toBe('\u001b[36mx\u001b[39m');
    expect(on.severity('info', 'x')).toBe('\u001b[2mx\u001b[22m');
    expect(stripAnsi(on.bold('title'))).toBe('title');
    const off = createTheme(false);
    expect(off.severity('critical', 'x')).toBe('x');
    expect(off.bold('title')).toBe('title');
  });
});
