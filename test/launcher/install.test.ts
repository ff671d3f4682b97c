// Installing the sh launcher into a temporary HOME: location, mode, idempotence, the ~/.local/bin
// link (never clobbering a foreign file), the install-time PATH, and what doctor is told.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  detectLauncherSettings,
  installLauncher,
  launcherInstallPath,
  launcherLinkPath,
  launcherStatus,
  readLauncherSettings,
  renderLauncher,
  shippedLauncherPath,
} from '../../src/app/launcher.js';
import type { HostEnv } from '../../src/core/model.js';
import { LAUNCHER, SERVER, runReporting } from './helpers.js';

let home: string;
let host: HostEnv;
const settings = { os: 'Linux' as const, tool: '/usr/bin/secret-tool', pathDirs: [] as string[] };

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'mcp-harden-launch-home-'));
  host = { platform: 'linux', home, env: { PATH: `${join(home, '.local/bin')}:/usr/bin:/bin` } };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('launcher location', () => {
  it('is under XDG_DATA_HOME on Linux, ~/.local/share without it, Application Support on macOS', () => {
    expect(launcherInstallPath({ platform: 'linux', home: '/home/u', env: {} })).toBe('/home/u/.local/share/mcp-harden/bin/mcp-harden-launch');
    expect(launcherInstallPath({ platform: 'linux', home: '/home/u', env: { XDG_DATA_HOME: '/data' } })).toBe('/data/mcp-harden/bin/mcp-harden-launch');
    expect(launcherInstallPath({ platform: 'linux', home: '/home/u', env: { XDG_DATA_HOME: 'relative' } })).toBe(
      '/home/u/.local/share/mcp-harden/bin/mcp-harden-launch',
    );
    expect(launcherInstallPath({ platform: 'darwin', home: '/Users/u', env: {} })).toBe(
      '/Users/u/Library/Application Support/mcp-harden/bin/mcp-harden-launch',
    );
    expect(launcherLinkPath({ platform: 'darwin', home: '/Users/u', env: {} })).toBe('/Users/u/.local/bin/mcp-harden-launch');
  });

  it('refuses Windows, naming mcp-harden exec', () => {
    expect(() => launcherInstallPath({ platform: 'win32', home: 'C:\\Users\\u', env: {} })).toThrow(/mcp-harden exec/);
  });

  it('finds the shipped script when running from source', async () => {
    expect(await shippedLauncherPath()).toBe(LAUNCHER);
  });
});

describe('installLauncher', () => {
  it('writes an executable script and links it from ~/.local/bin', async () => {
    const r = await installLauncher(host, { settings });
    expect(r.scriptPath).toBe(join(home, '.local/share/mcp-harden/bin/mcp-harden-launch'));
    expect(r).toMatchObject({ written: true, link: 'created' });
    expect(statSync(r.scriptPath).mode & 0o777).toBe(0o755);
    expect(readlinkSync(r.linkPath)).toBe(r.scriptPath);
    expect(readLauncherSettings(readFileSync(r.scriptPath, 'utf8'))).toEqual(settings);
    const status = await launcherStatus(host);
    expect(status).toMatchObject({ installed: true, upToDate: true, executable: true, link: 'ok', onPath: r.linkPath, reachable: true, missingDirs: [] });
  });

  it('is idempotent: a second run writes nothing and keeps the link', async () => {
    const first = await installLauncher(host, { settings });
    const mtime = statSync(first.scriptPath).mtimeMs;
    const second = await installLauncher(host, { settings });
    expect(second).toMatchObject({ written: false, link: 'present' });
    expect(statSync(first.scriptPath).mtimeMs).toBe(mtime);
  });

  it('replaces an outdated script atomically and restores its mode', async () => {
    const { scriptPath } = await installLauncher(host, { settings });
    writeFileSync(scriptPath, '#!/bin/sh\n# an old version\n');
    chmodSync(scriptPath, 0o600);
    expect(await launcherStatus(host)).toMatchObject({ upToDate: false, executable: false });
    const r = await installLauncher(host, { settings });
    expect(r.written).toBe(true);
    expect(statSync(scriptPath).mode & 0o777).toBe(0o755);
    expect(await launcherStatus(host)).toMatchObject({ upToDate: true, executable: true });
    // No temp file left next to it.
    expect(spawnSync('ls', ['-A', join(home, '.local/share/mcp-harden/bin')], { encoding: 'utf8' }).stdout.trim()).toBe('mcp-harden-launch');
  });

  it('leaves a foreign ~/.local/bin/mcp-harden-launch alone and reports it', async () => {
    const link = launcherLinkPath(host);
    mkdirSync(join(home, '.local/bin'), { recursive: true });
    writeFileSync(link, '#!/bin/sh\necho mine\n', { mode: 0o755 });
    const r = await installLauncher(host, { settings });
    expect(r.link).toBe('foreign');
    expect(readFileSync(link, 'utf8')).toBe('#!/bin/sh\necho mine\n');
    expect(existsSync(r.scriptPath)).toBe(true);
    expect(await launcherStatus(host)).toMatchObject({ installed: true, link: 'foreign', onPath: link, reachable: false });
  });

  it('does not replace a symlink to somewhere else either', async () => {
    const link = launcherLinkPath(host);
    mkdirSync(join(home, '.local/bin'), { recursive: true });
    symlinkSync('/usr/bin/true', link);
    expect((await installLauncher(host, { settings })).link).toBe('foreign');
    expect(readlinkSync(link)).toBe('/usr/bin/true');
  });

  it('tells doctor when nothing is installed and the name is not on PATH', async () => {
    expect(await launcherStatus(host)).toMatchObject({ installed: false, upToDate: false, link: 'missing', onPath: null, reachable: false, settings: null });
    expect(lstatSync(home).isDirectory()).toBe(true);
  });
});

describe('the install-time PATH', () => {
  it('records the directories of the server commands found on PATH, not the system ones', async () => {
    const bin = join(home, 'nvm/versions/node/v22/bin');
    mkdirSync(bin, { recursive: true });
    for (const name of ['node', 'npx']) {
      writeFileSync(join(bin, name), '#!/bin/sh\n', { mode: 0o755 });
    }
    writeFileSync(join(bin, 'uvx'), 'not executable', { mode: 0o644 });
    const found = await detectLauncherSettings({ platform: 'linux', home, env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(found.pathDirs).toEqual([bin]);
    expect(found.os).toBe('Linux');
    expect((await detectLauncherSettings({ platform: 'darwin', home, env: {} })).tool).toBe('/usr/bin/security');
  });

  it('lets the installed launcher start a server that is only in a recorded directory, under PATH=/usr/bin:/bin', async () => {
    const bin = join(home, "odd dir's bin");
    mkdirSync(bin, { recursive: true });
    copyFileSync(SERVER, join(bin, 'my-mcp-server'));
    chmodSync(join(bin, 'my-mcp-server'), 0o755);
    const { scriptPath } = await installLauncher(host, { settings: { ...settings, pathDirs: [bin] } });
    for (const shell of ['dash', 'bash']) {
      const out = runReporting([shell, scriptPath, 'my-mcp-server', 'arg one'], { PATH: '/usr/bin:/bin', HOME: home }, ['PATH']);
      expect(out.stderr).toBe('');
      expect(out.report!.args).toEqual(['arg one']);
      expect(out.report!.vars.PATH).toBe(`${bin}:/usr/bin:/bin`);
    }
    // Without the recorded directory the same command is not found.
    const plain = runReporting(['dash', LAUNCHER, 'my-mcp-server'], { PATH: '/usr/bin:/bin', HOME: home }, []);
    expect(plain.result.status).toBe(127);
  });

  it('quotes recorded paths so that no part of them is run', () => {
    const text = renderLauncher(readFileSync(LAUNCHER, 'utf8'), { os: 'Linux', tool: "/x/it's $(touch pwned)", pathDirs: ['/a/`id`'] });
    expect(readLauncherSettings(text)).toEqual({ os: 'Linux', tool: "/x/it's $(touch pwned)", pathDirs: ['/a/`id`'] });
    const script = join(home, 'launch');
    writeFileSync(script, text);
    const r = spawnSync('dash', [script, 'true'], { cwd: home, env: { PATH: '/usr/bin:/bin', T: 'keychain:svc/acc' }, encoding: 'utf8' });
    expect(r.status).toBe(10);
    expect(r.stderr).toContain('secret-tool not found');
    expect(existsSync(join(home, 'pwned'))).toBe(false);
  });
});
