// One choice among several: ↑↓ (or k j) move, Enter picks; the first choice is the recommended one.
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { commandFor } from '../keymap.js';
import { visibleWindow } from '../layout.js';
import { useTheme } from '../theme.js';
import type { FlowStore, Question } from './store.js';
import { useFlowStore } from './context.js';
import QuestionLine from './QuestionLine.js';

type Select = Extract<Question, { kind: 'select' }>;

export default function SelectQuestion({ question, width, rows }: { question: Select; width: number; rows: number }) {
  const theme = useTheme();
  const store: FlowStore = useFlowStore();
  const [cursor, setCursor] = useState(0);
  const n = question.choices.length;
  useInput((input, key) => {
    const command = commandFor(input, key);
    if (command === 'up') setCursor((c) => (c + n - 1) % n);
    else if (command === 'down') setCursor((c) => (c + 1) % n);
    else if (command === 'accept') question.answer(cursor);
    else if (command === 'cancel' || command === 'back') store.cancel();
  });
  const withHints = question.choices.some((c) => c.hint);
  const win = visibleWindow(n, cursor, Math.max(1, Math.floor(rows / (withHints ? 2 : 1))));
  return (
    <Box flexDirection="column" width={width}>
      <QuestionLine message={question.message} />
      {win.start > 0 ? <Text color={theme.muted}>{'    '}↑ {win.start} more</Text> : null}
      {question.choices.slice(win.start, win.end).map((c, j) => {
        const i = win.start + j;
        const here = i === cursor;
        return (
          <Box key={i} flexDirection="column">
            {/* A long name is cut, never the recommended mark after it. */}
            <Box>
              <Box width={4} flexShrink={0}>
                <Text color={here ? theme.accent : undefined} bold={here}>
                  {here ? '  ›' : ''}
                </Text>
              </Box>
              <Box flexShrink={1}>
                <Text wrap="truncate-end" color={here ? theme.accent : undefined} bold={here}>
                  {c.name}
                </Text>
              </Box>
              {i === 0 ? (
                <Box flexShrink={0}>
                  <Text> (recommended)</Text>
                </Box>
              ) : null}
            </Box>
            {c.hint ? (
              <Text wrap="truncate-end" color={theme.muted} dimColor={!theme.color}>
                {'      '}
                {c.hint}
              </Text>
            ) : null}
          </Box>
        );
      })}
      {win.end < n ? <Text color={theme.muted}>{'    '}↓ {n - win.end} more</Text> : null}
    </Box>
  );
}
