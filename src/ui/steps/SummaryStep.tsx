// Step 9: what changed, how to undo it, and what is left to do by hand.
import { Box, Text } from 'ink';
import type { RuleId } from '../../core/model.js';
import type { ProviderGuide, SummaryData } from '../../wizard/state.js';
import { cell } from '../layout.js';
import { useTheme } from '../theme.js';

export interface Props {
  summary: SummaryData;
  before: Partial<Record<RuleId, number>>;
  providers: ProviderGuide[];
  width: number;
  height: number;
}

export default function SummaryStep({ summary, before, providers, width, height }: Props) {
  const theme = useTheme();
  const rules = [...new Set([...Object.keys(before), ...Object.keys(summary.after)])] as RuleId[];
  const head = summary.cancelled ? 'Stopped on request' : summary.failed.length ? 'Done, with failures' : 'Done';
  // Two rule columns when they fit, so the provider links keep room at 80×24.
  const perRow = width >= 76 ? 2 : 1;
  const ruleRows: RuleId[][] = [];
  for (let i = 0; i < rules.length; i += perRow) ruleRows.push(rules.slice(i, i + perRow));
  const fixedRows = 2 + ruleRows.length + 2 + (summary.restart.length ? 1 : 0) + summary.failed.length + summary.cameBack.length + 1;
  const providerRoom = Math.max(0, height - 1 - fixedRows);
  const shownProviders = providers.slice(0, providers.length > providerRoom ? Math.max(0, providerRoom - 1) : providerRoom);
  const entry = (r: RuleId) => {
    const after = summary.after[r] ?? 0;
    return (
      <Text key={r}>
        {cell(r, 24)} {String(before[r] ?? 0).padStart(3)} → <Text color={after ? theme.warn : theme.ok}>{String(after).padEnd(3)}</Text>
        {'   '}
      </Text>
    );
  };
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold color={summary.failed.length || summary.cancelled ? theme.warn : theme.ok} wrap="truncate-end">
        {head}: {summary.done} done, {summary.skipped} skipped, {summary.failed.length} failed.
      </Text>
      <Text color={theme.muted} wrap="truncate-end">
        Findings before → after:
      </Text>
      {ruleRows.map((row, i) => (
        <Text key={i} wrap="truncate-end">
          {'  '}
          {row.map(entry)}
        </Text>
      ))}
      <Text> </Text>
      <Text wrap="truncate-end">
        Run {summary.runId}. Undo it with: <Text bold>mcp-harden undo {summary.runId}</Text>
      </Text>
      {summary.restart.length ? <Text wrap="truncate-end">Restart {summary.restart.join(', ')} so they read the new config.</Text> : null}
      {summary.failed.map((f, i) => (
        <Text key={i} color={theme.bad} wrap="truncate-end">
          ✗ {f.label}: {f.message}
        </Text>
      ))}
      {summary.cameBack.map((f) => (
        <Text key={f} color={theme.bad} wrap="truncate-end">
          ✗ plaintext came back in {f}: a running client rewrote it; quit it and run again
        </Text>
      ))}
      {providers.length ? <Text bold>Left for you at the providers (narrower tokens):</Text> : null}
      {shownProviders.map((p) => (
        <Text key={p.provider} wrap="truncate-end">
          {'  '}
          {cell(p.label, 13)} <Text color={theme.accent}>{p.url}</Text>
        </Text>
      ))}
      {providers.length > shownProviders.length ? (
        <Text color={theme.muted} wrap="truncate-end">
          {'  '}… {providers.length - shownProviders.length} more: {providers.slice(shownProviders.length).map((p) => p.label).join(', ')}
        </Text>
      ) : null}
    </Box>
  );
}
