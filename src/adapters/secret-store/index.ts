// Choosing the secret store: the native module first, the OS command-line tool when the native
// module cannot load (no prebuilt binary for this platform, libsecret missing, a broken install).
import type { ProcessRunner } from '../../ports/process.js';
import type { SecretStore } from '../../ports/secret-store.js';
import { keychainError } from './common.js';
import { KeytarStore, requireKeytar, type KeytarModule } from './keytar.js';
import { SecretToolStore } from './secret-tool.js';
import { SecurityStore } from './security.js';

export { MemorySecretStore } from './memory.js';
export { KeytarStore } from './keytar.js';
export { SecretToolStore } from './secret-tool.js';
export { SecurityStore } from './security.js';

export interface OpenSecretStoreOptions {
  platform: NodeJS.Platform;
  runner: ProcessRunner;
  /** 'keytar' (default): the native module, falling back to the CLI; 'cli': the CLI tool only. */
  prefer?: 'keytar' | 'cli';
  /** Environment for the CLI tools (defaults to this process's). */
  env?: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
  /** How to load keytar; tests inject one that fails. */
  loadKeytar?: () => KeytarModule;
}

/**
 * The store to use on this machine. It is not probed here: call `probe()` to learn whether the
 * keychain is usable now (doctor does, and every command that writes a secret).
 */
export async function openSecretStore(options: OpenSecretStoreOptions): Promise<SecretStore> {
  const timeout = options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {};
  if (options.prefer !== 'cli') {
    const keytar = new KeytarStore({ platform: options.platform, load: options.loadKeytar ?? requireKeytar, ...timeout });
    try {
      keytar.ensureLoaded();
      return keytar;
    } catch (err) {
      if (options.platform !== 'linux' && options.platform !== 'darwin') throw err;
      // Fall through to the command-line tool.
    }
  }
  const cli = { runner: options.runner, ...(options.env ? { env: options.env } : {}), ...timeout };
  if (options.platform === 'linux') return new SecretToolStore(cli);
  if (options.platform === 'darwin') return new SecurityStore(cli);
  throw keychainError('missing-backend', options.platform, 'cli', `no command-line keychain tool on ${options.platform}`);
}

const KEYCHAIN_NAMES: Partial<Record<NodeJS.Platform, string>> = {
  darwin: 'macOS Keychain',
  linux: 'Secret Service',
  win32: 'Windows Credential Manager',
};

/** One line naming the backend, for `doctor` and error reports. */
export function describeBackend(store: SecretStore, platform: NodeJS.Platform = process.platform): string {
  switch (store.backend) {
    case 'keytar':
      return `${KEYCHAIN_NAMES[platform] ?? 'OS keychain'} via the native module (@github/keytar)`;
    case 'secret-tool':
      return 'Secret Service via secret-tool (libsecret)';
    case 'security':
      return 'macOS Keychain via /usr/bin/security';
    case 'memory':
      return 'in-memory store (tests only)';
    default:
      return store.backend;
  }
}
