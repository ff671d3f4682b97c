// The line that asks a question in the guided flows: a `?` mark, the message, and what may follow it.
import { Text } from 'ink';
import type { ReactNode } from 'react';
import { useTheme } from '../theme.js';

export default function QuestionLine({ message, children }: { message: string; children?: ReactNode }) {
  const theme = useTheme();
  return (
    <Text wrap="wrap">
      <Text bold color={theme.accent}>
        ?
      </Text>{' '}
      <Text bold>{message}</Text>
      {children}
    </Text>
  );
}
