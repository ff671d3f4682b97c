// What the end-to-end files share: the built binary, the private keyring of
// scripts/with-keyring.sh, the environment a sandbox HOME runs under, and checks on files.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { Sandbox } from '../../src/demo/sandbox.js';

export const ROOT = resolve(__dirname, '../..');
export const CLI = join(ROOT, 'dist/cli.js');

/** Fails early outside scripts/with-keyring.sh, so no test ever reaches the user's own keychain. */
export function requireKeyring(): void {
  if (process.env.MCP_HARDEN_TEST_KEYRING !== '1' || !process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error('these tests need the private keyring: run through scripts/with-keyring.sh (npm test does)');
  }
}

/** Builds dist/ from the current sources; the e2e files run that, never a stale build. */
export function buildDist(): void {
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
}

/** The variables that reach the private keyring's session bus. */
export function keyringEnv(): Record<string, string> {
  return {
    DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS ?? '',
    ...(process.env.XDG_RUNTIME_DIR ? { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR } : {}),
  };
}

/** A clean environment for a sandbox HOME: its own XDG directories, no colour, the private keyring. */
export function homeEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOME: home,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    NO_COLOR: '1',
    ...keyringEnv(),
    ...extra,
  };
}

/** A temporary HOME and workspace under one root, and the environment that runs in them. */
export interface Box {
  root: string;
  home: string;
  workspace: string;
  env: Record<string, string>;
}

export function makeBox(prefix: string, workspaceName: string, extraEnv: Record<string, string> = {}): Box {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const home = join(root, 'home');
  const workspace = join(root, workspaceName);
  mkdirSync(home, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  return { root, home, workspace, env: homeEnv(home, extraEnv) };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  cwd: string;
  env: Record<string, string>;
  /** Collects stdout and stderr, for the check that no secret value was ever printed. */
  outputs: string[];
  timeout?: number;
}

/** Runs the built CLI to completion with no stdin. */
export function runCli(args: string[], o: CliRun): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: o.cwd,
    env: o.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: o.timeout ?? 60_000,
  });
  o.outputs.push(r.stdout, r.stderr);
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the built CLI with `stdin` piped in, without blocking this process (a fake provider in this
 * process must be able to answer it).
 */
export function runCliAsync(args: string[], o: CliRun & { stdin?: string }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: o.cwd, env: o.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => {
      o.outputs.push(stdout, stderr);
      done({ code, stdout, stderr });
    });
    child.stdin.end(o.stdin ?? '');
  });
}

export const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

/** Mode and content hash of every file under a directory (a symlink as `link`), minus what `skip` names. */
export function snapshot(dir: string, skip: (p: string) => boolean = () => false, acc = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (skip(p)) continue;
    const st = lstatSync(p);
    if (st.isDirectory()) snapshot(p, skip, acc);
    else if (st.isSymbolicLink()) acc.set(p, 'link');
    else acc.set(p, `${(st.mode & 0o777).toString(8)}:${sha256(readFileSync(p))}`);
  }
  return acc;
}

/** Every file under a directory whose bytes contain the value. */
export function filesHolding(dir: string, value: string): string[] {
  const needle = Buffer.from(value, 'utf8');
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && readFileSync(p).includes(needle)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The value of the product's keychain item for an account, or null when there is none. */
export function lookupItem(account: string): string | null {
  const r = spawnSync('secret-tool', ['lookup', 'service', 'mcp-harden', 'account', account], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : null;
}

/** Deletes the product's keychain items for these accounts. */
export function clearItems(accounts: Iterable<string>): void {
  for (const a of accounts) spawnSync('secret-tool', ['clear', 'service', 'mcp-harden', 'account', a]);
}

/** The keychain accounts `fix` stores the demo sandbox's secrets under. */
export const DEMO_ACCOUNTS = [
  'GITHUB_PERSONAL_ACCESS_TOKEN',
  'SLACK_BOT_TOKEN',
  'BRAVE_API_KEY',
  'SENTRY_ACCESS_TOKEN',
  'OPENAI_API_KEY',
  'NOTION_TOKEN',
  'STRIPE_SECRET_KEY',
  'PASSWORD',
  'LINEAR_API_KEY',
  'ANTHROPIC_API_KEY',
];

/**
 * The end of a file of sandbox runs: no secret of any sandbox appears in anything they printed
 * (`where` says what `outputs` holds), then the sandboxes and the demo's keychain items are removed.
 */
export function expectNoSecretsThenClean(outputs: string[], sandboxes: Sandbox[], where = 'output'): void {
  const all = outputs.join('\n');
  for (const sb of sandboxes) {
    for (const [name, value] of Object.entries(sb.secrets)) expect(all.includes(value), `${name} appeared in ${where}`).toBe(false);
    rmSync(sb.root, { recursive: true, force: true });
  }
  clearItems(DEMO_ACCOUNTS);
}
