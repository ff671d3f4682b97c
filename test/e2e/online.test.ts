// `audit --online` with the built binary on a sandbox: the providers are a fake on 127.0.0.1
// (MCP_HARDEN_<PROVIDER>_API_URL), answering per token. The CLI runs asynchronously so this
// process can answer its requests.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildDist, CLI, makeBox, type Box } from '../helpers/e2e.js';
import { fakeToken } from '../helpers/tokens.js';

const GH = fakeToken('github-classic', 'e2e-online');
const STRIPE = fakeToken('stripe-live', 'e2e-online');
const SLACK = fakeToken('slack-bot', 'e2e-online');
const TOKENS = [GH, STRIPE, SLACK];

let box: Box;
let provider: Server;
let base = '';
let unreachable = '';
const outputs: string[] = [];
/** What the fake provider keeps of each request: everything but the auth header, which is only compared. */
const log: string[] = [];
const authOk: { path: string; matched: boolean }[] = [];

function answer(req: IncomingMessage, res: ServerResponse): void {
  const { authorization, ...rest } = req.headers;
  log.push(JSON.stringify({ method: req.method, url: req.url, headers: rest }));
  const path = (req.url ?? '').split('?')[0];
  const expected = path === '/user' ? GH : path === '/v1/charges' ? STRIPE : undefined;
  authOk.push({ path: path ?? '', matched: expected !== undefined && authorization === `Bearer ${expected}` });
  req.resume();
  if (path === '/user' && authorization === `Bearer ${GH}`) {
    res.writeHead(200, { 'content-type': 'application/json', 'x-oauth-scopes': 'repo, admin:org' });
    res.end('{"login":"someone"}');
  } else {
    // Stripe (and anything unexpected) is refused.
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"error":{"type":"invalid_request_error"}}');
  }
}

/** Runs the built CLI without blocking this process's event loop (the fake provider lives here). */
function runAsync(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      outputs.push(stdout, stderr);
      resolveRun({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  buildDist();
  provider = createServer(answer);
  provider.maxConnections = 16;
  await new Promise<void>((ok) => provider.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  // A port nothing listens on: the Slack API is "down".
  const closed = createServer();
  await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
  unreachable = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((ok) => closed.close(() => ok()));

  box = makeBox('mcp-harden-online-', 'project', {
    MCP_HARDEN_GITHUB_API_URL: base,
    MCP_HARDEN_STRIPE_API_URL: base,
    MCP_HARDEN_SLACK_API_URL: unreachable,
  });
  const servers = {
    // A vendor package without a pinned version: suggested `limited`.
    github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: GH } },
    stripe: { command: 'npx', args: ['-y', '@stripe/mcp@0.2.0', '--tools=balance.read'], env: { STRIPE_SECRET_KEY: STRIPE } },
    slack: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-slack@2025.4.25'], env: { SLACK_BOT_TOKEN: SLACK, SLACK_TEAM_ID: 'T01234567' } },
  };
  writeFileSync(join(box.workspace, '.mcp.json'), JSON.stringify({ mcpServers: servers }, null, 2));
});

afterAll(async () => {
  await new Promise<void>((ok) => {
    provider?.closeAllConnections();
    provider ? provider.close(() => ok()) : ok();
  });
  // Whatever ran, no token reached the output or the provider's log (only the compared auth header).
  const all = [...outputs, ...log].join('\n');
  for (const t of TOKENS) expect(all.includes(t)).toBe(false);
  if (box) rmSync(box.root, { recursive: true, force: true });
});

describe('audit --online', () => {
  test('--json: scopes beyond trust, an invalid key, and an unreachable provider as unknown', async () => {
    const r = await runAsync(['audit', '--online', '--json', '--no-home', '--workspace', box.workspace], box.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);

    const scope = report.findings.filter((f: any) => f.rule === 'token-scope-exceeds-trust');
    expect(scope).toHaveLength(1);
    expect(scope[0]).toMatchObject({ severity: 'high', server: 'github', client: 'claude-code', file: join(box.workspace, '.mcp.json') });
    expect(scope[0].message).toContain('has repo, admin:org');
    expect(scope[0].message).toContain('limited server "github"');

    const invalid = report.findings.filter((f: any) => f.rule === 'token-invalid');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ severity: 'high', server: 'stripe', secret: { provider: 'stripe', masked: 'sk_live_…(107)' } });

    // Slack could not be asked: a note that says unknown, and no finding that pretends to know.
    const slackNotes = report.notes.filter((n: string) => n.includes('Slack'));
    expect(slackNotes).toHaveLength(1);
    expect(slackNotes[0]).toMatch(/unknown, not verified \(could not reach 127\.0\.0\.1:\d+/);
    expect(report.findings.some((f: any) => f.server === 'slack' && f.rule.startsWith('token-'))).toBe(false);

    expect(report.summary.byRule['token-scope-exceeds-trust']).toBe(1);
    expect(report.summary.byRule['token-invalid']).toBe(1);

    // Each token went to its own provider once, in its auth header.
    expect(authOk).toEqual(
      expect.arrayContaining([
        { path: '/user', matched: true },
        { path: '/v1/charges', matched: true },
      ]),
    );
    expect(authOk.every((a) => a.matched)).toBe(true);
  });

  test('without --online nothing is sent and no token- finding appears', async () => {
    const before = log.length;
    const r = await runAsync(['audit', '--json', '--no-home', '--workspace', box.workspace], box.env);
    const report = JSON.parse(r.stdout);
    expect(log.length).toBe(before);
    expect(report.findings.some((f: any) => f.rule.startsWith('token-'))).toBe(false);
  });

  test('the human report shows the findings and the note', async () => {
    const r = await runAsync(['audit', '--online', '--no-home', '--workspace', box.workspace], box.env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('token-scope-exceeds-trust');
    expect(r.stdout).toContain('token-invalid');
    expect(r.stdout).toMatch(/Notes[\s\S]*online check of Slack bot-token/);
  });

  test('--sarif lists the new rules from the rule table', async () => {
    const r = await runAsync(['audit', '--online', '--sarif', '--no-home', '--workspace', box.workspace], box.env);
    const sarif = JSON.parse(r.stdout);
    const ids = sarif.runs[0].tool.driver.rules.map((x: any) => x.id);
    expect(ids).toEqual(expect.arrayContaining(['token-scope-exceeds-trust', 'token-invalid']));
    expect(sarif.runs[0].results.map((x: any) => x.ruleId)).toEqual(expect.arrayContaining(['token-scope-exceeds-trust', 'token-invalid']));
  });
});
