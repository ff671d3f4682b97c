// undo: a run's changes rolled back from its journal, byte for byte, without trampling what the
// user changed since, and without touching keychain items unless asked.
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupVault } from '../../src/app/backup-vault.js';
import { Journal, type UndoInfo } from '../../src/app/journal.js';
import { SecretsMeta } from '../../src/app/secrets-meta.js';
import { writeFileAtomic } from '../../src/app/state.js';
import { sha256, undoRun, type UndoOptions } from '../../src/app/undo.js';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import type { Action } from '../../src/core/plan.js';
import { rewriteGithubEnv, storeGithubToken } from '../helpers/actions.js';
import { fakeToken } from '../helpers/tokens.js';

const temps: string[] = [];
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'mcp-harden-undo-'));
  temps.push(d);
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

const isRoot = process.getuid?.() === 0;
// Giving a file to another user needs root; elsewhere the owner to restore is our own.
const OWNER = isRoot ? 65534 : process.getuid!();
const GROUP = isRoot ? 65534 : process.getgid!();

/** A home with a state dir, and the pieces a fix run uses (in-memory keychain). */
function world() {
  const home = temp();
  const state = join(home, '.local/state/mcp-harden');
  const store = new MemorySecretStore();
  const vault = new BackupVault({ stateDir: state, store });
  let t = Date.UTC(2026, 10, 24, 19, 5, 12);
  const journal = new Journal({ stateDir: state, now: () => new Date((t += 1000)) });
  const options = (extra: Partial<UndoOptions> = {}): UndoOptions => ({
    deleteKeychainItems: false,
    store,
    vault,
    journal,
    allowedRoots: [home],
    ...extra,
  });
  return { home, state, store, vault, journal, options };
}
type World = ReturnType<typeof world>;

const rewrite = (file: string): Action => rewriteGithubEnv(file, 'GITHUB_TOKEN', false);

/**
 * What the fix engine does for a file: back up the original, journal, write atomically (as the
 * current user, so as root the file ends up root-owned), journal the result. `stop` simulates a
 * crash before the write or between the write and the `after` record.
 */
async function changeFile(
  w: World,
  run: string,
  seq: number,
  path: string,
  next: Buffer | null,
  opts: { mode?: number; stop?: 'before-write' | 'after-write'; action?: Action } = {},
): Promise<void> {
  const action = opts.action ?? rewrite(path);
  let undo: UndoInfo;
  if (existsSync(path)) {
    const bytes = await readFile(path);
    const s = await stat(path);
    const sameBytes = next !== null && next.equals(bytes);
    undo = {
      kind: 'file',
      path,
      existed: true,
      ...(sameBytes ? {} : { backup: await w.vault.save(bytes, { run, kind: 'file', path, mode: s.mode & 0o7777 }) }),
      mode: s.mode & 0o7777,
      uid: s.uid,
      gid: s.gid,
      sha256Before: sha256(bytes),
      sha256After: next === null ? null : sha256(next),
    };
  } else {
    undo = { kind: 'file', path, existed: false, sha256After: sha256(next!) };
  }
  await w.journal.before(seq, action, undo);
  if (opts.stop === 'before-write') return;
  if (next === null) rmSync(path);
  else await writeFileAtomic(path, next, { mode: opts.mode ?? 0o600 });
  if (opts.stop === 'after-write') return;
  await w.journal.after(seq, { status: 'done' });
}

/** What the fix engine does for a keychain item: back up an overwritten value, journal, store. */
async function storeItem(w: World, run: string, seq: number, account: string, value: string): Promise<void> {
  const old = await w.store.get('mcp-harden', account);
  const backup = old === null ? undefined : await w.vault.save(Buffer.from(old), { run, kind: 'keychain-item', service: 'mcp-harden', account });
  await w.journal.before(seq, storeGithubToken(account), { kind: 'keychain-item', service: 'mcp-harden', account, existed: old !== null, ...(backup ? { backup } : {}) });
  await w.store.set('mcp-harden', account, value);
  await w.journal.after(seq, { status: 'done' });
}

const summary = { workspace: '/w', actions: 0, kinds: {} };

describe('undoRun', () => {
  it('puts back every changed file byte for byte, with its mode and owner, and removes files the run created', async () => {
    const w = world();
    const token = fakeToken('github-classic', 'undo-1');
    const project = join(w.home, 'project');
    mkdirSync(project);
    // A BOM, CRLF line ends and no final newline: exactly what a re-serialising tool would lose.
    const cursor = join(w.home, 'mcp.json');
    const cursorBytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`{\r\n  "env": { "GITHUB_TOKEN": "${token}" }\r\n}`)]);
    writeFileSync(cursor, cursorBytes, { mode: 0o600 });
    chownSync(cursor, OWNER, GROUP);
    const env = join(project, '.env');
    const envBytes = Buffer.from(`# tabs\tand trailing spaces  \nGITHUB_TOKEN=${token}\n\n`);
    writeFileSync(env, envBytes, { mode: 0o644 });
    const gitignore = join(project, '.gitignore');

    const run = await w.journal.begin(summary);
    await changeFile(w, run, 0, cursor, Buffer.from('{\n  "env": { "GITHUB_TOKEN": "keychain:mcp-harden/GITHUB_TOKEN" }\n}\n'), { mode: 0o644 });
    await changeFile(w, run, 1, env, envBytes, { mode: 0o600, action: { kind: 'chmod', file: env, from: 0o644, to: 0o600 } });
    await changeFile(w, run, 2, env, Buffer.from('GITHUB_TOKEN=\n'), { mode: 0o600 });
    await changeFile(w, run, 3, gitignore, Buffer.from('.env\n'), { action: { kind: 'gitignore', gitignore, entries: ['.env'] } });
    await w.journal.end('complete');
    // The rewrite left it 0644 and owned by whoever ran fix.
    expect(statSync(cursor).mode & 0o777).toBe(0o644);
    expect(statSync(cursor).uid).toBe(process.getuid!());

    const report = await undoRun(run, w.options());
    expect(readFileSync(cursor).equals(cursorBytes)).toBe(true);
    expect(statSync(cursor).mode & 0o777).toBe(0o600);
    expect([statSync(cursor).uid, statSync(cursor).gid]).toEqual([OWNER, GROUP]);
    expect(readFileSync(env).equals(envBytes)).toBe(true);
    expect(statSync(env).mode & 0o777).toBe(0o644);
    expect(existsSync(gitignore)).toBe(false);
    expect(report).toMatchObject({ runId: run, alreadyUndone: false, complete: true });
    expect(report.files.map((f) => [f.path, f.outcome])).toEqual([
      [gitignore, 'removed'],
      [env, 'restored'],
      [env, 'restored'],
      [cursor, 'restored'],
    ]);
    expect(JSON.stringify(report)).not.toContain(token);
    expect((await w.journal.read(run)).status).toBe('undone');

    // Idempotent: a second undo says so and touches nothing.
    writeFileSync(gitignore, 'mine\n');
    const again = await undoRun(run, w.options());
    expect(again).toMatchObject({ alreadyUndone: true, files: [], items: [] });
    expect(readFileSync(gitignore, 'utf8')).toBe('mine\n');
  });

  it('rolls back a half-done action: restored when it wrote, left alone when it did not', async () => {
    const w = world();
    const wrote = join(w.home, 'wrote.json');
    const notYet = join(w.home, 'not-yet.json');
    writeFileSync(wrote, 'original A\n', { mode: 0o600 });
    writeFileSync(notYet, 'original B\n', { mode: 0o600 });
    const run = await w.journal.begin(summary);
    await changeFile(w, run, 0, notYet, Buffer.from('new B\n'), { stop: 'before-write' });
    await changeFile(w, run, 1, wrote, Buffer.from('new A\n'), { stop: 'after-write' });
    // The process dies here: neither action got its `after`, the run no `end`. Seen from a new process:
    await w.journal.close();
    expect((await new Journal({ stateDir: w.state }).findInterrupted()).map((r) => [r.id, r.unfinished])).toEqual([[run, [0, 1]]]);

    const report = await undoRun(run, w.options({ journal: new Journal({ stateDir: w.state }) }));
    expect(readFileSync(wrote, 'utf8')).toBe('original A\n');
    expect(readFileSync(notYet, 'utf8')).toBe('original B\n');
    expect(report.files.map((f) => f.outcome).sort()).toEqual(['restored', 'unchanged']);
    expect((await w.journal.read(run)).status).toBe('undone');
  });

  it('leaves a file changed since the run alone, keeps the items it may reference, and overwrites it only when forced', async () => {
    const w = world();
    const token = fakeToken('github-classic', 'undo-2');
    const cfg = join(w.home, 'mcp.json');
    writeFileSync(cfg, `{"GITHUB_TOKEN":"${token}"}`, { mode: 0o600 });
    const run = await w.journal.begin(summary);
    await storeItem(w, run, 0, 'GITHUB_TOKEN', token);
    await changeFile(w, run, 1, cfg, Buffer.from('{"GITHUB_TOKEN":"keychain:mcp-harden/GITHUB_TOKEN"}'));
    await w.journal.end('complete');
    // The client wrote its own copy back after the run.
    writeFileSync(cfg, '{"GITHUB_TOKEN":"keychain:mcp-harden/GITHUB_TOKEN","theme":"dark"}');

    const first = await undoRun(run, w.options({ deleteKeychainItems: true }));
    expect(first.complete).toBe(false);
    expect(first.files).toEqual([{ path: cfg, outcome: 'changed-since', detail: expect.stringMatching(/--force/) }]);
    expect(first.items).toEqual([{ service: 'mcp-harden', account: 'GITHUB_TOKEN', outcome: 'kept', detail: expect.stringMatching(/not restored/) }]);
    expect(readFileSync(cfg, 'utf8')).toContain('theme');
    expect(await w.store.get('mcp-harden', 'GITHUB_TOKEN')).toBe(token);
    expect((await w.journal.read(run)).status).toBe('complete');

    const forced = await undoRun(run, w.options({ deleteKeychainItems: true, force: true }));
    expect(forced.complete).toBe(true);
    expect(readFileSync(cfg, 'utf8')).toBe(`{"GITHUB_TOKEN":"${token}"}`);
    expect(await w.store.get('mcp-harden', 'GITHUB_TOKEN')).toBeNull();
    expect(JSON.stringify([first, forced])).not.toContain(token);
  });

  it('deletes keychain items the run created only when asked, and restores items it overwrote', async () => {
    for (const deleteKeychainItems of [false, true]) {
      const w = world();
      const oldValue = fakeToken('github-classic', 'old');
      await w.store.set('mcp-harden', 'OVERWRITTEN', oldValue);
      const run = await w.journal.begin(summary);
      await storeItem(w, run, 0, 'CREATED', fakeToken('github-classic', 'created'));
      await storeItem(w, run, 1, 'OVERWRITTEN', fakeToken('github-classic', 'new'));
      await w.journal.end('complete');

      const report = await undoRun('last', w.options({ deleteKeychainItems }));
      expect(report.complete).toBe(true);
      expect(await w.store.get('mcp-harden', 'OVERWRITTEN')).toBe(oldValue);
      expect(await w.store.get('mcp-harden', 'CREATED')).toBe(deleteKeychainItems ? null : fakeToken('github-classic', 'created'));
      expect(report.items.map((i) => [i.account, i.outcome])).toEqual([
        ['OVERWRITTEN', 'restored'],
        ['CREATED', deleteKeychainItems ? 'deleted' : 'kept'],
      ]);
      expect(JSON.stringify(report)).not.toContain(oldValue);
    }
  });

  it('never writes outside the allowed roots nor through a symbolic link', async () => {
    const w = world();
    const elsewhere = temp();
    const outside = join(elsewhere, 'mcp.json');
    writeFileSync(outside, 'original');
    const linked = join(w.home, 'linked.json');
    writeFileSync(linked, 'original');
    const run = await w.journal.begin(summary);
    await changeFile(w, run, 0, outside, Buffer.from('changed'));
    await changeFile(w, run, 1, linked, Buffer.from('changed'));
    await w.journal.end('complete');
    rmSync(linked);
    symlinkSync(outside, linked);

    const report = await undoRun(run, w.options());
    expect(report.files.map((f) => [f.path, f.outcome])).toEqual([
      [linked, 'refused'],
      [outside, 'refused'],
    ]);
    expect(readFileSync(outside, 'utf8')).toBe('changed');
    expect(report.complete).toBe(false);
  });

  it('drops from secrets.json the references it put back and the items it deleted', async () => {
    const w = world();
    const meta = new SecretsMeta({ stateDir: w.state });
    const cfg = join(w.home, 'mcp.json');
    const token = fakeToken('github-classic', 'undo-meta');
    writeFileSync(cfg, `{"GITHUB_TOKEN":"${token}"}`);
    const run = await w.journal.begin(summary);
    await storeItem(w, run, 0, 'GITHUB_TOKEN', token);
    await meta.recordStored({ service: 'mcp-harden', account: 'GITHUB_TOKEN', provider: 'github', kind: 'pat-classic' });
    await meta.recordStored({ service: 'mcp-harden', account: 'OTHER', provider: 'github', kind: 'pat-classic' });
    await changeFile(w, run, 1, cfg, Buffer.from('{"GITHUB_TOKEN":"keychain:mcp-harden/GITHUB_TOKEN"}'));
    await meta.recordReference('mcp-harden', 'GITHUB_TOKEN', { file: cfg, path: ['mcpServers', 'github', 'env', 'GITHUB_TOKEN'] });
    await meta.recordReference('mcp-harden', 'OTHER', { file: '/elsewhere', key: 'OTHER' });
    await w.journal.end('complete');

    await undoRun(run, w.options({ meta, deleteKeychainItems: true }));
    expect((await meta.list()).map((e) => [e.account, e.references])).toEqual([['OTHER', [{ file: '/elsewhere', key: 'OTHER' }]]]);
  });

  it('drops the references of configs put back but keeps the entry of an item it keeps', async () => {
    const w = world();
    const meta = new SecretsMeta({ stateDir: w.state });
    const cfg = join(w.home, 'mcp.json');
    const token = fakeToken('github-classic', 'undo-meta-2');
    writeFileSync(cfg, `{"GITHUB_TOKEN":"${token}"}`);
    const run = await w.journal.begin(summary);
    await storeItem(w, run, 0, 'GITHUB_TOKEN', token);
    await meta.recordStored({ service: 'mcp-harden', account: 'GITHUB_TOKEN', provider: 'github', kind: 'pat-classic' });
    await changeFile(w, run, 1, cfg, Buffer.from('{"GITHUB_TOKEN":"keychain:mcp-harden/GITHUB_TOKEN"}'));
    await meta.recordReference('mcp-harden', 'GITHUB_TOKEN', { file: cfg, path: ['mcpServers', 'github', 'env', 'GITHUB_TOKEN'] });
    await w.journal.end('complete');
    await undoRun(run, w.options({ meta }));
    expect((await meta.list()).map((e) => [e.account, e.references])).toEqual([['GITHUB_TOKEN', []]]);
  });

  it('says so when there is no run to undo', async () => {
    const w = world();
    await expect(undoRun('last', w.options())).rejects.toThrow(/no run to undo/);
    await expect(undoRun('20261124-190512-ab12', w.options())).rejects.toThrow(/no run 20261124-190512-ab12/);
  });
});
