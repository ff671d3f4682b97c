// Step 7: the only door to writing anything.
import { Box, Text } from 'ink';
import type { Preview } from '../../wizard/state.js';
import { useTheme } from '../theme.js';

export interface Props {
  preview: Preview;
  scroll: number;
  height: number;
}

export default function ConfirmStep({ preview, scroll, height }: Props) {
  const theme = useTheme();
  const room = Math.max(1, height - 5);
  const start = Math.min(scroll, Math.max(0, preview.labels.length - room));
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold wrap="truncate-end">
        Apply {preview.actions} action{preview.actions === 1 ? '' : 's'}? Enter applies, Esc goes back.
      </Text>
      <Text color={theme.muted} wrap="truncate-end">
        Nothing has been written yet. Every change is journaled: `mcp-harden undo` reverts it.
      </Text>
      <Text> </Text>
      {preview.labels.slice(start, start + room).map((l, i) => (
        <Text key={start + i} wrap="truncate-end">
          {String(start + i + 1).padStart(3)}. {l}
        </Text>
      ))}
      {preview.labels.length > room ? (
        <Text color={theme.muted} wrap="truncate-end">
          {'     '}↑↓ scroll: {start + 1}–{Math.min(preview.labels.length, start + room)} of {preview.labels.length}
        </Text>
      ) : null}
    </Box>
  );
}
