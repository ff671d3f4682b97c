// Step 4: least privilege. Nothing here changes files: it is the work to do at each provider,
// with where to do it.
import { Box, Text } from 'ink';
import type { ProviderGuide } from '../../wizard/state.js';
import { cell, visibleWindow, wrapText } from '../layout.js';
import { useTheme } from '../theme.js';

export interface Props {
  providers: ProviderGuide[];
  cursor: number;
  width: number;
  height: number;
}

export default function ScopesStep({ providers, cursor, width, height }: Props) {
  const theme = useTheme();
  const sel = providers[cursor];
  const advice = sel ? wrapText(sel.advice, width - 4).slice(0, 3) : [];
  const win = visibleWindow(providers.length, cursor, height - 8 - advice.length);
  if (!providers.length) {
    return (
      <Box flexDirection="column" marginBottom={1}>
        <Text wrap="wrap">No secret from a provider with scoped tokens was found: there is no provider-side work to do.</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text wrap="truncate-end">Give each token only what its server needs. Do this at the provider:</Text>
      <Text> </Text>
      {providers.slice(win.start, win.end).map((p, i) => {
        const at = win.start + i === cursor;
        return (
          <Text key={p.provider} wrap="truncate-end" inverse={at}>
            {at ? '› ' : '  '}
            {cell(p.label, 13)} {p.accounts.join(', ')}
            {p.servers.length ? ` → ${p.servers.join(', ')}` : ''}
          </Text>
        );
      })}
      {sel ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold wrap="truncate-end">
            {sel.label}: create a narrower token
          </Text>
          {advice.map((l, i) => (
            <Text key={i} wrap="truncate-end">
              {'  '}
              {l}
            </Text>
          ))}
          <Text color={theme.accent} wrap="truncate-end">
            {'  '}
            {sel.url}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}
