// Something slow: a spinner (or a fixed symbol when not animating) and the latest progress text,
// so the screen never looks frozen.
import { Box, Text, useAnimation } from 'ink';
import { useTheme } from '../theme.js';
import type { TaskView } from './store.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export default function TaskLine({ task, width, animate }: { task: TaskView; width: number; animate: boolean }) {
  const theme = useTheme();
  const { frame } = useAnimation({ interval: 100, isActive: animate });
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text color={theme.accent}>{animate ? SPINNER[frame % SPINNER.length] : '›'}</Text> {task.label}
      </Text>
      {task.progress ? (
        <Text wrap="truncate-end" color={theme.muted} dimColor={!theme.color}>
          {'  '}
          {task.progress}
        </Text>
      ) : null}
    </Box>
  );
}
