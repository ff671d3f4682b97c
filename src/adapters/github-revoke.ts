// GitHub's public credential-revocation API (tokens-and-scopes.md, "GitHub's guidance for leaked
// tokens"): POST /credentials/revoke with {"credentials": [...]}; 202 when GitHub accepted the
// report, 422 when it did not. On github.com the call is unauthenticated (an Authorization header
// gets a 403) and limited to 60 requests an hour. The tokens travel only in the request body, to
// the GitHub API host or the one MCP_HARDEN_GITHUB_API_URL names; redirects are never followed.
// No result holds a token or anything from the response body.
import { apiBase, DEFAULT_TIMEOUT_MS } from './scope-check.js';

export type RevokeReportStatus = 'accepted' | 'rejected' | 'unknown';

export interface RevokeReportResult {
  status: RevokeReportStatus;
  /** One line for the user. Never holds a token. */
  detail: string;
}

/** GitHub takes at most this many tokens in one request. */
export const MAX_TOKENS_PER_REQUEST = 1000;

/**
 * Reports tokens to GitHub, which revokes the valid ones and emails their owners. Only call after
 * the user confirmed: it cannot be undone.
 */
export async function reportToGithub(
  tokens: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RevokeReportResult> {
  const credentials = [...new Set(tokens.filter((t) => typeof t === 'string' && t !== ''))];
  if (credentials.length === 0) return { status: 'unknown', detail: 'no token to report' };
  if (credentials.length > MAX_TOKENS_PER_REQUEST) {
    return { status: 'unknown', detail: `GitHub takes at most ${MAX_TOKENS_PER_REQUEST} tokens in one report; nothing was sent` };
  }
  const base = apiBase('github', opts.env ?? process.env);
  if ('error' in base) return { status: 'unknown', detail: `${base.error}; nothing was sent` };
  // A path prefix in the override is kept (GitHub Enterprise: https://ghe.example/api/v3).
  const url = new URL(base.pathname.replace(/\/+$/, '') + '/credentials/revoke', base.origin);
  const host = url.host;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const n = credentials.length === 1 ? 'the token' : `the ${credentials.length} tokens`;

  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'user-agent': 'mcp-harden',
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ credentials }),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return { status: 'unknown', detail: `${networkWhy(err, host, timeoutMs)}; ${n} may not have been reported, try again later` };
  }
  const status = res.status;
  const header = (name: string) => res.headers.get(name);
  // Only the status and headers matter: the body is never read.
  await discard(res);

  if (status === 202) return { status: 'accepted', detail: `GitHub accepted the report of ${n}; valid tokens are revoked and their owners notified by email` };
  if (status === 422) {
    return {
      status: 'rejected',
      detail: `GitHub did not accept the report (HTTP 422): ${credentials.length === 1 ? 'it is not a valid token' : 'they are not valid tokens'} it can revoke (already revoked, expired, or not a personal access token)`,
    };
  }
  if (status === 429 || header('x-ratelimit-remaining') === '0' || (status === 403 && header('retry-after') !== null)) {
    return { status: 'unknown', detail: `rate limited by ${host} (HTTP ${status}); try later` };
  }
  if (status === 403) {
    // github.com answers 403 to an authenticated call; no credentials are sent, so a proxy or an
    // Enterprise host that wants them is the likely reason. Rate limits without a header look the same.
    return { status: 'unknown', detail: `${host} refused the report (HTTP 403): rate limited or not allowed here; try later` };
  }
  if (status >= 300 && status < 400) {
    return { status: 'unknown', detail: `${host} answered with a redirect; not followed, so ${n} went nowhere else` };
  }
  if (status >= 500) return { status: 'unknown', detail: `${host} had a server error (HTTP ${status}); try again later` };
  return { status: 'unknown', detail: `${host} answered HTTP ${status}; the report was not confirmed` };
}

function networkWhy(err: unknown, host: string, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: unknown; name?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.cause?.name === 'TimeoutError') {
    return `no answer from ${host} within ${Math.round(timeoutMs / 100) / 10} s`;
  }
  const code = typeof e?.cause?.code === 'string' && /^[A-Z_]{2,40}$/.test(e.cause.code) ? ` (${e.cause.code})` : '';
  return `could not reach ${host}${code}`;
}

async function discard(res: Response): Promise<void> {
  try {
    await res.body?.cancel();
  } catch {
    // The connection is gone already; nothing to free.
  }
}
