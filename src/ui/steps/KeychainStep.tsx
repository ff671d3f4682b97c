// Step 6: Level 1 (keep in the locked-down file) or Level 2 (OS keychain) per secret, then the
// masked diff of every config change that choice makes.
import { Box, Text } from 'ink';
import type { Level, Preview, SecretView } from '../../wizard/state.js';
import { cell, visibleWindow } from '../layout.js';
import { useTheme } from '../theme.js';

export interface Props {
  secrets: SecretView[];
  levels: Record<string, Level>;
  cursor: number;
  preview: null | 'loading' | Preview;
  scroll: number;
  keychain: { available: boolean; message?: string };
  width: number;
  height: number;
}

export default function KeychainStep(props: Props) {
  if (props.preview === 'loading') return <Text>Computing the changes…</Text>;
  if (props.preview) return <Diff preview={props.preview} scroll={props.scroll} height={props.height} />;
  return <Levels {...props} />;
}

function Levels({ secrets, levels, cursor, keychain, width, height }: Props) {
  const theme = useTheme();
  const note = keychain.available ? 0 : 2;
  const win = visibleWindow(secrets.length, cursor, height - 6 - note);
  const acct = Math.min(32, Math.max(16, width - 2 - 10 - 14 - 16 - 4));
  const sel = secrets[cursor];
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text wrap="truncate-end">Space switches: Level 2 = OS keychain, Level 1 = its file, locked down.</Text>
      {!keychain.available ? (
        <Text color={theme.warn} wrap="truncate-end">
          Keychain unavailable ({keychain.message ?? 'unknown reason'}): Level 2 actions will be skipped.
        </Text>
      ) : null}
      <Text> </Text>
      {secrets.slice(win.start, win.end).map((s, i) => {
        const at = win.start + i === cursor;
        const level = levels[s.fingerprint] ?? s.recommended;
        return (
          <Text key={s.fingerprint} wrap="truncate-end" inverse={at}>
            {at ? '› ' : '  '}
            <Text color={at ? undefined : level === 2 ? theme.ok : theme.warn}>{cell(level === 2 ? '[2] keychain' : '[1] file', 13)}</Text>{' '}
            {cell(s.account, acct)} {cell(s.masked, 14)} {s.recommended === level ? '' : `(recommended ${s.recommended})`}
          </Text>
        );
      })}
      {sel ? (
        <Box flexDirection="column" marginTop={1}>
          <Text wrap="truncate-end">
            {sel.provider} {sel.kind} sha256:{sel.fingerprint}
          </Text>
          <Text wrap="truncate-end">
            {sel.used ? `used by ${sel.servers.length ? sel.servers.join(', ') : 'an MCP server'}` : 'no MCP server uses it'} · in {sel.files.join(', ')}
          </Text>
        </Box>
      ) : (
        <Text>No secrets found.</Text>
      )}
    </Box>
  );
}

function Diff({ preview, scroll, height }: { preview: Preview; scroll: number; height: number }) {
  const theme = useTheme();
  const lines: { key: string; text: string; color?: string | undefined; bold?: boolean }[] = [];
  preview.diffs.forEach((d, di) => {
    lines.push({ key: `${di}h`, text: `--- ${d.file}`, bold: true });
    d.lines.forEach((l, li) =>
      lines.push({
        key: `${di}-${li}`,
        text: l.sign === '@' ? l.text : `${l.sign}${l.text}`,
        color: l.sign === '+' ? theme.ok : l.sign === '-' ? theme.bad : l.sign === '@' ? theme.accent : undefined,
      }),
    );
  });
  const room = Math.max(1, height - 4);
  const start = Math.min(scroll, Math.max(0, lines.length - room));
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text wrap="truncate-end">
        {preview.diffs.length} file{preview.diffs.length === 1 ? '' : 's'} will change (secrets masked). ↑↓ scroll, Enter continues.
      </Text>
      <Text> </Text>
      {lines.slice(start, start + room).map((l) => (
        <Text key={l.key} wrap="truncate-end" {...(l.color ? { color: l.color } : {})} bold={l.bold ?? false}>
          {l.text}
        </Text>
      ))}
      {lines.length > room ? (
        <Text color={theme.muted} wrap="truncate-end">
          lines {start + 1}–{Math.min(lines.length, start + room)} of {lines.length}
        </Text>
      ) : null}
    </Box>
  );
}
