// Live, read-only calls that tell whether a token works and what it can do (tokens-and-scopes.md
// §B.2). Each token goes only to its own provider: the provider's default host, or the host named
// by MCP_HARDEN_<PROVIDER>_API_URL (https, or http on a loopback address for tests). The value
// travels only in the provider's auth header. Redirects are never followed: a redirect could carry
// the header to another host. Nothing here logs, and no result holds a value or a response body.

export type CheckStatus = 'ok' | 'invalid' | 'unknown';

export interface ScopeCheckResult {
  status: CheckStatus;
  /** The scopes (or role / permissions) the provider reports; absent when it does not say. */
  scopes?: string[];
  /** One line for the user: what was learnt, or why nothing was. Never holds the value. */
  detail: string;
}

export interface CheckOptions {
  /** Where MCP_HARDEN_<PROVIDER>_API_URL overrides are read from. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Per request, in milliseconds. */
  timeoutMs?: number;
  /** Today, for GitLab's expires_at (tests pin it). */
  now?: Date;
}

export type CheckProvider = 'github' | 'gitlab' | 'slack' | 'huggingface' | 'openai' | 'anthropic' | 'stripe';

export const DEFAULT_TIMEOUT_MS = 8000;

const DEFAULT_BASE: Record<CheckProvider, string> = {
  github: 'https://api.github.com',
  gitlab: 'https://gitlab.com',
  slack: 'https://slack.com',
  huggingface: 'https://huggingface.co',
  openai: 'https://api.openai.com',
  anthropic: 'https://api.anthropic.com',
  stripe: 'https://api.stripe.com',
};

const LABEL: Record<CheckProvider, string> = {
  github: 'GitHub',
  gitlab: 'GitLab',
  slack: 'Slack',
  huggingface: 'Hugging Face',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  stripe: 'Stripe',
};

/** Bodies we read are small JSON documents; anything bigger is not the answer we asked for. */
const MAX_BODY = 256 * 1024;

export function overrideVariable(provider: CheckProvider): string {
  return `MCP_HARDEN_${provider.toUpperCase()}_API_URL`;
}

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The base URL for a provider, or why the override cannot be used. */
export function apiBase(provider: CheckProvider, env: CheckOptions['env'] = process.env): URL | { error: string } {
  const name = overrideVariable(provider);
  const raw = env?.[name]?.trim();
  if (!raw) return new URL(DEFAULT_BASE[provider]);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: `${name} is not a URL` };
  }
  if (url.username || url.password) return { error: `${name} must not hold a user name or password` };
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url;
  return { error: `${name} must be https (http only on 127.0.0.1 or localhost)` };
}

/**
 * Settings through which a server reaches a self-hosted instance instead of the provider's public
 * one (tokens-and-scopes.md: github-mcp-server's `GITHUB_HOST` / `--gh-host`, the GitLab servers'
 * `GITLAB_API_URL` and `GITLAB_URL`), and the hosts that are the public service.
 */
const SELF_HOSTED: Partial<Record<CheckProvider, { env: string[]; flags: string[]; public: string[] }>> = {
  github: { env: ['GITHUB_HOST'], flags: ['--gh-host'], public: ['github.com', 'api.github.com'] },
  gitlab: { env: ['GITLAB_API_URL', 'GITLAB_URL'], flags: [], public: ['gitlab.com'] },
};

/** The host a setting names (`ghe.example`, `https://ghe.example/api/v3`); undefined when it cannot be told (`${VAR}`). */
function settingHost(value: string): string | undefined {
  const v = value.trim();
  if (!v || /[${}%]/.test(v)) return undefined;
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `https://${v}`).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/**
 * Why a token a server uses must not go to the provider's public host: the server is set to a
 * self-hosted instance (or to a host that cannot be told), so the token belongs there. Returns the
 * setting (`GITHUB_HOST=ghe.example`, never a value that is not a host), or undefined when the
 * server talks to the public service. An empty setting is the default.
 */
export function selfHostedSetting(
  provider: CheckProvider,
  server: { env: readonly { key: string; value: { value: string } }[]; args: readonly { value: string }[] },
): string | undefined {
  const rule = SELF_HOSTED[provider];
  if (!rule) return undefined;
  const judge = (name: string, value: string): string | undefined => {
    if (!value.trim()) return undefined;
    const host = settingHost(value);
    if (host && rule.public.includes(host)) return undefined;
    return host ? `${name}=${host}` : `${name} set to a host that cannot be told`;
  };
  for (const e of server.env) {
    if (!rule.env.includes(e.key)) continue;
    const why = judge(e.key, e.value.value);
    if (why) return why;
  }
  for (let i = 0; i < server.args.length; i++) {
    const a = server.args[i]!.value;
    for (const flag of rule.flags) {
      const value = a === flag ? server.args[i + 1]?.value : a.startsWith(flag + '=') ? a.slice(flag.length + 1) : undefined;
      const why = value === undefined ? undefined : judge(flag, value);
      if (why) return why;
    }
  }
  return undefined;
}

function endpoint(base: URL, path: string): URL {
  // A path prefix in the override is kept (GitHub Enterprise: https://ghe.example/api/v3).
  return new URL(base.pathname.replace(/\/+$/, '') + path, base.origin);
}

const unknown = (detail: string): ScopeCheckResult => ({ status: 'unknown', detail });

type Answer = { res: Response; host: string } | { result: ScopeCheckResult };

/** One request with the timeout, no redirects, and the answers every provider shares turned into results. */
async function call(
  provider: CheckProvider,
  path: string,
  init: { method?: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  opts: CheckOptions,
): Promise<Answer> {
  const base = apiBase(provider, opts.env ?? process.env);
  if ('error' in base) return { result: unknown(base.error) };
  const url = endpoint(base, path);
  const host = url.host;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { 'user-agent': 'mcp-harden', ...init.headers },
      ...(init.body !== undefined ? { body: init.body } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return { result: unknown(networkWhy(err, host, timeoutMs)) };
  }
  const status = res.status;
  const header = (n: string) => res.headers.get(n);
  if (status >= 300 && status < 400) {
    await discard(res);
    const to = redirectHost(header('location'), url);
    return { result: unknown(`${host} answered with a redirect${to && to !== host ? ` to ${to}` : ''}; not followed, so the token was not sent on`) };
  }
  if (status === 429 || (status === 403 && (header('x-ratelimit-remaining') === '0' || header('retry-after') !== null))) {
    await discard(res);
    return { result: unknown(`rate-limited by ${host} (HTTP ${status}); try again later`) };
  }
  if (status >= 500) {
    await discard(res);
    return { result: unknown(`${host} had a server error (HTTP ${status})`) };
  }
  if (status === 401) {
    await discard(res);
    return { result: { status: 'invalid', detail: `${LABEL[provider]} rejected the token (HTTP 401)` } };
  }
  return { res, host };
}

function networkWhy(err: unknown, host: string, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: unknown; name?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.cause?.name === 'TimeoutError') {
    return `no answer from ${host} within ${Math.round(timeoutMs / 100) / 10} s`;
  }
  const code = typeof e?.cause?.code === 'string' && /^[A-Z_]{2,40}$/.test(e.cause.code) ? ` (${e.cause.code})` : '';
  return `could not reach ${host}${code}`;
}

function redirectHost(location: string | null, from: URL): string | undefined {
  if (!location) return undefined;
  try {
    return new URL(location, from).host;
  } catch {
    return undefined;
  }
}

async function discard(res: Response): Promise<void> {
  try {
    await res.body?.cancel();
  } catch {
    // The connection is gone already; nothing to free.
  }
}

/** The JSON body, or undefined when it is missing, too big, cut off by the timeout or not JSON. */
async function readJson(res: Response): Promise<unknown> {
  const length = Number(res.headers.get('content-length'));
  if (Number.isFinite(length) && length > MAX_BODY) {
    await discard(res);
    return undefined;
  }
  try {
    const text = await res.text();
    return text.length > MAX_BODY ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** A word a provider sends back (a scope, an error code), kept only when it is plainly a name. */
const safeWord = (s: string) => /^[A-Za-z0-9_.:\-/]{1,80}$/.test(s);

function scopeList(header: string): string[] {
  return header
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s && safeWord(s));
}

function describeScopes(scopes: string[]): string {
  return scopes.length ? scopes.join(', ') : 'none';
}

async function otherStatus(provider: CheckProvider, res: Response): Promise<ScopeCheckResult> {
  await discard(res);
  return unknown(`${LABEL[provider]} answered HTTP ${res.status}; the token could not be checked`);
}

/** GitHub: `GET /user`. Classic tokens list their scopes in x-oauth-scopes; fine-grained ones send no such header. */
export async function checkGithub(token: string, opts: CheckOptions = {}): Promise<ScopeCheckResult> {
  const a = await call('github', '/user', { headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json' } }, opts);
  if ('result' in a) return a.result;
  const { res } = a;
  if (res.status !== 200) return otherStatus('github', res);
  await discard(res);
  const header = res.headers.get('x-oauth-scopes');
  if (header === null) return { status: 'ok', detail: 'valid; fine-grained: permissions not listed by the API' };
  const scopes = scopeList(header);
  const expiry = res.headers.get('github-authentication-token-expiration');
  const expires = expiry && /^[0-9A-Za-z :+-]{1,40}$/.test(expiry) ? `; expires ${expiry}` : '';
  return { status: 'ok', scopes, detail: `valid; scopes: ${describeScopes(scopes)}${expires}` };
}

/** GitLab: `GET /api/v4/personal_access_tokens/self` → scopes, active, revoked, expires_at. */
export async function checkGitlab(token: string, opts: CheckOptions = {}): Promise<ScopeCheckResult> {
  const a = await call('gitlab', '/api/v4/personal_access_tokens/self', { headers: { 'private-token': token } }, opts);
  if ('result' in a) return a.result;
  const { res } = a;
  if (res.status !== 200) return otherStatus('gitlab', res);
  const body = obj(await readJson(res));
  if (!body) return unknown('GitLab answered with something other than the token details');
  if (body.revoked === true) return { status: 'invalid', detail: 'GitLab says the token was revoked' };
  const expires = typeof body.expires_at === 'string' && /^\d{4}-\d{2}-\d{2}/.test(body.expires_at) ? body.expires_at.slice(0, 10) : undefined;
  const today = (opts.now ?? new Date()).toISOString().slice(0, 10);
  // A token is usable through its expiry date; it stops working the day after.
  if (expires && expires < today) return { status: 'invalid', detail: `GitLab says the token expired on ${expires}` };
  if (body.active === false) return { status: 'invalid', detail: 'GitLab says the token is not active' };
  const scopes = strings(body.scopes).filter(safeWord);
  return { status: 'ok', scopes, detail: `valid; scopes: ${describeScopes(scopes)}${expires ? `; expires ${expires}` : ''}` };
}

const SLACK_INVALID = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'no_permission']);

/** Slack: `POST /api/auth.test`. Always HTTP 200: `ok`/`error` in the body, scopes in x-oauth-scopes. */
export async function checkSlack(token: string, opts: CheckOptions = {}): Promise<ScopeCheckResult> {
  const a = await call(
    'slack',
    '/api/auth.test',
    { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: '' },
    opts,
  );
  if ('result' in a) return a.result;
  const { res } = a;
  if (res.status !== 200) return otherStatus('slack', res);
  const header = res.headers.get('x-oauth-scopes');
  const body = obj(await readJson(res));
  if (!body || typeof body.ok !== 'boolean') return unknown('Slack answered with something other than an auth.test result');
  if (!body.ok) {
    const error = typeof body.error === 'string' && safeWord(body.error) ? body.error : 'an unnamed error';
    if (error === 'ratelimited') return unknown('rate-limited by Slack; try again later');
    if (SLACK_INVALID.has(error)) return { status: 'invalid', detail: `Slack rejected the token (${error})` };
    return unknown(`Slack answered ${error}; the token could not be checked`);
  }
  if (header === null) return { status: 'ok', detail: 'valid; scopes not listed by the API' };
  const scopes = scopeList(header);
  return { status: 'ok', scopes, detail: `valid; scopes: ${describeScopes(scopes)}` };
}

/** Hugging Face: `GET /api/whoami-v2` → auth.accessToken.role (read, write, fineGrained with permissions). */
export async function checkHuggingface(token: string, opts: CheckOptions = {}): Promise<ScopeCheckResult> {
  const a = await call('huggingface', '/api/whoami-v2', { headers: { authorization: `Bearer ${token}` } }, opts);
  if ('result' in a) return a.result;
  const { res } = a;
  if (res.status !== 200) return otherStatus('huggingface', res);
  const body = obj(await readJson(res));
  if (!body) return unknown('Hugging Face answered with something other than whoami details');
  const access = obj(obj(body.auth)?.accessToken);
  const role = typeof access?.role === 'string' ? access.role : undefined;
  if (role === 'read' || role === 'write') return { status: 'ok', scopes: [role], detail: `valid; role: ${role}` };
  if (role === 'fineGrained') {
    const fg = obj(access?.fineGrained);
    const permissions = new Set(strings(fg?.global));
    if (Array.isArray(fg?.scoped)) for (const s of fg.scoped) for (const p of strings(obj(s)?.permissions)) permissions.add(p);
    const scopes = [...permissions].filter(safeWord);
    if (!scopes.length) return { status: 'ok', detail: 'valid; fine-grained: permissions not listed by the API' };
    return { status: 'ok', scopes, detail: `valid; fine-grained: ${describeScopes(scopes)}` };
  }
  return { status: 'ok', detail: 'valid; role not listed by the API' };
}

/** OpenAI: `GET /v1/models`. 401 invalid; 403 is a valid key restricted from listing models. */
export async function checkOpenai(token: string, opts: CheckOptions = {}): Promise<ScopeCheckResult> {
  const a = await call('openai', '/v1/models', { headers: { authorization: `Bearer ${token}` } }, opts);
  if ('result' in a) return a.result;
  const { res } = a;
  if (res.status === 200) return discard(res).then(() => ({ status: 'ok' as const, detail: 'valid' }));
  if (res.status === 403) return discard(res).then(() => ({ status: 'ok' as const, detail: 'valid; restricted: it may not list models' }));
  return otherStatus('openai', res);
}

/** Anthropic: `GET /v1/models` with x-api-key and anthropic-version. 401 invalid. */
export async function checkAnthropic(token: string, opts: CheckOptions = {}): Promise<ScopeCheckResult> {
  const a = await call('anthropic', '/v1/models', { headers: { 'x-api-key': token, 'anthropic-version': '2023-06-01' } }, opts);
  if ('result' in a) return a.result;
  const { res } = a;
  if (res.status === 200) return discard(res).then(() => ({ status: 'ok' as const, detail: 'valid' }));
  if (res.status === 403) return discard(res).then(() => ({ status: 'ok' as const, detail: 'valid; not permitted to list models' }));
  return otherStatus('anthropic', res);
}

/** Stripe: `GET /v1/charges?limit=1`. 200 or 403 (a restricted key without charges read) mean valid; 401 invalid. */
export async function checkStripe(token: string, opts: CheckOptions = {}): Promise<ScopeCheckResult> {
  const a = await call('stripe', '/v1/charges?limit=1', { headers: { authorization: `Bearer ${token}` } }, opts);
  if ('result' in a) return a.result;
  const { res } = a;
  if (res.status === 200) return discard(res).then(() => ({ status: 'ok' as const, detail: 'valid' }));
  if (res.status === 403) return discard(res).then(() => ({ status: 'ok' as const, detail: 'valid; restricted key without charges read' }));
  return otherStatus('stripe', res);
}

export type Checker = (token: string, opts?: CheckOptions) => Promise<ScopeCheckResult>;

export const CHECKERS: Record<CheckProvider, Checker> = {
  github: checkGithub,
  gitlab: checkGitlab,
  slack: checkSlack,
  huggingface: checkHuggingface,
  openai: checkOpenai,
  anthropic: checkAnthropic,
  stripe: checkStripe,
};

/**
 * Which check fits a detected secret, or undefined when none does. Only tokens the endpoint
 * accepts are sent: a GitHub refresh or installation token, a GitLab deploy or runner token, an
 * admin key or a Slack app token would be refused by these endpoints while still being valid.
 */
export function checkFor(provider: string, kind: string, value: string): CheckProvider | undefined {
  switch (provider) {
    case 'github':
      return /^(ghp_|gho_|ghu_|github_pat_)/.test(value) ? 'github' : undefined;
    case 'gitlab':
      return value.startsWith('glpat-') ? 'gitlab' : undefined;
    case 'slack':
      return /^xox[bp]-/.test(value) ? 'slack' : undefined;
    case 'huggingface':
      return value.startsWith('hf_') ? 'huggingface' : undefined;
    case 'openai':
      return kind !== 'admin-key' && !value.startsWith('sk-admin-') ? 'openai' : undefined;
    case 'anthropic':
      return kind === 'api-key' && value.startsWith('sk-ant-api') ? 'anthropic' : undefined;
    case 'stripe':
      return /^(sk|rk)_/.test(value) ? 'stripe' : undefined;
    default:
      return undefined;
  }
}

export function providerLabel(p: CheckProvider): string {
  return LABEL[p];
}
