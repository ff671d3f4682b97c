import { describe, expect, it } from 'vitest';
import { colorFromEnv, createTheme } from '../../src/ui/theme.js';
import { commandFor } from '../../src/ui/keymap.js';
import type { Key } from 'ink';

describe('theme', () => {
  it('has no colour with NO_COLOR or a dumb terminal, and only basic ANSI colours otherwise', () => {
    expect(colorFromEnv({ NO_COLOR: '1' })).toBe(false);
    expect(colorFromEnv({ TERM: 'dumb' })).toBe(false);
    expect(colorFromEnv({ TERM: 'xterm-256color' })).toBe(true);
    const off = createTheme(false);
    expect([off.ok, off.warn, off.bad, off.accent, off.muted, off.severity('critical'), off.trust('untrusted')]).toEqual(Array(7).fill(undefined));
    const on = createTheme(true);
    const basic = new Set(['red', 'green', 'yellow', 'cyan', 'gray', 'magenta']);
    for (const c of [on.ok, on.warn, on.bad, on.accent, on.muted, on.severity('high'), on.trust('limited')]) expect(basic.has(c!)).toBe(true);
  });
});

describe('keymap', () => {
  const key = (k: Partial<Key>): Key => ({ ...({} as Key), ...k });
  it.each([
    ['', { return: true }, 'accept'],
    ['', { escape: true }, 'back'],
    ['', { upArrow: true }, 'up'],
    ['k', {}, 'up'],
    ['', { downArrow: true }, 'down'],
    ['j', {}, 'down'],
    ['', { leftArrow: true }, 'left'],
    ['', { rightArrow: true }, 'right'],
    [' ', {}, 'toggle'],
    ['?', {}, 'help'],
    ['q', {}, 'cancel'],
    ['c', { ctrl: true }, 'cancel'],
    ['x', {}, null],
  ] as const)('%j %j → %s', (input, k, command) => {
    expect(commandFor(input, key(k))).toBe(command);
  });
});
