// Reporting tokens to GitHub's credential-revocation API, against a fake GitHub on 127.0.0.1: what
// each answer means, and that the tokens travel only in the request body.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { reportToGithub, type RevokeReportResult } from '../../src/adapters/github-revoke.js';
import { fakeToken } from '../helpers/tokens.js';

const CLASSIC = fakeToken('github-classic', 'revoke-report');
const FINE = fakeToken('github-fine-grained', 'revoke-report');

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

const closers: (() => Promise<void>)[] = [];
const results: RevokeReportResult[] = [];

async function fakeGithub(reply: (s: Seen) => Reply): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const s = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      const r = reply(s);
      if (r === 'hang') return;
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(r.body ?? '');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  closers.push(() => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok()))));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function report(base: string, tokens: string[], timeoutMs = 2000): Promise<RevokeReportResult> {
  const r = await reportToGithub(tokens, { env: { MCP_HARDEN_GITHUB_API_URL: base }, timeoutMs });
  results.push(r);
  return r;
}

afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

afterAll(() => {
  // Whatever GitHub answered, no result carries a token.
  const text = JSON.stringify(results);
  expect(text.includes(CLASSIC)).toBe(false);
  expect(text.includes(FINE)).toBe(false);
});

describe('reportToGithub', () => {
  test('202: accepted; one POST to /credentials/revoke with the tokens only in the JSON body', async () => {
    const gh = await fakeGithub(() => ({ status: 202, body: '{}' }));
    const r = await report(gh.base, [CLASSIC, FINE]);
    expect(r.status).toBe('accepted');
    expect(r.detail).toContain('GitHub accepted');
    expect(gh.seen).toHaveLength(1);
    const [s] = gh.seen;
    expect(s!.method).toBe('POST');
    expect(s!.path).toBe('/credentials/revoke');
    expect(JSON.parse(s!.body)).toEqual({ credentials: [CLASSIC, FINE] });
    expect(s!.headers.accept).toBe('application/vnd.github+json');
    expect(s!.headers['x-github-api-version']).toBe('2022-11-28');
    expect(s!.headers['content-type']).toBe('application/json');
    expect(s!.headers.authorization).toBeUndefined();
    // Neither the URL nor any header carries a token.
    const outside = s!.path + JSON.stringify(s!.headers);
    expect(outside.includes(CLASSIC) || outside.includes(FINE)).toBe(false);
  });

  test('an API URL with a path prefix (GitHub Enterprise) keeps it', async () => {
    const gh = await fakeGithub(() => ({ status: 202 }));
    expect((await report(`${gh.base}/api/v3/`, [CLASSIC])).status).toBe('accepted');
    expect(gh.seen[0]!.path).toBe('/api/v3/credentials/revoke');
  });

  test('422: rejected, saying GitHub did not take them as valid tokens; nothing of the response is repeated', async () => {
    const gh = await fakeGithub(() => ({ status: 422, body: JSON.stringify({ message: `bad credential ${CLASSIC}` }) }));
    const one = await report(gh.base, [CLASSIC]);
    expect(one.status).toBe('rejected');
    expect(one.detail).toContain('it is not a valid token');
    const two = await report(gh.base, [CLASSIC, FINE]);
    expect(two.detail).toContain('they are not valid tokens');
  });

  test('429, a 403 with retry-after, or an exhausted rate limit: unknown, rate limited, try later', async () => {
    const replies: Reply[] = [
      { status: 429 },
      { status: 403, headers: { 'retry-after': '60' } },
      { status: 403, headers: { 'x-ratelimit-remaining': '0' } },
      { status: 403 },
    ];
    for (const reply of replies) {
      const gh = await fakeGithub(() => reply);
      const r = await report(gh.base, [CLASSIC]);
      expect(r.status, JSON.stringify(reply)).toBe('unknown');
      expect(r.detail).toContain('rate limited');
      expect(r.detail).toContain('try later');
    }
  });

  test('no answer in time: unknown, calmly', async () => {
    const gh = await fakeGithub(() => 'hang');
    const r = await report(gh.base, [CLASSIC], 300);
    expect(r).toEqual({ status: 'unknown', detail: expect.stringMatching(/^no answer from 127\.0\.0\.1:\d+ within 0\.3 s; the token may not have been reported, try again later$/) });
  });

  test('nobody listening, a server error, or a redirect: unknown, and a redirect is not followed', async () => {
    const s = createServer();
    await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
    const closed = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    await new Promise<void>((ok) => s.close(() => ok()));
    const down = await report(closed, [CLASSIC]);
    expect(down.status).toBe('unknown');
    expect(down.detail).toContain('could not reach 127.0.0.1');

    const failing = await fakeGithub(() => ({ status: 502 }));
    expect((await report(failing.base, [CLASSIC])).detail).toContain('server error (HTTP 502)');

    const elsewhere = await fakeGithub(() => ({ status: 202 }));
    const redirecting = await fakeGithub(() => ({ status: 307, headers: { location: `${elsewhere.base}/credentials/revoke` } }));
    const r = await report(redirecting.base, [CLASSIC]);
    expect(r.status).toBe('unknown');
    expect(elsewhere.seen).toEqual([]);
  });

  test('an override that is not https or loopback, or no token at all: nothing is sent', async () => {
    const r = await reportToGithub([CLASSIC], { env: { MCP_HARDEN_GITHUB_API_URL: 'http://example.com' } });
    results.push(r);
    expect(r).toEqual({ status: 'unknown', detail: 'MCP_HARDEN_GITHUB_API_URL must be https (http only on 127.0.0.1 or localhost); nothing was sent' });
    const gh = await fakeGithub(() => ({ status: 202 }));
    expect((await report(gh.base, [])).status).toBe('unknown');
    expect(gh.seen).toEqual([]);
  });
});
