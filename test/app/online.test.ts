// `audit --online` as a use case: a real scan of temp files, the tokens checked against a fake
// provider on 127.0.0.1, and the findings and notes that come out, judged by trust level.
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { nodeFs } from '../../src/adapters/node-fs.js';
import { findEnvFiles } from '../../src/adapters/walk.js';
import { scan, type WorkspacePort } from '../../src/app/audit.js';
import { checkOnline, mergeOnline, suggestedTrustOf, type OnlineServer } from '../../src/app/online.js';
import type { TrustLevel } from '../../src/core/scopes.js';
import { fingerprint } from '../../src/core/secrets/index.js';
import { matchServer } from '../../src/core/catalog/index.js';
import { suggestTrust } from '../../src/core/trust.js';
import { fakeToken } from '../helpers/tokens.js';
import { tempMachine } from '../helpers/workspace.js';

const GH = fakeToken('github-classic', 'online');
const GH_READ = fakeToken('github-classic', 'online-read');
const GH_FG = fakeToken('github-fine-grained', 'online');
const GH_HISTORY = fakeToken('github-classic', 'online-history');
const STRIPE = fakeToken('stripe-live', 'online');
const SLACK = fakeToken('slack-bot', 'online');
const GITLAB = fakeToken('gitlab-pat', 'online');
const HF = fakeToken('huggingface', 'online');
const TOKENS = [GH, GH_READ, GH_FG, GH_HISTORY, STRIPE, SLACK, GITLAB, HF];

const roots: string[] = [];
const servers: { close(): Promise<void> }[] = [];
const printed: string[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  const all = printed.join('\n');
  for (const t of TOKENS) expect(all.includes(t)).toBe(false);
});

/** A fake provider: answers per token (compared with the auth header, never printed). */
async function provider(answer: (token: string | undefined, path: string) => { status: number; headers?: Record<string, string>; body?: unknown }) {
  const seen: { path: string; token: string | undefined }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const auth = req.headers.authorization;
    const token = typeof auth === 'string' ? auth.replace(/^Bearer /, '') : (req.headers['private-token'] as string | undefined);
    seen.push({ path: req.url ?? '', token });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.resume();
    req.on('end', () =>
      // A short delay so parallel requests overlap.
      setTimeout(() => {
        inFlight--;
        const a = answer(token, req.url ?? '');
        res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
        res.end(JSON.stringify(a.body ?? {}));
      }, 20),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push({
    close: () => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok()))),
  });
  return { base, seen, maxInFlight: () => maxInFlight };
}

/** A loopback port nothing listens on: opened, then closed. */
async function closedPort(): Promise<string> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return `http://127.0.0.1:${port}`;
}

const noGit: Pick<WorkspacePort, 'gitFacts'> = {
  async gitFacts() {
    return { isRepo: false, tracked: new Set(), ignored: new Set() };
  },
};

/** A workspace with a Claude Code .mcp.json (and other files), scanned for real. */
async function scanned(files: Record<string, string>) {
  const { root, home, workspace } = tempMachine('mcp-harden-online-', files);
  roots.push(root);
  return scan(nodeFs, { findEnvFiles, ...noGit }, {
    host: { platform: 'linux', home, env: { HOME: home } },
    workspace,
    noHome: false,
    configs: [],
    failOn: 'high',
    ignore: [],
    version: 'test',
  });
}

const mcpJson = (servers: Record<string, { command: string; args?: string[]; env?: Record<string, string> }>) =>
  JSON.stringify({ mcpServers: servers }, null, 2);

const trust = (levels: Record<string, TrustLevel>) => (s: OnlineServer) => levels[s.name];

describe('scopes against trust', () => {
  test('a GitHub classic token with repo and admin:org behind a limited server is too broad; behind a trusted one it is not', async () => {
    const gh = await provider((token) =>
      token === GH ? { status: 200, headers: { 'x-oauth-scopes': 'repo, admin:org' } } : { status: 401 },
    );
    const { details } = await scanned({
      'ws/.mcp.json': mcpJson({
        'gh-limited': { command: 'npx', args: ['-y', 'some-github-mcp@1.0.0'], env: { GITHUB_TOKEN: GH } },
        'gh-trusted': { command: 'npx', args: ['-y', 'other-github-mcp@1.0.0'], env: { GITHUB_TOKEN: GH } },
      }),
    });
    const r = await checkOnline(details, {
      env: { MCP_HARDEN_GITHUB_API_URL: gh.base },
      trustOf: trust({ 'gh-limited': 'limited', 'gh-trusted': 'trusted' }),
    });
    printed.push(JSON.stringify(r));
    // One token used by two servers is asked about once.
    expect(gh.seen).toHaveLength(1);
    expect(r.checked).toBe(1);
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0]!;
    expect(f).toMatchObject({
      rule: 'token-scope-exceeds-trust',
      severity: 'high',
      server: 'gh-limited',
      client: 'claude-code',
      secret: { provider: 'github', fingerprint: fingerprint(GH), masked: 'ghp_…(40)' },
    });
    expect(f.message).toBe(
      'GitHub personal-access-token ghp_…(40) given to limited server "gh-limited" has repo, admin:org; a limited server should get read-only scopes',
    );
    expect(f.file.endsWith('.mcp.json')).toBe(true);
    expect(f.fix).toContain('fine-grained token');
    expect(r.notes).toEqual([]);
  });

  test('read-only scopes are fine even for an untrusted server', async () => {
    const gh = await provider(() => ({ status: 200, headers: { 'x-oauth-scopes': 'read:org, read:user' } }));
    const { details } = await scanned({
      'ws/.mcp.json': mcpJson({ gh: { command: 'npx', args: ['-y', 'x-mcp'], env: { GITHUB_TOKEN: GH_READ } } }),
    });
    const r = await checkOnline(details, { env: { MCP_HARDEN_GITHUB_API_URL: gh.base }, trustOf: trust({ gh: 'untrusted' }) });
    expect(gh.seen).toHaveLength(1);
    expect(r.findings).toEqual([]);
  });

  test('Slack, GitLab and Hugging Face write scopes are too broad for a limited server, read scopes are not', async () => {
    const slack = await provider(() => ({ status: 200, headers: { 'x-oauth-scopes': 'channels:history,channels:read,chat:write,reactions:write' }, body: { ok: true } }));
    const gitlab = await provider(() => ({ status: 200, body: { scopes: ['read_api', 'write_repository'], active: true, revoked: false, expires_at: null } }));
    const hf = await provider(() => ({ status: 200, body: { auth: { accessToken: { role: 'read' } } } }));
    const { details } = await scanned({
      'ws/.mcp.json': mcpJson({
        slack: { command: 'npx', args: ['s@1'], env: { SLACK_BOT_TOKEN: SLACK } },
        gitlab: { command: 'npx', args: ['g@1'], env: { GITLAB_PERSONAL_ACCESS_TOKEN: GITLAB } },
        hf: { command: 'npx', args: ['h@1'], env: { HF_TOKEN: HF } },
      }),
    });
    const r = await checkOnline(details, {
      env: { MCP_HARDEN_SLACK_API_URL: slack.base, MCP_HARDEN_GITLAB_API_URL: gitlab.base, MCP_HARDEN_HUGGINGFACE_API_URL: hf.base },
      trustOf: () => 'limited',
    });
    printed.push(JSON.stringify(r));
    const byServer = Object.fromEntries(r.findings.map((f) => [f.server, f.message]));
    expect(Object.keys(byServer).sort()).toEqual(['gitlab', 'slack']);
    expect(byServer.slack).toContain('has chat:write, reactions:write;');
    expect(byServer.gitlab).toContain('has write_repository;');
  });

  test('a token in .env that a server names with ${VAR} is judged by that server, and the finding points at the .env line', async () => {
    const gh = await provider(() => ({ status: 200, headers: { 'x-oauth-scopes': 'repo' } }));
    const { details } = await scanned({
      'ws/.mcp.json': mcpJson({ gh: { command: 'npx', args: ['-y', 'x-mcp@1'], env: { GITHUB_TOKEN: '${GITHUB_TOKEN}' } } }),
      'ws/.env': `OTHER=1\nGITHUB_TOKEN=${GH}\n`,
    });
    const r = await checkOnline(details, { env: { MCP_HARDEN_GITHUB_API_URL: gh.base }, trustOf: trust({ gh: 'untrusted' }) });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ rule: 'token-scope-exceeds-trust', server: 'gh', line: 2 });
    expect(r.findings[0]!.file.endsWith('.env')).toBe(true);
    expect(r.findings[0]!.message).toContain('untrusted server "gh" has repo;');
  });
});

describe('invalid and unknown', () => {
  test('a Stripe key answered 401 is token-invalid; an unreachable provider is a note, never ok', async () => {
    const stripe = await provider(() => ({ status: 401, body: { error: { type: 'invalid_request_error' } } }));
    const { details } = await scanned({
      'ws/.mcp.json': mcpJson({
        stripe: { command: 'npx', args: ['-y', '@stripe/mcp@0.2.0', '--tools=all'], env: { STRIPE_SECRET_KEY: STRIPE } },
        gh: { command: 'npx', args: ['-y', 'x-mcp@1'], env: { GITHUB_TOKEN: GH } },
      }),
    });
    const r = await checkOnline(details, {
      env: { MCP_HARDEN_STRIPE_API_URL: stripe.base, MCP_HARDEN_GITHUB_API_URL: await closedPort() },
      trustOf: () => 'limited',
    });
    printed.push(JSON.stringify(r));
    expect(stripe.seen.map((s) => s.path)).toEqual(['/v1/charges?limit=1']);
    expect(stripe.seen[0]!.token === STRIPE).toBe(true);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ rule: 'token-invalid', severity: 'high', server: 'stripe', secret: { provider: 'stripe', masked: 'sk_live_…(107)' } });
    expect(r.findings[0]!.message).toBe('Stripe secret-key sk_live_…(107) in env STRIPE_SECRET_KEY of server "stripe" is not valid: Stripe rejected the token (HTTP 401)');
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toMatch(/^online check of GitHub personal-access-token ghp_…\(40\) in env GITHUB_TOKEN of server "gh": unknown, not verified \(could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)\)$/);
  });

  test('a fine-grained token behind a limited server: valid, but its fit is unknown (a note, no finding)', async () => {
    const gh = await provider(() => ({ status: 200 }));
    const { details } = await scanned({
      'ws/.mcp.json': mcpJson({ gh: { command: 'npx', args: ['-y', 'x-mcp@1'], env: { GITHUB_TOKEN: GH_FG } } }),
    });
    const r = await checkOnline(details, { env: { MCP_HARDEN_GITHUB_API_URL: gh.base }, trustOf: () => 'limited' });
    expect(r.findings).toEqual([]);
    expect(r.notes).toEqual([
      'online check of GitHub fine-grained-pat github_pat_…(93) in env GITHUB_TOKEN of server "gh": valid; fine-grained: permissions not listed by the API; whether it suits "gh" (limited) is unknown',
    ]);
  });

  test('a token only in shell history is not sent anywhere', async () => {
    const gh = await provider(() => ({ status: 401 }));
    const { details } = await scanned({ 'home/.bash_history': `export GITHUB_TOKEN=${GH_HISTORY}\nls\n` });
    expect(details.hits.some((h) => h.where === 'history')).toBe(true);
    const r = await checkOnline(details, { env: { MCP_HARDEN_GITHUB_API_URL: gh.base }, trustOf: () => 'untrusted' });
    expect(gh.seen).toHaveLength(0);
    expect(r).toEqual({ findings: [], notes: [], checked: 0 });
  });

  test('at most `concurrency` providers are asked at once', async () => {
    const gh = await provider(() => ({ status: 200, headers: { 'x-oauth-scopes': '' } }));
    const env: Record<string, { command: string; env: Record<string, string> }> = {};
    for (let i = 0; i < 6; i++) env[`s${i}`] = { command: 'x', env: { GITHUB_TOKEN: fakeToken('github-classic', `pool-${i}`) } };
    const { details } = await scanned({ 'ws/.mcp.json': mcpJson(env) });
    const r = await checkOnline(details, { env: { MCP_HARDEN_GITHUB_API_URL: gh.base }, trustOf: () => 'limited', concurrency: 2 });
    expect(r.checked).toBe(6);
    expect(gh.seen).toHaveLength(6);
    expect(gh.maxInFlight()).toBe(2);
  });
});

describe('into the report', () => {
  test('the suggested trust, the ignore list and the summary counts apply to the online findings', async () => {
    const gh = await provider(() => ({ status: 200, headers: { 'x-oauth-scopes': 'repo, admin:org' } }));
    const stripe = await provider(() => ({ status: 401 }));
    const { report, details } = await scanned({
      'ws/.mcp.json': mcpJson({
        // An official package without a version: suggested `limited`; a vendor's pinned one `trusted`.
        github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: GH } },
        stripe: { command: 'npx', args: ['-y', '@stripe/mcp@0.2.0'], env: { STRIPE_SECRET_KEY: STRIPE } },
      }),
    });
    const trustOf = suggestedTrustOf(report, details.servers, (s, input) => suggestTrust(s, matchServer(s), input).level);
    const file = report.servers[0]!.file;
    expect(trustOf({ name: 'github', client: 'claude-code', file })).toBe('limited');
    expect(trustOf({ name: 'stripe', client: 'claude-code', file })).toBe('trusted');
    const online = await checkOnline(details, {
      env: { MCP_HARDEN_GITHUB_API_URL: gh.base, MCP_HARDEN_STRIPE_API_URL: stripe.base },
      trustOf,
    });
    expect(online.findings.map((f) => f.rule).sort()).toEqual(['token-invalid', 'token-scope-exceeds-trust']);

    const merged = mergeOnline(report, online, { ignore: [{ rule: 'token-invalid', reason: 'test key, being replaced' }] });
    printed.push(JSON.stringify(merged));
    expect(merged.summary.byRule['token-scope-exceeds-trust']).toBe(1);
    expect(merged.summary.byRule['token-invalid']).toBeUndefined();
    expect(merged.summary.suppressed).toBe(report.summary.suppressed + 1);
    expect(merged.summary.findings).toBe(report.summary.findings + 1);
    expect(merged.summary.failing).toBe(report.summary.failing + 1);
    expect(merged.servers.find((s) => s.name === 'github')!.findings).toBe(report.servers.find((s) => s.name === 'github')!.findings + 1);
    // Most severe first, as the printers expect.
    const ranks = merged.findings.map((f) => ['info', 'low', 'medium', 'high', 'critical'].indexOf(f.severity));
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    // The original report is left as it was.
    expect(report.findings.some((f) => f.rule === 'token-scope-exceeds-trust')).toBe(false);
  });
});

describe('self-hosted instances', () => {
  test('a token of a server set to a self-hosted GitHub or GitLab is not sent to the public service', async () => {
    // Any request would go to the public host: none may be made.
    const calls: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (url: string | URL) => {
      calls.push(String(url));
      throw new Error('no network in tests');
    }) as typeof fetch;
    try {
      const { details } = await scanned({
        'ws/.mcp.json': mcpJson({
          ghe: { command: 'github-mcp-server', args: ['stdio'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: GH, GITHUB_HOST: 'https://ghe.example.com' } },
          gl: { command: 'npx', args: ['g@1'], env: { GITLAB_PERSONAL_ACCESS_TOKEN: GITLAB, GITLAB_API_URL: 'https://gitlab.example.com/api/v4' } },
          flag: { command: 'github-mcp-server', args: ['stdio', '--gh-host', 'ghe.example.org'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: GH_READ } },
        }),
      });
      const r = await checkOnline(details, { env: {}, trustOf: trust({}) });
      printed.push(JSON.stringify(r));
      expect(calls).toEqual([]);
      expect(r.checked).toBe(0);
      expect(r.notes).toEqual([
        expect.stringMatching(/ghp_…\(40\).*self-hosted \(GITHUB_HOST=ghe\.example\.com in "ghe"\): not checked/),
        expect.stringMatching(/glpat-.*self-hosted \(GITLAB_API_URL=gitlab\.example\.com in "gl"\): not checked/),
        expect.stringMatching(/self-hosted \(--gh-host=ghe\.example\.org in "flag"\): not checked/),
      ]);
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  test('the public host named explicitly is checked as usual, and so is a self-hosted token when the check is pointed at its instance', async () => {
    const gh = await provider((token) => (token === GH ? { status: 200, headers: { 'x-oauth-scopes': 'read:org' } } : { status: 401 }));
    const { details } = await scanned({
      'ws/.mcp.json': mcpJson({
        pub: { command: 'github-mcp-server', args: ['stdio'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: GH_READ, GITHUB_HOST: 'github.com' } },
        ghe: { command: 'github-mcp-server', args: ['stdio'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: GH, GITHUB_HOST: 'ghe.example.com' } },
      }),
    });
    const r = await checkOnline(details, { env: { MCP_HARDEN_GITHUB_API_URL: gh.base }, trustOf: trust({}) });
    expect(r.checked).toBe(2);
    expect(gh.seen).toHaveLength(2);
    expect(r.notes.filter((n) => n.includes('self-hosted'))).toEqual([]);
  });
});
