// The in-memory double, the typed errors and exit codes, and the keytar store's own logic
// (timeouts, classification, probing before trusting a null) with a stand-in native module.
import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  ConfigReadError,
  HardenError,
  KeychainUnavailableError,
  UsageError,
  exitCodeFor,
} from '../../../src/core/errors.js';
import { MemorySecretStore } from '../../../src/adapters/secret-store/memory.js';
import { KeytarStore, type KeytarModule } from '../../../src/adapters/secret-store/keytar.js';
import { PROBE_SERVICE } from '../../../src/ports/secret-store.js';
import { KEYCHAIN_PROBLEMS } from '../../../src/core/errors.js';

describe('typed errors', () => {
  it.each([
    [new UsageError('bad flag'), 'usage', 2],
    [new ConfigReadError('cannot read x'), 'config-read', 1],
    [new KeychainUnavailableError('locked', 'the keychain is locked'), 'keychain-unavailable', 10],
    [new CancelledError(), 'cancelled', 130],
  ] as const)('%s has a stable code and its exit code', (err, code, exit) => {
    expect(err).toBeInstanceOf(HardenError);
    expect(err.code).toBe(code);
    expect(err.exitCode).toBe(exit);
    expect(exitCodeFor(err)).toBe(exit);
    expect(err.name).toBe(err.constructor.name);
  });

  it('anything else exits 1', () => {
    expect(exitCodeFor(new Error('boom'))).toBe(1);
    expect(exitCodeFor('a string')).toBe(1);
    expect(exitCodeFor(undefined)).toBe(1);
  });

  it('messages are one line', () => {
    expect(new UsageError('first\nsecond\r\n  third').message).toBe('first second third');
  });
});

describe('memory store', () => {
  it('stores, replaces, lists (sorted, names only) and deletes', async () => {
    const store = new MemorySecretStore();
    await store.set('svc', 'B', 'synthetic-b');
    await store.set('svc', 'A', 'synthetic-a');
    await store.set('svc', 'A', 'synthetic-a2');
    await store.set('other', 'C', 'synthetic-c');
    expect(await store.get('svc', 'A')).toBe('synthetic-a2');
    expect(await store.list('svc')).toEqual([{ account: 'A' }, { account: 'B' }]);
    expect(await store.delete('svc', 'A')).toBe(true);
    expect(await store.delete('svc', 'A')).toBe(false);
    expect(await store.get('svc', 'A')).toBeNull();
    expect(store.size).toBe(2);
  });

  it('starts with given items and passes the probe without leaving one behind', async () => {
    const store = new MemorySecretStore({ items: [['svc', 'X', 'synthetic-x']] });
    await store.probe();
    expect(await store.list(PROBE_SERVICE)).toEqual([]);
    expect(store.size).toBe(1);
  });

  it.each(KEYCHAIN_PROBLEMS)('simulates %s on every call, with exit code 10 and its own message', async (reason) => {
    const store = new MemorySecretStore({ items: [['svc', 'X', 'synthetic-x']] });
    store.state = reason;
    for (const op of [() => store.get('svc', 'X'), () => store.set('svc', 'Y', 'v'), () => store.delete('svc', 'X'), () => store.list('svc'), () => store.probe()]) {
      const err = await op().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KeychainUnavailableError);
      expect(err).toMatchObject({ reason, exitCode: 10 });
    }
    store.state = 'ready';
    expect(await store.get('svc', 'X')).toBe('synthetic-x');
  });

  it('gives each problem a different message', async () => {
    const messages = new Set<string>();
    for (const reason of KEYCHAIN_PROBLEMS) {
      await new MemorySecretStore({ state: reason }).probe().catch((e: Error) => messages.add(e.message));
    }
    expect(messages.size).toBe(KEYCHAIN_PROBLEMS.length);
  });

  it('refuses empty names and empty or NUL values (usage errors that do not repeat the value)', async () => {
    const store = new MemorySecretStore();
    await expect(store.set('', 'A', 'v')).rejects.toBeInstanceOf(UsageError);
    await expect(store.set('svc', '', 'v')).rejects.toBeInstanceOf(UsageError);
    await expect(store.set('svc', 'A', '')).rejects.toBeInstanceOf(UsageError);
    const err = await store.set('svc', 'A', 'synthetic\0tail').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).not.toContain('synthetic');
    expect(store.size).toBe(0);
  });
});

/** A stand-in for @github/keytar: a map, plus the ways the real module misbehaves. */
function fakeKeytar(behaviour: { locked?: boolean; hang?: boolean; error?: string } = {}) {
  const items = new Map<string, string>();
  const calls: string[] = [];
  const act = <T>(name: string, fn: () => T): Promise<T> => {
    calls.push(name);
    if (behaviour.hang) return new Promise<T>(() => {});
    if (behaviour.error) return Promise.reject(new Error(behaviour.error));
    return Promise.resolve(fn());
  };
  const module: KeytarModule = {
    // Like libsecret: a locked keyring answers "nothing" to reads and refuses writes.
    getPassword: (s, a) => act('get', () => (behaviour.locked ? null : (items.get(`${s}/${a}`) ?? null))),
    setPassword: (s, a, p) =>
      act('set', () => {
        if (behaviour.locked) throw new Error('Cannot create an item in a locked collection');
        items.set(`${s}/${a}`, p);
      }),
    deletePassword: (s, a) => act('delete', () => (behaviour.locked ? false : items.delete(`${s}/${a}`))),
    findCredentials: (s) =>
      act('find', () => {
        // The real module crashes the whole process here when the keyring is locked.
        if (behaviour.locked) throw new Error('would have crashed');
        return [...items].filter(([k]) => k.startsWith(`${s}/`)).map(([k, password]) => ({ account: k.slice(s.length + 1), password }));
      }),
  };
  return { module, items, calls };
}

describe('keytar store logic', () => {
  it('does not load the native module until first used', async () => {
    let loads = 0;
    const fake = fakeKeytar();
    const store = new KeytarStore({ load: () => (loads++, fake.module) });
    expect(loads).toBe(0);
    await store.set('svc', 'A', 'synthetic');
    await store.get('svc', 'A');
    expect(loads).toBe(1);
  });

  it('a module that cannot load is a missing backend', async () => {
    const store = new KeytarStore({
      platform: 'linux',
      load: () => {
        throw new Error('libsecret-1.so.0: cannot open shared object file\nsecond line');
      },
    });
    const err = await store.get('svc', 'A').catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'missing-backend', exitCode: 10 });
    expect((err as Error).message).toContain('native module could not be loaded: libsecret-1.so.0');
  });

  it('a null from a locked keyring is reported as locked, not as a missing item', async () => {
    const store = new KeytarStore({ platform: 'linux', load: () => fakeKeytar({ locked: true }).module });
    await expect(store.get('svc', 'A')).rejects.toMatchObject({ reason: 'locked' });
    await expect(store.delete('svc', 'A')).rejects.toMatchObject({ reason: 'locked' });
  });

  it('a real miss is null once the probe shows the keyring works', async () => {
    const fake = fakeKeytar();
    const store = new KeytarStore({ load: () => fake.module });
    expect(await store.get('svc', 'NOTHING')).toBeNull();
    expect(fake.calls).toEqual(['get', 'set', 'get', 'delete']);
    expect(fake.items.size).toBe(0);
  });

  it('list probes first, so findCredentials never runs against a locked keyring', async () => {
    const fake = fakeKeytar({ locked: true });
    const store = new KeytarStore({ platform: 'linux', load: () => fake.module });
    await expect(store.list('svc')).rejects.toMatchObject({ reason: 'locked' });
    expect(fake.calls).not.toContain('find');
  });

  it('list returns account names only', async () => {
    const fake = fakeKeytar();
    const store = new KeytarStore({ load: () => fake.module });
    await store.set('svc', 'B', 'synthetic-b');
    await store.set('svc', 'A', 'synthetic-a');
    const listed = await store.list('svc');
    expect(listed).toEqual([{ account: 'A' }, { account: 'B' }]);
    expect(JSON.stringify(listed)).not.toContain('synthetic');
  });

  it('a call that never returns (an unseen unlock prompt) times out', async () => {
    const store = new KeytarStore({ platform: 'darwin', timeoutMs: 50, load: () => fakeKeytar({ hang: true }).module });
    const err = await store.get('svc', 'A').catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'timeout', exitCode: 10 });
    expect((err as Error).message).toMatch(/^the keychain did not answer in time/);
  });

  it.each([
    ['Could not connect: No such file or directory', 'missing-backend'],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'missing-backend'],
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'missing-backend'],
    ['Cannot create an item in a locked collection', 'locked'],
    ['User interaction is not allowed.', 'locked'],
    ['User canceled the operation.', 'refused'],
    ['The user name or passphrase you entered is not correct.', 'refused'],
  ] as const)('classifies "%s" as %s', async (message, reason) => {
    const store = new KeytarStore({ load: () => fakeKeytar({ error: message }).module });
    await expect(store.set('svc', 'A', 'synthetic')).rejects.toMatchObject({ reason });
  });

  it('an unknown native error stays a plain error (exit 1)', async () => {
    const store = new KeytarStore({ load: () => fakeKeytar({ error: 'Something unexpected' }).module });
    const err = await store.set('svc', 'A', 'synthetic').catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(KeychainUnavailableError);
    expect(exitCodeFor(err)).toBe(1);
    expect((err as Error).message).toBe('keychain write failed (keytar): Something unexpected');
  });
});
