// Step 8: one line per action with the sub-steps seen to complete; q stops between actions.
import { Box, Text } from 'ink';
import type { ApplyLine } from '../../wizard/state.js';
import { visibleWindow } from '../layout.js';
import { useTheme } from '../theme.js';

export interface Props {
  lines: ApplyLine[];
  stopping: boolean;
  height: number;
}

const MARK: Record<ApplyLine['status'], string> = { pending: '·', running: '›', done: '✓', skipped: '-', failed: '✗' };

export default function ApplyingStep({ lines, stopping, height }: Props) {
  const theme = useTheme();
  const running = lines.findIndex((l) => l.status === 'running' || l.status === 'pending');
  const done = lines.filter((l) => l.status !== 'pending' && l.status !== 'running').length;
  const win = visibleWindow(lines.length, running < 0 ? lines.length - 1 : running, height - 3);
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text wrap="truncate-end">
        Applying: {done}/{lines.length}
        {stopping ? ' — stopping after the current action…' : ''}
      </Text>
      <Text> </Text>
      {lines.slice(win.start, win.end).map((l) => {
        const color = l.status === 'done' ? theme.ok : l.status === 'failed' ? theme.bad : l.status === 'skipped' ? theme.warn : undefined;
        const detail = l.subSteps.length
          ? '  ' + l.subSteps.map((s) => `${s} ✓`).join(' ')
          : l.message && l.status !== 'done'
            ? `  ${l.status === 'skipped' ? 'skipped: ' : ''}${l.message}`
            : '';
        return (
          <Text key={l.seq} wrap="truncate-end">
            <Text color={color}>{MARK[l.status]}</Text> {l.label}
            <Text color={color}>{detail}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
