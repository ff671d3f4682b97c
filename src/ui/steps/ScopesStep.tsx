// Step 4: least privilege. Two lists under one cursor: the local changes the plan makes for the
// trust levels chosen (each a toggle, on by default), then the work to do at each provider, with
// where to do it.
import { Box, Text } from 'ink';
import type { LocalChange, OnlineLine, ProviderGuide } from '../../wizard/state.js';
import { cell, visibleWindow, wrapText } from '../layout.js';
import { useTheme } from '../theme.js';

export interface Props {
  local: 'loading' | LocalChange[];
  off: readonly string[];
  annotations: boolean;
  online: null | 'checking' | OnlineLine[];
  providers: ProviderGuide[];
  cursor: number;
  width: number;
  height: number;
}

type Row = { type: 'option'; which: 'annotations' | 'online' } | { type: 'local'; change: LocalChange } | { type: 'provider'; guide: ProviderGuide };

export default function ScopesStep({ local, off, annotations, online, providers, cursor, width, height }: Props) {
  const theme = useTheme();
  const changes = local === 'loading' ? [] : local;
  const rows: Row[] = [
    { type: 'option', which: 'annotations' },
    { type: 'option', which: 'online' },
    ...changes.map((change): Row => ({ type: 'local', change })),
    ...providers.map((guide): Row => ({ type: 'provider', guide })),
  ];
  const onlineLines = Array.isArray(online) ? online.slice(0, 3) : [];
  const sel = rows[cursor];
  const detail =
    sel?.type === 'option'
      ? wrapText(
          sel.which === 'annotations'
            ? 'Each is started through its own launch line (30 s at most) and asked for its tools; the tools that may write get the ask or deny rules, instead of the catalog’s list.'
            : 'Each token goes only to its own provider, to see whether it works and which scopes it has; nothing is changed there.',
          width - 4,
        ).slice(0, 2)
      : sel?.type === 'local'
      ? wrapText(`${sel.change.server}: ${sel.change.why}`, width - 4).slice(0, 2)
      : sel?.type === 'provider'
        ? wrapText(sel.guide.advice, width - 4).slice(0, 3)
        : [];
  const win = visibleWindow(rows.length, cursor, height - 11 - detail.length - onlineLines.length);
  const shown = rows.slice(win.start, win.end);
  const firstLocal = 2;
  const firstProvider = 2 + changes.length;
  return (
    <Box flexDirection="column" marginBottom={1}>
      {shown.map((r, i) => {
        const index = win.start + i;
        const at = index === cursor;
        if (r.type === 'option') {
          const on = r.which === 'annotations' ? annotations : online !== null;
          const label =
            r.which === 'annotations'
              ? 'Read tool annotations: start each limited or untrusted server once'
              : online === 'checking'
                ? 'Checking each token with its provider…'
                : 'Check each token with its provider (read-only network calls)';
          return (
            <Box key={r.which} flexDirection="column">
              {index === 0 ? <Text bold wrap="truncate-end">Allow (Space)</Text> : null}
              <Text wrap="truncate-end" inverse={at}>
                {at ? '› ' : '  '}
                <Text color={on ? theme.ok : theme.muted}>{on ? '[x]' : '[ ]'}</Text> {label}
              </Text>
            </Box>
          );
        }
        if (r.type === 'local') {
          const on = !off.includes(r.change.key);
          return (
            // The row's place as well: two rows must never share a React key, even for one change.
            <Box key={`local-${index}-${r.change.key}`} flexDirection="column">
              {index === firstLocal ? <Text bold wrap="truncate-end">On this machine (Space turns one off)</Text> : null}
              <Text wrap="truncate-end" inverse={at}>
                {at ? '› ' : '  '}
                <Text color={on ? theme.ok : theme.muted}>{on ? '[x]' : '[ ]'}</Text> {cell(r.change.server, 14)} {r.change.label}
              </Text>
            </Box>
          );
        }
        return (
          <Box key={`provider-${index}-${r.guide.provider}`} flexDirection="column">
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
      {local === 'loading' ? <Text wrap="truncate-end">On this machine: working out the changes for the trust you chose…</Text> : null}
      {local !== 'loading' && !changes.length ? <Text wrap="truncate-end">On this machine: no change (no server here has a switch, pin or tool rule for its trust level).</Text> : null}
      {!providers.length ? <Text wrap="truncate-end">No secret from a provider with scoped tokens was found: nothing to do at a provider.</Text> : null}
      {onlineLines.map((l, i) => (
        <Text key={`online-${i}`} wrap="truncate-end" color={l.tone === 'ok' ? theme.ok : l.tone === 'bad' ? theme.bad : theme.warn}>
          {l.tone === 'ok' ? '✓ ' : l.tone === 'bad' ? '✗ ' : '! '}
          {l.text}
        </Text>
      ))}
      {Array.isArray(online) && online.length > onlineLines.length ? <Text wrap="truncate-end">  … and {online.length - onlineLines.length} more (the summary lists them)</Text> : null}
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
