// `onboard --yes` on the built binary against a private gnome-keyring (scripts/with-keyring.sh): a
// fresh HOME, a workspace whose committed .mcp.json references three keychain secrets, and the team
// policy describing them. Every token is synthetic.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDist, clearItems, CLI, filesHolding, lookupItem, makeBox, requireKeyring, snapshot, type Box, runCliAsync } from '../helpers/e2e.js';
import { fakeGithubTokenBadChecksum, fakeToken } from '../helpers/tokens.js';
import { MCP_JSON, POLICY } from '../helpers/onboard-team.js';

const ACCOUNTS = ['GITHUB_PERSONAL_ACCESS_TOKEN', 'SLACK_BOT_TOKEN', 'NOTION_TOKEN'];
const outputs: string[] = [];
const boxes: Box[] = [];
const values: string[] = [];

beforeAll(() => {
  requireKeyring();
  buildDist();
});

afterAll(() => {
  const all = outputs.join('\n');
  for (const v of values) expect(all.includes(v), 'a secret value appeared in the output').toBe(false);
  for (const b of boxes) rmSync(b.root, { recursive: true, force: true });
  clearItems(ACCOUNTS);
});

function fresh(prefix: string): Box {
  clearItems(ACCOUNTS);
  const b = makeBox(`mcp-harden-onboard-${prefix}-`, 'repo');
  boxes.push(b);
  writeFileSync(join(b.workspace, '.mcp.json'), MCP_JSON);
  writeFileSync(join(b.workspace, 'mcp-harden.policy.json'), JSON.stringify(POLICY, null, 2) + '\n');
  return b;
}

/** Runs the built CLI with `input` on stdin. */
function run(b: Box, args: string[], input = '') {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: b.workspace, env: b.env, input, encoding: 'utf8', timeout: 60_000 });
  outputs.push(r.stdout, r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tokens(seed: string) {
  const t = {
    GITHUB_PERSONAL_ACCESS_TOKEN: fakeToken('github-classic', seed),
    SLACK_BOT_TOKEN: fakeToken('slack-bot', seed),
    NOTION_TOKEN: fakeToken('notion', seed),
  };
  values.push(...Object.values(t));
  return t;
}

const lines = (t: Record<string, string>) => `# provisioning\n${Object.entries(t).map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
const isState = (p: string) => p.includes(join('.local', 'state')) || p.includes(join('.local', 'share', 'mcp-harden')) || p.includes(join('.local', 'bin'));

describe('onboard --yes', () => {
  test('stores every required secret from stdin, and a second run finds everything done and changes nothing', () => {
    const b = fresh('yes');
    const t = tokens('yes');
    const before = readFileSync(join(b.workspace, '.mcp.json'), 'utf8');
    const r = run(b, ['onboard', '--yes'], lines(t));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const [name, value] of Object.entries(t)) expect(lookupItem(name) === value, `${name} in the keychain`).toBe(true);
    expect(r.stdout).toMatch(/✓ GITHUB_PERSONAL_ACCESS_TOKEN {2}github personal-access-token {2}scopes \(classic scopes, limited\): public_repo, read:org — stored in the keychain/);
    expect(r.stdout).toMatch(/✓ NOTION_TOKEN {2}notion {2}scopes \(untrusted\)|✓ NOTION_TOKEN {2}notion {2}scopes: not listed/);
    expect(r.stdout).toMatch(/Launcher: installed, but mcp-harden-launch is not on PATH/);
    const runId = /Run (\d{8}-\d{6}-[0-9a-f]{4}): 3 done, 0 skipped, 0 failed/.exec(r.stdout)?.[1];
    expect(runId).toBeDefined();
    expect(r.stdout).toContain(`mcp-harden undo ${runId}`);
    // The committed config is not touched: it already says what the policy says.
    expect(readFileSync(join(b.workspace, '.mcp.json'), 'utf8')).toBe(before);

    const snap = snapshot(b.root, isState);
    const again = run(b, ['onboard', '--yes'], '');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Everything is already set up; nothing was changed.');
    expect(again.stdout.match(/— already set up/g)).toHaveLength(3);
    expect(again.stdout).toMatch(/✓ "github" runs @modelcontextprotocol\/server-github@2025\.4\.8 — already done/);
    expect(snapshot(b.root, isState)).toEqual(snap);
    for (const [name, value] of Object.entries(t)) expect(lookupItem(name) === value).toBe(true);

    // Nothing but the keychain holds a value: not the workspace, HOME, the journal or the backups.
    for (const value of Object.values(t)) expect(filesHolding(b.root, value)).toEqual([]);
  });

  test('--yes with a wrong-shape value refuses with exit 1 and stores nothing', () => {
    const b = fresh('bad');
    const t = { ...tokens('bad'), GITHUB_PERSONAL_ACCESS_TOKEN: fakeGithubTokenBadChecksum('bad') };
    values.push(t.GITHUB_PERSONAL_ACCESS_TOKEN);
    const before = snapshot(b.root);
    const r = run(b, ['onboard', '--yes'], lines(t));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/GITHUB_PERSONAL_ACCESS_TOKEN: the GitHub checksum .* does not match/);
    expect(r.stderr).toContain('nothing was stored or changed');
    for (const name of ACCOUNTS) expect(lookupItem(name) === null, `${name} is not stored`).toBe(true);
    expect(snapshot(b.root)).toEqual(before);
  });

  test('--yes with a required name missing from stdin names it, exits 1 and stores nothing', () => {
    const b = fresh('missing');
    const { NOTION_TOKEN: _n, ...t } = tokens('missing');
    const r = run(b, ['onboard', '--yes'], lines(t));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing from stdin: NOTION_TOKEN');
    for (const name of ACCOUNTS) expect(lookupItem(name) === null, `${name} is not stored`).toBe(true);
  });

  test('undo --delete-secrets removes what the run stored', () => {
    const b = fresh('undo');
    const t = tokens('undo');
    const r = run(b, ['onboard', '--yes'], lines(t));
    expect(r.code).toBe(0);
    const runId = /Run (\d{8}-\d{6}-[0-9a-f]{4})/.exec(r.stdout)![1]!;
    const u = run(b, ['undo', runId, '--delete-secrets']);
    expect(u.code).toBe(0);
    for (const name of ACCOUNTS) expect(u.stdout).toMatch(new RegExp(`deleted +keychain mcp-harden/${name}`));
    for (const name of ACCOUNTS) expect(lookupItem(name) === null, `${name} is not stored`).toBe(true);
  });

  test('without --yes and without a terminal it is a usage error pointing to --yes', () => {
    const b = fresh('notty');
    const r = run(b, ['onboard']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--yes');
  });

  test('a workspace without a policy exits 2 and says what to do', () => {
    const b = fresh('nopolicy');
    rmSync(join(b.workspace, 'mcp-harden.policy.json'));
    const r = run(b, ['onboard', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no mcp-harden\.policy\.json in .*: onboarding sets a machine up from the team policy/);
  });
});

describe('onboard --yes --online against a local fake provider', () => {
  let server: Server;
  let base = '';
  let valid = new Set<string>();
  const asked: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const auth = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        asked.push(req.url ?? '');
        if (req.url === '/user') {
          if (valid.has(auth)) res.writeHead(200, { 'x-oauth-scopes': 'repo, admin:org' }).end('{}');
          else res.writeHead(401).end('{}');
          return;
        }
        if (req.url === '/api/auth.test') {
          res.writeHead(200, { 'content-type': 'application/json', 'x-oauth-scopes': 'channels:history,channels:read' });
          res.end(JSON.stringify(valid.has(auth) ? { ok: true } : { ok: false, error: 'invalid_auth' }));
          return;
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const a = server.address();
    base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  /** Not spawnSync: the fake provider answers from this process. */
  function runOnline(b: Box, input: string) {
    return runCliAsync(['onboard', '--yes', '--online'], { cwd: b.workspace, env: { ...b.env, MCP_HARDEN_GITHUB_API_URL: base, MCP_HARDEN_SLACK_API_URL: base }, outputs, stdin: input });
  }

  test('tokens the providers accept are stored, with a warning for scopes beyond the trust level', async () => {
    const b = fresh('online');
    const t = tokens('online');
    valid = new Set([t.GITHUB_PERSONAL_ACCESS_TOKEN, t.SLACK_BOT_TOKEN]);
    const r = await runOnline(b, lines(t));
    expect(r.code, r.stderr).toBe(0);
    expect(asked).toEqual(expect.arrayContaining(['/user', '/api/auth.test']));
    expect(r.stderr).toMatch(/GITHUB_PERSONAL_ACCESS_TOKEN: .*admin:org.* more than a limited server needs/);
    for (const [name, value] of Object.entries(t)) expect(lookupItem(name) === value, `${name} stored`).toBe(true);
  });

  test('a token the provider rejects stops the run before anything is stored', async () => {
    const b = fresh('online-bad');
    const t = tokens('online-bad');
    valid = new Set([t.GITHUB_PERSONAL_ACCESS_TOKEN]);
    const before = snapshot(b.root);
    const r = await runOnline(b, lines(t));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SLACK_BOT_TOKEN/);
    expect(r.stderr).toContain('nothing was stored or changed');
    for (const name of ACCOUNTS) expect(lookupItem(name) === null, `${name} is not stored`).toBe(true);
    expect(snapshot(b.root)).toEqual(before);
  });
});
