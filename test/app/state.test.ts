// Where the state directory lives on each OS, and that it is kept private.
import { mkdtempSync, rmSync, statSync, mkdirSync, chmodSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stateDir, stateDirPath, writeFileAtomic } from '../../src/app/state.js';

const temps: string[] = [];
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'mcp-harden-state-'));
  temps.push(d);
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('stateDirPath', () => {
  it('uses $XDG_STATE_HOME on Linux, else ~/.local/state', () => {
    expect(stateDirPath({ platform: 'linux', home: '/home/ana', env: { XDG_STATE_HOME: '/home/ana/.st' } })).toBe('/home/ana/.st/mcp-harden');
    expect(stateDirPath({ platform: 'linux', home: '/home/ana', env: {} })).toBe('/home/ana/.local/state/mcp-harden');
    // The XDG spec: a relative (or empty) value is ignored.
    expect(stateDirPath({ platform: 'linux', home: '/home/ana', env: { XDG_STATE_HOME: 'rel/state' } })).toBe('/home/ana/.local/state/mcp-harden');
    expect(stateDirPath({ platform: 'linux', home: '/home/ana', env: { XDG_STATE_HOME: '' } })).toBe('/home/ana/.local/state/mcp-harden');
  });

  it('uses ~/Library/Application Support on macOS, whatever XDG says', () => {
    expect(stateDirPath({ platform: 'darwin', home: '/Users/ana', env: { XDG_STATE_HOME: '/x' } })).toBe(
      '/Users/ana/Library/Application Support/mcp-harden',
    );
  });

  it('uses %LOCALAPPDATA% on Windows, else AppData\\Local under the profile', () => {
    expect(stateDirPath({ platform: 'win32', home: 'C:\\Users\\ana', env: { LOCALAPPDATA: 'D:\\Local' } })).toBe('D:\\Local\\mcp-harden');
    expect(stateDirPath({ platform: 'win32', home: 'C:\\Users\\ana', env: {} })).toBe('C:\\Users\\ana\\AppData\\Local\\mcp-harden');
  });
});

describe('stateDir', () => {
  it('creates the directory and its missing parents with mode 0700', async () => {
    const home = temp();
    const dir = await stateDir({ platform: 'linux', home, env: {} });
    expect(dir).toBe(join(home, '.local/state/mcp-harden'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, '.local/state')).mode & 0o777).toBe(0o700);
  });

  it('tightens an existing directory others can read to 0700', async () => {
    const home = temp();
    const existing = join(home, 'st', 'mcp-harden');
    mkdirSync(existing, { recursive: true });
    chmodSync(existing, 0o755);
    await stateDir({ platform: 'linux', home, env: { XDG_STATE_HOME: join(home, 'st') } });
    expect(statSync(existing).mode & 0o777).toBe(0o700);
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file with the given mode and leaves no temp file behind', async () => {
    const dir = temp();
    const file = join(dir, 'a.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, Buffer.from('two'), { mode: 0o640 });
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['a.json']);
  });
});
