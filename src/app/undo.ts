// `undo [RUN]`: rolls a run back from its journal, newest action first. Files get back their exact
// original bytes (decrypted from the vault), mode and owner; files the run created are removed;
// a file changed since the run is left alone unless forced. Keychain items the run overwrote get
// their old value back; items it created are deleted only when asked. The report names files and
// items, never a value.
import { createHash } from 'node:crypto';
import { lstat, readFile, realpath, stat, unlink, chmod } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { SecretStore } from '../ports/secret-store.js';
import type { BackupVault } from './backup-vault.js';
import { Journal, JournalError, type JournalStep, type RunRecord, type UndoInfo } from './journal.js';
import type { SecretsMeta } from './secrets-meta.js';
import { chownIfNeeded, syncDir, writeFileAtomic, type AtomicWriteOptions } from './state.js';

export type FileOutcome =
  | 'restored' // original bytes (and mode, owner) written back
  | 'removed' // the run created it; deleted
  | 'unchanged' // already as it was before the run (the action never got to write)
  | 'absent' // a file the run would have created is not there
  | 'changed-since' // edited after the run: left alone (use force)
  | 'refused' // outside the allowed roots, or a symlink
  | 'failed';

export type ItemOutcome =
  | 'restored' // its old value is back
  | 'deleted' // created by the run; deleted on request
  | 'kept' // created by the run (or existed before it); left in the keychain
  | 'absent' // created by the run but already gone
  | 'failed';

export interface UndoReport {
  runId: string;
  /** The run had been undone before: nothing was done this time. */
  alreadyUndone: boolean;
  /** Everything was put back (nothing skipped or failed); the run is now marked undone. */
  complete: boolean;
  files: { path: string; outcome: FileOutcome; detail?: string }[];
  items: { service: string; account: string; outcome: ItemOutcome; detail?: string }[];
}

/** Writes restored bytes; the fix engine's atomic writer can be plugged in here. */
export type RestoreWriter = (path: string, bytes: Buffer, options: AtomicWriteOptions) => Promise<void>;

export interface UndoOptions {
  deleteKeychainItems: boolean;
  /** Overwrite or remove files changed since the run. */
  force?: boolean;
  store: SecretStore;
  vault: BackupVault;
  journal: Journal;
  /** Only paths inside these directories are written or removed (HOME, the workspace). */
  allowedRoots: string[];
  /** When given, references and entries of what was undone are dropped from secrets.json. */
  meta?: SecretsMeta;
  write?: RestoreWriter;
}

export async function undoRun(run: string | 'last', options: UndoOptions): Promise<UndoReport> {
  const runId = run === 'last' ? await options.journal.lastRunId() : run;
  if (!runId) throw new JournalError('there is no run to undo');
  const record = await options.journal.read(runId);
  const report: UndoReport = { runId, alreadyUndone: false, complete: true, files: [], items: [] };
  if (record.status === 'undone') return { ...report, alreadyUndone: true };

  const roots = await Promise.all(options.allowedRoots.map(realOrResolved));
  const write = options.write ?? writeFileAtomic;
  const steps = [...record.steps].sort((a, b) => b.seq - a.seq);

  // Files first (newest action first), so every plaintext is back before any keychain item goes.
  for (const step of steps) {
    for (const u of [...step.undo].reverse()) {
      if (u.kind !== 'file') continue;
      report.files.push(await undoFile(u, options, roots, write));
    }
  }
  // Directory modes last among the files: a directory is only ever tightened, never emptied.
  for (const step of steps) {
    for (const u of step.undo) {
      if (u.kind !== 'dir-mode') continue;
      report.files.push(await undoDirMode(u, roots));
    }
  }
  const filesOk = report.files.every((f) => !['changed-since', 'refused', 'failed'].includes(f.outcome));
  for (const step of steps) {
    for (const u of [...step.undo].reverse()) {
      if (u.kind !== 'keychain-item') continue;
      report.items.push(await undoItem(u, options, filesOk));
    }
  }
  report.complete = filesOk && report.items.every((i) => i.outcome !== 'failed');

  if (options.meta) await forgetInMeta(options.meta, record, report);
  if (report.complete) {
    await options.journal.markUndone(runId, {
      restored: report.files.filter((f) => f.outcome === 'restored').length,
      removed: report.files.filter((f) => f.outcome === 'removed').length,
      itemsDeleted: report.items.filter((i) => i.outcome === 'deleted').length,
      itemsRestored: report.items.filter((i) => i.outcome === 'restored').length,
    });
  }
  return report;
}

type FileUndo = Extract<UndoInfo, { kind: 'file' }>;

async function undoDirMode(u: Extract<UndoInfo, { kind: 'dir-mode' }>, roots: string[]): Promise<UndoReport['files'][number]> {
  try {
    if (!(await insideRoots(u.path, roots))) return { path: u.path, outcome: 'refused', detail: 'outside the directories undo may change' };
    const st = await lstat(u.path);
    if (!st.isDirectory()) return { path: u.path, outcome: 'refused', detail: 'is no longer a directory' };
    if ((st.mode & 0o7777) === u.mode) return { path: u.path, outcome: 'unchanged' };
    await chmod(u.path, u.mode);
    return { path: u.path, outcome: 'restored', detail: 'directory mode' };
  } catch (err) {
    return { path: u.path, outcome: 'failed', detail: describe(err) };
  }
}
type ItemUndo = Extract<UndoInfo, { kind: 'keychain-item' }>;

async function undoFile(u: FileUndo, options: UndoOptions, roots: string[], write: RestoreWriter): Promise<UndoReport['files'][number]> {
  const path = u.path;
  const entry = (outcome: FileOutcome, detail?: string) => ({ path, outcome, ...(detail ? { detail } : {}) });
  try {
    const allowed = await insideRoots(path, roots);
    if (!allowed) return entry('refused', 'outside the directories undo may change');
    const now = await current(path);
    if (now === 'symlink') return entry('refused', 'is now a symbolic link; not written through');
    if (now === 'not-a-file') return entry('refused', 'is no longer a regular file');

    if (!u.existed) {
      if (now === null) return entry('absent');
      if (now.sha !== u.sha256After && !options.force) return entry('changed-since', 'changed after the run; use --force to remove it');
      await unlink(path);
      await syncDir(dirname(path));
      return entry('removed');
    }

    const ownerMode = { mode: u.mode, uid: u.uid, gid: u.gid };
    if (now !== null && now.sha === u.sha256Before) {
      // The bytes are the original ones already (the action never wrote, or only chmod-ed).
      const fixed = await restoreModeOwner(path, ownerMode);
      return fixed ? entry('restored', 'mode and owner') : entry('unchanged');
    }
    const matchesAfter = now === null ? u.sha256After === null : now.sha === u.sha256After;
    if (!matchesAfter && !options.force) {
      return entry('changed-since', now === null ? 'deleted after the run; use --force to recreate it' : 'changed after the run; use --force to overwrite it');
    }
    if (!u.backup) return entry('failed', 'no backup of the original content was kept');
    const { bytes, meta } = await options.vault.open(u.backup);
    if (meta.kind !== 'file' || meta.path !== path) return entry('failed', `backup ${u.backup} is not of this file`);
    if (sha256(bytes) !== u.sha256Before) return entry('failed', `backup ${u.backup} does not match the original content`);
    const opts = writeOptions(ownerMode);
    await write(path, bytes, opts);
    return entry('restored', canChown(ownerMode) ? undefined : OWNER_NOTE);
  } catch (err) {
    return entry('failed', describe(err));
  }
}

async function undoItem(u: ItemUndo, options: UndoOptions, filesOk: boolean): Promise<UndoReport['items'][number]> {
  const entry = (outcome: ItemOutcome, detail?: string) => ({ service: u.service, account: u.account, outcome, ...(detail ? { detail } : {}) });
  try {
    if (u.existed) {
      if (!u.backup) return entry('kept', 'existed before the run');
      const { bytes, meta } = await options.vault.open(u.backup);
      if (meta.kind !== 'keychain-item' || meta.service !== u.service || meta.account !== u.account) {
        return entry('failed', `backup ${u.backup} is not of this item`);
      }
      await options.store.set(u.service, u.account, bytes.toString('utf8'));
      return entry('restored');
    }
    if (!options.deleteKeychainItems) return entry('kept', 'created by the run; not deleted unless asked');
    // A config the undo could not put back may still point at this item: deleting it would lose the secret.
    if (!filesOk) return entry('kept', 'some files were not restored and may still reference it');
    return (await options.store.delete(u.service, u.account)) ? entry('deleted') : entry('absent');
  } catch (err) {
    return entry('failed', describe(err));
  }
}

/** Drops from secrets.json the references of configs put back and the entries of deleted items. */
async function forgetInMeta(meta: SecretsMeta, record: RunRecord, report: UndoReport): Promise<void> {
  const restored = new Set(report.files.filter((f) => f.outcome === 'restored' || f.outcome === 'removed').map((f) => f.path));
  const itemOf = new Map<string, { service: string; account: string }>();
  for (const s of record.steps) {
    if (s.action.kind === 'store-secret') itemOf.set(s.action.fingerprint, { service: s.action.service, account: s.action.account });
  }
  for (const s of record.steps as JournalStep[]) {
    if (s.action.kind !== 'rewrite-config' || !restored.has(s.action.file)) continue;
    for (const r of s.action.replace) {
      const item = itemOf.get(r.fingerprint) ?? parseReference(r.reference);
      if (!item) continue;
      await meta.removeReference(item.service, item.account, {
        file: r.location.file,
        ...(r.location.path ? { path: r.location.path } : {}),
        ...(r.location.key !== undefined ? { key: r.location.key } : {}),
      });
    }
  }
  for (const i of report.items) if (i.outcome === 'deleted' || i.outcome === 'absent') await meta.forget(i.service, i.account);
}

/** `keychain:SERVICE/ACCOUNT` or `{{keychain:SERVICE/ACCOUNT}}` (parts percent-encoded). */
function parseReference(ref: string): { service: string; account: string } | null {
  const m = /keychain:([^/{}]+)\/([^/{}]+)/.exec(ref);
  if (!m) return null;
  try {
    return { service: decodeURIComponent(m[1]!), account: decodeURIComponent(m[2]!) };
  } catch {
    return null;
  }
}

async function current(path: string): Promise<{ sha: string } | null | 'symlink' | 'not-a-file'> {
  let l;
  try {
    l = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (l.isSymbolicLink()) return 'symlink';
  if (!l.isFile()) return 'not-a-file';
  return { sha: sha256(await readFile(path)) };
}

const OWNER_NOTE = 'owner not restored: only root can give a file to another user';

/** Only root may give a file to someone else; a normal user's files are theirs already. */
function canChown(o: { uid: number; gid: number }): boolean {
  if (process.platform === 'win32') return true;
  return process.getuid?.() === 0 || (o.uid === process.getuid?.() && o.gid === process.getgid?.());
}

function writeOptions(o: { mode: number; uid: number; gid: number }): AtomicWriteOptions {
  if (process.platform === 'win32') return {};
  return { mode: o.mode, ...(canChown(o) ? { uid: o.uid, gid: o.gid } : {}) };
}

/** Puts mode and owner back when they differ; true when something changed. */
async function restoreModeOwner(path: string, o: { mode: number; uid: number; gid: number }): Promise<boolean> {
  if (process.platform === 'win32') return false;
  const s = await stat(path);
  let changed = false;
  if ((s.mode & 0o7777) !== (o.mode & 0o7777)) {
    await chmod(path, o.mode & 0o7777);
    changed = true;
  }
  if ((s.uid !== o.uid || s.gid !== o.gid) && canChown(o)) {
    await chownIfNeeded(path, o.uid, o.gid);
    changed = true;
  }
  return changed;
}

/** Is `path` (its directory, links resolved) inside one of `roots`? */
async function insideRoots(path: string, roots: string[]): Promise<boolean> {
  if (!isAbsolute(path)) return false;
  const dir = await realOrResolved(dirname(path));
  return roots.some((root) => {
    const rel = relative(root, dir);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}

async function realOrResolved(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    return resolve(p);
  }
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// Errors here come from the file system, the keychain and the vault; none of them carries a value.
function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.message ? e.message.replace(/\s+/g, ' ').slice(0, 300) : String(err);
}
