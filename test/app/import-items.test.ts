// Finding keychain items made by hand the guide's way (service + username) and copying them to our
// own items, with a fake process runner standing in for busctl / secret-tool and the in-memory store.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import {
  handMadeItems,
  importCandidates,
  importItems,
  ImportLog,
  parseImportArg,
  SecretServiceItems,
  type HandMadeSource,
} from '../../src/app/import-items.js';
import { SecretsMeta } from '../../src/app/secrets-meta.js';
import { runSecretsImport } from '../../src/cli/doctor-command.js';
import { KeychainUnavailableError, UsageError } from '../../src/core/errors.js';
import type { HostEnv } from '../../src/core/model.js';
import type { ProcessRunner, RunResult } from '../../src/ports/process.js';
import { fakeToken } from '../helpers/tokens.js';

const temps: string[] = [];
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'mcp-harden-import-'));
  temps.push(d);
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

type Reply = Partial<RunResult>;
interface Call {
  cmd: string;
  args: readonly string[];
}

/** A runner that answers from a function of (cmd, args) and records every call. */
function fakeRunner(answer: (cmd: string, args: readonly string[]) => Reply): ProcessRunner & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    async run(cmd, args) {
      calls.push({ cmd, args });
      return { code: 0, stdout: '', stderr: '', timedOut: false, ...answer(cmd, args) };
    },
  };
}

const SECRET = fakeToken('github-classic', 'hand-made');
const OTHER_SECRET = fakeToken('github-classic', 'other-item');

/** The Secret Service as busctl shows it: paths from SearchItems, then each item's attributes. */
function busctl(items: Record<string, Record<string, string>>) {
  return (cmd: string, args: readonly string[]): Reply => {
    if (cmd !== 'busctl') return { code: 1, stderr: 'unexpected' };
    if (args.includes('SearchItems')) {
      const paths = Object.keys(items);
      return { stdout: JSON.stringify({ type: 'aoao', data: [paths.slice(0, 2), paths.slice(2)] }) };
    }
    const path = args[args.indexOf('org.freedesktop.Secret.Item') - 1]!;
    const attrs = items[path];
    return attrs ? { stdout: JSON.stringify({ type: 'a{ss}', data: attrs }) } : { code: 1, stderr: 'Failed to get property: No such object' };
  };
}

describe('finding hand-made items over D-Bus (busctl)', () => {
  it('offers items with a service and a username that are not ours, counting duplicates', async () => {
    const runner = fakeRunner(
      busctl({
        '/org/freedesktop/secrets/collection/login/1': { service: 'github-pat', username: 'mcp-github', 'xdg:schema': 'org.freedesktop.Secret.Generic' },
        '/org/freedesktop/secrets/collection/login/2': { service: 'mcp-harden', account: 'GITHUB_TOKEN', 'xdg:schema': 'org.freedesktop.Secret.Generic' },
        '/org/freedesktop/secrets/collection/login/3': { service: 'Some App', account: 'me' },
        '/org/freedesktop/secrets/collection/login/4': { service: 'github-pat', username: 'mcp-github' },
        '/org/freedesktop/secrets/collection/login/5': { service: 'mcp-harden', username: 'x' },
        '/org/freedesktop/secrets/collection/login/6': { service: 'brave', username: 'mcp-brave' },
      }),
    );
    const found = await new SecretServiceItems({ runner }).find();
    expect(found).toEqual([
      { service: 'brave', username: 'mcp-brave', count: 1 },
      { service: 'github-pat', username: 'mcp-github', count: 2 },
    ]);
    // Only the attribute property is ever read: no GetSecret, no unlock, no secret-tool search.
    for (const c of runner.calls) {
      expect(c.args.join(' ')).not.toMatch(/GetSecret|Unlock|--unlock/);
      expect(c.cmd).toBe('busctl');
    }
  });

  it('reports a session without a bus as a missing keychain backend', async () => {
    const runner = fakeRunner(() => ({ code: 1, stderr: 'Failed to connect to bus: No such file or directory\n' }));
    const err = await new SecretServiceItems({ runner }).find().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeychainUnavailableError);
    expect((err as KeychainUnavailableError).reason).toBe('missing-backend');
  });
});

describe('finding hand-made items with secret-tool (no busctl)', () => {
  // What libsecret 0.20 prints: header, label and secret on stdout; attributes on stderr.
  const stdoutOf = (...secrets: string[]) =>
    secrets.map((s, i) => `[/${i + 1}]\nlabel = item ${i}\nsecret = ${s}\ncreated = 2026-11-24 19:30:53\nmodified = 2026-11-24 19:30:53\n`).join('');
  const answer = (cmd: string, args: readonly string[]): Reply => {
    if (cmd === 'busctl') return { code: null, spawnError: 'not-found' };
    if (args[0] !== 'search') return { code: 1 };
    if (args.includes('service') && args[args.indexOf('service') + 1] === 'github-pat') {
      return { stdout: stdoutOf(SECRET), stderr: 'attribute.username = mcp-github\nattribute.service = github-pat\n' };
    }
    if (args.includes('service')) return { stdout: stdoutOf(OTHER_SECRET), stderr: 'attribute.account = FOO\nattribute.service = mcp-harden\n' };
    return {
      stdout: stdoutOf(SECRET, OTHER_SECRET),
      stderr: 'attribute.username = mcp-github\nattribute.service = github-pat\nattribute.account = FOO\nattribute.service = mcp-harden\n',
    };
  };

  it('reads names from the attribute lines only and never passes --unlock', async () => {
    const runner = fakeRunner(answer);
    const found = await new SecretServiceItems({ runner }).find();
    expect(found).toEqual([{ service: 'github-pat', username: 'mcp-github', count: 1 }]);
    const searches = runner.calls.filter((c) => c.cmd === 'secret-tool');
    expect(searches.length).toBeGreaterThan(0);
    for (const c of searches) expect(c.args).not.toContain('--unlock');
    // Our own service is never searched for usernames.
    expect(searches.some((c) => c.args.includes('mcp-harden'))).toBe(false);
  });

  it('never lets a `secret = …` line reach what `secrets --import` prints', async () => {
    const home = temp();
    const host: HostEnv = { platform: 'linux', home, env: { XDG_STATE_HOME: join(home, 'state') } };
    const source = new SecretServiceItems({ runner: fakeRunner(answer) });
    const printed: string[] = [];
    const out = async (s: string) => void printed.push(s);
    expect(await runSecretsImport(host, { pairs: [] }, async () => new MemorySecretStore(), source, out)).toBe(0);
    expect(await runSecretsImport(host, { json: true, pairs: [] }, async () => new MemorySecretStore(), source, out)).toBe(0);
    const all = printed.join('');
    expect(all).toContain('github-pat/mcp-github');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(OTHER_SECRET);
    expect(all).not.toMatch(/secret = /);
  });
});

describe('reading a hand-made item', () => {
  it('asks secret-tool lookup for the guide attributes and returns its stdout exactly', async () => {
    const runner = fakeRunner(() => ({ stdout: SECRET }));
    expect(await new SecretServiceItems({ runner }).read('github-pat', 'mcp-github')).toBe(SECRET);
    expect(runner.calls).toEqual([{ cmd: 'secret-tool', args: ['lookup', 'service', 'github-pat', 'username', 'mcp-github'] }]);
  });

  it('gives null for no such item and a keychain error for an unreachable Secret Service', async () => {
    expect(await new SecretServiceItems({ runner: fakeRunner(() => ({ code: 1 })) }).read('a', 'b')).toBeNull();
    const dead = new SecretServiceItems({ runner: fakeRunner(() => ({ code: 1, stderr: 'secret-tool: Could not connect: No such file or directory\n' })) });
    await expect(dead.read('a', 'b')).rejects.toBeInstanceOf(KeychainUnavailableError);
  });

  it('says plainly that macOS is not supported yet', async () => {
    const source = handMadeItems({ platform: 'darwin', runner: fakeRunner(() => ({})) });
    expect(source.unsupported).toMatch(/not supported on macOS yet/);
    expect(await source.find()).toEqual([]);
    const home = temp();
    const err = await runSecretsImport({ platform: 'darwin', home, env: {} }, { pairs: [] }, async () => new MemorySecretStore(), source, async () => {}).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/not supported on macOS yet/);
  });
});

describe('parseImportArg', () => {
  it('splits NAME=SERVICE/USERNAME at the first slash unless a known item matches whole', () => {
    expect(parseImportArg('GITHUB_TOKEN=github-pat/mcp-github')).toEqual({ name: 'GITHUB_TOKEN', service: 'github-pat', username: 'mcp-github' });
    expect(parseImportArg('X=a/b/c')).toEqual({ name: 'X', service: 'a', username: 'b/c' });
    expect(parseImportArg('X=a/b/c', [{ service: 'a/b', username: 'c' }])).toEqual({ name: 'X', service: 'a/b', username: 'c' });
  });

  it.each(['GITHUB_TOKEN', '=a/b', 'X=ab', 'X=/b', 'X=a/', 'has space=a/b', 'a/b=c/d'])('refuses %j', (arg) => {
    expect(() => parseImportArg(arg)).toThrow(UsageError);
  });
});

/** A hand-made source over a fixed set of items. */
function fixedSource(items: Record<string, string>): HandMadeSource & { reads: number } {
  const src = {
    unsupported: null,
    reads: 0,
    async find() {
      return Object.keys(items).map((id) => {
        const [service, username] = id.split('/') as [string, string];
        return { service, username, count: 1 };
      });
    },
    async read(service: string, username: string) {
      src.reads++;
      return items[`${service}/${username}`] ?? null;
    },
  };
  return src;
}

function deps(state: string, store: MemorySecretStore, source: HandMadeSource) {
  return { store, source, meta: new SecretsMeta({ stateDir: state }), log: new ImportLog({ stateDir: state }), now: () => new Date('2026-11-24T19:00:00Z') };
}

describe('importItems', () => {
  it('copies the value to mcp-harden/NAME, records it, and no longer offers the item', async () => {
    const state = temp();
    const store = new MemorySecretStore();
    const source = fixedSource({ 'github-pat/mcp-github': SECRET, 'brave/mcp-brave': 'syn-brave-value-0123456789' });
    const d = deps(state, store, source);
    const out = await importItems(d, [{ name: 'GITHUB_PERSONAL_ACCESS_TOKEN', service: 'github-pat', username: 'mcp-github' }]);
    expect(out).toEqual([{ name: 'GITHUB_PERSONAL_ACCESS_TOKEN', from: 'github-pat/mcp-github', status: 'imported', provider: 'github' }]);
    expect(await store.get('mcp-harden', 'GITHUB_PERSONAL_ACCESS_TOKEN')).toBe(SECRET);
    const meta = await d.meta.list();
    expect(meta).toMatchObject([{ service: 'mcp-harden', account: 'GITHUB_PERSONAL_ACCESS_TOKEN', provider: 'github' }]);
    expect(await importCandidates(source, d.log)).toEqual([{ service: 'brave', username: 'mcp-brave', count: 1 }]);
    // Neither state file holds the value.
    expect(readFileSync(d.meta.path, 'utf8')).not.toContain(SECRET);
    expect(readFileSync(d.log.path, 'utf8')).not.toContain(SECRET);
  });

  it('never overwrites a different value already stored under the name', async () => {
    const state = temp();
    const store = new MemorySecretStore({ items: [['mcp-harden', 'GITHUB_TOKEN', OTHER_SECRET]] });
    const out = await importItems(deps(state, store, fixedSource({ 'github-pat/mcp-github': SECRET })), [
      { name: 'GITHUB_TOKEN', service: 'github-pat', username: 'mcp-github' },
    ]);
    expect(out[0]).toMatchObject({ status: 'failed', message: expect.stringMatching(/already holds a different value/) });
    expect(out[0]!.message).not.toContain(SECRET);
    expect(await store.get('mcp-harden', 'GITHUB_TOKEN')).toBe(OTHER_SECRET);
  });

  it('treats the same value already stored as done, and a missing item as a failure of that item only', async () => {
    const state = temp();
    const store = new MemorySecretStore({ items: [['mcp-harden', 'GITHUB_TOKEN', SECRET]] });
    const out = await importItems(deps(state, store, fixedSource({ 'github-pat/mcp-github': SECRET })), [
      { name: 'GITHUB_TOKEN', service: 'github-pat', username: 'mcp-github' },
      { name: 'OTHER', service: 'nope', username: 'none' },
    ]);
    expect(out.map((o) => o.status)).toEqual(['already', 'failed']);
    expect(await store.get('mcp-harden', 'OTHER')).toBeNull();
  });

  it('stops before reading anything when the keychain is locked', async () => {
    const state = temp();
    const store = new MemorySecretStore({ state: 'locked' });
    const source = fixedSource({ 'github-pat/mcp-github': SECRET });
    await expect(importItems(deps(state, store, source), [{ name: 'A', service: 'github-pat', username: 'mcp-github' }])).rejects.toBeInstanceOf(
      KeychainUnavailableError,
    );
    expect(source.reads).toBe(0);
  });

  it('refuses a name given twice', async () => {
    const state = temp();
    const r = { name: 'A', service: 'github-pat', username: 'mcp-github' };
    await expect(importItems(deps(state, new MemorySecretStore(), fixedSource({})), [r, r])).rejects.toBeInstanceOf(UsageError);
  });
});
