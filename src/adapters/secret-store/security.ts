// macOS Keychain through /usr/bin/security, used when the native module cannot load. Items are
// generic passwords with service (-s) and account (-a), as keytar writes them, with
// /usr/bin/security on the access list (-T) so that the launcher reads them without a prompt.
//
// No value ever goes into argv: the write runs as `security -i`, which reads its command from
// stdin. Facts from Apple's SecurityTool sources (security.c, keychain_find.c,
// keychain_utilities.c) this relies on:
// - interactive mode reads one line per command; a line break always ends a command and cannot be
//   quoted; inside "…" a backslash takes the next character literally; a line is cut after 4095
//   bytes and the rest runs as a command of its own, so longer lines are refused here;
// - the exit status is that of the last command, the low byte of its OSStatus
//   (errSecItemNotFound -25300 → 44, errSecInteractionNotAllowed -25308 → 36, …);
// - the value travels as `-X <hex>` (password data as hex), so nothing of it needs quoting and
//   line breaks and any Unicode survive;
// - `find-generic-password -g` prints `password: "text"` when every byte is printable ASCII other
//   than a backslash and `password: 0xHEX…` otherwise, unambiguously (`-w` prints hex without saying so).
import type { KeychainProblem } from '../../core/errors.js';
import { UsageError } from '../../core/errors.js';
import type { RunResult } from '../../ports/process.js';
import type { SecretStore } from '../../ports/secret-store.js';
import { ToolStore, accountList, checkName, checkNames, checkValue, classifyKeychainMessage, keychainError, oneLine, probeRoundTrip, type ToolStoreOptions } from './common.js';

export const SECURITY_PATH = '/usr/bin/security';

/** security(1) reads interactive lines into a 4096-byte buffer (with its terminating NUL). */
export const MAX_COMMAND_LINE_BYTES = 4095;

/** Exit statuses of `security`: the low byte of the OSStatus. */
const STATUS: Record<number, KeychainProblem | 'not-found'> = {
  44: 'not-found', // errSecItemNotFound -25300
  36: 'locked', // errSecInteractionNotAllowed -25308: locked, and no UI to unlock it (SSH, CI)
  51: 'refused', // errSecAuthFailed -25293: wrong password at the prompt
  128: 'refused', // errSecUserCanceled -128: the prompt was cancelled
  37: 'missing-backend', // errSecNoDefaultKeychain -25307
  50: 'missing-backend', // errSecNoSuchKeychain -25294
  53: 'missing-backend', // errSecNotAvailable -25291
};

/** Quotes one argument for security's interactive command line. */
export function quoteArg(arg: string): string {
  if (/[\n\0]/.test(arg)) {
    throw new UsageError('a keychain service or account name cannot contain a line break or NUL for the macOS security tool');
  }
  return `"${arg.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The line `security -i` gets on stdin to create or update an item. */
export function addCommandLine(service: string, account: string, value: string): string {
  const hex = Buffer.from(value, 'utf8').toString('hex');
  const line = [
    'add-generic-password',
    '-U',
    '-s',
    quoteArg(service),
    '-a',
    quoteArg(account),
    '-T',
    SECURITY_PATH,
    '-X',
    hex,
  ].join(' ');
  if (Buffer.byteLength(line, 'utf8') > MAX_COMMAND_LINE_BYTES) {
    throw new UsageError('the secret value is too long for the macOS security tool (about 1,900 bytes at most)');
  }
  return `${line}\n`;
}

/**
 * Decodes a buffer as security prints it (keychain_utilities.c print_buffer): `"text"` for
 * printable ASCII without backslash, `0xHEX` (then, when some bytes are printable, two spaces and
 * an escaped copy) otherwise, nothing for an empty buffer, `<NULL>` for no value at all.
 */
export function decodePrinted(printed: string): string | null {
  const text = printed.replace(/\r?\n$/, '');
  if (text === '<NULL>') return null;
  const hex = /^0x([0-9A-Fa-f]*)/.exec(text);
  if (hex) return Buffer.from(hex[1] ?? '', 'hex').toString('utf8');
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return text.slice(1, -1);
  return text;
}

/** The password from `find-generic-password -g` stderr; null when the line is missing. */
export function parsePasswordOutput(stderr: string): string | null {
  // The password line is the last of stderr; a value can hold line breaks only in hex form.
  for (const line of stderr.split('\n')) {
    if (line.startsWith('password: ')) return decodePrinted(line.slice('password: '.length)) ?? '';
    if (line === 'password:') return '';
  }
  return null;
}

/** Accounts of generic passwords with the given service, from `security dump-keychain` output. */
export function parseDump(stdout: string, service: string): string[] {
  const accounts: string[] = [];
  let cls: string | null = null;
  let svce: string | null = null;
  let acct: string | null = null;
  const flush = (): void => {
    if (cls === 'genp' && svce === service && acct !== null) accounts.push(acct);
    cls = svce = acct = null;
  };
  for (const line of stdout.split('\n')) {
    if (line.startsWith('keychain: ')) {
      flush();
      continue;
    }
    const c = /^class: (.*)$/.exec(line);
    if (c) {
      cls = decodePrinted(c[1] ?? '');
      continue;
    }
    const a = /^\s+"(svce|acct)"<blob>=(.*)$/.exec(line);
    if (a) {
      const v = decodePrinted(a[2] ?? '');
      if (a[1] === 'svce') svce = v;
      else acct = v;
    }
  }
  flush();
  return accounts;
}

/** security's own error lines (`security: …`), never the `password:` line. */
function toolError(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('security: '))
    .map((l) => l.slice('security: '.length).trim())
    .join('; ');
}

/** The program is /usr/bin/security unless `command` says otherwise. */
export type SecurityOptions = ToolStoreOptions;

export class SecurityStore extends ToolStore implements SecretStore {
  readonly backend = 'security';

  constructor(options: SecurityOptions) {
    super(options, SECURITY_PATH);
  }

  async get(service: string, account: string): Promise<string | null> {
    checkNames(service, account);
    return this.rawGet(service, account);
  }

  async set(service: string, account: string, value: string): Promise<void> {
    checkNames(service, account);
    checkValue(value);
    await this.rawSet(service, account, value);
  }

  async delete(service: string, account: string): Promise<boolean> {
    checkNames(service, account);
    return this.rawDelete(service, account);
  }

  async list(service: string): Promise<{ account: string }[]> {
    checkName('service', service);
    // dump-keychain without -d prints attributes only, never a value.
    const r = await this.run(['dump-keychain']);
    if (r.code !== 0) this.fail(r, 'dump-keychain');
    return accountList(parseDump(r.stdout, service));
  }

  async probe(): Promise<void> {
    await probeRoundTrip(
      { get: (s, a) => this.rawGet(s, a), set: (s, a, v) => this.rawSet(s, a, v), delete: (s, a) => this.rawDelete(s, a) },
      'darwin',
      this.backend,
    );
  }

  private async rawGet(service: string, account: string): Promise<string | null> {
    // -g prints the password on stderr in an unambiguous form (see the header).
    const r = await this.run(['find-generic-password', '-s', service, '-a', account, '-g']);
    if (r.code === 0) {
      const value = parsePasswordOutput(r.stderr);
      if (value === null) throw new Error('security find-generic-password printed no password line');
      return value;
    }
    if (r.code !== null && STATUS[r.code] === 'not-found') return null;
    this.fail(r, 'find-generic-password');
  }

  private async rawSet(service: string, account: string, value: string): Promise<void> {
    const r = await this.run(['-i'], addCommandLine(service, account, value));
    if (r.code !== 0) this.fail(r, 'add-generic-password');
  }

  private async rawDelete(service: string, account: string): Promise<boolean> {
    const r = await this.run(['delete-generic-password', '-s', service, '-a', account]);
    if (r.code === 0) return true;
    if (r.code !== null && STATUS[r.code] === 'not-found') return false;
    this.fail(r, 'delete-generic-password');
  }

  private fail(r: RunResult, action: string): never {
    this.failIfNotRun(r, action, 'darwin', `${this.command} was not found`);
    const err = toolError(r.stderr);
    const byStatus = r.code !== null ? STATUS[r.code] : undefined;
    const reason = byStatus && byStatus !== 'not-found' ? byStatus : classifyKeychainMessage(err);
    if (reason) throw keychainError(reason, 'darwin', this.backend, err || `${action} exited ${r.code}`);
    throw new Error(`security ${action} failed (exit ${r.code ?? 'signal'})${err ? `: ${oneLine(err)}` : ''}`);
  }
}
