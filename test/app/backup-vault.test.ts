// Encrypted backups: what goes in comes back out, nothing readable lands on disk, and a backup
// that was altered (or a keychain that cannot be used) is refused loudly.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKUP_KEY_ACCOUNT, BACKUP_KEY_SERVICE, BackupError, BackupVault } from '../../src/app/backup-vault.js';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import { KeychainUnavailableError } from '../../src/core/errors.js';
import { fakeToken } from '../helpers/tokens.js';

const temps: string[] = [];
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'mcp-harden-vault-'));
  temps.push(d);
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

const RUN = '20261124-190512-ab12';

/** Every file under `dir`, with its bytes. */
function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { path, bytes: readFileSync(path) };
    });
}

function backupFile(state: string, id: string): string {
  const [run, name] = id.split('/');
  return join(state, 'backups', run!, `${name}.bin`);
}

function configWithSecrets(): { bytes: Buffer; tokens: string[] } {
  const tokens = [fakeToken('github-classic', 'vault-1'), fakeToken('stripe-live', 'vault-2')];
  const text = `{\r\n  "mcpServers": {\r\n    "gh": { "env": { "GITHUB_PERSONAL_ACCESS_TOKEN": "${tokens[0]}" } },\r\n    "stripe": { "args": ["--api-key=${tokens[1]}"] }\r\n  }\r\n}`;
  return { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), tokens };
}

describe('BackupVault', () => {
  it('gives back exactly the bytes it was given, with what they were a backup of', async () => {
    const state = temp();
    const vault = new BackupVault({ stateDir: state, store: new MemorySecretStore() });
    const { bytes } = configWithSecrets();
    const id = await vault.save(bytes, { run: RUN, kind: 'file', path: '/home/ana/.cursor/mcp.json', mode: 0o600 });
    expect(id).toMatch(/^20261124-190512-ab12\/[0-9a-f]{16}$/);
    expect((await vault.load(id)).equals(bytes)).toBe(true);
    expect((await vault.open(id)).meta).toEqual({ run: RUN, kind: 'file', path: '/home/ana/.cursor/mcp.json', mode: 0o600 });
    // An empty file is a valid original too.
    const empty = await vault.save(Buffer.alloc(0), { run: RUN, kind: 'file', path: '/home/ana/.env', mode: 0o644 });
    expect((await vault.load(empty)).length).toBe(0);
  });

  it('writes backups 0600 inside 0700 directories', async () => {
    const state = temp();
    const vault = new BackupVault({ stateDir: state, store: new MemorySecretStore() });
    const id = await vault.save(Buffer.from('x'), { run: RUN, kind: 'file', path: '/p', mode: 0o600 });
    expect(statSync(backupFile(state, id)).mode & 0o777).toBe(0o600);
    expect(statSync(join(state, 'backups')).mode & 0o777).toBe(0o700);
    expect(statSync(join(state, 'backups', RUN)).mode & 0o777).toBe(0o700);
  });

  it('leaves no plaintext byte sequence of the secrets, nor the key, anywhere under the state directory', async () => {
    const state = temp();
    const store = new MemorySecretStore();
    const vault = new BackupVault({ stateDir: state, store });
    const { bytes, tokens } = configWithSecrets();
    await vault.save(bytes, { run: RUN, kind: 'file', path: '/home/ana/.cursor/mcp.json', mode: 0o600 });
    await vault.save(Buffer.from(tokens[0]!), { run: RUN, kind: 'keychain-item', service: 'mcp-harden', account: 'GITHUB_TOKEN' });
    const key = (await store.get(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT))!;
    const files = filesUnder(state);
    expect(files.length).toBe(2);
    const needles = [...tokens.map((t) => Buffer.from(t)), Buffer.from(tokens[0]!.slice(4, 20)), Buffer.from(key), Buffer.from(key, 'base64')];
    for (const f of files) for (const n of needles) expect(f.bytes.includes(n), `${f.path} holds a plaintext sequence`).toBe(false);
  });

  it('creates the key once, in the keychain, and reuses it across vaults', async () => {
    const state = temp();
    const store = new MemorySecretStore();
    const first = new BackupVault({ stateDir: state, store });
    const [a, b] = await Promise.all([
      first.save(Buffer.from('one'), { run: RUN, kind: 'file', path: '/a', mode: 0o600 }),
      first.save(Buffer.from('two'), { run: RUN, kind: 'file', path: '/b', mode: 0o600 }),
    ]);
    const key = await store.get(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT);
    expect(Buffer.from(key!, 'base64').length).toBe(32);
    expect(store.size).toBe(1);
    // A later process: a new vault over the same keychain reads both and keeps the same key.
    const later = new BackupVault({ stateDir: state, store });
    expect((await later.load(a)).toString()).toBe('one');
    expect((await later.load(b)).toString()).toBe('two');
    await later.save(Buffer.from('three'), { run: RUN, kind: 'file', path: '/c', mode: 0o600 });
    expect(await store.get(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT)).toBe(key);
  });

  it('refuses to save, writing nothing, when there is no keychain', async () => {
    const state = temp();
    const vault = new BackupVault({ stateDir: state, store: new MemorySecretStore({ state: 'missing-backend' }) });
    await expect(vault.save(configWithSecrets().bytes, { run: RUN, kind: 'file', path: '/p', mode: 0o600 })).rejects.toBeInstanceOf(
      KeychainUnavailableError,
    );
    expect(filesUnder(state)).toEqual([]);
  });

  it('refuses to save on a locked keychain, and works once it is unlocked', async () => {
    const state = temp();
    const store = new MemorySecretStore({ state: 'locked' });
    const vault = new BackupVault({ stateDir: state, store });
    await expect(vault.save(Buffer.from('x'), { run: RUN, kind: 'file', path: '/p', mode: 0o600 })).rejects.toMatchObject({ reason: 'locked' });
    store.state = 'ready';
    const id = await vault.save(Buffer.from('x'), { run: RUN, kind: 'file', path: '/p', mode: 0o600 });
    expect((await vault.load(id)).toString()).toBe('x');
  });

  it('never replaces a key item that is not a 32-byte key', async () => {
    const state = temp();
    const store = new MemorySecretStore({ items: [[BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT, 'bm90IGEga2V5']] });
    const vault = new BackupVault({ stateDir: state, store });
    await expect(vault.save(Buffer.from('x'), { run: RUN, kind: 'file', path: '/p', mode: 0o600 })).rejects.toThrow(/not a 32-byte base64 key/);
    expect(await store.get(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT)).toBe('bm90IGEga2V5');
    expect(filesUnder(state)).toEqual([]);
  });

  describe('detects a backup that is not the one written', () => {
    async function setup() {
      const state = temp();
      const store = new MemorySecretStore();
      const vault = new BackupVault({ stateDir: state, store });
      const id = await vault.save(Buffer.from('original content\n'), { run: RUN, kind: 'file', path: '/home/ana/.env', mode: 0o600 });
      return { state, store, vault, id, file: backupFile(state, id) };
    }

    it('a flipped bit in the encrypted content', async () => {
      const { vault, id, file } = await setup();
      const raw = readFileSync(file);
      raw[raw.length - 20]! ^= 0x01;
      writeFileSync(file, raw);
      await expect(vault.load(id)).rejects.toThrow(/cannot be decrypted: it was altered/);
      await expect(vault.load(id)).rejects.toBeInstanceOf(BackupError);
    });

    it('an edited header (the file it restores to)', async () => {
      const { vault, id, file } = await setup();
      const raw = readFileSync(file);
      const at = raw.indexOf(Buffer.from('/home/ana/.env'));
      raw.write('/home/bob/.env', at);
      writeFileSync(file, raw);
      await expect(vault.load(id)).rejects.toThrow(/altered/);
    });

    it('another backup copied over it', async () => {
      const { vault, id, file, state } = await setup();
      const other = await vault.save(Buffer.from('other'), { run: RUN, kind: 'file', path: '/home/ana/.env', mode: 0o600 });
      copyFileSync(backupFile(state, other), file);
      await expect(vault.load(id)).rejects.toThrow(/holds backup/);
    });

    it('a truncated file, and one written with another key', async () => {
      const { vault, id, file, store, state } = await setup();
      const raw = readFileSync(file);
      writeFileSync(file, raw.subarray(0, 12));
      await expect(vault.load(id)).rejects.toThrow(/truncated|not a backup/);
      writeFileSync(file, raw);
      await store.set(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT, Buffer.alloc(32, 7).toString('base64'));
      await expect(new BackupVault({ stateDir: state, store }).load(id)).rejects.toThrow(/not the one it was written with/);
    });

    it('a missing file', async () => {
      const { vault, id, file } = await setup();
      rmSync(file);
      await expect(vault.load(id)).rejects.toThrow(/is missing/);
    });
  });

  it('rejects ids that could point outside the backups directory', async () => {
    const vault = new BackupVault({ stateDir: temp(), store: new MemorySecretStore() });
    await expect(vault.load('../../etc/0123456789abcdef')).rejects.toThrow(/invalid backup id/);
    await expect(vault.save(Buffer.from('x'), { run: '../x', kind: 'file', path: '/p', mode: 0 })).rejects.toThrow(/invalid run id/);
    await expect(vault.purge('..')).rejects.toThrow(/invalid run id/);
  });

  it('purges the backups of one run only', async () => {
    const state = temp();
    const vault = new BackupVault({ stateDir: state, store: new MemorySecretStore() });
    const other = '20261125-080000-cd34';
    const gone = await vault.save(Buffer.from('a'), { run: RUN, kind: 'file', path: '/a', mode: 0o600 });
    const kept = await vault.save(Buffer.from('b'), { run: other, kind: 'file', path: '/b', mode: 0o600 });
    expect(await vault.purge(RUN)).toBe(true);
    expect(await vault.purge(RUN)).toBe(false);
    await expect(vault.load(gone)).rejects.toThrow(/is missing/);
    expect((await vault.load(kept)).toString()).toBe('b');
  });
});
