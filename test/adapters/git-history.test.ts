import { execFileSync } from 'node:child_process';
import { runGit } from '../helpers/git.js';
import { randomInt } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { searchHistory, stripControls } from '../../src/adapters/git-history.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** A synthetic token of the GitHub classic shape (the checksum does not matter here). */
const fakeToken = (): string => 'ghp_' + Array.from({ length: 36 }, () => BASE62[randomInt(62)]).join('');

let tmp: string;
let repo: string;
let token: string;
let isolatedEnv: NodeJS.ProcessEnv;

const git = (cwd: string, ...args: string[]): string => runGit(cwd, ['-c', 'init.defaultBranch=main', ...args], isolatedEnv);

function write(rel: string, text: string | Buffer): void {
  const path = join(repo, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function commit(message: string, files: Record<string, string | Buffer>): string {
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
  return git(repo, 'rev-parse', 'HEAD').trim();
}

beforeEach(() => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'githistory-')));
  repo = join(tmp, 'repo');
  mkdirSync(repo);
  token = fakeToken();
  // No user or system git config, no repository above the temporary directory.
  const isolation = { HOME: tmp, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_CEILING_DIRECTORIES: tmp };
  isolatedEnv = { ...process.env, ...isolation };
  for (const [key, val] of Object.entries(isolation)) vi.stubEnv(key, val);
  git(repo, 'init', '-q');
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(tmp, { recursive: true, force: true });
});

describe('searchHistory', () => {
  it('names the commit that added the value and the later one that removed it', async () => {
    commit('readme', { 'README.md': 'hello\n' });
    const added = commit('add config', { 'config/.env': `A=1\nGITHUB_TOKEN=${token}\n`, 'other.txt': 'x\n' });
    commit('unrelated', { 'other.txt': 'y\n' });
    const removed = commit('drop token', { 'config/.env': 'A=1\nGITHUB_TOKEN=\n' });

    const result = await searchHistory(repo, token);
    expect(result.isRepo).toBe(true);
    expect(result.note).toBeUndefined();
    expect(result.commits.map((c) => c.sha)).toEqual([removed, added]);
    const [gone, came] = result.commits;
    expect(gone).toMatchObject({ change: 'removed', files: ['config/.env'], subject: 'drop token', remotes: [] });
    expect(came).toMatchObject({ change: 'added', files: ['config/.env'], subject: 'add config', remotes: [] });
    expect(came?.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(Number.isNaN(Date.parse(came?.date ?? ''))).toBe(false);
    expect(came?.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  });

  it('tells a commit a remote branch contains from a local-only one', async () => {
    const bare = join(tmp, 'origin.git');
    mkdirSync(bare);
    git(bare, 'init', '-q', '--bare');
    git(repo, 'remote', 'add', 'origin', bare);
    const pushed = commit('pushed', { 'mcp.json': `{"env":{"TOKEN":"${token}"}}\n` });
    git(repo, 'push', '-q', 'origin', 'main');
    git(repo, 'fetch', '-q', 'origin');
    git(repo, 'remote', 'set-head', 'origin', 'main'); // origin/HEAD, a symbolic ref: not listed
    git(repo, 'switch', '-q', '-c', 'local-work');
    const local = commit('local only', { 'notes/token.txt': `${token}\n` });

    const result = await searchHistory(repo, token);
    const bySha = new Map(result.commits.map((c) => [c.sha, c]));
    expect(bySha.get(pushed)?.remotes).toEqual(['origin/main']);
    expect(bySha.get(local)?.remotes).toEqual([]);
    expect(bySha.get(local)?.files).toEqual(['notes/token.txt']);
    expect(result.commits).toHaveLength(2);
  });

  it('finds nothing for a value never committed, even when it sits in the working tree', async () => {
    commit('base', { '.env': 'A=1\n' });
    write('.env', `A=1\nTOKEN=${token}\n`); // tracked file, modified, not committed
    write('untracked.env', `TOKEN=${token}\n`);
    git(repo, 'add', 'untracked.env'); // staged is not committed either

    const inTree = await searchHistory(repo, token);
    expect(inTree).toEqual({ isRepo: true, commits: [] });
    const never = await searchHistory(repo, fakeToken());
    expect(never).toEqual({ isRepo: true, commits: [] });
  });

  it('reports a directory outside any repository without throwing', async () => {
    const plain = join(tmp, 'plain');
    mkdirSync(plain);
    const result = await searchHistory(plain, token);
    expect(result.isRepo).toBe(false);
    expect(result.commits).toEqual([]);
    expect(result.note).toMatch(/not in a git repository/);
  });

  it('reports a missing git without throwing', async () => {
    vi.stubEnv('PATH', join(tmp, 'empty-bin'));
    const result = await searchHistory(repo, token);
    expect(result).toEqual({ isRepo: false, commits: [], note: expect.stringMatching(/git is not installed/) });
  });

  it('never passes the value to git and never returns it', async () => {
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { env: isolatedEnv }).toString('utf8').trim();
    const bin = join(tmp, 'bin');
    const log = join(tmp, 'argv.log');
    mkdirSync(bin);
    writeFileSync(log, '');
    // A git that records every argument it is given, then runs the real one.
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a" >> '${log}'; done\nexec '${realGit}' "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    const bare = join(tmp, 'origin.git');
    mkdirSync(bare);
    git(bare, 'init', '-q', '--bare');
    git(repo, 'remote', 'add', 'origin', bare);
    commit(`rotate ${token} soon`, { 'a.env': `T=${token}\n` });
    commit('body mentions it', { 'b.txt': 'b\n' }); // message body only, below
    git(repo, 'commit', '-q', '--amend', '-m', 'body mentions it', '-m', `old value was ${token}`);
    git(repo, 'push', '-q', 'origin', 'main');
    git(repo, 'fetch', '-q', 'origin');
    vi.stubEnv('PATH', bin + delimiter + (process.env.PATH ?? ''));

    const result = await searchHistory(repo, token, { timeoutMs: 10_000 });
    const argv = readFileSync(log, 'utf8');
    expect(argv).toContain('for-each-ref'); // the stub did see the calls
    expect(argv).toContain('log');
    expect(argv).not.toContain(token);
    expect(argv).not.toContain(token.slice(4));
    expect(JSON.stringify(result)).not.toContain(token);
    expect(result.commits.map((c) => [c.subject, c.change, c.files, c.remotes])).toEqual([
      ['body mentions it', 'added', [], ['origin/main']],
      ['(subject holds the value)', 'added', ['a.env'], ['origin/main']],
    ]);
  });

  it('scans renamed, binary and oddly named files and what a merge itself introduced', async () => {
    commit('base', { 'f.txt': 'base\n' });
    const binary = commit('binary', { 'blob.bin': Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(token), Buffer.from([0, 255])]) });
    const odd = commit('odd names', { 'dir with space/é "q".env': `T=${token}\n`, 'tab\there.env': `T=${token}\n` });
    renameSync(join(repo, 'tab\there.env'), join(repo, 'moved.env'));
    const moved = commit('move', {});
    // A merge whose conflict was resolved by writing the value: only the merge holds it.
    git(repo, 'switch', '-q', '-c', 'side');
    commit('side', { 'f.txt': 'side\n' });
    git(repo, 'switch', '-q', 'main');
    commit('main', { 'f.txt': 'main\n' });
    try {
      git(repo, 'merge', '-q', 'side');
    } catch {
      // conflict expected
    }
    write('f.txt', `resolved ${token}\n`);
    git(repo, 'add', 'f.txt');
    git(repo, 'commit', '-q', '--no-edit');
    const merge = git(repo, 'rev-parse', 'HEAD').trim();

    const result = await searchHistory(repo, token);
    const bySha = new Map(result.commits.map((c) => [c.sha, c]));
    expect(bySha.get(binary)).toMatchObject({ files: ['blob.bin'], change: 'added' });
    // Names come back unquoted, without control characters (the tab): nothing to reach a terminal.
    expect(bySha.get(odd)?.files.sort()).toEqual(['dir with space/é "q".env', 'tabhere.env']);
    expect(bySha.get(moved)).toMatchObject({ change: 'both' });
    expect(bySha.get(moved)?.files.sort()).toEqual(['moved.env', 'tabhere.env']);
    expect(bySha.get(merge)).toMatchObject({ files: ['f.txt'], change: 'added' });
    expect(result.commits[0]?.sha).toBe(merge); // newest first
    expect(result.commits).toHaveLength(4);
  });

  it('reports progress per commit', async () => {
    for (let i = 0; i < 5; i++) commit(`c${i}`, { 'n.txt': `${i}\n` });
    const seen: number[] = [];
    await searchHistory(repo, token, { onProgress: (n) => seen.push(n) });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('stops on a timeout or a cancel and says the result is partial', async () => {
    for (let i = 0; i < 3; i++) commit(`c${i}`, { 'n.txt': `${i} ${token}\n` });
    // A git whose `log` is slow (the others are the real one), so the budget always runs out first.
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { env: isolatedEnv }).toString('utf8').trim();
    const bin = join(tmp, 'slow-bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nfor a in "$@"; do [ "$a" = log ] && sleep 5; done\nexec '${realGit}' "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    vi.stubEnv('PATH', bin + delimiter + (process.env.PATH ?? ''));
    const timedOut = await searchHistory(repo, token, { timeoutMs: 200 });
    expect(timedOut.isRepo).toBe(true);
    expect(timedOut.note).toMatch(/stopped after .* partial/);

    const controller = new AbortController();
    controller.abort();
    const cancelled = await searchHistory(repo, token, { signal: controller.signal });
    expect(cancelled.commits).toEqual([]);
    expect(cancelled.note).toMatch(/cancelled/);
  });

  it('says when the repository is a shallow clone', async () => {
    commit('one', { 'a.txt': '1\n' });
    commit('two', { 'a.txt': `2 ${token}\n` });
    const shallow = join(tmp, 'shallow');
    git(tmp, 'clone', '-q', '--depth', '1', `file://${repo}`, shallow);
    const result = await searchHistory(shallow, token);
    expect(result.commits.map((c) => c.subject)).toEqual(['two']);
    expect(result.note).toMatch(/shallow clone/);
    expect(result.commits[0]?.remotes).toEqual(['origin/main']);
  });

  it('cannot be fooled by a commit message that imitates a commit line or the end of a message', async () => {
    const fakeSha = 'f'.repeat(40);
    // A line of the message imitates the start of another commit, which would take the patch below.
    const spoofed = `add config\n\n\x01${fakeSha}\x02\x022001-01-01T00:00:00Z\x02innocent\x02\x03`;
    const real = commit(spoofed, { 'real.env': `GITHUB_TOKEN=${token}\n` });
    // A message that ends itself early and then imitates a patch naming another file.
    const early = `holds ${token}\n\n\x03\ndiff --git a/fake.txt b/fake.txt\n--- a/fake.txt\n+++ b/fake.txt\n@@ -0,0 +1 @@\n+${token}`;
    const second = commit(early, { 'other.txt': 'no secret here\n' });

    const result = await searchHistory(repo, token);
    expect(result.commits.map((c) => c.sha)).toEqual([second, real]);
    expect(result.commits.map((c) => c.files)).toEqual([[], ['real.env']]);
    expect(result.commits[1]?.subject).toBe('add config');
  });

  it('returns subjects and file names without terminal control characters', async () => {
    const evilName = 'evil\x1b[2J.env';
    const sha = commit('add env \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 \u009b6n done', { [evilName]: `TOKEN=${token}\n` });
    const result = await searchHistory(repo, token);
    expect(result.commits.map((c) => c.sha)).toEqual([sha]);
    expect(result.commits[0]?.subject).toBe('add env [31mRED[0m ]0;pwned 6n done');
    expect(result.commits[0]?.files).toEqual(['evil[2J.env']);
    for (const text of [result.commits[0]!.subject, ...result.commits[0]!.files]) expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe('stripControls', () => {
  it('drops C0, DEL and C1 characters and keeps the rest, other scripts included', () => {
    expect(stripControls('a\tb\nc\rd\x00e\x1bf\x7fg\u0085h\u009bi')).toBe('abcdefghi');
    expect(stripControls('fix für Ünïcode — 修正 ✓')).toBe('fix für Ünïcode — 修正 ✓');
  });
});
