// The frame around every step: a one-line header with the step, the body, and a key hint line.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { BINDINGS } from '../keymap.js';
import { cell } from '../layout.js';
import { useTheme } from '../theme.js';

export const STEPS = ['Scan', 'Servers', 'Trust', 'Scopes', 'Files', 'Keychain', 'Confirm', 'Apply', 'Summary'] as const;
export type StepTitle = (typeof STEPS)[number];

export interface Props {
  title: StepTitle | 'Cancelled' | 'Error';
  width: number;
  hints: string;
  help: boolean;
  children: ReactNode;
}

/** The product's header line: its name, then where the user is. Shared with the guided flows. */
export function HeaderLine({ text }: { text: string }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      <Text bold color={theme.accent}>
        mcp-harden
      </Text>
      {'  '}
      <Text bold>{text}</Text>
    </Text>
  );
}

export default function Frame({ title, width, hints, help, children }: Props) {
  const theme = useTheme();
  const index = STEPS.indexOf(title as StepTitle);
  const where = index >= 0 ? `${index + 1}/${STEPS.length} ${title}` : title;
  // The breadcrumb only fits wide terminals; 80 columns get the step number.
  const crumbs = width >= 110 && index >= 0 ? STEPS.map((s, i) => (i === index ? `[${s}]` : s)).join(' › ') : '';
  return (
    <Box flexDirection="column" width={width}>
      <HeaderLine text={crumbs || where} />
      <Text> </Text>
      {help ? <Help width={width} /> : children}
      <Text wrap="truncate-end" color={theme.muted} dimColor={!theme.color}>
        {help ? 'Enter or Esc closes the help · q quit' : hints}
      </Text>
    </Box>
  );
}

function Help({ width }: { width: number }) {
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold>Keys</Text>
      {BINDINGS.map((b) => (
        <Text key={b.command} wrap="truncate-end">
          {'  '}
          {cell(b.keys, 10)} {cell(b.does, width - 14)}
        </Text>
      ))}
      <Text> </Text>
      <Text wrap="wrap">Enter alone at every step applies the recommended plan, the same as `mcp-harden fix --yes`. Nothing is written before the Confirm step.</Text>
    </Box>
  );
}
