// Step 3: a suggested trust level per server, with the evidence for it; ←/→ changes it.
import { Box, Text } from 'ink';
import type { ServerView, TrustLevel } from '../../wizard/state.js';
import { cell, visibleWindow } from '../layout.js';
import { useTheme } from '../theme.js';

export interface Props {
  servers: ServerView[];
  trust: Record<string, TrustLevel>;
  cursor: number;
  width: number;
  height: number;
}

export default function TrustStep({ servers, trust, cursor, width, height }: Props) {
  const theme = useTheme();
  const name = Math.min(24, Math.max(12, Math.floor(width * 0.25)));
  // Evidence of the selected server takes 6 rows, the intro 2.
  const win = visibleWindow(servers.length, cursor, height - 9);
  const sel = servers[cursor];
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text wrap="truncate-end">How much does each server get? ←→ changes the selected one.</Text>
      <Text> </Text>
      {servers.slice(win.start, win.end).map((s, i) => {
        const at = win.start + i === cursor;
        const level = trust[s.id] ?? s.trust.suggested;
        const changed = level !== s.trust.suggested;
        return (
          <Text key={s.id} wrap="truncate-end" inverse={at}>
            {at ? '› ' : '  '}
            {cell(s.name, name)} <Text color={at ? undefined : theme.trust(level)}>{cell(`‹ ${level} ›`, 13)}</Text>{' '}
            {changed ? `(suggested ${s.trust.suggested})` : s.trust.reason}
          </Text>
        );
      })}
      {sel ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold wrap="truncate-end">
            Evidence for {sel.name}
          </Text>
          <Text wrap="truncate-end">  publisher  {sel.trust.publisher}{sel.trust.source ? ` (${sel.trust.source})` : ''}</Text>
          <Text wrap="truncate-end">
            {'  '}pinned     {sel.trust.pinned === null ? 'not a package' : sel.trust.pinned ? 'yes' : 'no: any new release runs'}
          </Text>
          <Text wrap="truncate-end">  transport  {sel.trust.transportNote}</Text>
          <Text wrap="truncate-end">
            {'  '}secrets    {sel.trust.secretsHeld ? `${sel.trust.secretsHeld} (${sel.secrets.map((x) => x.masked).join(', ')})` : 'none'}
          </Text>
        </Box>
      ) : (
        <Text>No servers were found.</Text>
      )}
    </Box>
  );
}
