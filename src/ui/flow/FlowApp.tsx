// The Ink front end of a guided flow (rotate, onboard): the title once, then everything said as a
// log (Ink's <Static>, so it scrolls like terminal output), and below it the one live part: the
// open question or the running task, with a line of key hints. Keys go through the one keymap.
import { Box, Static, Text, useInput, useWindowSize } from 'ink';
import { useState, useSyncExternalStore } from 'react';
import { commandFor } from '../keymap.js';
import { HeaderLine } from '../components/Frame.js';
import { ThemeContext, createTheme, useTheme } from '../theme.js';
import ConfirmQuestion from './ConfirmQuestion.js';
import SecretQuestion from './SecretQuestion.js';
import SelectQuestion from './SelectQuestion.js';
import TaskLine from './TaskLine.js';
import { FlowStoreContext } from './context.js';
import { TONE_MARK, type FlowState, type FlowStore, type SaidLine } from './store.js';

export interface Props {
  store: FlowStore;
  color: boolean;
  /** Spinner frames; off gives a fixed symbol (tests, and terminals that should not animate). */
  animate?: boolean;
}

const HINTS = {
  select: '↑↓ move · Enter choose · ? help · q quit',
  secret: 'type or paste · Backspace delete · Enter submit · Esc cancel',
  confirm: 'y yes · n no · ←→ change · Enter choose · ? help · q quit',
  task: 'q stops after this step',
  idle: '',
} as const;

const HELP = {
  select: 'Keys: ↑ or k up, ↓ or j down, Enter picks the highlighted choice (first = recommended); q, Esc or Ctrl+C cancels.',
  secret: 'The value is never shown. Enter submits; Backspace deletes the last character; Esc or Ctrl+C cancels.',
  confirm: 'Keys: y yes, n no, ← → or h l change, Enter picks the highlighted answer; q, Esc or Ctrl+C cancels.',
} as const;

function Said({ line, width }: { line: SaidLine; width: number }) {
  const theme = useTheme();
  const color = line.tone === 'ok' ? theme.ok : line.tone === 'warn' ? theme.warn : line.tone === 'error' ? theme.bad : line.tone === 'muted' ? theme.muted : undefined;
  return (
    <Box width={width}>
      <Text wrap="wrap" color={color} bold={line.tone === 'title'} dimColor={line.tone === 'muted' && !theme.color}>
        {TONE_MARK[line.tone]}
        {line.text || ' '}
      </Text>
    </Box>
  );
}

function Title({ title, width }: { title: string; width: number }) {
  // The wizard's header line, then a blank line.
  return (
    <Box flexDirection="column" width={width}>
      <HeaderLine text={title} />
      <Text> </Text>
    </Box>
  );
}

type LogItem = { key: string; line: SaidLine | null };

function Live({ state, width, rows, animate, help }: { state: FlowState; width: number; rows: number; animate: boolean; help: boolean }) {
  const theme = useTheme();
  const q = state.question;
  const kind = q ? q.kind : state.task ? 'task' : 'idle';
  const hints = state.stopping && state.task ? 'stopping after this step…' : HINTS[kind];
  return (
    <Box flexDirection="column" width={width}>
      {q?.kind === 'select' && <SelectQuestion key={q.id} question={q} width={width} rows={Math.max(3, rows - 6)} />}
      {q?.kind === 'secret' && <SecretQuestion key={q.id} question={q} width={width} />}
      {q?.kind === 'confirm' && <ConfirmQuestion key={q.id} question={q} width={width} />}
      {!q && state.task && <TaskLine task={state.task} width={width} animate={animate} />}
      {help && q && q.kind !== 'secret' ? (
        <Text wrap="wrap" color={theme.muted} dimColor={!theme.color}>
          {HELP[q.kind]}
        </Text>
      ) : null}
      {hints ? (
        <Text wrap="truncate-end" color={theme.muted} dimColor={!theme.color}>
          {hints}
        </Text>
      ) : null}
    </Box>
  );
}

export default function FlowApp({ store, color, animate = true }: Props) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const { columns, rows } = useWindowSize();
  // The help line belongs to the question it was asked on.
  const [helpOn, setHelpOn] = useState<number | null>(null);
  const width = Math.max(40, columns);
  // Always listening, so raw mode stays on between questions (a key typed then is not echoed).
  // While a question is open its own input handles the keys, except ? which toggles the help line.
  useInput((input, key) => {
    const { question: q, task } = store.getState();
    const command = commandFor(input, key);
    if (q) {
      if (command === 'help' && q.kind !== 'secret') setHelpOn((on) => (on === q.id ? null : q.id));
      return;
    }
    // During a task (the question's own handler ran first, so a key that just closed a question
    // is not seen twice): stopping takes effect at the next call, never in the middle of one.
    if (task && (command === 'cancel' || command === 'back')) store.cancel();
  });
  const items: LogItem[] = [{ key: 'title', line: null }, ...state.lines.map((l) => ({ key: String(l.id), line: l }))];
  return (
    <ThemeContext.Provider value={createTheme(color)}>
      <FlowStoreContext.Provider value={store}>
        <Static items={items}>
          {(item) => (item.line ? <Said key={item.key} line={item.line} width={width} /> : <Title key={item.key} title={state.title} width={width} />)}
        </Static>
        <Live state={state} width={width} rows={rows} animate={animate} help={helpOn !== null && helpOn === state.question?.id} />
      </FlowStoreContext.Provider>
    </ThemeContext.Provider>
  );
}
