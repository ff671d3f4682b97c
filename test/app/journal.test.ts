// The run journal: written ahead of every action, readable after a crash (even one that cut a
// line in half), and free of secret values.
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupVault } from '../../src/app/backup-vault.js';
import { Journal, JournalError, newRunId, summarizePlan, type UndoInfo } from '../../src/app/journal.js';
import { nodeProcessRunner } from '../../src/adapters/process.js';
import { MemorySecretStore } from '../../src/adapters/secret-store/memory.js';
import type { Action, Plan } from '../../src/core/plan.js';
import { rewriteGithubEnv, storeGithubToken } from '../helpers/actions.js';
import { fakeToken } from '../helpers/tokens.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const temps: string[] = [];
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'mcp-harden-journal-'));
  temps.push(d);
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

const chmodAction: Action = { kind: 'chmod', file: '/home/ana/.env', from: 0o644, to: 0o600 };
const chmodUndo: UndoInfo = {
  kind: 'file',
  path: '/home/ana/.env',
  existed: true,
  mode: 0o644,
  uid: 1000,
  gid: 1000,
  sha256Before: 'a'.repeat(64),
  sha256After: 'a'.repeat(64),
};
const summary = { workspace: '/home/ana/project', actions: 2, kinds: { chmod: 2 } };

/** A clock that moves one second per call, so run ids and dates are distinct and ordered. */
function clock(start = Date.UTC(2026, 10, 24, 19, 5, 12)): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

describe('run ids', () => {
  it('read as UTC date-time plus random hex, and sort in time order', () => {
    expect(newRunId(new Date(Date.UTC(2026, 10, 24, 19, 5, 12)), () => 'ab12')).toBe('20261124-190512-ab12');
    const ids = [Date.UTC(2026, 0, 2, 3, 4, 5), Date.UTC(2026, 10, 24, 9, 0, 0), Date.UTC(2027, 0, 1)].map((t) => newRunId(new Date(t)));
    expect([...ids].sort()).toEqual(ids);
    expect(newRunId(new Date())).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
  });
});

describe('Journal', () => {
  it('writes runs/<id>/journal.jsonl, private, and reads a complete run back', async () => {
    const state = temp();
    const journal = new Journal({ stateDir: state, now: clock() });
    const run = await journal.begin(summary);
    await journal.before(0, chmodAction, chmodUndo);
    await journal.after(0, { status: 'done' });
    await journal.end('complete');
    const file = join(state, 'runs', run, 'journal.jsonl');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(join(state, 'runs')).mode & 0o777).toBe(0o700);
    const rec = await journal.read(run);
    expect(rec).toMatchObject({ id: run, status: 'complete', ended: 'complete', actions: 1, filesChanged: 1, unfinished: [], torn: false });
    expect(rec.steps[0]).toMatchObject({ seq: 0, action: chmodAction, undo: [chmodUndo], result: { status: 'done' } });
  });

  it('has the before record on disk by the time before() returns, so a killed run is found interrupted', async () => {
    // A separate process begins a run, journals one action and is killed with SIGKILL: no after,
    // no end, no chance to flush anything later.
    const state = temp();
    const dir = temp();
    const entry = join(dir, 'crash.ts');
    writeFileSync(
      entry,
      `import { Journal } from ${JSON.stringify(join(REPO, 'src/app/journal.ts'))};
const j = new Journal({ stateDir: process.argv[2]! });
const run = await j.begin({ workspace: '/w', actions: 2, kinds: { chmod: 2 } });
await j.before(0, ${JSON.stringify(chmodAction)}, ${JSON.stringify(chmodUndo)});
process.stdout.write(run);
process.kill(process.pid, 'SIGKILL');
`,
    );
    const script = join(dir, 'crash.mjs');
    await build({ entryPoints: [entry], outfile: script, bundle: true, platform: 'node', format: 'esm', logLevel: 'silent' });
    const r = await nodeProcessRunner.run(process.execPath, [script, state], { timeoutMs: 20_000 });
    // Killed by the signal: no exit code, and not our timeout.
    expect([r.code, r.timedOut, r.stderr]).toEqual([null, false, '']);
    const journal = new Journal({ stateDir: state });
    const interrupted = await journal.findInterrupted();
    expect(interrupted.map((x) => x.id)).toEqual([r.stdout]);
    expect(interrupted[0]).toMatchObject({ status: 'interrupted', actions: 1, unfinished: [0] });
    expect((await journal.read(r.stdout)).steps[0]!.undo).toEqual([chmodUndo]);
  });

  it('reads a journal whose last line was torn by a crash, and resumes it cleanly', async () => {
    const state = temp();
    const journal = new Journal({ stateDir: state, now: clock() });
    const run = await journal.begin(summary);
    await journal.before(0, chmodAction, chmodUndo);
    await journal.after(0, { status: 'done' });
    await journal.before(1, chmodAction, chmodUndo);
    const file = join(state, 'runs', run, 'journal.jsonl');
    appendFileSync(file, '{"t":"after","seq":1,"at":"2026-11-');

    const reader = new Journal({ stateDir: state });
    const rec = await reader.read(run);
    expect(rec).toMatchObject({ status: 'interrupted', torn: true, actions: 2, unfinished: [1] });
    expect((await reader.findInterrupted()).map((x) => x.id)).toEqual([run]);

    const resumed = await reader.resume(run);
    expect(resumed.unfinished).toEqual([1]);
    await reader.after(1, { status: 'done' });
    await reader.end('complete');
    const text = readFileSync(file, 'utf8');
    // Every line is whole JSON again: the torn remains were cut off before appending.
    for (const line of text.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    expect(await reader.read(run)).toMatchObject({ status: 'complete', torn: false, unfinished: [] });
    expect(await reader.findInterrupted()).toEqual([]);
    // The first writer stood for a crashed process: its file handle is let go only now.
    await journal.close();
  });

  it('treats a whole record that only lost its newline as a record', async () => {
    const state = temp();
    const journal = new Journal({ stateDir: state, now: clock() });
    const run = await journal.begin(summary);
    await journal.before(0, chmodAction, chmodUndo);
    const file = join(state, 'runs', run, 'journal.jsonl');
    appendFileSync(file, JSON.stringify({ t: 'after', seq: 0, at: '2026-11-24T19:05:20.000Z', result: { status: 'done' } }));
    expect(await journal.read(run)).toMatchObject({ torn: false, unfinished: [] });
    await journal.close();
  });

  it('refuses a journal damaged in the middle, naming the line', async () => {
    const state = temp();
    const journal = new Journal({ stateDir: state, now: clock() });
    const run = await journal.begin(summary);
    await journal.before(0, chmodAction, chmodUndo);
    await journal.end('complete');
    const file = join(state, 'runs', run, 'journal.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1]!.slice(0, 10);
    writeFileSync(file, lines.join('\n'));
    await expect(journal.read(run)).rejects.toThrow(/damaged at line 2/);
    await expect(journal.read(run)).rejects.toBeInstanceOf(JournalError);
  });

  it('lists runs newest first with status, actions and files changed', async () => {
    const state = temp();
    const now = clock();
    const j = new Journal({ stateDir: state, now });
    const first = await j.begin(summary);
    await j.before(0, chmodAction, chmodUndo);
    await j.after(0, { status: 'done' });
    await j.before(1, { kind: 'chmod', file: '/home/ana/b', from: 0o644, to: 0o600 }, { ...chmodUndo, path: '/home/ana/b' });
    await j.after(1, { status: 'done' });
    await j.end('complete');
    await j.markUndone(first, { restored: 2, removed: 0, itemsDeleted: 0, itemsRestored: 0 });
    const second = await j.begin(summary);
    await j.before(0, chmodAction, chmodUndo);
    await j.after(0, { status: 'done' });
    await j.end('cancelled');
    const other = new Journal({ stateDir: state, now });
    const third = await other.begin(summary);
    await other.close();

    const runs = await j.listRuns();
    expect(runs.map((r) => [r.id, r.status, r.actions, r.filesChanged])).toEqual([
      [third, 'interrupted', 0, 0],
      [second, 'complete', 1, 1],
      [first, 'undone', 2, 2],
    ]);
    expect(runs[1]!.ended).toBe('cancelled');
    expect(runs[2]!.date).toMatch(/^2026-11-24T19:05:\d\d\.000Z$/);
    expect(await j.lastRunId()).toBe(third);
  });

  it('is empty, not an error, before the first run', async () => {
    const j = new Journal({ stateDir: temp() });
    expect(await j.listRuns()).toEqual([]);
    expect(await j.findInterrupted()).toEqual([]);
    expect(await j.lastRunId()).toBeNull();
  });

  it('refuses after() for an action that was never started, and run ids that are not ids', async () => {
    const j = new Journal({ stateDir: temp() });
    await j.begin(summary);
    await expect(j.after(3, { status: 'done' })).rejects.toThrow(/not started/);
    await expect(j.read('../../etc')).rejects.toThrow(/not a run id/);
    await j.close();
  });

  it('never holds a secret value, even for a run that moved secrets into the keychain', async () => {
    const state = temp();
    const store = new MemorySecretStore();
    const vault = new BackupVault({ stateDir: state, store });
    const journal = new Journal({ stateDir: state, now: clock() });
    const gh = fakeToken('github-classic', 'journal-gh');
    const old = fakeToken('github-classic', 'journal-old');
    const file = '/home/ana/.cursor/mcp.json';
    const original = Buffer.from(`{"mcpServers":{"github":{"env":{"GITHUB_PERSONAL_ACCESS_TOKEN":"${gh}"}}}}`);
    const plan: Plan = {
      workspace: '/home/ana/project',
      leftOver: [],
      actions: [
        storeGithubToken('GITHUB_PERSONAL_ACCESS_TOKEN', [
          { file, where: 'env', path: ['mcpServers', 'github', 'env', 'GITHUB_PERSONAL_ACCESS_TOKEN'], client: 'cursor', server: 'github' },
        ]),
        rewriteGithubEnv(file, 'GITHUB_PERSONAL_ACCESS_TOKEN', true),
      ],
    };
    const run = await journal.begin(summarizePlan(plan, 'fix'));
    // The item existed with an older value: that value goes to the vault, encrypted.
    const itemBackup = await vault.save(Buffer.from(old), { run, kind: 'keychain-item', service: 'mcp-harden', account: 'GITHUB_PERSONAL_ACCESS_TOKEN' });
    const itemUndo = { kind: 'keychain-item', service: 'mcp-harden', account: 'GITHUB_PERSONAL_ACCESS_TOKEN', existed: true, backup: itemBackup } as const;
    // A careless caller passing the value along: the journal keeps only the fields it knows.
    await journal.before(0, plan.actions[0]!, { ...itemUndo, value: gh } as unknown as UndoInfo);
    await store.set('mcp-harden', 'GITHUB_PERSONAL_ACCESS_TOKEN', gh);
    await journal.after(0, { status: 'done', message: 'stored and read back' });
    const fileBackup = await vault.save(original, { run, kind: 'file', path: file, mode: 0o600 });
    await journal.before(1, plan.actions[1]!, {
      kind: 'file',
      path: file,
      existed: true,
      backup: fileBackup,
      mode: 0o600,
      uid: 1000,
      gid: 1000,
      sha256Before: 'b'.repeat(64),
      sha256After: 'c'.repeat(64),
    });
    await journal.after(1, { status: 'done' });
    await journal.end('complete');

    const everything = (readdirSync(state, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      .filter((e) => e.isFile())
      .map((e) => readFileSync(join(e.parentPath, e.name)));
    expect(everything.length).toBe(3); // the journal and two backups
    for (const bytes of everything) {
      for (const value of [gh, old]) {
        expect(bytes.includes(Buffer.from(value))).toBe(false);
        expect(bytes.includes(Buffer.from(value.slice(4, 24)))).toBe(false);
      }
    }
    const rec = await journal.read(run);
    expect(rec.summary).toEqual({ workspace: '/home/ana/project', actions: 2, kinds: { 'store-secret': 1, 'rewrite-config': 1 }, command: 'fix' });
    expect(rec.steps[0]!.undo).toEqual([itemUndo]);
  });
});
