import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { gitFacts } from '../../src/adapters/git.js';
import { runGit } from '../helpers/git.js';

let tmp: string;
let repo: string;

// protocol.file.allow: the submodule test clones from a local path.
const git = (cwd: string, ...args: string[]) => runGit(cwd, ['-c', 'protocol.file.allow=always', ...args]);

function write(rel: string, text = 'X=1\n'): string {
  const path = join(repo, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

beforeEach(() => {
  // realpath: git prints its top level with symlinks resolved (macOS /tmp is one).
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'gitfacts-')));
  repo = join(tmp, 'repo');
  mkdirSync(repo);
  git(repo, 'init', '-q');
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(tmp, { recursive: true, force: true });
});

describe('gitFacts', () => {
  it('tells tracked, ignored and untracked .env files apart', async () => {
    write('.gitignore', '.env.local\nsecrets/\n');
    const tracked = write('config/.env');
    const forced = write('.env.local'); // ignored by pattern but committed anyway: tracked wins
    git(repo, 'add', '.gitignore', 'config/.env');
    git(repo, 'add', '-f', '.env.local');
    git(repo, 'commit', '-q', '-m', 'init');
    const ignored = write('secrets/prod.env');
    const untracked = write('.env');
    const staged = write('staged.env');
    git(repo, 'add', 'staged.env');

    const facts = await gitFacts(repo, [tracked, forced, ignored, untracked, staged]);
    expect(facts.isRepo).toBe(true);
    expect(facts.note).toBeUndefined();
    expect([...facts.tracked].sort()).toEqual([forced, tracked, staged].sort());
    expect([...facts.ignored]).toEqual([ignored]);
  });

  it('handles names with spaces, newlines and non-ASCII characters', async () => {
    write('.gitignore', '*.env\n');
    const odd = [write('my dir/été.env'), write('line\nbreak.env'), write('quote"s.env')];
    const committed = write('tab\there/.env');
    git(repo, 'add', '-f', '--', 'tab\there/.env');
    git(repo, 'commit', '-q', '-m', 'odd');

    const facts = await gitFacts(repo, [...odd, committed]);
    expect([...facts.ignored].sort()).toEqual([...odd].sort());
    expect([...facts.tracked]).toEqual([committed]);
  });

  it('works from a workspace below the top level and reached through a symlink', async () => {
    write('.gitignore', '.env\n');
    const above = write('.env'); // in the repository, above the workspace
    const inside = write('packages/api/.env');
    const committed = write('packages/api/prod.env');
    git(repo, 'add', 'packages/api/prod.env');
    git(repo, 'commit', '-q', '-m', 'x');
    const link = join(tmp, 'link');
    symlinkSync(join(repo, 'packages'), link);

    const viaLink = [join(link, 'api/.env'), join(link, 'api/prod.env')];
    const facts = await gitFacts(join(link, 'api'), viaLink);
    expect([...facts.ignored]).toEqual([viaLink[0]]);
    expect([...facts.tracked]).toEqual([viaLink[1]]);

    const direct = await gitFacts(join(repo, 'packages/api'), [above, inside, committed]);
    expect([...direct.ignored].sort()).toEqual([above, inside].sort());
    expect([...direct.tracked]).toEqual([committed]);
  });

  it('leaves files outside the repository out of both sets', async () => {
    write('.gitignore', '.env\n');
    const own = write('.env');
    const elsewhere = join(tmp, 'elsewhere', '.env');
    mkdirSync(dirname(elsewhere));
    writeFileSync(elsewhere, 'X=1\n');
    const facts = await gitFacts(repo, [own, elsewhere]);
    expect([...facts.ignored]).toEqual([own]);
    expect(facts.tracked.size).toBe(0);
    expect(facts.note).toBeUndefined();
  });

  it('still answers for other files when one lies inside a submodule', async () => {
    const subSource = join(tmp, 'sub-src');
    mkdirSync(subSource);
    git(subSource, 'init', '-q');
    writeFileSync(join(subSource, 'README'), 'x\n');
    git(subSource, 'add', 'README');
    git(subSource, 'commit', '-q', '-m', 'x');
    git(repo, 'submodule', 'add', '-q', subSource, 'sub');
    write('.gitignore', '.env\n');
    const own = write('.env');
    const inSub = write('sub/.env');

    const facts = await gitFacts(repo, [inSub, own]);
    expect(facts.isRepo).toBe(true);
    expect([...facts.ignored]).toEqual([own]);
    expect(facts.note).toMatch(/1 file\(s\) inside git submodules/);
  });

  it('says so, without throwing, when the workspace is not in a repository', async () => {
    const plain = join(tmp, 'plain');
    mkdirSync(plain);
    writeFileSync(join(plain, '.env'), 'X=1\n');
    // Keep git from finding a repository in a parent of the temp dir.
    vi.stubEnv('GIT_CEILING_DIRECTORIES', tmp);
    const facts = await gitFacts(plain, [join(plain, '.env')]);
    expect(facts).toEqual({ isRepo: false, tracked: new Set(), ignored: new Set(), note: `${plain} is not in a git repository` });
  });

  it('says so, without throwing, when git is not installed', async () => {
    const emptyBin = join(tmp, 'bin');
    mkdirSync(emptyBin);
    vi.stubEnv('PATH', emptyBin);
    const facts = await gitFacts(repo, [join(repo, '.env')]);
    expect(facts.isRepo).toBe(false);
    expect(facts.note).toMatch(/git is not installed/);
  });
});

describe('gitFacts with many files', () => {
  it('gives the same answer past the point where it lists the whole index', async () => {
    write('.gitignore', 'ignored-*.env\n');
    const above = write('top.env');
    const files: string[] = [];
    for (let i = 0; i < 240; i++) files.push(write(`ws/d${i}/${i % 3 === 0 ? 'tracked' : i % 3 === 1 ? 'ignored' : 'plain'}-${i}.env`));
    git(repo, 'add', 'top.env', ...files.filter((f) => f.includes('/tracked-')).map((f) => f.slice(repo.length + 1)));
    git(repo, 'commit', '-q', '-m', 'x');

    const facts = await gitFacts(join(repo, 'ws'), [above, ...files]);
    expect(facts.note).toBeUndefined();
    expect([...facts.tracked].sort()).toEqual([above, ...files.filter((f) => f.includes('/tracked-'))].sort());
    expect([...facts.ignored].sort()).toEqual(files.filter((f) => f.includes('/ignored-')).sort());
  });
});
