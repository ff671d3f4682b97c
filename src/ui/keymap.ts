// The one keymap (DESIGN §4): every key the wizard understands, mapped to a semantic command.
// Steps never look at raw keys; the help overlay and the footer are built from this table.
import type { Key } from 'ink';
import type { Command } from '../wizard/state.js';

export interface Binding {
  command: Command;
  keys: string;
  does: string;
}

export const BINDINGS: readonly Binding[] = [
  { command: 'accept', keys: 'Enter', does: 'accept the recommended choice / continue' },
  { command: 'up', keys: '↑ k', does: 'move up' },
  { command: 'down', keys: '↓ j', does: 'move down' },
  { command: 'toggle', keys: 'Space', does: 'toggle the selected item' },
  { command: 'left', keys: '← h', does: 'change a value' },
  { command: 'right', keys: '→ l', does: 'change a value' },
  { command: 'back', keys: 'Esc', does: 'go back one step' },
  { command: 'help', keys: '?', does: 'show or hide this help' },
  { command: 'cancel', keys: 'q Ctrl+C', does: 'cancel (stops between actions while applying)' },
];

/** The command a key press means, or null for keys the wizard ignores. */
export function commandFor(input: string, key: Key): Command | null {
  if (key.ctrl && input === 'c') return 'cancel';
  if (key.return) return 'accept';
  if (key.escape) return 'back';
  if (key.upArrow || input === 'k') return 'up';
  if (key.downArrow || input === 'j') return 'down';
  if (key.leftArrow || input === 'h') return 'left';
  if (key.rightArrow || input === 'l') return 'right';
  if (input === ' ') return 'toggle';
  if (input === '?') return 'help';
  if (input === 'q') return 'cancel';
  return null;
}

/** Short footer hints: which keys mean something on a step. */
export function hints(commands: readonly Command[]): string {
  const label: Record<Command, string> = {
    accept: 'Enter continue',
    up: '↑↓ move',
    down: '',
    toggle: 'Space toggle',
    left: '←→ change',
    right: '',
    back: 'Esc back',
    help: '? help',
    cancel: 'q quit',
  };
  return commands.map((c) => label[c]).filter(Boolean).join(' · ');
}
