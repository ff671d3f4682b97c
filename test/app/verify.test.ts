// verifyServers against a real MCP server process (test/fixtures/mcp-server), started the way a
// client starts it: only the config's env on top of a GUI client's minimal environment.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { baseEnv, loadTargets, verifyServers, type VerifyTarget } from '../../src/app/verify.js';
import { fakeToken } from '../helpers/tokens.js';

const FIXTURE = resolve(__dirname, '../fixtures/mcp-server/server.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mcp-harden-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = fakeToken('github-classic', 'verify-unit');
const DIGEST = join(dir, 'expected.sha256');
writeFileSync(DIGEST, createHash('sha256').update(TOKEN).digest('hex') + '\n');

const env = { HOME: dir, PATH: process.env.PATH ?? '/usr/bin:/bin' };

function fixture(extraEnv: Record<string, string>, name = 'fixture'): VerifyTarget {
  return { client: 'cursor', name, file: join(dir, 'mcp.json'), command: process.execPath, args: [FIXTURE], env: { FIXTURE_EXPECT_SHA256: DIGEST, ...extraEnv } };
}

/** A process is gone when it no longer exists or is a zombie waiting for its parent. */
function gone(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state === 'Z' || state === 'X';
  } catch {
    return true;
  }
}

function expectOneLineWithoutSecrets(error: string | undefined): void {
  expect(error).toBeTruthy();
  expect(error).not.toContain('\n');
  expect(error!.includes(TOKEN), 'the token is in the reason').toBe(false);
  // The fixture's stderr says why it refused: that text is the server's, never the report's.
  expect(error).not.toContain('fixture-server');
}

describe('verifyServers', () => {
  test('the right token: initialize and tools/list succeed, with the tool count', async () => {
    const [r] = await verifyServers([fixture({ FIXTURE_TOKEN: TOKEN })], { timeoutMs: 10_000, env });
    expect(r).toEqual({ server: 'fixture', client: 'cursor', file: join(dir, 'mcp.json'), ok: true, tools: 1 });
  });

  test('a wrong token: the server refuses to start, and the reason is one line with its exit code', async () => {
    const wrong = fakeToken('github-classic', 'verify-unit-wrong');
    const [r] = await verifyServers([fixture({ FIXTURE_TOKEN: wrong })], { timeoutMs: 10_000, env });
    expect(r!.ok).toBe(false);
    expect(r!.tools).toBeUndefined();
    expect(r!.error).toBe('the server exited with code 3 before answering initialize');
    expect(r!.error!.includes(wrong)).toBe(false);
    expectOneLineWithoutSecrets(r!.error);
  });

  test('a missing token fails the same way', async () => {
    const [r] = await verifyServers([fixture({})], { timeoutMs: 10_000, env });
    expect(r!.ok).toBe(false);
    expect(r!.error).toMatch(/exited with code 3/);
    expectOneLineWithoutSecrets(r!.error);
  });

  test('only the base variables of the environment reach the server, not the rest of it', async () => {
    // The token is in the caller's environment but not in the config: a GUI client would not pass it.
    const [r] = await verifyServers([fixture({})], { timeoutMs: 10_000, env: { ...env, FIXTURE_TOKEN: TOKEN } });
    expect(r!.ok).toBe(false);
    expect(baseEnv({ ...env, FIXTURE_TOKEN: TOKEN, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x', XDG_RUNTIME_DIR: '' })).toEqual({
      ...env,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x',
    });
  });

  test("the server's stderr is captured, and reaches a debug hook only", async () => {
    const seen: string[] = [];
    const [r] = await verifyServers([fixture({ FIXTURE_TOKEN: 'not-it' })], { timeoutMs: 10_000, env, onStderr: (_t, text) => seen.push(text) });
    expect(r!.ok).toBe(false);
    expect(seen.join('')).toContain('fixture-server: FIXTURE_TOKEN is not the expected token');
  });

  test('a server that never answers times out, and its process tree is killed', async () => {
    const pids = join(dir, 'pids');
    // A shell that starts node as a child (the trailing command keeps it from exec'ing): like npx.
    const child = `require('fs').appendFileSync(${JSON.stringify(pids)}, process.pid + '\\n'); setInterval(() => {}, 1000)`;
    const target: VerifyTarget = {
      client: 'claude-code',
      name: 'hangs',
      file: join(dir, '.claude.json'),
      command: '/bin/sh',
      args: ['-c', `echo $$ >> "$PIDS"; "$NODE" -e "$CHILD"; :`],
      env: { PIDS: pids, NODE: process.execPath, CHILD: child },
    };
    const started = Date.now();
    const [r] = await verifyServers([target], { timeoutMs: 1500, env });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(r).toEqual({ server: 'hangs', client: 'claude-code', file: join(dir, '.claude.json'), ok: false, error: 'no answer to initialize within 1.5 s' });
    const started_ = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect(started_).toHaveLength(2);
    for (const pid of started_) expect(gone(pid), `process ${pid} is still running`).toBe(true);
  });

  test('a fixture that starts but never reads stdin times out as well', async () => {
    const [r] = await verifyServers([fixture({ FIXTURE_TOKEN: TOKEN, FIXTURE_HANG: '1' })], { timeoutMs: 1000, env });
    expect(r!.ok).toBe(false);
    expect(r!.error).toBe('no answer to initialize within 1 s');
  });

  test('a command that does not exist', async () => {
    const target = { ...fixture({ FIXTURE_TOKEN: TOKEN }), command: join(dir, 'no-such-server') };
    const [r] = await verifyServers([target], { timeoutMs: 5000, env });
    expect(r).toMatchObject({ ok: false, error: `command not found: ${join(dir, 'no-such-server')}` });
  });

  test('a working directory that does not exist is named as such', async () => {
    const target = { ...fixture({ FIXTURE_TOKEN: TOKEN }), cwd: join(dir, 'gone') };
    const [r] = await verifyServers([target], { timeoutMs: 5000, env });
    expect(r).toMatchObject({ ok: false, error: `working directory not found: ${join(dir, 'gone')}` });
  });

  test('several servers: one result per server, in order', async () => {
    const results = await verifyServers(
      [fixture({ FIXTURE_TOKEN: TOKEN }, 'a'), fixture({}, 'b'), fixture({ FIXTURE_TOKEN: TOKEN }, 'c')],
      { timeoutMs: 10_000, env, concurrency: 2 },
    );
    expect(results.map((r) => [r.server, r.ok])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
    ]);
  });
});

describe('loadTargets', () => {
  test('reads the definition on disk now, by the server entry', async () => {
    const file = join(dir, 'cursor-mcp.json');
    const write = (token: string) =>
      writeFileSync(
        file,
        JSON.stringify({ mcpServers: { fx: { command: process.execPath, args: [FIXTURE], env: { FIXTURE_TOKEN: token, FIXTURE_EXPECT_SHA256: DIGEST } } } }),
      );
    write('stale');
    write(TOKEN);
    const { targets, unresolved } = await loadTargets(
      [
        { client: 'cursor', file, server: 'fx', path: ['mcpServers', 'fx'] },
        { client: 'cursor', file, server: 'removed' },
        { client: 'cursor', file: join(dir, 'missing.json'), server: 'fx' },
      ],
      dir,
    );
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({ client: 'cursor', name: 'fx', file, command: process.execPath, args: [FIXTURE] });
    expect(targets[0]!.env.FIXTURE_TOKEN === TOKEN).toBe(true);
    expect(unresolved.map((u) => [u.server, u.error])).toEqual([
      ['removed', 'the server is no longer in its config'],
      ['fx', 'the config cannot be read'],
    ]);
    const [r] = await verifyServers(targets, { timeoutMs: 10_000, env });
    expect(r).toMatchObject({ ok: true, tools: 1 });
  });

  test('a remote server is not something to start', async () => {
    const file = join(dir, 'remote-mcp.json');
    writeFileSync(file, JSON.stringify({ mcpServers: { web: { url: 'https://mcp.example.com/mcp' } } }));
    const { targets, unresolved } = await loadTargets([{ client: 'cursor', file, server: 'web' }], dir);
    expect(targets).toEqual([]);
    expect(unresolved[0]).toMatchObject({ server: 'web', ok: false, error: 'not a local (stdio) server' });
  });
});
