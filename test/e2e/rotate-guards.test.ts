// What rotate refuses or leaves alone, on the built binary with the private keyring: no report to
// GitHub while a consumer still holds the old token, shell history only on request, no value read
// from a terminal in clear. Synthetic tokens only.
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { buildDist, clearItems, CLI, keyringEnv, makeBox, requireKeyring, type Box, runCliAsync } from '../helpers/e2e.js';
import { spawnCli, type PtySession } from '../helpers/pty.js';
import { fakeToken } from '../helpers/tokens.js';

const ACCOUNT = 'GITHUB_PERSONAL_ACCESS_TOKEN';
const boxes: Box[] = [];
const outputs: string[] = [];
const values: string[] = [];
let sessions: PtySession[] = [];
let server: Server;
let base = '';
const reports: string[] = [];

beforeAll(async () => {
  requireKeyring();
  buildDist();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/credentials/revoke') {
        reports.push(body);
        res.writeHead(202).end();
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterEach(() => {
  for (const s of sessions) s.kill();
  sessions = [];
});
afterAll(async () => {
  const all = outputs.join('\n');
  for (const v of values) expect(all.includes(v), 'a value appeared in the output').toBe(false);
  for (const b of boxes) rmSync(b.root, { recursive: true, force: true });
  clearItems([ACCOUNT]);
  await new Promise<void>((ok) => server.close(() => ok()));
});

function token(seed: string): string {
  const t = fakeToken('github-classic', seed);
  values.push(t);
  return t;
}

function setup(name: string, old: string): Box {
  clearItems([ACCOUNT]);
  const b = makeBox(`mcp-harden-rotate-guard-${name}-`, 'project');
  boxes.push(b);
  mkdirSync(join(b.home, '.cursor'), { recursive: true });
  const server = { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'], env: { [ACCOUNT]: old } };
  writeFileSync(join(b.home, '.cursor', 'mcp.json'), JSON.stringify({ mcpServers: { gh: server } }, null, 2) + '\n', { mode: 0o600 });
  return b;
}

function run(b: Box, args: string[], stdin: string, extra: Record<string, string> = {}) {
  return runCliAsync(args, { cwd: b.workspace, env: { ...b.env, ...extra }, outputs, stdin });
}

describe('rotate guards', () => {
  test('the old token is not reported to GitHub while a copy of it could not be switched', async () => {
    const old = token('guard-old');
    const fresh = token('guard-new');
    const b = setup('report', old);
    // A .env that links out of the workspace and home: read, never written through.
    const outside = join(b.root, 'elsewhere');
    mkdirSync(outside);
    writeFileSync(join(outside, 'shared.env'), `GITHUB_TOKEN=${old}\n`);
    symlinkSync(join(outside, 'shared.env'), join(b.workspace, '.env'));
    const r = await run(b, ['rotate', ACCOUNT, '--value-stdin', '--yes', '--no-history', '--report-to-github'], fresh, { MCP_HARDEN_GITHUB_API_URL: base });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('not reported to GitHub');
    expect(reports).toEqual([]);
    expect(readFileSync(join(outside, 'shared.env'), 'utf8').includes(old), 'the file outside is untouched').toBe(true);
  });

  test('shell-history lines holding the old value stay unless asked, and are said', async () => {
    const old = token('hist-old');
    const b = setup('history', old);
    writeFileSync(join(b.home, '.bash_history'), `ls\nexport GITHUB_TOKEN=${old}\ngit status\n`, { mode: 0o600 });
    const kept = await run(b, ['rotate', ACCOUNT, '--value-stdin', '--yes', '--no-history'], token('hist-new-1'));
    expect(kept.code, kept.stdout + kept.stderr).toBe(0);
    expect(kept.stdout).toMatch(/! the old value is still in ~\/\.bash_history:2: shell history line \(--remove-history removes such lines\)/);
    expect(readFileSync(join(b.home, '.bash_history'), 'utf8').includes(old), 'the history line is kept').toBe(true);

    const b2 = setup('history-rm', old);
    writeFileSync(join(b2.home, '.bash_history'), `ls\nexport GITHUB_TOKEN=${old}\ngit status\n`, { mode: 0o600 });
    const removed = await run(b2, ['rotate', ACCOUNT, '--value-stdin', '--yes', '--no-history', '--remove-history'], token('hist-new-2'));
    expect(removed.code, removed.stdout + removed.stderr).toBe(0);
    expect(readFileSync(join(b2.home, '.bash_history'), 'utf8')).toBe('ls\ngit status\n');
  });

  test('--value-stdin refuses a terminal (the value would be echoed) and changes nothing', async () => {
    const old = token('tty-old');
    const b = setup('tty', old);
    const before = readFileSync(join(b.home, '.cursor', 'mcp.json'), 'utf8');
    const s = spawnCli({ args: ['rotate', ACCOUNT, '--value-stdin', '--yes'], cwd: b.workspace, env: { ...b.env, ...keyringEnv() } });
    sessions.push(s);
    await s.waitFor('--value-stdin reads a pipe');
    expect((await s.exit).code).toBe(2);
    expect(readFileSync(join(b.home, '.cursor', 'mcp.json'), 'utf8')).toBe(before);
  });
});
