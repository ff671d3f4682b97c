// Step 3: a suggested trust level per server, with the evidence for it; ←/→ changes it.
import { Box, Text } from 'ink';
import type { ServerView, TrustLevel } from '../../wizard/state.js';
import { cell, visibleWindow } from '../layout.js';
import { useTheme } from '../theme.js';

export interface Props {
  servers: ServerView[];
  trust: Record<string, TrustLevel>;
  /** Write tools from the servers' annotations, by declaration key, once read (Scopes step). */
  tools?: Record<string, readonly string[]>;
  cursor: number;
  width: number;
  height: number;
}

export default function TrustStep({ servers, trust, tools, cursor, width, height }: Props) {
  const theme = useTheme();
  const name = Math.min(24, Math.max(12, Math.floor(width * 0.25)));
  const sel = servers[cursor];
  // What its tool annotations said, when they were read for one of its declarations.
  const read = sel ? sel.declared.flatMap((d) => (tools?.[d.key] ? [tools[d.key]!] : [])) : [];
  const writes = [...new Set(read.flat())].sort();
  // Evidence of the selected server takes 6 rows (7 with its tools), the intro 2.
  const win = visibleWindow(servers.length, cursor, height - 9 - (read.length ? 1 : 0));
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
          {read.length ? (
            <Text wrap="truncate-end">
              {'  '}tools      {writes.length ? `${writes.length} may write, by their annotations: ${writes.join(', ')}` : 'all read-only, by their annotations'}
            </Text>
          ) : null}
        </Box>
      ) : (
        <Text>No servers were found.</Text>
      )}
    </Box>
  );
}
