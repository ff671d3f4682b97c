// Shared by the launcher tests: items in the private keyring, the stand-in server, minimal
// environments like a GUI client's.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../..');
export const LAUNCHER = join(REPO, 'src/launcher/mcp-harden-launch.sh');
export const SERVER = join(REPO, 'test/fixtures/launcher/report-server.sh');

/** Stores an item exactly as keytar does (schema, service, account); the value goes on stdin. */
export function storeItem(service: string, account: string, value: string, env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(
    'secret-tool',
    ['store', `--label=${service}/${account}`, 'xdg:schema', 'org.freedesktop.Secret.Generic', 'service', service, 'account', account],
    { input: value, env, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`secret-tool store failed: ${r.stderr}`);
}

/** A service name of its own per test file, so files can share the private keyring. */
export function uniqueService(label: string): string {
  return `mcp-harden-launch-test-${label}-${randomBytes(3).toString('hex')}`;
}

export function synthetic(prefix = 'syn-'): string {
  return `${prefix}${randomBytes(10).toString('hex')}`;
}

/**
 * What a GUI client gives a server: PATH=/usr/bin:/bin and little else, plus what reaching the
 * private keyring needs. No DISPLAY: an unlock prompt must never reach a real screen.
 */
export function guiEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };
  for (const k of ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR'] as const) {
    const v = process.env[k];
    if (v) env[k] = v;
  }
  return { ...env, ...extra };
}

export interface Report {
  pid: number;
  cmdline: string;
  vars: Record<string, string | undefined>;
  args: string[];
}

export interface Outcome {
  result: SpawnSyncReturns<Buffer>;
  report: Report | null;
  stdout: string;
  stderr: string;
}

/** Runs argv with the stand-in server's report file and variables set; reads its report. */
export function runReporting(argv: string[], env: Record<string, string>, vars: string[], extra: { timeoutMs?: number } = {}): Outcome {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-harden-launch-report-'));
  const file = join(dir, 'report');
  try {
    const result = spawnSync(argv[0]!, argv.slice(1), {
      env: { ...env, REPORT_FILE: file, REPORT_VARS: vars.join(' ') },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: extra.timeoutMs ?? 20_000,
    });
    let report: Report | null = null;
    let raw: string | null = null;
    try {
      raw = readFileSync(file, 'utf8');
    } catch {
      raw = null;
    }
    if (raw !== null) {
      const fields = raw.split('\0');
      fields.pop(); // after the last NUL
      const [pid, cmdline, ...rest] = fields;
      const values: Record<string, string | undefined> = {};
      vars.forEach((name, i) => {
        const v = rest[i]!;
        values[name] = v === '\x01' ? undefined : v.slice(0, -1);
      });
      report = { pid: Number(pid), cmdline: cmdline!, vars: values, args: rest.slice(vars.length) };
    }
    return { result, report, stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Values that break naive quoting, splitting or $(...) capture. Synthetic, never real credentials. */
export function awkwardValues(): Record<string, string> {
  const r = randomBytes(6).toString('hex');
  return {
    quotes: `it's "double" and 'single' ${r}`,
    spaces: `  leading and trailing spaces ${r}  `,
    dollar: `$HOME $(id) \`id\` \${PATH} ${r}`,
    backslash: `back\\slash \\n not a newline \\ ${r}`,
    newlines: `line one\nline two\r\n${r}`,
    trailingNewline: `${r} ends with newlines\n\n`,
    unicode: `пароль-密码-🔑-é-${r}`,
    glob: `* ? [a-z] ${r}`,
    optionLike: `--not-an-option=${r}`,
    braces: `}} {{ %2F ${r}`,
  };
}
