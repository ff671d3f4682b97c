// An in-memory SecretStore for unit tests, with switches that make it behave like a locked keyring,
// a machine with no keychain, a refused prompt or a keychain that never answers.
import type { KeychainProblem } from '../../core/errors.js';
import type { SecretStore } from '../../ports/secret-store.js';
import { accountList, checkName, checkValue, keychainError, probeRoundTrip } from './common.js';

export type MemoryState = 'ready' | KeychainProblem;

export interface MemorySecretStoreOptions {
  state?: MemoryState;
  /** Platform whose messages the simulated errors use. */
  platform?: NodeJS.Platform;
  /** Items to start with, as [service, account, value]. */
  items?: Iterable<readonly [string, string, string]>;
}

export class MemorySecretStore implements SecretStore {
  readonly backend = 'memory';
  /** Switch this to simulate a keychain problem on every following call. */
  state: MemoryState;
  private readonly items = new Map<string, Map<string, string>>();
  private readonly os: NodeJS.Platform;

  constructor(options: MemorySecretStoreOptions = {}) {
    this.state = options.state ?? 'ready';
    this.os = options.platform ?? 'linux';
    for (const [s, a, v] of options.items ?? []) this.bucket(s).set(a, v);
  }

  async get(service: string, account: string): Promise<string | null> {
    checkName('service', service);
    checkName('account', account);
    this.check();
    return this.items.get(service)?.get(account) ?? null;
  }

  async set(service: string, account: string, value: string): Promise<void> {
    checkName('service', service);
    checkName('account', account);
    checkValue(value);
    this.check();
    this.bucket(service).set(account, value);
  }

  async delete(service: string, account: string): Promise<boolean> {
    checkName('service', service);
    checkName('account', account);
    this.check();
    return this.items.get(service)?.delete(account) ?? false;
  }

  async list(service: string): Promise<{ account: string }[]> {
    checkName('service', service);
    this.check();
    return accountList(this.items.get(service)?.keys() ?? []);
  }

  async probe(): Promise<void> {
    await probeRoundTrip(this, this.os, this.backend);
  }

  /** How many items are stored, over all services (for tests asserting "nothing was written"). */
  get size(): number {
    let n = 0;
    for (const m of this.items.values()) n += m.size;
    return n;
  }

  private check(): void {
    if (this.state !== 'ready') throw keychainError(this.state, this.os, this.backend, 'simulated');
  }

  private bucket(service: string): Map<string, string> {
    let m = this.items.get(service);
    if (!m) this.items.set(service, (m = new Map()));
    return m;
  }
}
