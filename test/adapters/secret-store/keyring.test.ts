// The secret stores against a real Secret Service (gnome-keyring), private to this run.
// Run: bash scripts/with-keyring.sh npx vitest run test/adapters/secret-store
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeychainUnavailableError, exitCodeFor } from '../../../src/core/errors.js';
import { nodeProcessRunner } from '../../../src/adapters/process.js';
import { KeytarStore } from '../../../src/adapters/secret-store/keytar.js';
import { SecretToolStore } from '../../../src/adapters/secret-store/secret-tool.js';
import { PROBE_SERVICE, type SecretStore } from '../../../src/ports/secret-store.js';
import {
  KeytarChild,
  assertPrivateKeyring,
  busWithoutSecretService,
  deadBusEnv,
  lockedKeyring,
  recordingRunner,
  syntheticValue,
  testService,
  type TestBus,
} from './keyring-helpers.js';

assertPrivateKeyring();

const keytar = new KeytarStore({ timeoutMs: 15_000 });
const secretTool = new SecretToolStore({ runner: nodeProcessRunner, timeoutMs: 15_000 });

// Values that break naive quoting or line-based parsing. Synthetic, never real credentials.
const awkward: Record<string, string> = {
  spaces: '  leading and trailing spaces  ',
  quotes: `it's "quoted" \\ back\\slash $HOME \`tick\``,
  newlines: 'line one\nline two\r\nline three\n',
  unicode: 'пароль-密码-🔑-é',
  'option-like': '--label=not-an-option',
};

describe.each([
  ['keytar', keytar],
  ['secret-tool', secretTool],
] as const)('%s store on a real Secret Service', (_name, store: SecretStore) => {
  const service = testService(store.backend);

  it('stores, reads back, replaces, lists and deletes an item', async () => {
    const first = syntheticValue();
    const second = syntheticValue();
    await store.set(service, 'GITHUB_TOKEN', first);
    expect(await store.get(service, 'GITHUB_TOKEN')).toBe(first);
    await store.set(service, 'GITHUB_TOKEN', second);
    expect(await store.get(service, 'GITHUB_TOKEN')).toBe(second);
    await store.set(service, 'API_KEY@server', syntheticValue());
    expect(await store.list(service)).toEqual([{ account: 'API_KEY@server' }, { account: 'GITHUB_TOKEN' }]);
    expect(await store.delete(service, 'GITHUB_TOKEN')).toBe(true);
    expect(await store.get(service, 'GITHUB_TOKEN')).toBeNull();
    expect(await store.delete(service, 'GITHUB_TOKEN')).toBe(false);
    expect(await store.list(service)).toEqual([{ account: 'API_KEY@server' }]);
  });

  it('gives null for a missing item and an empty list for an unknown service', async () => {
    expect(await store.get(service, 'NEVER_STORED')).toBeNull();
    expect(await store.list(testService('empty'))).toEqual([]);
  });

  it.each(Object.keys(awkward))('keeps a value with %s exactly', async (kind) => {
    const value = awkward[kind]!;
    await store.set(service, `AWKWARD_${kind}`, value);
    expect(await store.get(service, `AWKWARD_${kind}`)).toBe(value);
  });

  it('passes the probe and leaves no probe item behind', async () => {
    await store.probe();
    // Other test files may be probing the same private keyring right now: look at ours only.
    const ours = (await store.list(PROBE_SERVICE)).filter((i) => i.account.startsWith(`probe-${process.pid}-`));
    expect(ours).toEqual([]);
  });
});

describe('keytar and secret-tool read each other’s items', () => {
  const service = testService('cross');

  it('secret-tool reads, lists and deletes what keytar wrote', async () => {
    for (const value of [syntheticValue(), awkward.newlines!, awkward.unicode!]) {
      await keytar.set(service, 'FROM_KEYTAR', value);
      expect(await secretTool.get(service, 'FROM_KEYTAR')).toBe(value);
    }
    expect(await secretTool.list(service)).toContainEqual({ account: 'FROM_KEYTAR' });
    expect(await secretTool.delete(service, 'FROM_KEYTAR')).toBe(true);
    expect(await keytar.get(service, 'FROM_KEYTAR')).toBeNull();
  });

  it('keytar reads, lists and deletes what secret-tool wrote', async () => {
    for (const value of [syntheticValue(), awkward.quotes!, awkward.spaces!]) {
      await secretTool.set(service, 'FROM_SECRET_TOOL', value);
      expect(await keytar.get(service, 'FROM_SECRET_TOOL')).toBe(value);
    }
    expect(await keytar.list(service)).toContainEqual({ account: 'FROM_SECRET_TOOL' });
    expect(await keytar.delete(service, 'FROM_SECRET_TOOL')).toBe(true);
    expect(await secretTool.get(service, 'FROM_SECRET_TOOL')).toBeNull();
  });

  it('an update through one store replaces the item the other made (no duplicate)', async () => {
    await keytar.set(service, 'SHARED', syntheticValue());
    const newer = syntheticValue();
    await secretTool.set(service, 'SHARED', newer);
    expect(await keytar.get(service, 'SHARED')).toBe(newer);
    expect((await keytar.list(service)).filter((i) => i.account === 'SHARED')).toHaveLength(1);
  });

  it('items carry the attributes keytar writes: schema, service, account, label service/account', async () => {
    await keytar.set(service, 'INSPECTED', syntheticValue());
    const r = await nodeProcessRunner.run('secret-tool', ['search', '--all', 'service', service, 'account', 'INSPECTED']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`label = ${service}/INSPECTED`);
    expect(r.stdout).toContain('schema = org.freedesktop.Secret.Generic');
    expect(r.stderr).toContain(`attribute.service = ${service}`);
    expect(r.stderr).toContain('attribute.account = INSPECTED');
    await keytar.delete(service, 'INSPECTED');
  });
});

describe('secret-tool never gets a value in its arguments or environment', () => {
  it('sends the value on stdin only, for store, lookup, list, delete and the probe', async () => {
    const { runner, runs } = recordingRunner();
    const store = new SecretToolStore({ runner, timeoutMs: 15_000 });
    const service = testService('argv');
    const value = syntheticValue('argv-check-');
    await store.set(service, 'WATCHED', value);
    expect(await store.get(service, 'WATCHED')).toBe(value);
    await store.list(service);
    await store.probe();
    await store.delete(service, 'WATCHED');

    expect(runs.length).toBeGreaterThan(5);
    for (const run of runs) {
      expect(run.args.join('\0')).not.toContain(value);
      expect(JSON.stringify(run.options.env ?? {})).not.toContain(value);
    }
    const stores = runs.filter((r) => r.args[0] === 'store');
    expect(stores.map((r) => r.options.stdin)).toContain(value);
    // Exactly the attributes keytar uses, so keytar finds the item.
    expect(stores[0]!.args).toEqual([
      'store',
      `--label=${service}/WATCHED`,
      'xdg:schema',
      'org.freedesktop.Secret.Generic',
      'service',
      service,
      'account',
      'WATCHED',
    ]);
  });
});

describe('a locked keyring', () => {
  const service = testService('locked');
  let bus: TestBus;
  let child: KeytarChild;

  beforeAll(async () => {
    [bus, child] = await Promise.all([lockedKeyring(service, 'EXISTING'), KeytarChild.create()]);
  });
  afterAll(async () => {
    await bus?.close();
    child?.dispose();
  });

  it('is reported as locked by secret-tool, for an existing item and a missing one alike', async () => {
    const store = new SecretToolStore({ runner: nodeProcessRunner, env: bus.env, timeoutMs: 15_000 });
    for (const op of [
      () => store.get(service, 'EXISTING'),
      () => store.get(service, 'MISSING'),
      () => store.set(service, 'NEW', syntheticValue()),
      () => store.delete(service, 'EXISTING'),
      () => store.list(service),
      () => store.probe(),
    ]) {
      const err = await op().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(KeychainUnavailableError);
      expect((err as KeychainUnavailableError).reason).toBe('locked');
      expect((err as Error).message).toMatch(/^the keychain is locked: unlock your login keyring/);
      expect(exitCodeFor(err)).toBe(10);
    }
  });

  it('is reported as locked by keytar, where keytar alone would answer null', async () => {
    for (const args of [
      ['get', service, 'EXISTING'],
      ['get', service, 'MISSING'],
      ['set', service, 'NEW', syntheticValue()],
      ['list', service],
      ['probe'],
    ]) {
      const outcome = await child.run(bus.env, args[0]!, ...args.slice(1));
      expect(outcome, args[0]).toMatchObject({ ok: false, name: 'KeychainUnavailableError', reason: 'locked', exitCode: 10 });
      expect(outcome.message).toMatch(/^the keychain is locked/);
    }
  });
});

describe('no Secret Service at all', () => {
  let child: KeytarChild;
  let emptyBus: TestBus;
  beforeAll(async () => {
    [child, emptyBus] = await Promise.all([KeytarChild.create(), busWithoutSecretService()]);
  });
  afterAll(async () => {
    await emptyBus?.close();
    child?.dispose();
  });

  const cases: [string, () => Record<string, string | undefined>][] = [
    ['the session bus address points at nothing', deadBusEnv],
    ['the session bus has no Secret Service', () => emptyBus.env],
  ];

  it.each(cases)('secret-tool says missing-backend when %s', async (_label, env) => {
    const store = new SecretToolStore({ runner: nodeProcessRunner, env: env(), timeoutMs: 15_000 });
    for (const op of [() => store.get('svc', 'acct'), () => store.set('svc', 'acct', syntheticValue()), () => store.probe()]) {
      const err = await op().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(KeychainUnavailableError);
      expect((err as KeychainUnavailableError).reason).toBe('missing-backend');
      expect((err as Error).message).toMatch(/^no keychain service: the Secret Service/);
    }
  });

  it.each(cases)('keytar says missing-backend when %s', async (_label, env) => {
    for (const args of [['get', 'svc', 'acct'], ['probe']]) {
      const outcome = await child.run(env(), args[0]!, ...args.slice(1));
      expect(outcome).toMatchObject({ ok: false, reason: 'missing-backend', exitCode: 10 });
      expect(outcome.message).toMatch(/^no keychain service: the Secret Service/);
    }
  });

  it('secret-tool not installed is a missing backend too', async () => {
    const store = new SecretToolStore({ runner: nodeProcessRunner, command: 'secret-tool-that-does-not-exist' });
    await expect(store.get('svc', 'acct')).rejects.toMatchObject({ reason: 'missing-backend', message: expect.stringContaining('libsecret-tools') });
  });

  it('locked, missing and missing-backend each have their own message', async () => {
    const messages = new Set<string>();
    const store = new SecretToolStore({ runner: nodeProcessRunner, env: deadBusEnv(), timeoutMs: 15_000 });
    await store.probe().catch((e: Error) => messages.add(e.message.split(' (')[0]!));
    const bus = await lockedKeyring(testService('msg'), 'X');
    try {
      const locked = new SecretToolStore({ runner: nodeProcessRunner, env: bus.env, timeoutMs: 15_000 });
      await locked.probe().catch((e: Error) => messages.add(e.message.split(' (')[0]!));
    } finally {
      await bus.close();
    }
    expect(messages.size).toBe(2);
    // And a missing item in a usable keyring is no error at all.
    expect(await secretTool.get(testService('msg'), 'NOT_THERE')).toBeNull();
  });
});
