// Step 2: every server every client will start, in one table; Enter on a row shows its details.
import { Box, Text } from 'ink';
import type { ServerView, TrustLevel } from '../../wizard/state.js';
import { cell, visibleWindow, wrapText } from '../layout.js';
import { useTheme } from '../theme.js';

export interface Props {
  servers: ServerView[];
  trust: Record<string, TrustLevel>;
  cursor: number;
  details: boolean;
  width: number;
  height: number;
}

export default function ServersStep(props: Props) {
  const selected = props.servers[props.cursor];
  if (props.details && selected) return <Details server={selected} width={props.width} height={props.height} />;
  return <Table {...props} />;
}

function columns(width: number) {
  const fixed = { scope: 8, transport: 6, trust: 10, findings: 8 };
  const rest = width - 2 - (fixed.scope + fixed.transport + fixed.trust + fixed.findings) - 6;
  const name = Math.max(12, Math.min(28, Math.floor(rest * 0.45)));
  return { ...fixed, name, clients: Math.max(10, rest - name) };
}

function Table({ servers, trust, cursor, width, height }: Props) {
  const theme = useTheme();
  const c = columns(width);
  // Rows, then "Continue"; the title, header, blank and Continue lines take 5 rows.
  const win = visibleWindow(servers.length, Math.min(cursor, servers.length - 1), height - 6);
  const row = (s: string[]) => s.join(' ');
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text wrap="truncate-end">
        {servers.length} server{servers.length === 1 ? '' : 's'} found. ↑↓ and Enter show one in detail.
      </Text>
      <Text> </Text>
      <Text bold wrap="truncate-end">
        {'  '}
        {row([cell('server', c.name), cell('clients', c.clients), cell('scope', c.scope), cell('via', c.transport), cell('trust', c.trust), cell('findings', c.findings)])}
      </Text>
      {servers.slice(win.start, win.end).map((s, i) => {
        const at = win.start + i === cursor;
        const level = trust[s.id] ?? s.trust.suggested;
        return (
          <Text key={s.id} wrap="truncate-end" inverse={at}>
            {at ? '› ' : '  '}
            {cell(s.name, c.name)} {cell(s.clients.join(', '), c.clients)} {cell(s.scopes.join(','), c.scope)} {cell(s.transport, c.transport)}{' '}
            <Text color={at ? undefined : theme.trust(level)}>{cell(level, c.trust)}</Text>{' '}
            <Text color={at || !s.findings.length ? undefined : theme.severity(worst(s))}>{cell(String(s.findings.length), c.findings)}</Text>
          </Text>
        );
      })}
      {win.end < servers.length || win.start > 0 ? (
        <Text color={theme.muted} wrap="truncate-end">
          {'  '}rows {win.start + 1}–{win.end} of {servers.length}
        </Text>
      ) : null}
      <Text inverse={cursor >= servers.length} bold wrap="truncate-end">
        {cursor >= servers.length ? '› ' : '  '}Continue to trust levels ▸
      </Text>
    </Box>
  );
}

function worst(s: ServerView) {
  const order = ['info', 'low', 'medium', 'high', 'critical'] as const;
  return s.findings.reduce<(typeof order)[number]>((w, f) => (order.indexOf(f.severity) > order.indexOf(w) ? f.severity : w), 'info');
}

function Details({ server, width, height }: { server: ServerView; width: number; height: number }) {
  const theme = useTheme();
  const lines: { text: string; color?: string | undefined; bold?: boolean }[] = [];
  const add = (text: string, color?: string, bold?: boolean) => lines.push({ text, ...(color ? { color } : {}), ...(bold ? { bold } : {}) });
  add(`${server.name}  (${server.transport})`, undefined, true);
  add(`  ${server.launch}`);
  add('Declared in', undefined, true);
  for (const d of server.declared) add(`  ${d.client} (${d.scope})  ${d.file}:${d.line}`);
  if (server.envKeys.length || server.headerKeys.length) {
    add('Environment and headers', undefined, true);
    if (server.envKeys.length) add(`  env: ${server.envKeys.join(', ')}`);
    if (server.headerKeys.length) add(`  headers: ${server.headerKeys.join(', ')}`);
  }
  if (server.secrets.length) {
    add('Secrets (masked)', undefined, true);
    for (const s of server.secrets) add(`  ${s.key ? s.key + ' ' : ''}${s.masked} sha256:${s.fingerprint}  ${s.provider} ${s.kind}`);
  }
  add(`Findings (${server.findings.length})`, undefined, true);
  for (const f of server.findings) {
    add(`  ${f.severity.toUpperCase()} ${f.rule}: ${f.message}`, theme.severity(f.severity));
    if (f.fix) for (const l of wrapText(`fix: ${f.fix}`, width - 6)) add(`    ${l}`, theme.muted);
  }
  const shown = lines.slice(0, Math.max(1, height - 1));
  return (
    <Box flexDirection="column" marginBottom={1}>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate-end" {...(l.color ? { color: l.color } : {})} bold={l.bold ?? false}>
          {l.text}
        </Text>
      ))}
      {shown.length < lines.length ? (
        <Text color={theme.muted} wrap="truncate-end">
          … {lines.length - shown.length} more lines (a taller terminal shows them)
        </Text>
      ) : null}
    </Box>
  );
}
