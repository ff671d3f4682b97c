// Linux Secret Service through libsecret's `secret-tool`, used when the native module cannot load.
// Items are written exactly as keytar writes them: schema org.freedesktop.Secret.Generic (keytar
// only sees items carrying it), attributes `service` and `account`, label "service/account" — so
// keytar and this store read each other's items.
//
// The value only ever travels on stdin: `secret-tool store` reads it from there (argv is public in
// /proc). secret-tool's exit code is 1 for every failure, so failures are told apart by its stderr;
// a lookup that finds nothing and a lookup in a locked keyring are both a silent exit 1, so a miss
// is confirmed with a probe round trip before it is reported as a missing item.
import type { RunResult } from '../../ports/process.js';
import type { SecretStore } from '../../ports/secret-store.js';
import { ToolStore, accountList, checkName, checkNames, checkValue, classifyKeychainMessage, keychainError, oneLine, probeRoundTrip, type ToolStoreOptions } from './common.js';

export const GENERIC_SCHEMA = 'org.freedesktop.Secret.Generic';

/** The program is `secret-tool` from PATH unless `command` says otherwise. */
export type SecretToolOptions = ToolStoreOptions;

function itemAttributes(service: string, account: string): string[] {
  return ['xdg:schema', GENERIC_SCHEMA, 'service', service, 'account', account];
}

/** The tool's own error lines (`secret-tool: …`), without GLib warnings and the like. */
function toolError(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim());
  const own = lines.filter((l) => l.startsWith('secret-tool:')).map((l) => l.replace(/^secret-tool:\s*/, ''));
  return own.join('; ');
}

export class SecretToolStore extends ToolStore implements SecretStore {
  readonly backend = 'secret-tool';

  constructor(options: SecretToolOptions) {
    super(options, 'secret-tool');
  }

  async get(service: string, account: string): Promise<string | null> {
    checkNames(service, account);
    const value = await this.rawGet(service, account);
    if (value === null) await this.probe(); // a locked keyring also answers "nothing"
    return value;
  }

  async set(service: string, account: string, value: string): Promise<void> {
    checkNames(service, account);
    checkValue(value);
    await this.rawSet(service, account, value);
  }

  async delete(service: string, account: string): Promise<boolean> {
    checkNames(service, account);
    // `clear` says nothing about whether it removed anything, so look first.
    const existed = await this.exists(service, account);
    if (!existed) {
      await this.probe();
      return false;
    }
    await this.rawDelete(service, account);
    return true;
  }

  async list(service: string): Promise<{ account: string }[]> {
    checkName('service', service);
    const r = await this.run(['search', '--all', 'xdg:schema', GENERIC_SCHEMA, 'service', service]);
    const err = toolError(r.stderr);
    if (r.code !== 0 || /locked/i.test(err)) this.fail(r, 'search');
    const accounts = parseAccounts(r.stderr);
    // An empty answer from a locked keyring looks like an empty keyring.
    if (accounts.length === 0) await this.probe();
    return accountList(accounts);
  }

  async probe(): Promise<void> {
    await probeRoundTrip(
      { get: (s, a) => this.rawGet(s, a), set: (s, a, v) => this.rawSet(s, a, v), delete: (s, a) => this.rawDelete(s, a).then(() => true) },
      'linux',
      this.backend,
    );
  }

  private async rawGet(service: string, account: string): Promise<string | null> {
    const r = await this.run(['lookup', ...itemAttributes(service, account)]);
    if (r.code === 0) return r.stdout; // exact bytes: secret-tool adds a newline only on a terminal
    if (r.code === 1 && toolError(r.stderr) === '') return null;
    this.fail(r, 'lookup');
  }

  private async rawSet(service: string, account: string, value: string): Promise<void> {
    const r = await this.run(['store', `--label=${service}/${account}`, ...itemAttributes(service, account)], value);
    if (r.code !== 0) this.fail(r, 'store');
  }

  private async rawDelete(service: string, account: string): Promise<void> {
    const r = await this.run(['clear', ...itemAttributes(service, account)]);
    if (r.code === 0) return;
    if (r.code === 1 && toolError(r.stderr) === '') return; // nothing matched
    this.fail(r, 'clear');
  }

  /** Whether the item exists, from its attributes only (no --unlock: this never prompts). */
  private async exists(service: string, account: string): Promise<boolean> {
    const r = await this.run(['search', ...itemAttributes(service, account)]);
    // A locked item is still found, with "Cannot get secret of a locked object" on stderr; `clear`
    // would then fail silently, exactly like a clear of nothing.
    if (r.code !== 0 || /locked/i.test(toolError(r.stderr))) this.fail(r, 'search');
    return parseAccounts(r.stderr).includes(account);
  }

  private fail(r: RunResult, action: string): never {
    this.failIfNotRun(r, action, 'linux', `${this.command} is not installed (package libsecret-tools)`);
    const err = toolError(r.stderr);
    const reason = classifyKeychainMessage(err);
    if (reason) throw keychainError(reason, 'linux', this.backend, err);
    throw new Error(`secret-tool ${action} failed (exit ${r.code ?? 'signal'})${err ? `: ${oneLine(err)}` : ''}`);
  }
}

/**
 * Accounts from `secret-tool search` output. libsecret 0.20 prints each item's attributes as
 * `attribute.NAME = VALUE` on stderr, apart from the label and secret lines on stdout; only the
 * attribute lines are read, so a secret value can never be mistaken for an account.
 */
export function parseAccounts(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^attribute\.account = (.*)$/.exec(line);
    if (m?.[1] !== undefined) out.push(m[1]);
  }
  return out;
}
