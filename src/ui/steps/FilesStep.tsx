// Step 5: files holding secrets: owner-only modes, .gitignore entries, and committed files.
import { Box, Text } from 'ink';
import type { FileView } from '../../wizard/state.js';
import { cell, mode } from '../layout.js';
import { useTheme } from '../theme.js';

export interface Props {
  files: FileView[];
  width: number;
  height: number;
}

export default function FilesStep({ files, width, height }: Props) {
  const theme = useTheme();
  const tracked = files.filter((f) => f.tracked);
  const nameW = Math.max(20, width - 2 - 12 - 24 - 3);
  const room = Math.max(1, height - 5 - tracked.length * 2);
  const shown = files.slice(0, room);
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text wrap="truncate-end">Files that hold secrets become owner-only and git-ignored.</Text>
      <Text> </Text>
      <Text bold wrap="truncate-end">
        {'  '}
        {cell('file', nameW)} {cell('mode', 12)} {cell('.gitignore', 24)}
      </Text>
      {shown.map((f) => (
        <Text key={f.file} wrap="truncate-end">
          {'  '}
          {cell(f.file, nameW)} {cell(f.mode ? `${mode(f.mode.from)} → ${mode(f.mode.to)}` : 'ok', 12)}{' '}
          {cell(f.gitignore ? `+ ${f.gitignore.entry}` : '', 24)}
        </Text>
      ))}
      {files.length > shown.length ? (
        <Text color={theme.muted} wrap="truncate-end">
          {'  '}… and {files.length - shown.length} more
        </Text>
      ) : null}
      {!files.length ? <Text>{'  '}Nothing to change: every file is already owner-only and ignored.</Text> : null}
      {tracked.map((f) => (
        <Box key={f.file} flexDirection="column">
          <Text color={theme.bad} wrap="truncate-end">
            ⚠ {f.file} is committed to git and holds a secret: everyone with the repo has it.
          </Text>
          <Text color={theme.bad} wrap="truncate-end">
            {'  '}Moving it is not enough; rotate it: mcp-harden rotate
          </Text>
        </Box>
      ))}
    </Box>
  );
}
