// "Is the old token dead?": the provider's read-only check against a fake provider on 127.0.0.1,
// and where each provider's tokens are revoked.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { checkRevoked, revokeLink, type RevocationResult } from '../../src/app/revocation.js';
import { PROVIDERS } from '../../src/core/catalog/providers.js';
import { fakeToken } from '../helpers/tokens.js';

const GITHUB = fakeToken('github-classic', 'revocation');
const STRIPE = fakeToken('stripe-restricted', 'revocation');
const NOTION = fakeToken('notion', 'revocation');

const closers: (() => Promise<void>)[] = [];
const results: RevocationResult[] = [];

async function fakeProvider(status: number | 'hang', headers: Record<string, string> = {}): Promise<{ base: string; auth: string[] }> {
  const auth: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    auth.push(String(req.headers.authorization ?? ''));
    req.resume();
    req.on('end', () => {
      if (status === 'hang') return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end('{}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  closers.push(() => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok()))));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, auth };
}

async function check(value: string, provider: string, kind: string, env: Record<string, string>, timeoutMs = 2000) {
  const r = await checkRevoked(value, { provider, kind }, { env, timeoutMs });
  results.push(r);
  return r;
}

afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

afterAll(() => {
  const text = JSON.stringify(results);
  for (const t of [GITHUB, STRIPE, NOTION]) expect(text.includes(t)).toBe(false);
});

describe('checkRevoked', () => {
  test('GitHub rejects the old token (401): revoked; the token went to GitHub only, in its auth header', async () => {
    const gh = await fakeProvider(401);
    const r = await check(GITHUB, 'github', 'pat-classic', { MCP_HARDEN_GITHUB_API_URL: gh.base });
    expect(r.status).toBe('revoked');
    expect(r.detail).toContain('GitHub no longer accepts the old token');
    expect(gh.auth).toEqual([`Bearer ${GITHUB}`]);
  });

  test('GitHub still accepts it (200): still-valid, telling the user to revoke it', async () => {
    const gh = await fakeProvider(200, { 'x-oauth-scopes': 'repo' });
    const r = await check(GITHUB, 'github', 'pat-classic', { MCP_HARDEN_GITHUB_API_URL: gh.base });
    expect(r).toEqual({ status: 'still-valid', detail: 'GitHub still accepts the old token; revoke it there, then check again' });
  });

  test('another provider through its own override: Stripe 401 is revoked, 403 (a restricted key) still valid', async () => {
    const dead = await fakeProvider(401);
    expect((await check(STRIPE, 'stripe', 'restricted-key', { MCP_HARDEN_STRIPE_API_URL: dead.base })).status).toBe('revoked');
    const alive = await fakeProvider(403);
    expect((await check(STRIPE, 'stripe', 'restricted-key', { MCP_HARDEN_STRIPE_API_URL: alive.base })).status).toBe('still-valid');
  });

  test('rate limited or no answer: unknown, with the reason', async () => {
    const limited = await fakeProvider(429);
    const r = await check(GITHUB, 'github', 'pat-classic', { MCP_HARDEN_GITHUB_API_URL: limited.base });
    expect(r.status).toBe('unknown');
    expect(r.detail).toMatch(/^could not tell whether GitHub still accepts the old token: rate-limited by 127\.0\.0\.1:\d+ \(HTTP 429\)/);
    const silent = await fakeProvider('hang');
    const t = await check(GITHUB, 'github', 'pat-classic', { MCP_HARDEN_GITHUB_API_URL: silent.base }, 300);
    expect(t.status).toBe('unknown');
    expect(t.detail).toContain('no answer from');
  });

  test('a provider without a read-only check: unknown, saying so, and nothing is sent', async () => {
    const r = await check(NOTION, 'notion', 'token', {});
    expect(r.status).toBe('unknown');
    expect(r.detail).toContain('no read-only check exists for Notion');
    // A GitHub refresh token is not accepted by GET /user, so it is not sent there either.
    const gh = await fakeProvider(401);
    const refresh = await check(`ghr_${GITHUB.slice(4)}`, 'github', 'refresh-token', { MCP_HARDEN_GITHUB_API_URL: gh.base });
    expect(refresh.status).toBe('unknown');
    expect(refresh.detail).toContain('no read-only check exists for GitHub');
    expect(gh.auth).toEqual([]);
  });
});

describe('revokeLink', () => {
  test("the provider's revoke page when it has one, else its token page", () => {
    expect(revokeLink('github')).toBe(PROVIDERS.github!.revoke);
    expect(revokeLink('github')).toBe('https://github.com/settings/personal-access-tokens');
    expect(revokeLink('gitlab')).toBe('https://gitlab.com/-/user_settings/personal_access_tokens');
  });

  test('by the keychain account name when the detector gave no known provider; undefined when nothing fits', () => {
    expect(revokeLink('generic', 'BRAVE_API_KEY@brave-search')).toBe(PROVIDERS.brave!.create);
    expect(revokeLink('generic', 'SOMETHING_ELSE')).toBeUndefined();
    expect(revokeLink('nobody')).toBeUndefined();
  });
});
