// Step 1: the read-only scan, with live counters; the runner moves on by itself when it is done.
import { Box, Text, useAnimation } from 'ink';
import type { ScanProgress } from '../../wizard/state.js';
import { useTheme } from '../theme.js';

export interface Props {
  progress: ScanProgress | null;
}

const PHASES: { phase: ScanProgress['phase']; label: string }[] = [
  { phase: 'configs', label: 'client configs (every client, user and project scope)' },
  { phase: 'workspace', label: 'workspace .env files' },
  { phase: 'history', label: 'shell history and client backups' },
  { phase: 'git', label: 'git: tracked and ignored files' },
  { phase: 'done', label: 'keychain: which items already exist' },
];
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export default function ScanStep({ progress }: Props) {
  const theme = useTheme();
  const { frame } = useAnimation({ interval: 100 });
  const current = progress ? PHASES.findIndex((p) => p.phase === progress.phase) : 0;
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text wrap="truncate-end">Looking at your MCP setup. Read-only: nothing is changed.</Text>
      <Text> </Text>
      {PHASES.map((p, i) => {
        const mark = i < current ? '✓' : i === current ? SPINNER[frame % SPINNER.length]! : '·';
        return (
          <Text key={p.phase} wrap="truncate-end" color={i < current ? theme.ok : i === current ? theme.accent : theme.muted}>
            {'  '}
            {mark} {p.label}
          </Text>
        );
      })}
      <Text> </Text>
      <Text wrap="truncate-end">
        {'  '}
        {progress ? progress.filesRead : 0} files read · {progress ? progress.dirsRead : 0} directories · {progress ? progress.servers : 0} servers ·{' '}
        {progress ? progress.secrets : 0} secrets found
      </Text>
    </Box>
  );
}
