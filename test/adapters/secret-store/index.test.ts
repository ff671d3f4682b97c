// Choosing a backend: keytar when the native module loads, the OS tool when it does not.
import { describe, expect, it } from 'vitest';
import { describeBackend, openSecretStore } from '../../../src/adapters/secret-store/index.js';
import { MemorySecretStore } from '../../../src/adapters/secret-store/memory.js';
import { nodeProcessRunner } from '../../../src/adapters/process.js';
import { KeychainUnavailableError } from '../../../src/core/errors.js';

const broken = (): never => {
  throw new Error('Failed to load keytar native addon');
};

describe('openSecretStore', () => {
  it('uses the native module when it loads (loading touches no keychain)', async () => {
    const store = await openSecretStore({ platform: process.platform, runner: nodeProcessRunner });
    expect(store.backend).toBe('keytar');
  });

  it.each([
    ['linux', 'secret-tool'],
    ['darwin', 'security'],
  ] as const)('falls back to the command-line tool on %s when the native module cannot load', async (platform, backend) => {
    const store = await openSecretStore({ platform, runner: nodeProcessRunner, loadKeytar: broken });
    expect(store.backend).toBe(backend);
  });

  it('uses the command-line tool when asked to', async () => {
    const store = await openSecretStore({ platform: 'linux', runner: nodeProcessRunner, prefer: 'cli' });
    expect(store.backend).toBe('secret-tool');
  });

  it('has nothing to fall back to on Windows: a missing backend, exit 10', async () => {
    const err = await openSecretStore({ platform: 'win32', runner: nodeProcessRunner, loadKeytar: broken }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeychainUnavailableError);
    expect(err).toMatchObject({ reason: 'missing-backend', exitCode: 10 });
  });
});

describe('describeBackend', () => {
  it('names the backend and the keychain behind it', async () => {
    const keytar = await openSecretStore({ platform: 'linux', runner: nodeProcessRunner });
    expect(describeBackend(keytar, 'darwin')).toBe('macOS Keychain via the native module (@github/keytar)');
    expect(describeBackend(keytar, 'linux')).toBe('Secret Service via the native module (@github/keytar)');
    const cli = await openSecretStore({ platform: 'linux', runner: nodeProcessRunner, prefer: 'cli' });
    expect(describeBackend(cli)).toBe('Secret Service via secret-tool (libsecret)');
    expect(describeBackend(new MemorySecretStore())).toBe('in-memory store (tests only)');
  });
});
