// Step 4: least privilege. Two lists under one cursor: the local changes the plan makes for the
// trust levels chosen (each a toggle, on by default), then the work to do at each provider, with
// where to do it.
import { Box, Text } from 'ink';
import type { LocalChange, ProviderGuide } from '../../wizard/state.js';
import { cell, visibleWindow, wrapText } from '../layout.js';
import { useTheme } from '../theme.js';

export interface Props {
  local: 'loading' | LocalChange[];
  off: readonly string[];
  providers: ProviderGuide[];
  cursor: number;
  width: number;
  height: number;
}

type Row = { type: 'local'; change: LocalChange } | { type: 'provider'; guide: ProviderGuide };

export default function ScopesStep({ local, off, providers, cursor, width, height }: Props) {
  const theme = useTheme();
  const changes = local === 'loading' ? [] : local;
  const rows: Row[] = [...changes.map((change): Row => ({ type: 'local', change })), ...providers.map((guide): Row => ({ type: 'provider', guide }))];
  const sel = rows[cursor];
  const detail =
    sel?.type === 'local'
      ? wrapText(`${sel.change.server}: ${sel.change.why}`, width - 4).slice(0, 2)
      : sel?.type === 'provider'
        ? wrapText(sel.guide.advice, width - 4).slice(0, 3)
        : [];
  const win = visibleWindow(rows.length, cursor, height - 10 - detail.length);
  const shown = rows.slice(win.start, win.end);
  const firstProvider = changes.length;
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold wrap="truncate-end">
        On this machine {local === 'loading' ? '(working out the changes for the trust you chose…)' : changes.length ? '(Space turns one off)' : ''}
      </Text>
      {local !== 'loading' && !changes.length ? <Text wrap="truncate-end">{'  '}No local change: no server here has a switch, pin or tool rule for its trust level.</Text> : null}
      {shown.map((r, i) => {
        const index = win.start + i;
        const at = index === cursor;
        if (r.type === 'local') {
          const on = !off.includes(r.change.key);
          return (
            <Text key={r.change.key} wrap="truncate-end" inverse={at}>
              {at ? '› ' : '  '}
              <Text color={on ? theme.ok : theme.muted}>{on ? '[x]' : '[ ]'}</Text> {cell(r.change.server, 14)} {r.change.label}
            </Text>
          );
        }
        return (
          <Box key={r.guide.provider} flexDirection="column">
            {index === firstProvider ? (
              <Text bold wrap="truncate-end">
                At the provider {providers.length ? '(give each token only what its server needs)' : ''}
              </Text>
            ) : null}
            <Text wrap="truncate-end" inverse={at}>
              {at ? '› ' : '  '}
              {cell(r.guide.label, 13)} {r.guide.accounts.join(', ')}
              {r.guide.servers.length ? ` → ${r.guide.servers.join(', ')}` : ''}
            </Text>
          </Box>
        );
      })}
      {!providers.length ? <Text wrap="truncate-end">No secret from a provider with scoped tokens was found: nothing to do at a provider.</Text> : null}
      {sel ? (
        <Box flexDirection="column" marginTop={1}>
          {sel.type === 'provider' ? (
            <Text bold wrap="truncate-end">
              {sel.guide.label}: create a narrower token
            </Text>
          ) : null}
          {detail.map((l, i) => (
            <Text key={i} wrap="truncate-end">
              {'  '}
              {l}
            </Text>
          ))}
          {sel.type === 'provider' ? (
            <Text color={theme.accent} wrap="truncate-end">
              {'  '}
              {sel.guide.url}
            </Text>
          ) : null}
        </Box>
      ) : null}
    </Box>
  );
}
