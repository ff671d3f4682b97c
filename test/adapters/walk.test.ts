import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findEnvFiles, isEnvFileName } from '../../src/adapters/walk.js';

const walkSource = join(dirname(fileURLToPath(import.meta.url)), '../../src/adapters/walk.ts');

let ws: string;
let outside: string;

function write(rel: string, text = 'X=1\n', base = ws): string {
  const path = join(base, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'walk-ws-'));
  outside = mkdtempSync(join(tmpdir(), 'walk-outside-'));
});

afterEach(() => {
  for (const dir of [ws, outside]) {
    // Restore modes the unreadable-directory test removed, so the cleanup can descend.
    spawnSync('chmod', ['-R', 'u+rwx', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('findEnvFiles', () => {
  it('finds .env, .env.*, *.env files at any depth, git-ignored ones included', async () => {
    const expected = [
      write('.env'),
      write('.env.local'),
      write('.env.example'),
      write('apps/api/.env.production'),
      write('deploy/prod.env'),
      write('deep/a/b/c/d/e/.env'),
      write('ignored/.env'),
    ].sort();
    write('.gitignore', '.env\n.env.*\nignored/\n');
    execFileSync('git', ['init', '-q', ws]);
    // Look-alikes that are not .env files.
    write('.envrc');
    write('environment.ts');
    write('src/env');
    write('src/env.ts');
    mkdirSync(join(ws, 'config.env'));

    const result = await findEnvFiles(ws);
    expect(result.files).toEqual(expected);
    expect(result.errors).toEqual([]);
  });

  it('does not descend into node_modules, .git, vendor or virtualenv trees', async () => {
    const kept = write('app/.env');
    write('node_modules/pkg/.env');
    write('app/node_modules/@scope/pkg/.env.local');
    write('vendor/github.com/x/.env');
    write('.venv/lib/.env');
    write('venv/.env');
    write('__pycache__/x.env');
    write('.git/.env');
    // Build output is hand-deployed often enough to keep: it is walked.
    const inDist = write('dist/.env');

    const result = await findEnvFiles(ws);
    expect(result.files).toEqual([kept, inDist].sort());
    // Only the root, app and dist were read: the pruned trees were never opened.
    expect(result.dirsRead).toBe(3);
  });

  it('does not follow directory symlinks, but reports a symlinked .env file at its own path', async () => {
    write('.env', 'SECRET=1\n', outside);
    write('shared.env', 'SECRET=2\n', outside);
    mkdirSync(join(outside, 'dir.env'));
    symlinkSync(outside, join(ws, 'linked-dir'));
    symlinkSync(ws, join(ws, 'loop'));
    symlinkSync(join(outside, 'shared.env'), join(ws, 'shared.env'));
    symlinkSync(join(outside, 'dir.env'), join(ws, 'dir.env'));
    symlinkSync(join(outside, 'missing.env'), join(ws, 'dangling.env'));

    const result = await findEnvFiles(ws);
    expect(result.files).toEqual([join(ws, 'shared.env')]);
    expect(result.dirsRead).toBe(1);
  });

  it('skips a FIFO named like a .env file (reading it would block)', async () => {
    execFileSync('mkfifo', [join(ws, '.env.pipe')]);
    const env = write('.env');
    const result = await findEnvFiles(ws);
    expect(result.files).toEqual([env]);
  });

  it('counts directories and files and reports the final totals as progress', async () => {
    write('a/one.txt');
    write('a/b/two.txt');
    write('a/b/.env');
    write('c/three.txt');
    const calls: [number, number][] = [];
    const result = await findEnvFiles(ws, { onProgress: (d, f) => calls.push([d, f]) });
    expect(result.dirsRead).toBe(4);
    expect(result.filesSeen).toBe(4);
    expect(calls.at(-1)).toEqual([4, 4]);
  });

  it('gives the same answer whatever the concurrency', async () => {
    for (let i = 0; i < 30; i++) write(`d${i}/e${i % 3}/${i % 2 ? '.env' : 'x.txt'}`);
    const one = await findEnvFiles(ws, { concurrency: 1 });
    const many = await findEnvFiles(ws, { concurrency: 64 });
    expect(one.files).toHaveLength(15);
    expect(many).toEqual(one);
  });

  it('rejects with the abort reason when aborted', async () => {
    write('.env');
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(findEnvFiles(ws, { signal: controller.signal })).rejects.toThrow('stop now');

    // Aborted from the first progress report, while directories are still waiting to be read.
    for (let i = 0; i < 5; i++) write(`d${i}/x.txt`);
    const late = new AbortController();
    const walk = findEnvFiles(ws, {
      signal: late.signal,
      concurrency: 1,
      onProgress: () => late.abort(new Error('stopped midway')),
    });
    await expect(walk).rejects.toThrow('stopped midway');
  });

  it('records a missing workspace as an error instead of throwing', async () => {
    const result = await findEnvFiles(join(ws, 'nope'));
    expect(result.files).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.path).toBe(join(ws, 'nope'));
    expect(result.errors[0]?.message).toMatch(/ENOENT/);
  });

  it('records an unreadable directory and still finds the rest', async () => {
    const found = write('ok/.env');
    write('locked/.env');
    chmodSync(join(ws, 'locked'), 0o000);

    let result: Awaited<ReturnType<typeof findEnvFiles>>;
    if (process.getuid?.() === 0) {
      // Root reads any directory whatever its mode, so the walk runs in a child that keeps uid 0
      // but drops the two capabilities that bypass directory permissions.
      const script =
        `import { findEnvFiles } from ${JSON.stringify(walkSource)};\n` +
        `process.stdout.write(JSON.stringify(await findEnvFiles(${JSON.stringify(ws)})));`;
      const child = spawnSync(
        'setpriv',
        [
          '--bounding-set=-dac_override,-dac_read_search',
          '--inh-caps=-dac_override,-dac_read_search',
          process.execPath,
          '--experimental-strip-types',
          '--no-warnings',
          '--input-type=module',
          '-e',
          script,
        ],
        { encoding: 'utf8' },
      );
      expect(child.stderr).toBe('');
      expect(child.status).toBe(0);
      result = JSON.parse(child.stdout);
    } else {
      result = await findEnvFiles(ws);
    }
    expect(result.files).toEqual([found]);
    expect(result.errors).toEqual([{ path: join(ws, 'locked'), message: expect.stringMatching(/EACCES/) }]);
  });
});

describe('isEnvFileName', () => {
  it('matches the .env naming conventions and nothing else', () => {
    for (const yes of ['.env', '.env.local', '.env.production.local', '.env.example', 'prod.env', 'x.env']) {
      expect(isEnvFileName(yes), yes).toBe(true);
    }
    for (const no of ['.envrc', 'env', '.environment', 'env.ts', '.env-local', 'prod.env.bak']) {
      expect(isEnvFileName(no), no).toBe(false);
    }
  });
});
