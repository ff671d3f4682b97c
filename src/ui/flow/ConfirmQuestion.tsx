// Yes or no: y and n answer at once, ← → (or h l) change the highlighted answer, Enter picks it
// (at first the default).
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { commandFor } from '../keymap.js';
import { useTheme } from '../theme.js';
import { useFlowStore } from './context.js';
import type { Question } from './store.js';
import QuestionLine from './QuestionLine.js';

type Confirm = Extract<Question, { kind: 'confirm' }>;

export default function ConfirmQuestion({ question, width }: { question: Confirm; width: number }) {
  const theme = useTheme();
  const store = useFlowStore();
  const [yes, setYes] = useState(question.default);
  useInput((input, key) => {
    if (input === 'y' || input === 'Y') return question.answer(true);
    if (input === 'n' || input === 'N') return question.answer(false);
    const command = commandFor(input, key);
    if (command === 'left' || command === 'right' || command === 'toggle') setYes((v) => !v);
    else if (command === 'accept') question.answer(yes);
    else if (command === 'cancel' || command === 'back') store.cancel();
  });
  // The highlighted answer is bracketed, so it shows without colour too.
  const option = (value: boolean) => {
    const label = `${value ? 'Yes' : 'No'}${value === question.default ? ' (default)' : ''}`;
    const here = value === yes;
    return (
      <Text color={here ? theme.accent : undefined} bold={here}>
        {here ? `[ ${label} ]` : `  ${label}  `}
      </Text>
    );
  };
  return (
    <Box flexDirection="column" width={width}>
      <QuestionLine message={question.message}>
        {' '}
        <Text color={theme.muted}>{question.default ? '(Y/n)' : '(y/N)'}</Text>
      </QuestionLine>
      <Text>
        {'    '}
        {option(true)}
        {'  '}
        {option(false)}
      </Text>
    </Box>
  );
}
