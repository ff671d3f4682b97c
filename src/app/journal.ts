// The run journal: one applied plan recorded step by step in <state>/runs/<run>/journal.jsonl, so a
// crash can be resumed (`fix --yes`) or rolled back (`undo`). Each action's `before` record, with
// what undo needs, is appended and fsync'd before the action touches anything.
//
// The journal never holds a secret value: file contents are only referred to by their sha256 and
// the id of their encrypted backup in the vault; keychain items by service and account.
import { randomBytes } from 'node:crypto';
import { open, readFile, readdir, truncate, mkdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { HardenError, EXIT } from '../core/errors.js';
import type { Action, ActionKind, Plan } from '../core/plan.js';
import { ensurePrivateDir, syncDir } from './state.js';

export const JOURNAL_VERSION = 1;

/** What undo needs to put one action's change back. */
export type UndoInfo =
  | {
      kind: 'file';
      path: string;
      /** False when the action creates the file: undo removes it. */
      existed: false;
      /** sha256 (hex) of the content the action writes. */
      sha256After: string;
    }
  | {
      kind: 'file';
      path: string;
      existed: true;
      /** Vault id of the original bytes; absent when the bytes do not change (chmod). */
      backup?: string;
      mode: number;
      uid: number;
      gid: number;
      sha256Before: string;
      /** sha256 of what the action leaves; null when the action deletes the file. */
      sha256After: string | null;
    }
  | {
      kind: 'keychain-item';
      service: string;
      account: string;
      /** Whether an item was there before; if so, the vault id of its old value. */
      existed: boolean;
      backup?: string;
    }
  /** A directory whose mode an action changed (chmod 700 of a client's private directory). */
  | { kind: 'dir-mode'; path: string; mode: number }
  /** Actions with nothing to undo locally. */
  | { kind: 'none' };

export interface ActionResult {
  status: 'done' | 'skipped' | 'failed';
  /** One line, never a value. */
  message?: string;
}

export type EndStatus = 'complete' | 'failed' | 'cancelled';

export interface PlanSummary {
  workspace: string;
  /** Number of actions in the plan. */
  actions: number;
  kinds: Partial<Record<ActionKind, number>>;
  /** The command that applied it (`fix`, `rotate`, …). */
  command?: string;
}

export function summarizePlan(plan: Plan, command?: string): PlanSummary {
  const kinds: Partial<Record<ActionKind, number>> = {};
  for (const a of plan.actions) kinds[a.kind] = (kinds[a.kind] ?? 0) + 1;
  return { workspace: plan.workspace, actions: plan.actions.length, kinds, ...(command ? { command } : {}) };
}

export type JournalRecord =
  | { t: 'begin'; v: number; run: string; at: string; pid: number; summary: PlanSummary }
  | { t: 'before'; seq: number; at: string; action: Action; undo: UndoInfo[] }
  | { t: 'after'; seq: number; at: string; result: ActionResult }
  | { t: 'end'; at: string; status: EndStatus }
  | { t: 'resume'; at: string; pid: number }
  | { t: 'undone'; at: string; summary: { restored: number; removed: number; itemsDeleted: number; itemsRestored: number } };

/** One action as the journal knows it. */
export interface JournalStep {
  seq: number;
  action: Action;
  undo: UndoInfo[];
  startedAt: string;
  /** Missing when the run stopped during the action (a crash): it may be half done. */
  result?: ActionResult;
}

export type RunStatus = 'complete' | 'interrupted' | 'undone';

export interface RunInfo {
  id: string;
  /** When the run began (ISO 8601). */
  date: string;
  status: RunStatus;
  /** How the run ended, when it did. */
  ended?: EndStatus;
  summary: PlanSummary;
  /** Actions started. */
  actions: number;
  /** Distinct files the run changed or created. */
  filesChanged: number;
  /** Actions started and never finished (crash). */
  unfinished: number[];
}

export interface RunRecord extends RunInfo {
  steps: JournalStep[];
  undoneAt?: string;
  /** The last line was cut short by a crash and was ignored. */
  torn: boolean;
}

/** A journal that cannot be read or written. Exit 1. */
export class JournalError extends HardenError {
  readonly code = 'journal';
  readonly exitCode = EXIT.failure;
}

const RUN_ID_RE = /^\d{8}-\d{6}-[0-9a-f]{4}$/;

export function isRunId(id: string): boolean {
  return RUN_ID_RE.test(id);
}

/** `20261124-190512-ab12`: UTC date and time, then random hex; sorts in time order. */
export function newRunId(now: Date, random: () => string = () => randomBytes(2).toString('hex')): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const d = `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const t = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${d}-${t}-${random()}`;
}

export interface JournalOptions {
  /** The state directory; runs go to <stateDir>/runs. */
  stateDir: string;
  now?: () => Date;
}

/**
 * Writes the journal of the current run (begin → before/after per action → end) and reads back
 * every run's journal (listRuns, findInterrupted, read, markUndone).
 */
export class Journal {
  readonly runsDir: string;
  private readonly now: () => Date;
  private handle: FileHandle | undefined;
  private current: string | undefined;
  private open = new Set<number>();

  constructor(options: JournalOptions) {
    this.runsDir = join(options.stateDir, 'runs');
    this.now = options.now ?? (() => new Date());
  }

  /** The id of the run being written, if any. */
  get runId(): string | undefined {
    return this.current;
  }

  journalPath(runId: string): string {
    if (!isRunId(runId)) throw new JournalError(`not a run id: ${JSON.stringify(runId)}`);
    return join(this.runsDir, runId, 'journal.jsonl');
  }

  /** Starts a new run and returns its id. */
  async begin(summary: PlanSummary): Promise<string> {
    if (this.handle) throw new JournalError(`run ${this.current} is still open`);
    await ensurePrivateDir(this.runsDir);
    let runId = '';
    // A new directory per run; a clash (same second, same random) simply draws again.
    for (let i = 0; ; i++) {
      runId = newRunId(this.now());
      try {
        await mkdir(join(this.runsDir, runId), { mode: 0o700 });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || i > 20) throw err;
      }
    }
    this.handle = await open(this.journalPath(runId), 'wx', 0o600);
    this.current = runId;
    this.open.clear();
    await syncDir(join(this.runsDir, runId));
    await syncDir(this.runsDir);
    await this.append({ t: 'begin', v: JOURNAL_VERSION, run: runId, at: this.stamp(), pid: process.pid, summary });
    return runId;
  }

  /**
   * Reopens an interrupted run to continue it. A line torn by the crash is cut off first, so the
   * records appended now stay readable.
   */
  async resume(runId: string): Promise<RunRecord> {
    if (this.handle) throw new JournalError(`run ${this.current} is still open`);
    const path = this.journalPath(runId);
    const text = await this.readText(runId);
    const parsed = parseJournal(runId, text);
    if (parsed.status !== 'interrupted') throw new JournalError(`run ${runId} is ${parsed.status}; only an interrupted run can be resumed`);
    if (parsed.torn) await truncate(path, text.lastIndexOf('\n') + 1);
    this.handle = await open(path, 'a', 0o600);
    this.current = runId;
    this.open = new Set(parsed.unfinished);
    await this.append({ t: 'resume', at: this.stamp(), pid: process.pid });
    return parsed;
  }

  /** Records, durably, that action `seq` is about to run and how to undo it. Call before acting. */
  async before(seq: number, action: Action, undo: UndoInfo | UndoInfo[]): Promise<void> {
    if (!Number.isInteger(seq) || seq < 0) throw new JournalError(`invalid action number ${seq}`);
    this.open.add(seq);
    await this.append({ t: 'before', seq, at: this.stamp(), action, undo: (Array.isArray(undo) ? undo : [undo]).map(copyUndo) });
  }

  /** Records the outcome of action `seq`. */
  async after(seq: number, result: ActionResult): Promise<void> {
    if (!this.open.has(seq)) throw new JournalError(`action ${seq} was not started in this run`);
    this.open.delete(seq);
    const r: ActionResult = { status: result.status, ...(result.message ? { message: oneLine(result.message) } : {}) };
    await this.append({ t: 'after', seq, at: this.stamp(), result: r });
  }

  /** Closes the run. */
  async end(status: EndStatus): Promise<void> {
    await this.append({ t: 'end', at: this.stamp(), status });
    const h = this.handle!;
    this.handle = undefined;
    this.current = undefined;
    await h.close();
  }

  /**
   * Closes the journal file without ending the run: it stays interrupted, to be resumed or undone.
   * For a process that must stop without knowing how the current action went.
   */
  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    this.current = undefined;
    await h?.close();
  }

  /** Every run, newest first. Runs whose journal cannot be read at all are left out. */
  async listRuns(): Promise<RunInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.runsDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const runs: RunInfo[] = [];
    for (const id of names.filter(isRunId).sort().reverse()) {
      try {
        runs.push(info(await this.read(id)));
      } catch (err) {
        if (!(err instanceof JournalError)) throw err;
      }
    }
    return runs;
  }

  /** Runs that began and never ended (nor were undone), newest first. */
  async findInterrupted(): Promise<RunInfo[]> {
    return (await this.listRuns()).filter((r) => r.status === 'interrupted' && r.id !== this.current);
  }

  /** The id of the newest run, or null when there is none. */
  async lastRunId(): Promise<string | null> {
    return (await this.listRuns())[0]?.id ?? null;
  }

  /** The whole journal of a run. */
  async read(runId: string): Promise<RunRecord> {
    return parseJournal(runId, await this.readText(runId));
  }

  /** Appends the `undone` record to a run's journal (durably). */
  async markUndone(runId: string, summary: Extract<JournalRecord, { t: 'undone' }>['summary']): Promise<void> {
    const path = this.journalPath(runId);
    const text = await this.readText(runId);
    // A torn tail would swallow the record appended after it.
    if (text.length > 0 && !text.endsWith('\n')) await truncate(path, text.lastIndexOf('\n') + 1);
    const fh = await open(path, 'a', 0o600);
    try {
      await fh.write(`${JSON.stringify({ t: 'undone', at: this.stamp(), summary } satisfies JournalRecord)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  private async readText(runId: string): Promise<string> {
    const path = this.journalPath(runId);
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new JournalError(code === 'ENOENT' ? `no run ${runId}` : `journal of run ${runId} cannot be read (${code ?? 'error'})`);
    }
  }

  private async append(record: JournalRecord): Promise<void> {
    if (!this.handle) throw new JournalError('no run is open: call begin() first');
    // One write per record, then fsync: when this returns, the record survives a crash.
    await this.handle.write(`${JSON.stringify(record)}\n`);
    await this.handle.sync();
  }

  private stamp(): string {
    return this.now().toISOString();
  }
}

/** Parses a journal's text; a last line cut short by a crash is ignored, a bad line elsewhere is an error. */
export function parseJournal(runId: string, text: string): RunRecord {
  const lines = text.split('\n');
  // After the final newline split() leaves '' — or the torn remains of a record.
  const tail = lines.pop() ?? '';
  const records: JournalRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      throw new JournalError(`journal of run ${runId} is damaged at line ${i + 1}`);
    }
  });
  let torn = false;
  if (tail.trim() !== '') {
    // A complete record whose newline did not make it is still a record.
    try {
      records.push(JSON.parse(tail) as JournalRecord);
    } catch {
      torn = true;
    }
  }
  const begin = records[0];
  if (!begin || begin.t !== 'begin') throw new JournalError(`journal of run ${runId} has no beginning`);
  if (begin.v > JOURNAL_VERSION) throw new JournalError(`journal of run ${runId} was written by a newer version (format ${begin.v})`);

  const steps = new Map<number, JournalStep>();
  let ended: EndStatus | undefined;
  let undoneAt: string | undefined;
  for (const r of records) {
    switch (r.t) {
      case 'before':
        // A resumed run may restart an unfinished action: the first record keeps the original state.
        if (!steps.has(r.seq)) steps.set(r.seq, { seq: r.seq, action: r.action, undo: r.undo, startedAt: r.at });
        break;
      case 'after': {
        const s = steps.get(r.seq);
        if (s) s.result = r.result;
        break;
      }
      case 'end':
        ended = r.status;
        break;
      case 'resume':
        ended = undefined;
        break;
      case 'undone':
        undoneAt = r.at;
        break;
      default:
        break;
    }
  }
  const ordered = [...steps.values()].sort((a, b) => a.seq - b.seq);
  const files = new Set<string>();
  for (const s of ordered) for (const u of s.undo) if (u.kind === 'file') files.add(u.path);
  const status: RunStatus = undoneAt ? 'undone' : ended ? 'complete' : 'interrupted';
  return {
    id: runId,
    date: begin.at,
    status,
    ...(ended ? { ended } : {}),
    summary: begin.summary,
    actions: ordered.length,
    filesChanged: files.size,
    unfinished: ordered.filter((s) => !s.result).map((s) => s.seq),
    steps: ordered,
    ...(undoneAt ? { undoneAt } : {}),
    torn,
  };
}

function info(r: RunRecord): RunInfo {
  const { steps: _steps, undoneAt: _u, torn: _t, ...rest } = r;
  return rest;
}

/** Only the known fields of an UndoInfo, so nothing else a caller passes reaches the journal. */
function copyUndo(u: UndoInfo): UndoInfo {
  switch (u.kind) {
    case 'file':
      return u.existed
        ? {
            kind: 'file',
            path: u.path,
            existed: true,
            ...(u.backup ? { backup: u.backup } : {}),
            mode: u.mode,
            uid: u.uid,
            gid: u.gid,
            sha256Before: u.sha256Before,
            sha256After: u.sha256After,
          }
        : { kind: 'file', path: u.path, existed: false, sha256After: u.sha256After };
    case 'keychain-item':
      return { kind: 'keychain-item', service: u.service, account: u.account, existed: u.existed, ...(u.backup ? { backup: u.backup } : {}) };
    case 'dir-mode':
      return { kind: 'dir-mode', path: u.path, mode: u.mode };
    default:
      return { kind: 'none' };
  }
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 300);
}
