// What git knows about a set of files: is the workspace a repository, which files are tracked and
// which are ignored. Uses the `git` binary with argument arrays (no shell) and NUL-separated output,
// so any file name round-trips. Never throws: a missing git or a non-repository is a note.
import { spawn } from 'node:child_process';
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import type { GitFacts } from '../ports/git.js';

interface GitRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  /** Set when git could not be started at all (ENOENT: not installed) or timed out. */
  error?: NodeJS.ErrnoException;
}

const TIMEOUT_MS = 20_000;
// Above this many files, list the whole index instead of naming them (also keeps the command line
// far below the OS argument limit).
const PATHSPEC_LIMIT = 200;

function runGit(cwd: string, args: string[], input?: Buffer): Promise<GitRun> {
  return new Promise((done) => {
    let child;
    try {
      child = spawn('git', args, {
        cwd,
        stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
        timeout: TIMEOUT_MS,
        // No pager, no credential prompt, no index.lock taken just to refresh stat data.
        // English messages, so the few that are acted on (submodule paths) can be recognised.
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', GIT_PAGER: 'cat', LC_ALL: 'C', LANGUAGE: 'C' },
        windowsHide: true,
      });
    } catch (err) {
      done({ code: null, stdout: Buffer.alloc(0), stderr: '', error: err as NodeJS.ErrnoException });
      return;
    }
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let spawnError: NodeJS.ErrnoException | undefined;
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => errOut.push(b));
    child.on('error', (err: NodeJS.ErrnoException) => {
      spawnError = err;
    });
    child.on('close', (code, signal) => {
      const timedOut = signal === 'SIGTERM' && !spawnError && code === null;
      done({
        code,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(errOut).toString('utf8'),
        error: spawnError ?? (timedOut ? Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }) : undefined),
      });
    });
    if (input && child.stdin) {
      // git may exit before reading everything (fatal error): ignore the broken pipe.
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

const splitZ = (buf: Buffer): string[] => buf.toString('utf8').split('\0').filter((s) => s.length > 0);
/** Path from the repository's top level, given the workspace's prefix and a workspace-relative path. */
const fromRoot = (prefix: string, rel: string): string => posix.normalize(prefix + rel);
const firstLine = (text: string): string => text.trim().split('\n')[0]?.trim() ?? '';
/** Forward slashes: git's own separator, accepted in pathspecs on every platform. */
const toGitPath = (p: string): string => (sep === '\\' ? p.replaceAll('\\', '/') : p);

/**
 * Git facts for `files` (absolute paths) in `workspace`. Files outside the repository are neither
 * tracked nor ignored.
 */
/**
 * The common case, with two git processes started at once (each costs a process start): the tracked
 * and not-ignored files (`ls-files -t -c -o --exclude-standard`) and the ignored untracked ones
 * (`ls-files -o -i --exclude-standard`); the first also says whether there is a repository at all.
 * Returns undefined when the general path must answer: many files, files outside the workspace, a
 * file neither listing names (a submodule), or any git error other than "not a repository".
 */
async function quickFacts(cwd: string, files: string[]): Promise<GitFacts | undefined> {
  if (files.length === 0 || files.length > PATHSPEC_LIMIT) return undefined;
  const byRel = new Map<string, string>();
  for (const file of files) {
    const abs = isAbsolute(file) ? file : resolve(cwd, file);
    const rel = toGitPath(relative(cwd, abs));
    if (rel === '' || rel.startsWith('../') || rel === '..' || isAbsolute(rel)) return undefined;
    byRel.set(rel, isAbsolute(file) ? file : abs);
  }
  const paths = ['--', ...byRel.keys()];
  const [listed, ignoredRun] = await Promise.all([
    runGit(cwd, ['--literal-pathspecs', 'ls-files', '-z', '-t', '-c', '-o', '--exclude-standard', ...paths]),
    runGit(cwd, ['--literal-pathspecs', 'ls-files', '-z', '-o', '-i', '--exclude-standard', ...paths]),
  ]);
  if (listed.error?.code === 'ENOENT') {
    return { isRepo: false, tracked: new Set(), ignored: new Set(), note: 'git is not installed: tracked and ignored files could not be checked' };
  }
  if (listed.code !== 0 && /not a git repository/i.test(listed.stderr)) {
    return { isRepo: false, tracked: new Set(), ignored: new Set(), note: `${cwd} is not in a git repository` };
  }
  if ([listed, ignoredRun].some((r) => r.error || r.code !== 0)) return undefined;
  const tracked = new Set<string>();
  const ignored = new Set<string>();
  const seen = new Set<string>();
  for (const entry of splitZ(listed.stdout)) {
    const original = byRel.get(entry.slice(2));
    if (original === undefined) continue;
    seen.add(original);
    if (!entry.startsWith('?')) tracked.add(original);
  }
  for (const entry of splitZ(ignoredRun.stdout)) {
    const original = byRel.get(entry);
    if (original === undefined) continue;
    seen.add(original);
    ignored.add(original);
  }
  if (seen.size !== byRel.size) return undefined;
  return { isRepo: true, tracked, ignored };
}

export async function gitFacts(workspace: string, files: string[]): Promise<GitFacts> {
  const tracked = new Set<string>();
  const ignored = new Set<string>();
  const cwd = resolve(workspace);

  const quick = await quickFacts(cwd, files);
  if (quick) return quick;

  // --show-prefix is the workspace's place inside the repository; working out paths from it and
  // the workspace (rather than from the top level) keeps them right when the workspace path goes
  // through a symlink, which git's top level would have resolved.
  const probe = await runGit(cwd, ['rev-parse', '--show-prefix']);
  if (probe.error?.code === 'ENOENT') {
    return { isRepo: false, tracked, ignored, note: 'git is not installed: tracked and ignored files could not be checked' };
  }
  if (probe.error || probe.code !== 0) {
    const why = probe.error ? `git failed (${probe.error.code ?? probe.error.message})` : firstLine(probe.stderr) || `git exited with ${probe.code}`;
    const notRepo = /not a git repository/i.test(probe.stderr);
    return {
      isRepo: false,
      tracked,
      ignored,
      note: notRepo ? `${cwd} is not in a git repository` : `git could not read ${cwd}: ${why}`,
    };
  }
  const prefix = probe.stdout.toString('utf8').split('\n')[0] ?? '';
  const prefixDepth = prefix.split('/').filter(Boolean).length;

  // Relative (to the workspace) git path -> the caller's string, for the files inside the repository.
  const byRel = new Map<string, string>();
  for (const file of files) {
    const abs = isAbsolute(file) ? file : resolve(cwd, file);
    const rel = toGitPath(relative(cwd, abs));
    if (rel === '' || isAbsolute(rel)) continue;
    const ups = rel.split('/').findIndex((part) => part !== '..');
    if (ups === -1 || ups > prefixDepth) continue; // climbs above the repository's top level
    byRel.set(rel, isAbsolute(file) ? file : abs);
  }
  const rels = [...byRel.keys()];
  if (rels.length === 0) return { isRepo: true, tracked, ignored };

  const notes: string[] = [];

  // Tracked: for a few files, `ls-files` limited to them (git matches inside its index, ~75 ms on a
  // 300,000-entry index against ~120 ms to list the whole index and filter it here); for many,
  // one whole listing, which costs the same whatever their number.
  const whole = rels.length > PATHSPEC_LIMIT;
  // The whole listing is asked from the top level (`:/`) with top-level paths (--full-name).
  const lsArgs = whole ? ['ls-files', '-z', '--cached', '--full-name', '--', ':/'] : ['--literal-pathspecs', 'ls-files', '-z', '--cached', '--', ...rels];
  const byListed = whole ? new Map(rels.map((rel) => [fromRoot(prefix, rel), byRel.get(rel) as string])) : byRel;
  const inSubmodules: string[] = [];
  // The two questions are independent: ask them at once (each spawn costs start-up time).
  const lsPromise = runGit(cwd, lsArgs);
  const ignoredPromise = checkIgnored();
  const ls = await lsPromise;
  if (ls.error || ls.code !== 0) {
    notes.push(`git ls-files failed: ${firstLine(ls.stderr) || ls.error?.message || `exit ${ls.code}`}`);
  } else {
    for (const p of splitZ(ls.stdout)) {
      const original = byListed.get(p);
      if (original !== undefined) tracked.add(original);
    }
  }

  // Ignored: paths on stdin, NUL-separated; git prints only the ignored ones (exit 1 when none).
  // git refuses the whole list when one path lies inside a submodule: such paths are set aside
  // (their submodule is another repository) and the rest is asked again.
  async function checkIgnored(): Promise<void> {
    let asked = rels;
    for (let attempt = 0; asked.length > 0; attempt++) {
      const input = Buffer.from(asked.map((p) => p + '\0').join(''), 'utf8');
      const ci = await runGit(cwd, ['check-ignore', '-z', '--stdin'], input);
      const sub = /is in submodule '(.+)'/.exec(ci.stderr)?.[1];
      if (ci.code === 128 && sub !== undefined && attempt < 100) {
        const subPrefix = sub.replace(/\/+$/, '') + '/';
        const keep: string[] = [];
        for (const rel of asked) (fromRoot(prefix, rel).startsWith(subPrefix) ? inSubmodules : keep).push(rel);
        if (keep.length === asked.length) {
          notes.push(`git check-ignore failed: ${firstLine(ci.stderr)}`);
          break;
        }
        asked = keep;
        continue;
      }
      if (ci.error || (ci.code !== 0 && ci.code !== 1)) {
        notes.push(`git check-ignore failed: ${firstLine(ci.stderr) || ci.error?.message || `exit ${ci.code}`}`);
      } else {
        for (const p of splitZ(ci.stdout)) {
          const original = byRel.get(p);
          if (original !== undefined) ignored.add(original);
        }
      }
      break;
    }
  }
  await ignoredPromise;
  if (inSubmodules.length > 0) {
    notes.push(`${inSubmodules.length} file(s) inside git submodules were not checked for being ignored`);
  }

  return notes.length ? { isRepo: true, tracked, ignored, note: notes.join('; ') } : { isRepo: true, tracked, ignored };
}

/** A file's content at HEAD (as text), for files inside the workspace; null when git has none. */
export async function committedText(workspace: string, file: string): Promise<string | null> {
  const cwd = resolve(workspace);
  const rel = toGitPath(relative(cwd, isAbsolute(file) ? file : resolve(cwd, file)));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  const run = await runGit(cwd, ['--literal-pathspecs', 'show', `HEAD:./${rel}`]);
  if (run.error || run.code !== 0) return null;
  return run.stdout.toString('utf8');
}
