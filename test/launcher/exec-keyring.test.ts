// `mcp-harden exec -- CMD ARGS…` (the CLI, bundled from source) against a real Secret Service:
// keytar reads the same items the sh launcher reads, and execve replaces the Node process.
// Run: bash scripts/with-keyring.sh npx vitest run test/launcher
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInlineReference, formatReference } from '../../src/core/reference.js';
import { bundleCli } from '../../scripts/bundle.mjs';
import { assertPrivateKeyring } from '../adapters/secret-store/keyring-helpers.js';
import { REPO, SERVER, awkwardValues, guiEnv, runReporting, storeItem, synthetic, uniqueService } from './helpers.js';

assertPrivateKeyring();

const service = uniqueService('exec');
const awkward = awkwardValues();
const token = synthetic('ghp_');
const dir = mkdtempSync(join(tmpdir(), 'mcp-harden-exec-cli-'));
const cli = join(dir, 'cli.js');

beforeAll(async () => {
  for (const [name, value] of Object.entries(awkward)) storeItem(service, name, value);
  storeItem(service, 'GITHUB_TOKEN', token);
  // The CLI as the build makes it, in a directory of its own (dist/ may be rebuilt meanwhile).
  for (const file of await bundleCli()) {
    mkdirSync(dirname(join(dir, file.fileName)), { recursive: true });
    writeFileSync(join(dir, file.fileName), file.contents, { mode: file.mode });
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The bundle lives outside the repository; NODE_PATH lets keytar's require find the package.
const execEnv = (extra: Record<string, string> = {}) => guiEnv({ NODE_PATH: join(REPO, 'node_modules'), ...extra });
const exec = (args: string[], env: Record<string, string>, vars: string[] = []) =>
  runReporting([process.execPath, cli, 'exec', '--', ...args], env, vars, { timeoutMs: 30_000 });

function oneLine(stderr: string): string {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  return stderr;
}

describe('mcp-harden exec', () => {
  it('delivers exact values through the environment and arguments, and becomes the server', () => {
    const env: Record<string, string> = { GITHUB_TOKEN: formatReference(service, 'GITHUB_TOKEN') };
    for (const name of Object.keys(awkward)) env[`V_${name}`] = formatReference(service, name);
    const out = exec([SERVER, `--token=${formatInlineReference(service, 'GITHUB_TOKEN')}`, formatInlineReference(service, 'newlines'), '--plain'], execEnv(env), [
      ...Object.keys(env),
      'MCP_HARDEN_LAUNCHED',
    ]);
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe('');
    expect(out.result.status).toBe(0);
    const vars = out.report!.vars;
    expect(vars.GITHUB_TOKEN).toBe(token);
    for (const [name, value] of Object.entries(awkward)) expect(vars[`V_${name}`], name).toBe(value);
    expect(out.report!.args).toEqual([`--token=${token}`, awkward.newlines, '--plain']);
    // execve: the server runs in the process the client started, nothing is left behind.
    expect(out.report!.pid).toBe(out.result.pid);
    expect(vars.MCP_HARDEN_LAUNCHED).toBe(String(out.result.pid));
  });

  it("passes the server's exit code and its death by a signal through", () => {
    expect(exec([SERVER], execEnv({ REPORT_EXIT: '42', T: formatReference(service, 'GITHUB_TOKEN') })).result.status).toBe(42);
    const killed = exec([SERVER], execEnv({ REPORT_SIGNAL: 'TERM' }));
    expect(killed.result.signal).toBe('SIGTERM');
  });

  it('exits 10 with one line when an item is missing, and starts nothing', () => {
    const out = exec([SERVER], execEnv({ T: formatReference(service, 'NEVER_STORED') }));
    expect(out.result.status).toBe(10);
    expect(out.report).toBeNull();
    expect(out.stdout).toBe('');
    expect(oneLine(out.stderr)).toContain(`no secret in the keychain (service ${service}, account NEVER_STORED, for environment variable T)`);
  });

  it('exits 2 on a malformed reference and 127 on an unknown command', () => {
    const bad = exec([SERVER, '--k={{keychain:x'], execEnv());
    expect(bad.result.status).toBe(2);
    expect(oneLine(bad.stderr)).toContain('malformed or unterminated');
    const none = exec(['no-such-server-command'], execEnv());
    expect(none.result.status).toBe(127);
    expect(oneLine(none.stderr)).toContain('command not found: no-such-server-command');
  });

  it('keeps options after -- for the server, not for itself', () => {
    const out = exec([SERVER, '--json', '--help', '-V'], execEnv());
    expect(out.stderr).toBe('');
    expect(out.report!.args).toEqual(['--json', '--help', '-V']);
  });
});
