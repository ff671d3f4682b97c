// The live token checks against a fake provider on 127.0.0.1: what each provider's answer means,
// and that the token is sent only where it belongs (never on through a redirect).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import {
  apiBase,
  checkAnthropic,
  checkFor,
  checkGithub,
  checkGitlab,
  checkHuggingface,
  checkOpenai,
  checkSlack,
  checkStripe,
  type ScopeCheckResult,
} from '../../src/adapters/scope-check.js';
import { selfHostedSetting } from '../../src/adapters/scope-check.js';
import { fakeToken } from '../helpers/tokens.js';

const GITHUB = fakeToken('github-classic', 'scope-check');
const GITHUB_FG = fakeToken('github-fine-grained', 'scope-check');
const GITLAB = fakeToken('gitlab-pat', 'scope-check');
const SLACK = fakeToken('slack-bot', 'scope-check');
const HF = fakeToken('huggingface', 'scope-check');
const OPENAI = fakeToken('openai-project', 'scope-check');
const ANTHROPIC = fakeToken('anthropic', 'scope-check');
const STRIPE = fakeToken('stripe-restricted', 'scope-check');
const ALL = [GITHUB, GITHUB_FG, GITLAB, SLACK, HF, OPENAI, ANTHROPIC, STRIPE];

/** What the fake saw of a request. Header values stay in memory; tests only compare them. */
interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Reply = { status: number; headers?: Record<string, string>; body?: unknown } | 'hang';

interface Fake {
  base: string;
  seen: Seen[];
  close(): Promise<void>;
}

const open: Fake[] = [];
const results: ScopeCheckResult[] = [];

/** A provider on a random loopback port answering each request with `reply`. */
async function fake(reply: (req: Seen) => Reply): Promise<Fake> {
  const seen: Seen[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      if (body.length < 4096) body += c.toString('utf8');
    });
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      const r = reply(s);
      if (r === 'hang') return; // never answers: the client's timeout must end it
      const text = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(text);
    });
  });
  server.maxConnections = 16;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  const f: Fake = {
    base: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
  open.push(f);
  return f;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((f) => f.close()));
});

afterAll(() => {
  // No result ever carries a token, whatever the provider answered.
  const text = JSON.stringify(results);
  for (const t of ALL) expect(text.includes(t)).toBe(false);
});

const env = (provider: string, base: string) => ({ [`MCP_HARDEN_${provider.toUpperCase()}_API_URL`]: base });
const keep = (r: ScopeCheckResult) => (results.push(r), r);

/** A port nothing listens on: opened, then closed. */
async function closedPort(): Promise<string> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return `http://127.0.0.1:${port}`;
}

describe('GitHub', () => {
  test('a classic token: the scopes come from x-oauth-scopes, the token only in the Authorization header', async () => {
    const f = await fake(() => ({ status: 200, headers: { 'x-oauth-scopes': 'repo, admin:org' }, body: { login: 'someone' } }));
    const r = keep(await checkGithub(GITHUB, { env: env('github', f.base) }));
    expect(r).toMatchObject({ status: 'ok', scopes: ['repo', 'admin:org'] });
    expect(r.detail).toBe('valid; scopes: repo, admin:org');
    expect(f.seen).toHaveLength(1);
    expect(f.seen[0]!.method).toBe('GET');
    expect(f.seen[0]!.path).toBe('/user');
    expect(f.seen[0]!.headers.authorization === `Bearer ${GITHUB}`).toBe(true);
    // Nowhere else: not in the URL, not in another header, not in a body.
    const elsewhere = { ...f.seen[0]!.headers, authorization: '' };
    expect(JSON.stringify(elsewhere).includes(GITHUB) || f.seen[0]!.path.includes(GITHUB) || f.seen[0]!.body.includes(GITHUB)).toBe(false);
  });

  test('a classic token with no scopes is valid with an empty list', async () => {
    const f = await fake(() => ({ status: 200, headers: { 'x-oauth-scopes': '' } }));
    expect(keep(await checkGithub(GITHUB, { env: env('github', f.base) }))).toMatchObject({ status: 'ok', scopes: [], detail: 'valid; scopes: none' });
  });

  test('a fine-grained token (no x-oauth-scopes) is valid, its permissions not listed', async () => {
    const f = await fake(() => ({ status: 200, body: {} }));
    const r = keep(await checkGithub(GITHUB_FG, { env: env('github', f.base) }));
    expect(r.status).toBe('ok');
    expect(r.scopes).toBeUndefined();
    expect(r.detail).toContain('fine-grained: permissions not listed by the API');
  });

  test('401 means invalid', async () => {
    const f = await fake(() => ({ status: 401, body: { message: 'Bad credentials' } }));
    expect(keep(await checkGithub(GITHUB, { env: env('github', f.base) }))).toMatchObject({ status: 'invalid' });
  });

  test('rate limits, server errors and other refusals are unknown, never ok or invalid', async () => {
    const answers: Reply[] = [
      { status: 429, headers: { 'retry-after': '60' } },
      { status: 403, headers: { 'x-ratelimit-remaining': '0' } },
      { status: 503 },
      { status: 403, body: { message: 'Resource not accessible by integration' } },
      { status: 404 },
    ];
    let i = 0;
    const f = await fake(() => answers[i++]!);
    const got = [];
    for (let n = 0; n < answers.length; n++) got.push(keep(await checkGithub(GITHUB, { env: env('github', f.base) })));
    expect(got.map((r) => r.status)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
    expect(got[0]!.detail).toMatch(/rate-limited .*HTTP 429/);
    expect(got[1]!.detail).toMatch(/rate-limited .*HTTP 403/);
    expect(got[2]!.detail).toMatch(/server error \(HTTP 503\)/);
    expect(got[3]!.detail).toMatch(/HTTP 403/);
  });

  test('a redirect to another host is not followed: the other host never sees the token', async () => {
    const elsewhere = await fake(() => ({ status: 200, headers: { 'x-oauth-scopes': 'repo' } }));
    const f = await fake(() => ({ status: 302, headers: { location: `${elsewhere.base.replace('127.0.0.1', 'localhost')}/user` } }));
    const r = keep(await checkGithub(GITHUB, { env: env('github', f.base) }));
    expect(r.status).toBe('unknown');
    expect(r.detail).toMatch(/redirect to localhost:\d+; not followed/);
    expect(elsewhere.seen).toHaveLength(0);
  });

  test('a redirect on the same host is not followed either', async () => {
    const f = await fake((s): Reply => (s.path === '/user' ? { status: 301, headers: { location: '/v2/user' } } : { status: 200, headers: { 'x-oauth-scopes': 'repo' } }));
    const r = keep(await checkGithub(GITHUB, { env: env('github', f.base) }));
    expect(r.status).toBe('unknown');
    expect(f.seen.map((s) => s.path)).toEqual(['/user']);
  });

  test('an unreachable provider is unknown, with why', async () => {
    const base = await closedPort();
    const r = keep(await checkGithub(GITHUB, { env: env('github', base) }));
    expect(r.status).toBe('unknown');
    expect(r.detail).toMatch(/could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  test('a provider that does not answer in time is unknown', async () => {
    const f = await fake(() => 'hang');
    const started = Date.now();
    const r = keep(await checkGithub(GITHUB, { env: env('github', f.base), timeoutMs: 300 }));
    expect(r.status).toBe('unknown');
    expect(r.detail).toMatch(/no answer from 127\.0\.0\.1:\d+ within 0\.3 s/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('an override keeps its path prefix (GitHub Enterprise)', async () => {
    const f = await fake(() => ({ status: 200, headers: { 'x-oauth-scopes': 'read:org' } }));
    const r = keep(await checkGithub(GITHUB, { env: env('github', `${f.base}/api/v3/`) }));
    expect(r.scopes).toEqual(['read:org']);
    expect(f.seen[0]!.path).toBe('/api/v3/user');
  });
});

describe('API base overrides', () => {
  test('https anywhere, http only on loopback, no credentials in the URL', () => {
    expect(String(apiBase('github', {}))).toBe('https://api.github.com/');
    expect(String(apiBase('github', { MCP_HARDEN_GITHUB_API_URL: 'https://ghe.example.com/api/v3' }))).toBe('https://ghe.example.com/api/v3');
    expect(String(apiBase('stripe', { MCP_HARDEN_STRIPE_API_URL: 'http://localhost:8080' }))).toBe('http://localhost:8080/');
    expect(String(apiBase('slack', { MCP_HARDEN_SLACK_API_URL: 'http://[::1]:9' }))).toBe('http://[::1]:9/');
    expect(apiBase('github', { MCP_HARDEN_GITHUB_API_URL: 'http://api.example.com' })).toEqual({
      error: 'MCP_HARDEN_GITHUB_API_URL must be https (http only on 127.0.0.1 or localhost)',
    });
    expect(apiBase('gitlab', { MCP_HARDEN_GITLAB_API_URL: 'https://u:p@gitlab.example.com' })).toHaveProperty('error');
    expect(apiBase('openai', { MCP_HARDEN_OPENAI_API_URL: 'not a url' })).toHaveProperty('error');
  });

  test('a refused override sends nothing and says why', async () => {
    const r = keep(await checkOpenai(OPENAI, { env: { MCP_HARDEN_OPENAI_API_URL: 'http://api.example.com' } }));
    expect(r).toEqual({ status: 'unknown', detail: 'MCP_HARDEN_OPENAI_API_URL must be https (http only on 127.0.0.1 or localhost)' });
  });
});

describe('GitLab', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  test('scopes and expiry from /personal_access_tokens/self, the token in PRIVATE-TOKEN', async () => {
    const f = await fake(() => ({ status: 200, body: { scopes: ['api', 'read_repository'], active: true, revoked: false, expires_at: '2026-06-30' } }));
    const r = keep(await checkGitlab(GITLAB, { env: env('gitlab', f.base), now }));
    expect(r).toEqual({ status: 'ok', scopes: ['api', 'read_repository'], detail: 'valid; scopes: api, read_repository; expires 2026-06-30' });
    expect(f.seen[0]!.path).toBe('/api/v4/personal_access_tokens/self');
    expect(f.seen[0]!.headers['private-token'] === GITLAB).toBe(true);
    expect(f.seen[0]!.headers.authorization).toBeUndefined();
  });

  test('expired, revoked or inactive is invalid; usable through its expiry day', async () => {
    const bodies = [
      { scopes: ['read_api'], active: false, revoked: false, expires_at: '2026-02-28' },
      { scopes: ['read_api'], active: false, revoked: true, expires_at: null },
      { scopes: ['read_api'], active: false, revoked: false, expires_at: null },
      { scopes: ['read_api'], active: true, revoked: false, expires_at: '2026-03-01' },
    ];
    let i = 0;
    const f = await fake(() => ({ status: 200, body: bodies[i++] }));
    const got = [];
    for (let n = 0; n < bodies.length; n++) got.push(keep(await checkGitlab(GITLAB, { env: env('gitlab', f.base), now })));
    expect(got.map((r) => r.status)).toEqual(['invalid', 'invalid', 'invalid', 'ok']);
    expect(got[0]!.detail).toBe('GitLab says the token expired on 2026-02-28');
    expect(got[1]!.detail).toBe('GitLab says the token was revoked');
  });

  test('401 is invalid; a body that is not JSON is unknown', async () => {
    let i = 0;
    const f = await fake(() => (i++ === 0 ? { status: 401 } : { status: 200, body: '<html>login</html>' }));
    expect(keep(await checkGitlab(GITLAB, { env: env('gitlab', f.base) })).status).toBe('invalid');
    expect(keep(await checkGitlab(GITLAB, { env: env('gitlab', f.base) })).status).toBe('unknown');
  });
});

describe('Slack', () => {
  test('auth.test is POSTed; scopes from x-oauth-scopes', async () => {
    const f = await fake(() => ({ status: 200, headers: { 'x-oauth-scopes': 'channels:history,chat:write,users:read' }, body: { ok: true, team: 'T1' } }));
    const r = keep(await checkSlack(SLACK, { env: env('slack', f.base) }));
    expect(r).toMatchObject({ status: 'ok', scopes: ['channels:history', 'chat:write', 'users:read'] });
    expect(f.seen[0]).toMatchObject({ method: 'POST', path: '/api/auth.test', body: '' });
    expect(f.seen[0]!.headers.authorization === `Bearer ${SLACK}`).toBe(true);
  });

  test('HTTP 200 with ok:false is read from the body: invalid_auth is invalid, ratelimited unknown', async () => {
    const bodies = [{ ok: false, error: 'invalid_auth' }, { ok: false, error: 'token_revoked' }, { ok: false, error: 'ratelimited' }, { ok: false, error: 'fatal_error' }];
    let i = 0;
    const f = await fake(() => ({ status: 200, body: bodies[i++] }));
    const got = [];
    for (let n = 0; n < bodies.length; n++) got.push(keep(await checkSlack(SLACK, { env: env('slack', f.base) })));
    expect(got.map((r) => r.status)).toEqual(['invalid', 'invalid', 'unknown', 'unknown']);
    expect(got[0]!.detail).toBe('Slack rejected the token (invalid_auth)');
  });
});

describe('Hugging Face', () => {
  test('the role, or the fine-grained permissions, become the scopes', async () => {
    const bodies = [
      { auth: { type: 'access_token', accessToken: { role: 'write' } } },
      {
        auth: {
          accessToken: {
            role: 'fineGrained',
            fineGrained: { global: ['discussion.write'], scoped: [{ entity: { type: 'user' }, permissions: ['repo.content.read', 'repo.write'] }] },
          },
        },
      },
      { auth: { accessToken: { role: 'read' } } },
    ];
    let i = 0;
    const f = await fake(() => ({ status: 200, body: bodies[i++] }));
    const got = [];
    for (let n = 0; n < bodies.length; n++) got.push(keep(await checkHuggingface(HF, { env: env('huggingface', f.base) })));
    expect(got.map((r) => r.scopes)).toEqual([['write'], ['discussion.write', 'repo.content.read', 'repo.write'], ['read']]);
    expect(f.seen[0]!.path).toBe('/api/whoami-v2');
    expect(f.seen[0]!.headers.authorization === `Bearer ${HF}`).toBe(true);
  });

  test('401 is invalid', async () => {
    const f = await fake(() => ({ status: 401, body: { error: 'Invalid credentials in Authorization header' } }));
    expect(keep(await checkHuggingface(HF, { env: env('huggingface', f.base) })).status).toBe('invalid');
  });
});

describe('validity only: OpenAI, Anthropic, Stripe', () => {
  test('OpenAI: GET /v1/models with a bearer token; 200 ok, 401 invalid', async () => {
    let i = 0;
    const f = await fake(() => ({ status: i++ === 0 ? 200 : 401, body: { data: [] } }));
    expect(keep(await checkOpenai(OPENAI, { env: env('openai', f.base) })).status).toBe('ok');
    expect(keep(await checkOpenai(OPENAI, { env: env('openai', f.base) })).status).toBe('invalid');
    expect(f.seen[0]!.path).toBe('/v1/models');
    expect(f.seen[0]!.headers.authorization === `Bearer ${OPENAI}`).toBe(true);
  });

  test('Anthropic: the key in x-api-key with anthropic-version, never in Authorization', async () => {
    let i = 0;
    const f = await fake(() => ({ status: i++ === 0 ? 200 : 401 }));
    expect(keep(await checkAnthropic(ANTHROPIC, { env: env('anthropic', f.base) })).status).toBe('ok');
    expect(keep(await checkAnthropic(ANTHROPIC, { env: env('anthropic', f.base) })).status).toBe('invalid');
    expect(f.seen[0]!.headers['x-api-key'] === ANTHROPIC).toBe(true);
    expect(f.seen[0]!.headers['anthropic-version']).toBe('2023-06-01');
    expect(f.seen[0]!.headers.authorization).toBeUndefined();
  });

  test('Stripe: 200 and 403 mean valid, 401 invalid, 429 unknown', async () => {
    const statuses = [200, 403, 401, 429];
    let i = 0;
    const f = await fake(() => ({ status: statuses[i++]! }));
    const got = [];
    for (let n = 0; n < statuses.length; n++) got.push(keep(await checkStripe(STRIPE, { env: env('stripe', f.base) })));
    expect(got.map((r) => r.status)).toEqual(['ok', 'ok', 'invalid', 'unknown']);
    expect(got[1]!.detail).toBe('valid; restricted key without charges read');
    expect(f.seen.every((s) => s.method === 'GET' && s.path === '/v1/charges?limit=1')).toBe(true);
  });
});

describe('which tokens are checked', () => {
  test('only tokens the endpoint accepts go to it', () => {
    expect(checkFor('github', 'personal-access-token', GITHUB)).toBe('github');
    expect(checkFor('github', 'fine-grained-pat', GITHUB_FG)).toBe('github');
    // Refresh and installation tokens are refused by GET /user while valid: never judged there.
    expect(checkFor('github', 'personal-access-token', fakeToken('github-refresh', 'x'))).toBeUndefined();
    expect(checkFor('github', 'personal-access-token', fakeToken('github-app-installation', 'x'))).toBeUndefined();
    expect(checkFor('gitlab', 'personal-access-token', GITLAB)).toBe('gitlab');
    expect(checkFor('gitlab', 'personal-access-token', 'gldt-' + 'a'.repeat(20))).toBeUndefined();
    expect(checkFor('slack', 'bot-token', SLACK)).toBe('slack');
    expect(checkFor('slack', 'app-token', fakeToken('slack-app', 'x'))).toBeUndefined();
    expect(checkFor('slack', 'webhook-url', fakeToken('slack-webhook', 'x'))).toBeUndefined();
    expect(checkFor('anthropic', 'admin-key', fakeToken('anthropic-admin', 'x'))).toBeUndefined();
    expect(checkFor('openai', 'project-key', OPENAI)).toBe('openai');
    expect(checkFor('stripe', 'restricted-key', STRIPE)).toBe('stripe');
    expect(checkFor('huggingface', 'org-token', fakeToken('huggingface-org', 'x'))).toBeUndefined();
    expect(checkFor('linear', 'api-key', fakeToken('linear', 'x'))).toBeUndefined();
  });
});

describe('selfHostedSetting', () => {
  const srv = (env: Record<string, string>, args: string[] = []) => ({ env: Object.entries(env).map(([key, value]) => ({ key, value: { value } })), args: args.map((value) => ({ value })) });
  test('the public hosts and an empty setting are the default; another host, or one that cannot be told, is not', () => {
    expect(selfHostedSetting('github', srv({ GITHUB_HOST: 'github.com' }))).toBeUndefined();
    expect(selfHostedSetting('github', srv({ GITHUB_HOST: 'https://github.com/' }))).toBeUndefined();
    expect(selfHostedSetting('github', srv({ GITHUB_HOST: '' }))).toBeUndefined();
    expect(selfHostedSetting('gitlab', srv({ GITLAB_API_URL: 'https://gitlab.com/api/v4' }))).toBeUndefined();
    expect(selfHostedSetting('github', srv({ GITHUB_HOST: 'ghe.example' }))).toBe('GITHUB_HOST=ghe.example');
    expect(selfHostedSetting('github', srv({ GITHUB_HOST: '${GHE_HOST}' }))).toBe('GITHUB_HOST set to a host that cannot be told');
    expect(selfHostedSetting('gitlab', srv({ GITLAB_URL: 'http://10.0.0.5:8080' }))).toBe('GITLAB_URL=10.0.0.5');
    expect(selfHostedSetting('github', srv({}, ['stdio', '--gh-host=https://acme.ghe.com']))).toBe('--gh-host=acme.ghe.com');
    // Other providers have no self-hosted setting here.
    expect(selfHostedSetting('slack', srv({ GITHUB_HOST: 'ghe.example' }))).toBeUndefined();
  });
});
