// What every secret-store backend shares: argument checks, the probe round trip, the one-line
// messages for each keychain problem, the classification of backend error texts, and how the
// stores built on a command-line tool (secret-tool, security) run it.
import { randomBytes } from 'node:crypto';
import { KeychainUnavailableError, UsageError, type KeychainProblem } from '../../core/errors.js';
import type { ProcessRunner, RunResult } from '../../ports/process.js';
import { PROBE_SERVICE } from '../../ports/secret-store.js';

/** Default time allowed for one keychain operation: long enough to type a password into a prompt. */
export const DEFAULT_TIMEOUT_MS = 30_000;

type Os = 'darwin' | 'linux' | 'win32' | string;

/** Service and account must be non-empty and free of NUL (they travel through C strings). */
export function checkName(what: 'service' | 'account', name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new UsageError(`keychain ${what} must not be empty`);
  if (name.includes('\0')) throw new UsageError(`keychain ${what} must not contain a NUL character`);
}

/** The names of one item: service and account. */
export function checkNames(service: string, account: string): void {
  checkName('service', service);
  checkName('account', account);
}

/** Values must be non-empty (keytar refuses empty ones) and free of NUL. Never echoes the value. */
export function checkValue(value: string): void {
  if (typeof value !== 'string' || value.length === 0) throw new UsageError('refusing to store an empty secret value');
  if (value.includes('\0')) throw new UsageError('a secret value cannot contain a NUL character');
}

const HINTS: Record<KeychainProblem, Record<'darwin' | 'linux' | 'win32' | 'other', string>> = {
  'missing-backend': {
    linux:
      'no keychain service: the Secret Service (org.freedesktop.secrets on the D-Bus session bus) is not reachable; start a keyring such as gnome-keyring in this session, or keep secrets in a locked-down .env (Level 1)',
    darwin: 'no keychain available: macOS found no default keychain for this user',
    win32: 'no keychain available: Windows Credential Manager could not be used',
    other: 'no keychain available on this system',
  },
  locked: {
    linux:
      'the keychain is locked: unlock your login keyring (log in to the desktop session, or run `gnome-keyring-daemon --unlock`) and try again',
    darwin:
      'the keychain is locked: unlock the login keychain (`security unlock-keychain`) and try again; over SSH the keychain cannot show its unlock prompt',
    win32: 'the credential store is locked: log in to the Windows session and try again',
    other: 'the keychain is locked: unlock it and try again',
  },
  refused: {
    linux: 'access to the keychain was refused: the unlock prompt was dismissed',
    darwin: 'access to the keychain was refused: the prompt was cancelled or the password was wrong',
    win32: 'access to the credential store was refused',
    other: 'access to the keychain was refused',
  },
  timeout: {
    linux: 'the keychain did not answer in time; it may be waiting for an unlock prompt nobody can see',
    darwin: 'the keychain did not answer in time; it may be waiting for an unlock prompt nobody can see',
    win32: 'the credential store did not answer in time',
    other: 'the keychain did not answer in time',
  },
};

function osKey(os: Os): 'darwin' | 'linux' | 'win32' | 'other' {
  return os === 'darwin' || os === 'linux' || os === 'win32' ? os : 'other';
}

/**
 * The error for a keychain problem: a fixed one-line message per reason and platform, with the
 * backend's own words appended as detail (those are error texts of libsecret / Security.framework /
 * the CLI tools, which never contain the value).
 */
export function keychainError(
  reason: KeychainProblem,
  os: Os,
  backend: string,
  detail?: string,
  cause?: unknown,
): KeychainUnavailableError {
  const d = detail ? oneLine(detail) : '';
  const message = `${HINTS[reason][osKey(os)]} (${backend}${d ? `: ${d}` : ''})`;
  return new KeychainUnavailableError(reason, message, cause === undefined ? undefined : { cause });
}

/** The detail of a timeout error. */
export function tookTooLong(action: string, timeoutMs: number): string {
  return `${action} took longer than ${Math.round(timeoutMs / 1000)} s`;
}

/** Collapses a text to one trimmed line of at most 200 characters. */
export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/**
 * Classifies an error text from libsecret (through keytar or secret-tool), macOS Security or the
 * Windows Credential Manager. Null when it is none of the known keychain problems.
 */
export function classifyKeychainMessage(message: string): KeychainProblem | null {
  const m = message.toLowerCase();
  // Prompt dismissed / cancelled: before 'locked', as a refused unlock can mention both.
  if (/user canceled|user cancelled|operation was cancel|prompt (was )?dismissed|dismissed the prompt/.test(m)) return 'refused';
  if (/passphrase you entered is not correct|authorization was denied|authorization failed/.test(m)) return 'refused';
  if (/locked collection|is locked|locked object|interaction is not allowed|user interaction/.test(m)) return 'locked';
  if (
    /could not connect|cannot autolaunch d-bus|not provided by any \.service files|serviceunknown|no such name|org\.freedesktop\.secrets|failed to execute program|no keychain|default keychain could not be found|no such keychain|dbus_session_bus_address|connection refused|x11 \$display/.test(
      m,
    )
  )
    return 'missing-backend';
  return null;
}

export interface RawOps {
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, value: string): Promise<void>;
  delete(service: string, account: string): Promise<boolean>;
}

/**
 * The probe: store a throwaway item, read it back, delete it. A locked keychain refuses the write;
 * a keychain that does not give back what it just took is no keychain to rely on.
 */
export async function probeRoundTrip(ops: RawOps, os: Os, backend: string): Promise<void> {
  const account = `probe-${process.pid}-${randomBytes(6).toString('hex')}`;
  const value = randomBytes(18).toString('base64url');
  await ops.set(PROBE_SERVICE, account, value);
  let back: string | null;
  try {
    back = await ops.get(PROBE_SERVICE, account);
  } finally {
    await ops.delete(PROBE_SERVICE, account).catch(() => false);
  }
  if (back !== value) {
    throw keychainError('missing-backend', os, backend, 'a test item was stored but could not be read back');
  }
}

/** Accounts, de-duplicated and sorted, in the shape `list` returns. */
export function accountList(accounts: Iterable<string>): { account: string }[] {
  return [...new Set(accounts)].sort().map((account) => ({ account }));
}

export interface ToolStoreOptions {
  runner: ProcessRunner;
  /** Environment of the spawned tool (D-Bus address and so on); defaults to this process's. */
  env?: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
  /** The program to run, instead of the store's default. */
  command?: string;
}

/** What the stores that drive a command-line tool share: how the tool is run, and its failures to run. */
export abstract class ToolStore {
  abstract readonly backend: string;
  protected readonly runner: ProcessRunner;
  protected readonly env: Readonly<Record<string, string | undefined>> | undefined;
  protected readonly timeoutMs: number;
  protected readonly command: string;

  constructor(options: ToolStoreOptions, defaultCommand: string) {
    this.runner = options.runner;
    this.env = options.env;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.command = options.command ?? defaultCommand;
  }

  /** Runs the tool under the timeout; a value only ever goes in through `stdin`. */
  protected run(args: string[], stdin?: string): Promise<RunResult> {
    return this.runner.run(this.command, args, {
      timeoutMs: this.timeoutMs,
      ...(stdin !== undefined ? { stdin } : {}),
      ...(this.env ? { env: this.env } : {}),
    });
  }

  /** Throws when the tool could not start or ran out of time; `notFound` is the detail for a missing program. */
  protected failIfNotRun(r: RunResult, action: string, os: Os, notFound: string): void {
    if (r.spawnError === 'not-found') throw keychainError('missing-backend', os, this.backend, notFound);
    if (r.spawnError) throw keychainError('missing-backend', os, this.backend, `cannot run ${this.command}: ${r.spawnError}`);
    if (r.timedOut) throw keychainError('timeout', os, this.backend, tookTooLong(action, this.timeoutMs));
  }
}
