// The OS keychain through the native module @github/keytar (macOS Keychain, Windows Credential
// Manager, libsecret on Linux). Loaded lazily with createRequire, so the bundled CLI keeps it
// external and a machine where it cannot load (no prebuilt binary, no libsecret) falls back to the
// command-line tools.
//
// Every call runs under a timeout: a locked keychain may pop up an unlock prompt and wait on it.
// The native call cannot be cancelled, so after a timeout its worker thread stays busy until the
// keychain answers; callers end the process explicitly.
//
// keytar answers null both for a missing item and for an item in a locked keyring, so a miss is
// confirmed with a probe round trip (a locked keyring refuses the write) before it is reported.
import { createRequire } from 'node:module';
import { KeychainUnavailableError, type KeychainProblem } from '../../core/errors.js';
import type { SecretStore } from '../../ports/secret-store.js';
import {
  DEFAULT_TIMEOUT_MS,
  accountList,
  checkName,
  checkNames,
  checkValue,
  classifyKeychainMessage,
  keychainError,
  oneLine,
  probeRoundTrip,
  tookTooLong,
} from './common.js';

/** The part of the keytar API this store uses. */
export interface KeytarModule {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

/** Loads @github/keytar; throws when the native module cannot be loaded on this machine. */
export function requireKeytar(): KeytarModule {
  return createRequire(import.meta.url)('@github/keytar') as KeytarModule;
}

export interface KeytarStoreOptions {
  timeoutMs?: number;
  /** How to load the module; tests inject a fake. */
  load?: () => KeytarModule;
  platform?: NodeJS.Platform;
}

export class KeytarStore implements SecretStore {
  readonly backend = 'keytar';
  private module: KeytarModule | undefined;
  private readonly load: () => KeytarModule;
  private readonly timeoutMs: number;
  private readonly os: NodeJS.Platform;

  constructor(options: KeytarStoreOptions = {}) {
    this.load = options.load ?? requireKeytar;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.os = options.platform ?? process.platform;
  }

  /** Loads the module now; throws KeychainUnavailableError('missing-backend') when it cannot. */
  ensureLoaded(): KeytarModule {
    if (this.module) return this.module;
    try {
      this.module = this.load();
    } catch (err) {
      const why = err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err);
      throw keychainError('missing-backend', this.os, this.backend, `the native module could not be loaded: ${why}`, err);
    }
    return this.module;
  }

  async get(service: string, account: string): Promise<string | null> {
    checkNames(service, account);
    const value = await this.call('read', (k) => k.getPassword(service, account));
    if (value === null) await this.probe();
    return value;
  }

  async set(service: string, account: string, value: string): Promise<void> {
    checkNames(service, account);
    checkValue(value);
    await this.call('write', (k) => k.setPassword(service, account, value));
  }

  async delete(service: string, account: string): Promise<boolean> {
    checkNames(service, account);
    const removed = await this.call('delete', (k) => k.deletePassword(service, account));
    if (!removed) await this.probe();
    return removed;
  }

  async list(service: string): Promise<{ account: string }[]> {
    checkName('service', service);
    // keytar's findCredentials crashes the process (libsecret returns no secret for a locked item),
    // so make sure the keyring is usable first.
    await this.probe();
    const found = await this.call('list', (k) => k.findCredentials(service));
    // findCredentials also returns the values; only the account names leave this function.
    return accountList(found.map((c) => c.account));
  }

  async probe(): Promise<void> {
    await probeRoundTrip(
      {
        get: (s, a) => this.call('read', (k) => k.getPassword(s, a)),
        set: (s, a, v) => this.call('write', (k) => k.setPassword(s, a, v)),
        delete: (s, a) => this.call('delete', (k) => k.deletePassword(s, a)),
      },
      this.os,
      this.backend,
    );
  }

  /** One keytar call, under the timeout, with its errors classified. */
  private async call<T>(action: string, fn: (k: KeytarModule) => Promise<T>): Promise<T> {
    const k = this.ensureLoaded();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(keychainError('timeout', this.os, this.backend, tookTooLong(action, this.timeoutMs))),
        this.timeoutMs,
      );
      // The timer must not keep the process alive on its own.
      timer.unref();
    });
    try {
      return await Promise.race([fn(k), timeout]);
    } catch (err) {
      if (err instanceof KeychainUnavailableError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      const reason: KeychainProblem | null = classifyKeychainMessage(message);
      if (reason) throw keychainError(reason, this.os, this.backend, message, err);
      throw new Error(`keychain ${action} failed (keytar): ${oneLine(message)}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
}
