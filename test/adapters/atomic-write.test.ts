// Atomic writes: mode and owner kept, refused when the file changed on disk, no temp file left,
// symlinks written through only inside the allowed roots, and a crash never corrupts the file.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileChangedError, SymlinkOutsideError, chmodSafe, readForEdit, writeAtomic } from '../../src/adapters/atomic-write.js';

let base: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'atomic-write-'));
});
afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

let n = 0;
function freshDir(): string {
  const dir = join(base, `case-${n++}`);
  mkdirSync(dir);
  return dir;
}

const leftovers = (dir: string): string[] => readdirSync(dir).filter((name) => name.includes('.mcp-harden-'));

describe('writeAtomic', () => {
  it('replaces the content and keeps the file mode, and returns the new stamp', async () => {
    const dir = freshDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, '{"a": 1}\n');
    chmodSync(file, 0o640);
    const read = await readForEdit(file);
    const stamp = await writeAtomic(file, '{"a": 2}\n', { expect: read.stamp });
    expect(readFileSync(file, 'utf8')).toBe('{"a": 2}\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(stamp).toEqual((await readForEdit(file)).stamp);
    expect(leftovers(dir)).toEqual([]);
  });

  it('sets the mode it is given', async () => {
    const dir = freshDir();
    const file = join(dir, '.env');
    writeFileSync(file, 'A=1\n');
    chmodSync(file, 0o644);
    await writeAtomic(file, 'A=2\n', { mode: 0o600 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps the owner of the file (as root: a file another user owns)', async () => {
    // Only root can make a file owned by someone else; other users check their own ownership stays.
    const owner = process.getuid?.() === 0 ? 65534 : process.getuid!();
    const group = process.getuid?.() === 0 ? 65534 : process.getgid!();
    const dir = freshDir();
    const file = join(dir, 'owned.json');
    writeFileSync(file, '{}\n');
    chownSync(file, owner, group);
    const read = await readForEdit(file);
    expect([read.uid, read.gid]).toEqual([owner, group]);
    await writeAtomic(file, '{"x": 1}\n', { expect: read.stamp });
    const st = statSync(file);
    expect([st.uid, st.gid]).toEqual([owner, group]);
    expect(readFileSync(file, 'utf8')).toBe('{"x": 1}\n');
  });

  it('refuses to write when the file changed on disk since it was read, even with the same size and time', async () => {
    const dir = freshDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, '{"a": 1}\n');
    const read = await readForEdit(file);
    writeFileSync(file, '{"b": 1}\n');
    const mtime = new Date(read.stamp.mtimeMs);
    utimesSync(file, mtime, mtime);
    await expect(writeAtomic(file, '{"c": 1}\n', { expect: read.stamp })).rejects.toBeInstanceOf(FileChangedError);
    await expect(writeAtomic(file, '{"c": 1}\n', { expect: read.stamp })).rejects.toThrow(/changed on disk since it was read; nothing was written/);
    expect(readFileSync(file, 'utf8')).toBe('{"b": 1}\n');
    expect(leftovers(dir)).toEqual([]);
  });

  it('refuses when the file was deleted since it was read', async () => {
    const dir = freshDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, '{}');
    const read = await readForEdit(file);
    rmSync(file);
    await expect(writeAtomic(file, '{"c": 1}', { expect: read.stamp })).rejects.toBeInstanceOf(FileChangedError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes its temp file when the write fails', async () => {
    const dir = freshDir();
    // A directory cannot be replaced by a file: the rename fails after the temp file was written.
    const target = join(dir, 'not-a-file');
    mkdirSync(target);
    await expect(writeAtomic(target, 'x')).rejects.toThrow();
    expect(leftovers(dir)).toEqual([]);
    expect(statSync(target).isDirectory()).toBe(true);
  });

  it('creates a missing file', async () => {
    const dir = freshDir();
    const file = join(dir, '.gitignore');
    await writeAtomic(file, '.env\n');
    expect(readFileSync(file, 'utf8')).toBe('.env\n');
    expect(statSync(file).mode & 0o777).toBe(0o644);
  });
});

describe('symlinks', () => {
  it('writes through a link whose target is inside an allowed root; the link stays a link', async () => {
    const home = freshDir();
    mkdirSync(join(home, 'dotfiles'));
    const real = join(home, 'dotfiles', 'mcp.json');
    writeFileSync(real, '{"a": 1}\n');
    chmodSync(real, 0o640);
    const link = join(home, 'mcp.json');
    symlinkSync(real, link);
    const read = await readForEdit(link);
    expect(read.realPath).toBe(real);
    await writeAtomic(link, '{"a": 2}\n', { expect: read.stamp, allowedRoots: [home] });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('{"a": 2}\n');
    expect(statSync(real).mode & 0o777).toBe(0o640);
    expect(leftovers(join(home, 'dotfiles'))).toEqual([]);
    expect(await chmodSafe(link, 0o600, [home])).toBe(0o640);
    expect(statSync(real).mode & 0o777).toBe(0o600);
  });

  it('refuses a link whose target leaves the allowed roots, for writes and chmod', async () => {
    const home = freshDir();
    const outside = freshDir();
    const real = join(outside, 'shared.json');
    writeFileSync(real, '{"a": 1}\n');
    chmodSync(real, 0o644);
    const link = join(home, 'mcp.json');
    symlinkSync(real, link);
    await expect(writeAtomic(link, '{"a": 2}\n', { allowedRoots: [home] })).rejects.toBeInstanceOf(SymlinkOutsideError);
    await expect(writeAtomic(link, '{"a": 2}\n', {})).rejects.toBeInstanceOf(SymlinkOutsideError);
    await expect(chmodSafe(link, 0o600, [home])).rejects.toBeInstanceOf(SymlinkOutsideError);
    expect(readFileSync(real, 'utf8')).toBe('{"a": 1}\n');
    expect(statSync(real).mode & 0o777).toBe(0o644);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(outside)).toEqual(['shared.json']);
    expect(readdirSync(home)).toEqual(['mcp.json']);
  });

  it('refuses a file in a folder reached through a link that leaves the roots, for writes and chmod', async () => {
    const ws = freshDir();
    const outside = freshDir();
    writeFileSync(join(outside, 'mcp.json'), '{"a": 1}\n');
    chmodSync(join(outside, 'mcp.json'), 0o644);
    symlinkSync(outside, join(ws, '.cursor'));
    const file = join(ws, '.cursor', 'mcp.json');
    const read = await readForEdit(file);
    await expect(writeAtomic(file, '{"a": 2}\n', { expect: read.stamp, allowedRoots: [ws] })).rejects.toBeInstanceOf(SymlinkOutsideError);
    await expect(writeAtomic(file, '{"a": 2}\n', { allowedRoots: [ws] })).rejects.toThrow(
      `${file} is reached through the symlink ${join(ws, '.cursor')}, which leads outside the workspace and home; it was not changed`,
    );
    await expect(chmodSafe(file, 0o600, [ws])).rejects.toBeInstanceOf(SymlinkOutsideError);
    expect(readFileSync(join(outside, 'mcp.json'), 'utf8')).toBe('{"a": 1}\n');
    expect(statSync(join(outside, 'mcp.json')).mode & 0o777).toBe(0o644);
    expect(readdirSync(outside)).toEqual(['mcp.json']);
  });

  it('refuses to create a file, or its folders, under a folder link that leaves the roots', async () => {
    const ws = freshDir();
    const outside = freshDir();
    symlinkSync(outside, join(ws, '.cursor'));
    await expect(writeAtomic(join(ws, '.cursor', 'mcp.json'), '{}\n', { allowedRoots: [ws], makeParents: true })).rejects.toBeInstanceOf(SymlinkOutsideError);
    await expect(writeAtomic(join(ws, '.cursor', 'a', 'b', 'mcp.json'), '{}\n', { allowedRoots: [ws], makeParents: true })).rejects.toBeInstanceOf(
      SymlinkOutsideError,
    );
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(ws)).toEqual(['.cursor']);
  });

  it('refuses a link nested below a link that stays inside', async () => {
    const ws = freshDir();
    const outside = freshDir();
    mkdirSync(join(ws, 'real'));
    symlinkSync(join(ws, 'real'), join(ws, 'alias'));
    symlinkSync(outside, join(ws, 'real', 'out'));
    await expect(writeAtomic(join(ws, 'alias', 'out', 'x.json'), '{}\n', { allowedRoots: [ws] })).rejects.toThrow(
      `reached through the symlink ${join(ws, 'alias', 'out')}`,
    );
    expect(readdirSync(outside)).toEqual([]);
  });

  it('writes through a folder link that stays inside the roots, to the real file', async () => {
    const ws = freshDir();
    mkdirSync(join(ws, 'shared'));
    writeFileSync(join(ws, 'shared', 'mcp.json'), '{"a": 1}\n');
    symlinkSync(join(ws, 'shared'), join(ws, '.cursor'));
    const file = join(ws, '.cursor', 'mcp.json');
    const read = await readForEdit(file);
    await writeAtomic(file, '{"a": 2}\n', { expect: read.stamp, allowedRoots: [ws] });
    expect(readFileSync(join(ws, 'shared', 'mcp.json'), 'utf8')).toBe('{"a": 2}\n');
    expect(lstatSync(join(ws, '.cursor')).isSymbolicLink()).toBe(true);
    // A new file and its missing folders are made under the real folder.
    await writeAtomic(join(ws, '.cursor', 'sub', 'dir', 'new.json'), '{}\n', { allowedRoots: [ws], makeParents: true });
    expect(readFileSync(join(ws, 'shared', 'sub', 'dir', 'new.json'), 'utf8')).toBe('{}\n');
    expect(leftovers(join(ws, 'shared'))).toEqual([]);
  });

  it('makes missing folders only when asked', async () => {
    const dir = freshDir();
    await expect(writeAtomic(join(dir, '.vscode', 'mcp.json'), '{}\n', { allowedRoots: [dir] })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(dir)).toEqual([]);
    await writeAtomic(join(dir, '.vscode', 'mcp.json'), '{}\n', { allowedRoots: [dir], makeParents: true });
    expect(statSync(join(dir, '.vscode')).isDirectory()).toBe(true);
    expect(readFileSync(join(dir, '.vscode', 'mcp.json'), 'utf8')).toBe('{}\n');
  });

  it('writes a plain path with no link on the way even outside the roots (a client config the caller named)', async () => {
    const roots = freshDir();
    const elsewhere = freshDir();
    const file = join(elsewhere, 'settings.json');
    writeFileSync(file, '{}\n');
    await writeAtomic(file, '{"a": 1}\n', { allowedRoots: [roots] });
    expect(readFileSync(file, 'utf8')).toBe('{"a": 1}\n');
  });

  it('chmods a plain file and reports its previous mode', async () => {
    const dir = freshDir();
    const file = join(dir, '.env');
    writeFileSync(file, 'A=1\n');
    chmodSync(file, 0o664);
    expect(await chmodSafe(file, 0o600, [dir])).toBe(0o664);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('a crash during a write', () => {
  let script: string;
  beforeAll(async () => {
    // The adapter bundled into one plain JS file, so a child Node process can run it.
    const dir = freshDir();
    const entry = join(dir, 'writer.ts');
    writeFileSync(
      entry,
      [
        `import { readForEdit, writeAtomic } from ${JSON.stringify(fileURLToPath(new URL('../../src/adapters/atomic-write.ts', import.meta.url)))};`,
        'const [file, ...contents] = process.argv.slice(2);',
        'for (const content of contents) {',
        '  const read = await readForEdit(file!);',
        '  await writeAtomic(file!, content, { expect: read.stamp });',
        '}',
      ].join('\n'),
    );
    script = join(dir, 'writer.mjs');
    await build({ entryPoints: [entry], outfile: script, bundle: true, platform: 'node', format: 'esm', logLevel: 'silent' });
  });

  function run(file: string, crash: string, contents: string[]): ReturnType<typeof spawnSync> {
    return spawnSync(process.execPath, [script, file, ...contents], {
      env: { ...process.env, MCP_HARDEN_TEST_HOOKS: '1', MCP_HARDEN_TEST_CRASH: crash },
      encoding: 'utf8',
    });
  }

  const ORIGINAL = '{\n  "mcpServers": {"a": {"command": "npx"}}\n}\n';
  const NEW = '{\n  "mcpServers": {"a": {"command": "mcp-harden"}}\n}\n';

  for (const point of ['write:temp-created', 'write:temp-written', 'write:temp-synced']) {
    it(`at ${point} leaves the original file intact`, () => {
      const dir = freshDir();
      const file = join(dir, 'config.json');
      writeFileSync(file, ORIGINAL);
      const result = run(file, point, [NEW]);
      expect(result.signal).toBe('SIGKILL');
      expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ mcpServers: { a: { command: 'npx' } } });
      // A leftover temp file is a separate hidden file; it never took the original's place.
      for (const name of leftovers(dir)) expect(name).toMatch(/^\.config\.json\.mcp-harden-[0-9a-f]+\.tmp$/);
    });
  }

  it('after the rename leaves the new file complete', () => {
    const dir = freshDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, ORIGINAL);
    const result = run(file, 'write:renamed', [NEW]);
    expect(result.signal).toBe('SIGKILL');
    expect(readFileSync(file, 'utf8')).toBe(NEW);
    expect(leftovers(dir)).toEqual([]);
  });

  it('only on the Nth write when asked to', () => {
    const dir = freshDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, ORIGINAL);
    const result = run(file, 'write:temp-written@3', ['{"n": 1}', '{"n": 2}', '{"n": 3}']);
    expect(result.signal).toBe('SIGKILL');
    expect(readFileSync(file, 'utf8')).toBe('{"n": 2}');
  });

  it('does nothing without the hooks switch', () => {
    const dir = freshDir();
    const file = join(dir, 'config.json');
    writeFileSync(file, ORIGINAL);
    const result = spawnSync(process.execPath, [script, file, NEW], {
      env: { ...process.env, MCP_HARDEN_TEST_HOOKS: '', MCP_HARDEN_TEST_CRASH: 'write:temp-written' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(NEW);
  });
});
