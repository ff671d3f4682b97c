// Was a secret value ever committed? Streams the patches of every commit reachable from any ref
// (`git log --all -p`) and looks for the value in this process, line by line, as a plain byte
// substring. The value never goes to git: no `-S`/`-G`, nothing in any argument, environment or
// stdin; git only prints history and we read it. Never throws: problems become a `note`.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface HistoryCommit {
  /** Full 40-hex commit id. */
  sha: string;
  /** Committer date, ISO 8601. */
  date: string;
  /** First line of the message; '(subject holds the value)' when the subject itself contains it. */
  subject: string;
  /**
   * Repository-relative paths (forward slashes) whose patch in that commit adds or removes the value.
   * Empty when only the commit message holds it.
   */
  files: string[];
  /** What the commit's patch does with the value; 'added' when only the message holds it. */
  change: 'added' | 'removed' | 'both';
  /** Remote-tracking refs that contain the commit (e.g. 'origin/main'); empty when none. */
  remotes: string[];
}

export interface HistorySearch {
  isRepo: boolean;
  /** Newest first. */
  commits: HistoryCommit[];
  /** Why the result is missing or partial (not a repository, git missing, timed out, shallow clone), in words; never the value. */
  note?: string;
}

export interface HistorySearchOptions {
  /** Budget for reading the history (default 120 s); the remote-branch look-ups have their own. */
  timeoutMs?: number;
  /** Called after each commit's patch has been read, with the number of commits read so far. */
  onProgress?(commitsScanned: number): void;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** For the `for-each-ref --contains` look-ups, all together. */
const REMOTES_TIMEOUT_MS = 20_000;
const REMOTES_CONCURRENCY = 4;
const SUBJECT_WITH_VALUE = '(subject holds the value)';

// Each commit starts with a line opening with NUL \x01: sha, parents, date and subject separated by
// \x02, a NUL, then \x02 and the message (%B) on the same and the next lines, ending with NUL \x03.
// git prints no NUL from a message or a subject (it stops a message at one, and `git commit` refuses
// them), and patch lines start with ' ', '+', '-', '\\' or a header word, so neither a crafted commit
// message nor file content can fake a commit or end a message early.
const MARK = Buffer.from([0x00, 0x01]);
const FIELD = '\x02';
const END_OF_HEAD = Buffer.from([0x00, 0x02]);
const END_OF_MESSAGE = Buffer.from([0x00, 0x03]);
const LOG_FORMAT = '--format=%x00%x01%H%x02%P%x02%cI%x02%s%x00%x02%B%x00%x03';
const SHA_RE = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Text from the repository (subjects, paths, ref names) without C0 and C1 control characters, so
 * what is printed cannot move the cursor, retitle the terminal or hide text.
 */
export function stripControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

// Settings a user's config could change and that would alter what we parse: prefixes, quoting,
// blank context lines, paths relative to the current directory, signatures mixed into the log.
const CONFIG_OVERRIDES = [
  '-c', 'core.quotePath=false',
  '-c', 'diff.relative=false',
  '-c', 'diff.suppressBlankEmpty=false',
  '-c', 'log.showSignature=false',
];

const LOG_ARGS = [
  'log',
  '--all', // every branch, tag, remote-tracking ref and the stash
  '--date-order', // newest first, never a parent before its children
  '-p',
  // Merges: the dense combined diff shows only what the merge itself introduced (an evil merge or a
  // conflict resolved by typing the value). `-m` would repeat every merged branch's changes on the
  // merge and name merges that merely brought the value in; --first-parent would skip branches.
  '--cc',
  '--root', // the first commit's patch too
  // Renames as a deletion plus an addition: the moved file's whole content is in the patch, so the
  // value is found at its new path (with rename detection an unchanged moved line is not shown).
  '--no-renames',
  '--text', // files git thinks binary are scanned too
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--full-index',
  '--src-prefix=a/',
  '--dst-prefix=b/',
  LOG_FORMAT,
];

interface Spawned {
  child?: ChildProcess;
  error?: NodeJS.ErrnoException;
}

const gitEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  // No pager, no prompt, no lock taken; English messages, recognised below.
  GIT_TERMINAL_PROMPT: '0',
  GIT_OPTIONAL_LOCKS: '0',
  GIT_PAGER: 'cat',
  LC_ALL: 'C',
  LANGUAGE: 'C',
});

function startGit(workspace: string, args: string[]): Spawned {
  try {
    const child = spawn('git', ['-C', workspace, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: gitEnv(),
      windowsHide: true,
    });
    return { child };
  } catch (err) {
    return { error: err as NodeJS.ErrnoException };
  }
}

interface SmallRun {
  code: number | null;
  stdout: string;
  stderr: string;
  error?: NodeJS.ErrnoException;
}

/** A short git command with its whole output; killed after `timeoutMs` or when `signal` aborts. */
function runSmall(workspace: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<SmallRun> {
  return new Promise((done) => {
    const { child, error } = startGit(workspace, args);
    if (!child) {
      done({ code: null, stdout: '', stderr: '', error });
      return;
    }
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let failure: NodeJS.ErrnoException | undefined;
    const stop = (code: string): void => {
      failure ??= Object.assign(new Error(code), { code });
      child.kill();
    };
    const timer = setTimeout(() => stop('ETIMEDOUT'), timeoutMs);
    const onAbort = (): void => stop('ABORT_ERR');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => errOut.push(b));
    child.on('error', (err: NodeJS.ErrnoException) => {
      failure ??= err;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      done({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errOut).toString('utf8'), error: failure });
    });
  });
}

const firstLine = (text: string): string => text.trim().split('\n')[0]?.trim() ?? '';

/** Undo git's C-style quoting of a path ("a/tab\there", octal escapes for bytes). */
function unquotePath(text: string): string {
  if (!(text.length >= 2 && text.startsWith('"') && text.endsWith('"'))) return text;
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  const body = Buffer.from(text.slice(1, -1), 'utf8');
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as number;
    if (c !== 0x5c || i + 1 >= body.length) {
      bytes.push(c);
      continue;
    }
    const next = String.fromCharCode(body[i + 1] as number);
    if (/[0-7]/.test(next)) {
      const octal = body.subarray(i + 1, i + 4).toString('latin1');
      if (/^[0-7]{3}$/.test(octal)) {
        bytes.push(parseInt(octal, 8));
        i += 3;
        continue;
      }
    }
    const mapped = simple[next];
    if (mapped !== undefined) {
      bytes.push(mapped);
      i += 1;
    } else {
      bytes.push(c);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The path of a `--- a/x` / `+++ b/x` header line (after the 4-character lead), or null for /dev/null. */
function headerPath(rest: string, prefix: string): string | null {
  // git ends the header with a tab when the name holds a space (a tab in a name is quoted as \t).
  const text = unquotePath(rest.endsWith('\t') ? rest.slice(0, -1) : rest);
  if (text === '/dev/null') return null;
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}

interface Found {
  sha: string;
  date: string;
  subject: string;
  files: Set<string>;
  added: boolean;
  removed: boolean;
}

/**
 * Line-by-line scanner of `git log -p` output in the format above. Lines are bytes: the value is
 * searched as bytes, so files that are not UTF-8 are scanned as well.
 */
class PatchScanner {
  readonly found: Found[] = [];
  commits = 0;
  private state: 'none' | 'message' | 'header' | 'hunk' = 'none';
  private current: Found | undefined;
  private currentHit = false;
  private columns = 1;
  private oldPath: string | null = null;
  private newPath: string | null = null;
  private pending: Buffer[] = [];

  constructor(
    private readonly value: Buffer,
    private readonly valueText: string,
    private readonly onCommitDone: (count: number) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      let line = chunk.subarray(start, nl);
      if (this.pending.length > 0) {
        line = Buffer.concat([...this.pending, line]);
        this.pending = [];
      }
      this.line(line);
      start = nl + 1;
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
  }

  end(): void {
    if (this.pending.length > 0) {
      this.line(Buffer.concat(this.pending));
      this.pending = [];
    }
    this.finishCommit();
  }

  private finishCommit(): void {
    if (!this.current) return;
    if (this.currentHit) this.found.push(this.current);
    this.current = undefined;
    this.currentHit = false;
    this.commits += 1;
    this.onCommitDone(this.commits);
  }

  private line(line: Buffer): void {
    const first = line[0];
    if (line.subarray(0, MARK.length).equals(MARK)) {
      this.finishCommit();
      this.startCommit(line);
      return;
    }
    if (!this.current) return;
    if (this.state === 'message') {
      const end = line.indexOf(END_OF_MESSAGE);
      if ((end === -1 ? line : line.subarray(0, end)).includes(this.value)) this.hitMessage();
      if (end !== -1) this.state = 'none';
      return;
    }
    // Content lines of a hunk: one marker column per parent (several for a merge's combined diff).
    if (this.state === 'hunk' && (first === 0x20 || first === 0x2b || first === 0x2d || first === 0x5c)) {
      if (first === 0x5c || line.indexOf(this.value, this.columns) === -1) return;
      const marks = line.subarray(0, this.columns).toString('latin1');
      // Added or removed by this commit itself: every column agrees (for a merge, the line is new
      // against every parent, or gone from every parent).
      if (/^\++$/.test(marks)) this.hitFile(this.newPath ?? this.oldPath, 'added');
      else if (/^-+$/.test(marks)) this.hitFile(this.oldPath ?? this.newPath, 'removed');
      return;
    }
    if (first === 0x40 /* @ */ && (this.state === 'header' || this.state === 'hunk')) {
      this.state = 'hunk';
      return;
    }
    const text = line.toString('utf8');
    if (text.startsWith('diff --git ') || text.startsWith('diff --cc ') || text.startsWith('diff --combined ')) {
      this.state = 'header';
      this.oldPath = null;
      this.newPath = null;
      return;
    }
    if (this.state === 'header') {
      if (text.startsWith('--- ')) this.oldPath = headerPath(text.slice(4), 'a/');
      else if (text.startsWith('+++ ')) this.newPath = headerPath(text.slice(4), 'b/');
    }
  }

  private startCommit(line: Buffer): void {
    const headEnd = line.indexOf(END_OF_HEAD, MARK.length);
    const head = line.subarray(MARK.length, headEnd === -1 ? line.length : headEnd).toString('utf8');
    // sha, parents and date hold no \x02; the subject is all the rest (it may hold one).
    const [sha = '', parents = '', date = '', ...subjectParts] = head.split(FIELD);
    const subject = subjectParts.join(FIELD);
    this.state = 'message';
    if (headEnd === -1 || !SHA_RE.test(sha)) {
      // Not a commit line of ours: skip everything up to the next one.
      this.current = undefined;
      return;
    }
    const parentCount = parents.split(' ').filter(Boolean).length;
    this.columns = Math.max(1, parentCount);
    const subjectHolds = this.valueText !== '' && subject.includes(this.valueText);
    this.current = { sha, date, subject: subjectHolds ? SUBJECT_WITH_VALUE : stripControls(subject), files: new Set(), added: false, removed: false };
    this.currentHit = false;
    // The message (%B) starts after the head, on this same line.
    const rest = line.subarray(headEnd + END_OF_HEAD.length);
    const end = rest.indexOf(END_OF_MESSAGE);
    if (subjectHolds || (end === -1 ? rest : rest.subarray(0, end)).includes(this.value)) this.hitMessage();
    if (end !== -1) this.state = 'none';
  }

  private hitMessage(): void {
    if (!this.current) return;
    this.currentHit = true;
  }

  private hitFile(path: string | null, how: 'added' | 'removed'): void {
    if (!this.current) return;
    this.currentHit = true;
    if (path !== null) this.current.files.add(stripControls(path));
    if (how === 'added') this.current.added = true;
    else this.current.removed = true;
  }
}

/** The remote-tracking refs (short names, symbolic ones like origin/HEAD left out) containing `sha`. */
async function remotesContaining(workspace: string, sha: string, timeoutMs: number, signal?: AbortSignal): Promise<string[] | undefined> {
  const run = await runSmall(workspace, ['for-each-ref', '--contains', sha, '--format=%(refname)%09%(symref)', 'refs/remotes'], timeoutMs, signal);
  if (run.error || run.code !== 0) return undefined;
  const refs: string[] = [];
  for (const row of run.stdout.split('\n')) {
    const [name = '', symref = ''] = row.split('\t');
    if (name === '' || symref !== '') continue;
    refs.push(stripControls(name.replace(/^refs\/remotes\//, '')));
  }
  return refs;
}

/**
 * Every commit of the repository containing `workspace` whose patch (or message) holds `value`,
 * newest first, with the remote-tracking refs that contain it.
 */
export async function searchHistory(workspace: string, value: string, opts: HistorySearchOptions = {}): Promise<HistorySearch> {
  const cwd = resolve(workspace);
  const { signal, onProgress } = opts;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const notes: string[] = [];

  const probe = await runSmall(cwd, ['rev-parse', '--is-shallow-repository'], 20_000, signal);
  if (probe.error?.code === 'ENOENT') {
    return { isRepo: false, commits: [], note: 'git is not installed: the history could not be searched' };
  }
  if (probe.error?.code === 'ABORT_ERR' || signal?.aborted) {
    return { isRepo: false, commits: [], note: 'the history search was cancelled' };
  }
  if (probe.error || probe.code !== 0) {
    if (/not a git repository/i.test(probe.stderr)) {
      return { isRepo: false, commits: [], note: `${cwd} is not in a git repository` };
    }
    const why = firstLine(probe.stderr) || probe.error?.code || `git exited with ${probe.code}`;
    return { isRepo: false, commits: [], note: `git could not read ${cwd}: ${why}` };
  }
  if (probe.stdout.trim() === 'true') {
    notes.push('the repository is a shallow clone: commits older than its boundary were not searched');
  }
  if (value === '') {
    return { isRepo: true, commits: [], note: [...notes, 'no value to search for'].join('; ') };
  }
  if (/[\r\n]/.test(value)) {
    // The patch is read line by line: a value spanning lines cannot be matched.
    notes.push('the value spans several lines, which a line-by-line search cannot match');
  }

  const valueBytes = Buffer.from(value, 'utf8');
  const scanner = new PatchScanner(valueBytes, value, (count) => {
    try {
      onProgress?.(count);
    } catch {
      // a failing progress display must not stop the search
    }
  });

  const outcome = await new Promise<{ stopped?: 'timeout' | 'abort'; failure?: string }>((done) => {
    const { child, error } = startGit(cwd, [...CONFIG_OVERRIDES, ...LOG_ARGS]);
    if (!child) {
      done({ failure: error?.code ?? error?.message ?? 'git could not be started' });
      return;
    }
    let stopped: 'timeout' | 'abort' | undefined;
    let spawnError: NodeJS.ErrnoException | undefined;
    const errOut: Buffer[] = [];
    let errBytes = 0;
    const stop = (why: 'timeout' | 'abort'): void => {
      stopped ??= why;
      // Output still arriving is read and dropped, so the pipe drains and 'close' comes.
      child.kill();
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const onAbort = (): void => stop('abort');
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (!stopped) scanner.push(chunk);
    });
    child.stderr?.on('data', (b: Buffer) => {
      // only the first line is ever reported; keep a little
      if (errBytes < 4096) errOut.push(b);
      errBytes += b.length;
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      spawnError ??= err;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (stopped) {
        done({ stopped });
        return;
      }
      scanner.end();
      if (spawnError) done({ failure: spawnError.code ?? spawnError.message });
      else if (code !== 0) done({ failure: firstLine(Buffer.concat(errOut).toString('utf8')) || `git log exited with ${code}` });
      else done({});
    });
  });

  if (outcome.failure === 'ENOENT') {
    return { isRepo: false, commits: [], note: 'git is not installed: the history could not be searched' };
  }
  if (outcome.stopped === 'timeout') {
    const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
    notes.push(`the history search stopped after ${limit} with ${scanner.commits} commit(s) read: the result is partial`);
  } else if (outcome.stopped === 'abort') {
    notes.push(`the history search was cancelled after ${scanner.commits} commit(s): the result is partial`);
  } else if (outcome.failure) {
    notes.push(`git log failed (${outcome.failure}): the result may be partial`);
  }

  const commits: HistoryCommit[] = scanner.found.map((f) => ({
    sha: f.sha,
    date: f.date,
    subject: f.subject,
    files: [...f.files],
    // A value in the message alone still entered the history with this commit: 'added'.
    change: f.added && f.removed ? 'both' : f.removed ? 'removed' : 'added',
    remotes: [],
  }));

  if (commits.length > 0) {
    if (outcome.stopped === 'abort' || signal?.aborted) {
      notes.push('remote branches were not checked');
    } else {
      const deadline = Date.now() + REMOTES_TIMEOUT_MS;
      let unknown = 0;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < commits.length) {
          const commit = commits[next++] as HistoryCommit;
          const left = deadline - Date.now();
          const refs = left > 0 && !signal?.aborted ? await remotesContaining(cwd, commit.sha, left, signal) : undefined;
          if (refs) commit.remotes = refs;
          else unknown += 1;
        }
      };
      await Promise.all(Array.from({ length: Math.min(REMOTES_CONCURRENCY, commits.length) }, worker));
      if (unknown > 0) notes.push(`remote branches could not be checked for ${unknown} commit(s)`);
    }
  }

  return notes.length > 0 ? { isRepo: true, commits, note: notes.join('; ') } : { isRepo: true, commits };
}
