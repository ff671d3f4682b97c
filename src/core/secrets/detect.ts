// detectSecrets: every credential inside one string. Known-prefix and structured detectors run
// everywhere; the generic rule (a credential-named key with a real value) runs only where the
// string is the value of an assignment (env, header, .env line, shell history) or a flag value.
// Overlaps are resolved by priority: a known provider beats a URL/JWT/key block, which beats an
// auth-header credential, which beats the generic rule.
import { parseTree, type Node } from 'jsonc-parser';
import type { Confidence, DetectContext, Detection } from '../model.js';
import { githubChecksumValid } from './checksum.js';
import { decodeJwtPayload } from './jwt.js';
import {
  isAuthorizationKey,
  isCredentialKey,
  isObviouslyNotSecret,
  keyWords,
  kindFromKey,
  shannonEntropy,
} from './keys.js';
import { containsReference, isPlaceholder, isReference, referenceSpans } from './placeholder.js';

export interface DetectOptions {
  /** Clock for JWT expiry (ms since the epoch); defaults to Date.now(). */
  now?: number;
}

const PRIORITY = { provider: 4, structured: 3, scheme: 2, generic: 1 } as const;
const CONFIDENCE_RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };

interface Candidate extends Detection {
  priority: number;
  seq: number;
}

/** Collects candidates and spans known to be public or placeholders, then resolves overlaps. */
class Collector {
  private readonly candidates: Candidate[] = [];
  private readonly blocks: [number, number][] = [];
  private seq = 0;

  constructor(readonly text: string) {}

  add(d: Omit<Detection, 'value'> & { value?: string }, priority: number): void {
    if (d.end <= d.start) return;
    const value = d.value ?? this.text.slice(d.start, d.end);
    this.candidates.push({ ...d, value, priority, seq: this.seq++ });
  }

  /** Nothing may be reported overlapping [start, end): a public key, a placeholder, a reference. */
  block(start: number, end: number): void {
    this.blocks.push([start, end]);
  }

  resolve(): Detection[] {
    const overlaps = (a: [number, number], s: number, e: number) => s < a[1] && a[0] < e;
    const sorted = [...this.candidates].sort(
      (a, b) =>
        b.priority - a.priority ||
        CONFIDENCE_RANK[b.confidence] - CONFIDENCE_RANK[a.confidence] ||
        a.seq - b.seq,
    );
    const accepted: Candidate[] = [];
    for (const c of sorted) {
      if (this.blocks.some((b) => overlaps(b, c.start, c.end))) continue;
      if (accepted.some((a) => overlaps([a.start, a.end], c.start, c.end))) continue;
      accepted.push(c);
    }
    return accepted
      .sort((a, b) => a.start - b.start)
      .map(({ provider, kind, value, start, end, confidence }) => ({ provider, kind, value, start, end, confidence }));
  }
}

// ---------------------------------------------------------------------------------------------
// Known-prefix rules (tokens-and-scopes.md table A)

type Verdict = { confidence: Confidence; provider?: string; kind?: string } | 'placeholder' | 'public' | null;

interface RuleEnv {
  text: string;
  lower: string;
  ctx: DetectContext;
  credentialKey: boolean;
}

interface Rule {
  provider: string;
  kind: string;
  /** Lower-case substrings; the regex runs only when one occurs (cheap prefilter). */
  keywords: readonly string[];
  /** Global regex with the `d` flag; group 1 is the secret. */
  re: RegExp;
  confidence?: Confidence;
  check?: (secret: string, env: RuleEnv) => Verdict;
}

const rx = (source: string, flags = '') => new RegExp(source, `gd${flags}`);
// Boundaries: a token is not part of a longer identifier-like run.
const B = '(?<![A-Za-z0-9_])';
const E = '(?![A-Za-z0-9_])';
const BD = '(?<![A-Za-z0-9_-])';
const ED = '(?![A-Za-z0-9_-])';

const GITHUB_KINDS: Record<string, string> = {
  ghp: 'personal-access-token',
  gho: 'oauth-token',
  ghu: 'app-user-token',
  ghs: 'app-installation-token',
  ghr: 'app-refresh-token',
  npm: 'access-token',
};

/** GitHub/npm tokens carry a checksum: a failing one is a doc example unless the key says otherwise. */
function checksumVerdict(secret: string, env: RuleEnv): Verdict {
  const kind = GITHUB_KINDS[secret.slice(0, 3)];
  const valid = githubChecksumValid(secret);
  if (valid === true) return { confidence: 'high', kind };
  if (valid === false) return env.credentialKey ? { confidence: 'low', kind } : 'placeholder';
  return { confidence: 'medium', kind };
}

function hasContext(env: RuleEnv, word: string): boolean {
  return env.lower.includes(word) || (env.ctx.key ?? '').toLowerCase().includes(word);
}

const RULES: readonly Rule[] = [
  {
    provider: 'github',
    kind: 'personal-access-token',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    re: rx(`${B}(gh[pousr]_[A-Za-z0-9]{36,251})${E}`),
    check: checksumVerdict,
  },
  {
    provider: 'github',
    kind: 'fine-grained-pat',
    keywords: ['github_pat_'],
    re: rx(`${B}(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})${E}`),
  },
  {
    provider: 'github',
    kind: 'fine-grained-pat',
    keywords: ['github_pat_'],
    re: rx(`${B}(github_pat_[A-Za-z0-9_]{30,250})${E}`),
    confidence: 'medium',
  },
  {
    provider: 'gitlab',
    kind: 'personal-access-token',
    keywords: ['glpat-', 'gldt-', 'glrt-', 'glptt-'],
    re: rx(`${BD}((?:glpat|gldt|glrt|glptt)-[0-9A-Za-z_-]{20,300}(?:\\.[0-9a-z.]{9,13})?)${ED}`),
  },
  {
    provider: 'slack',
    kind: 'token',
    keywords: ['xox'],
    re: rx(`${BD}(xox(?:e\\.xox[bp]|[abposer])-[0-9A-Za-z-]{10,})${ED}`),
    check: (secret) => {
      if (!/\d/.test(secret)) return 'placeholder'; // real Slack tokens carry numeric ids
      const p = secret.slice(0, 4);
      const kind = secret.startsWith('xoxe.')
        ? 'config-access-token'
        : p === 'xoxb' ? 'bot-token' : p === 'xoxp' ? 'user-token' : p === 'xoxe' ? 'refresh-token' : 'legacy-token';
      return { confidence: 'high', kind };
    },
  },
  {
    provider: 'slack',
    kind: 'app-token',
    keywords: ['xapp-'],
    re: rx(`${BD}(xapp-\\d-[A-Z0-9]+-\\d+-[a-z0-9]+)${ED}`, 'i'),
  },
  {
    provider: 'slack',
    kind: 'webhook-url',
    keywords: ['hooks.slack.com'],
    re: rx(`((?:https?://)?hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56})(?![A-Za-z0-9+/])`),
  },
  {
    provider: 'aws',
    kind: 'access-key-id',
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    re: rx(`(?<![A-Za-z0-9])((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])`),
    check: (secret) => ({ confidence: 'high', kind: secret.startsWith('ASIA') ? 'session-key-id' : 'access-key-id' }),
  },
  {
    provider: 'anthropic',
    kind: 'api-key',
    keywords: ['sk-ant-'],
    re: rx(`${BD}(sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA)${ED}`),
    check: (secret) => ({ confidence: 'high', kind: secret.startsWith('sk-ant-admin') ? 'admin-key' : 'api-key' }),
  },
  {
    provider: 'anthropic',
    kind: 'api-key',
    keywords: ['sk-ant-'],
    re: rx(`${BD}(sk-ant-[a-z]+\\d{2}-[A-Za-z0-9_-]{20,250})${ED}`),
    check: (secret) => ({
      confidence: 'medium',
      kind: /^sk-ant-admin/.test(secret) ? 'admin-key' : /^sk-ant-oat/.test(secret) ? 'oauth-token' : 'api-key',
    }),
  },
  {
    provider: 'openai',
    kind: 'api-key',
    keywords: ['t3blbkfj'],
    re: rx(`${BD}(sk-(?!ant-)(?:[a-z]+-)?[A-Za-z0-9_-]{8,250}T3BlbkFJ[A-Za-z0-9_-]{8,250})${ED}`),
    check: (secret) => ({ confidence: 'high', kind: openAiKind(secret) }),
  },
  {
    provider: 'openai',
    kind: 'project-key',
    keywords: ['sk-proj-', 'sk-svcacct-', 'sk-admin-'],
    re: rx(`${BD}(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250})${ED}`),
    check: (secret) => ({ confidence: 'medium', kind: openAiKind(secret) }),
  },
  {
    provider: 'google',
    kind: 'api-key',
    keywords: ['aiza'],
    re: rx(`${BD}(AIza[A-Za-z0-9_-]{35})${ED}`),
  },
  {
    provider: 'notion',
    kind: 'integration-token',
    keywords: ['ntn_'],
    re: rx(`${B}(ntn_[0-9]{11}[A-Za-z0-9]{35})${E}`),
  },
  {
    provider: 'notion',
    kind: 'integration-token',
    keywords: ['ntn_'],
    re: rx(`${B}(ntn_[A-Za-z0-9]{30,80})${E}`),
    confidence: 'medium',
  },
  {
    provider: 'notion',
    kind: 'integration-token',
    keywords: ['secret_'],
    re: rx(`${B}(secret_[A-Za-z0-9]{43})${E}`),
    // `secret_` is too common a prefix to trust alone: it needs Notion nearby (trufflehog/kingfisher).
    check: (_secret, env) => (hasContext(env, 'notion') ? { confidence: 'high' } : null),
  },
  {
    provider: 'linear',
    kind: 'api-key',
    keywords: ['lin_api_', 'lin_oauth_'],
    re: rx(`${B}(lin_(?:api|oauth)_[A-Za-z0-9]{40})${E}`),
  },
  {
    provider: 'stripe',
    kind: 'secret-key',
    keywords: ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_', 'sk_prod_', 'rk_prod_'],
    re: rx(`${B}((?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,247})${E}`),
    check: (secret, env) => {
      // Liveblocks secret keys share the sk_prod_ shape.
      const provider = hasContext(env, 'liveblocks') ? 'liveblocks' : 'stripe';
      const kind = secret.startsWith('rk_') ? 'restricted-key' : 'secret-key';
      return { confidence: secret.includes('_test_') ? 'medium' : 'high', provider, kind };
    },
  },
  {
    provider: 'stripe',
    kind: 'publishable-key',
    keywords: ['pk_live_', 'pk_test_'],
    re: rx(`${B}(pk_(?:live|test)_[A-Za-z0-9]{10,247})${E}`),
    check: () => 'public',
  },
  {
    provider: 'sentry',
    kind: 'user-token',
    keywords: ['sntryu_'],
    re: rx(`${B}(sntryu_[a-f0-9]{64})${E}`),
  },
  {
    provider: 'sentry',
    kind: 'org-token',
    keywords: ['sntrys_'],
    re: rx(`${B}(sntrys_eyJ[A-Za-z0-9+/=_]{60,400})(?![A-Za-z0-9+/=_])`),
  },
  {
    provider: 'huggingface',
    kind: 'access-token',
    keywords: ['hf_', 'api_org_'],
    re: rx(`${B}((?:hf|api_org)_[A-Za-z0-9]{34})${E}`),
    check: (secret) => ({ confidence: 'high', kind: secret.startsWith('api_org_') ? 'org-token' : 'access-token' }),
  },
  {
    provider: 'npm',
    kind: 'access-token',
    keywords: ['npm_'],
    re: rx(`${B}(npm_[A-Za-z0-9]{36})${E}`),
    check: checksumVerdict,
  },
  {
    provider: 'supabase',
    kind: 'personal-access-token',
    keywords: ['sbp_'],
    re: rx(`${B}(sbp_(?:oauth_)?[A-Za-z0-9]{40})${E}`),
  },
  {
    provider: 'supabase',
    kind: 'secret-key',
    keywords: ['sb_secret_'],
    re: rx(`${BD}(sb_secret_[A-Za-z0-9_-]{20,200})${ED}`),
  },
  {
    provider: 'supabase',
    kind: 'publishable-key',
    keywords: ['sb_publishable_'],
    re: rx(`${BD}(sb_publishable_[A-Za-z0-9_-]{20,200})${ED}`),
    check: () => 'public',
  },
  {
    provider: 'figma',
    kind: 'personal-access-token',
    keywords: ['fig'],
    re: rx(`${B}(fig(?:d|p|u|o|ur|uh|or|oh)_[A-Za-z0-9_=-]{40,54})(?![A-Za-z0-9_=-])`),
  },
  {
    provider: 'cloudflare',
    kind: 'api-token',
    keywords: ['cfut_', 'cfat_'],
    re: rx(`${B}(cf[ua]t_[A-Za-z0-9]{40,64})${E}`),
  },
  {
    provider: 'atlassian',
    kind: 'api-token',
    keywords: ['atatt3'],
    re: rx(`${BD}(ATATT3[A-Za-z0-9_=-]{100,300})(?![A-Za-z0-9_=-])`),
  },
  {
    provider: 'atlassian',
    kind: 'org-admin-key',
    keywords: ['atctt3'],
    re: rx(`${BD}(ATCTT3xFfG[A-Za-z0-9_=+/-]{50,300})(?![A-Za-z0-9_=+/-])`),
  },
];

function openAiKind(secret: string): string {
  if (secret.startsWith('sk-admin-')) return 'admin-key';
  if (secret.startsWith('sk-svcacct-') || secret.startsWith('sk-service-')) return 'service-account-key';
  if (secret.startsWith('sk-proj-')) return 'project-key';
  return 'api-key';
}

function runRules(col: Collector, env: RuleEnv): void {
  for (const rule of RULES) {
    if (!rule.keywords.some((k) => env.lower.includes(k))) continue;
    for (const m of env.text.matchAll(rule.re)) {
      const [start, end] = m.indices![1]!;
      const secret = m[1]!;
      if (isPlaceholder(secret)) {
        col.block(start, end);
        continue;
      }
      const verdict: Verdict = rule.check ? rule.check(secret, env) : { confidence: rule.confidence ?? 'high' };
      if (verdict === null) continue;
      if (verdict === 'placeholder' || verdict === 'public') {
        col.block(start, end);
        continue;
      }
      col.add(
        {
          provider: verdict.provider ?? rule.provider,
          kind: verdict.kind ?? rule.kind,
          start,
          end,
          confidence: verdict.confidence,
        },
        PRIORITY.provider,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Structured detectors: URLs, JWTs, private keys, AWS secret keys, auth headers

const DB_SCHEMES: Record<string, string> = {
  postgres: 'postgres', postgresql: 'postgres', postgis: 'postgres', mysql: 'mysql', mariadb: 'mysql',
  'mongodb': 'mongodb', 'mongodb+srv': 'mongodb', redis: 'redis', rediss: 'redis', amqp: 'amqp',
  amqps: 'amqp', mssql: 'mssql', sqlserver: 'mssql', clickhouse: 'clickhouse', cockroachdb: 'postgres',
  neo4j: 'neo4j', 'neo4j+s': 'neo4j', bolt: 'neo4j', couchbase: 'couchbase', oracle: 'oracle',
};

const DEFAULT_PASSWORDS = new Set([
  'postgres', 'root', 'admin', 'password', 'pass', 'secret', 'mysql', 'guest', 'mongo', 'redis',
  'rabbitmq', 'user', 'sa',
]);

// scheme://user:password@host — the password stops at `/?#` so that the last `@` before the path wins.
const URL_USERINFO =
  /(?<![A-Za-z0-9+.-])((?:jdbc:)?[A-Za-z][A-Za-z0-9+.-]{1,20}):\/\/([^\s/?#@"'`<>:]*):([^\s/?#"'`<>]*)@(?=[A-Za-z0-9[._%-])/dg;
const URL_ANYWHERE = /(?:[A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/|jdbc:[A-Za-z0-9]+:)[^\s"'`<>]+/g;
const URL_PARAM = /[?&;]([A-Za-z_][A-Za-z0-9_.-]*)=([^&#;\s"'`<>]*)/dg;

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function isRealValue(value: string): boolean {
  return !isPlaceholder(value) && !isReference(value) && !containsReference(value);
}

function runUrls(col: Collector, text: string, lower: string): void {
  if (!lower.includes('://') && !lower.includes('jdbc:')) return;
  for (const m of text.matchAll(URL_USERINFO)) {
    const scheme = m[1]!.toLowerCase();
    const password = m[3]!;
    const [start, end] = m.indices![3]!;
    if (!password || !isRealValue(safeDecode(password))) continue;
    // Well-known defaults (postgres:postgres@localhost) are dev examples, not leaked credentials.
    if (password === m[2] || DEFAULT_PASSWORDS.has(safeDecode(password).toLowerCase())) continue;
    const family = DB_SCHEMES[scheme.replace(/^jdbc:/, '')] ?? (scheme.startsWith('jdbc:') ? 'jdbc' : undefined);
    col.add(
      {
        provider: family ?? 'url',
        kind: family ? 'database-password' : 'url-password',
        start,
        end,
        confidence: 'high',
      },
      PRIORITY.structured,
    );
  }
  for (const u of text.matchAll(URL_ANYWHERE)) {
    if (!/[?&;]/.test(u[0])) continue;
    for (const p of u[0].matchAll(URL_PARAM)) {
      const name = p[1]!;
      const raw = p[2]!;
      if (!raw || !(isCredentialKey(name) || /^(key|sig|auth|signature)$/i.test(name))) continue;
      const decoded = safeDecode(raw);
      if (!isRealValue(decoded) || isObviouslyNotSecret(decoded)) continue;
      const [s, e] = p.indices![2]!;
      const lowerName = name.toLowerCase();
      col.add(
        {
          provider: 'generic',
          kind: /pass|pwd/.test(lowerName) ? 'password' : /sig/.test(lowerName) ? 'signature' : 'url-parameter',
          start: u.index + s,
          end: u.index + e,
          confidence: entropyConfidence(decoded),
        },
        PRIORITY.structured,
      );
    }
  }
}

const JWT = /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)(?![A-Za-z0-9_.-])/dg;

function runJwts(col: Collector, env: RuleEnv, now: number): void {
  if (!env.lower.includes('eyj')) return;
  for (const m of env.text.matchAll(JWT)) {
    const [start, end] = m.indices![1]!;
    const payload = decodeJwtPayload(m[1]!);
    if (!payload) continue;
    const role = typeof payload['role'] === 'string' ? payload['role'] : undefined;
    if (role === 'anon') {
      // Supabase anon keys are meant to be public (they ship in browser code).
      col.block(start, end);
      continue;
    }
    const exp = typeof payload['exp'] === 'number' ? payload['exp'] : undefined;
    const expired = exp !== undefined && exp * 1000 < now;
    const supabase = role === 'service_role' || String(payload['iss'] ?? '').includes('supabase');
    col.add(
      {
        provider: supabase ? 'supabase' : 'jwt',
        kind: role === 'service_role' ? 'service-role-key' : 'jwt',
        start,
        end,
        confidence: expired ? 'low' : role === 'service_role' || env.credentialKey ? 'high' : 'medium',
      },
      PRIORITY.structured,
    );
  }
}

const PRIVATE_KEY =
  /-----BEGIN ([A-Z0-9 _-]{0,100}?)PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END [A-Z0-9 _-]{0,100}?PRIVATE KEY(?: BLOCK)?-----|(?:[A-Za-z0-9+/=:,\s-]|\\n){64,})/g;

function runPrivateKeys(col: Collector, text: string, lower: string): void {
  if (!lower.includes('-----begin')) return;
  for (const m of text.matchAll(PRIVATE_KEY)) {
    const body = m[0]
      .replace(/-----(BEGIN|END)[^-]*-----/g, '')
      .replace(/\\n|\s/g, '')
      .replace(/^Proc-Type:[^]*?DEK-Info:[^,]*,[0-9A-Fa-f]+/, '');
    if (body.length < 64 || isPlaceholder(body)) continue;
    const type = m[1]!.trim().toLowerCase();
    const encrypted = /encrypted/i.test(m[0]);
    col.add(
      {
        provider: 'private-key',
        kind: type && type !== 'encrypted' ? `${type.replace(/\s+/g, '-')}-private-key` : 'private-key',
        start: m.index,
        end: m.index + m[0].length,
        // An encrypted key still needs its passphrase: lower risk.
        confidence: encrypted ? 'low' : 'high',
      },
      PRIORITY.structured,
    );
  }
}

const AWS_SECRET_SHAPE = /^[A-Za-z0-9+/]{40}$/;
const AWS_SECRET_NEAR_ID = /(?<![A-Za-z0-9+/])([A-Za-z0-9+/]{40})(?![A-Za-z0-9+/=])/dg;
const AWS_ID = /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}(?![A-Za-z0-9])/;

function runAwsSecret(col: Collector, env: RuleEnv): void {
  const words = env.ctx.key ? keyWords(env.ctx.key).join('_') : '';
  const namedSecret = /SECRET_?ACCESS_?KEY|AWS_?SECRET/.test(words);
  const trimmed = env.text.trim();
  if (namedSecret && AWS_SECRET_SHAPE.test(trimmed) && isRealValue(trimmed)) {
    const start = env.text.indexOf(trimmed);
    col.add(
      {
        provider: 'aws',
        kind: 'secret-access-key',
        start,
        end: start + trimmed.length,
        confidence: shannonEntropy(trimmed) >= 4 ? 'high' : 'medium',
      },
      PRIORITY.structured,
    );
    return;
  }
  // Next to a key id, a 40-character base64 run with high entropy is its secret (trufflehog's pairing).
  if (!AWS_ID.test(env.text)) return;
  for (const m of env.text.matchAll(AWS_SECRET_NEAR_ID)) {
    const secret = m[1]!;
    if (shannonEntropy(secret) < 4.25 || !/[0-9+/]/.test(secret) || isPlaceholder(secret)) continue;
    const [start, end] = m.indices![1]!;
    col.add({ provider: 'aws', kind: 'secret-access-key', start, end, confidence: 'medium' }, PRIORITY.structured);
  }
}

const AUTH_SCHEME = /^(Bearer|Basic|Token|Bot|Digest|Sentry-Bearer|ApiKey|Api-Key|JWT)\s+(\S+)\s*$/i;
// `Authorization: Bearer X` or `X-API-Key: X` inside a longer text (curl -H, shell history).
const AUTH_IN_TEXT =
  /\b(?:(?:proxy-)?authorization["']?\s*[:=]\s*["']?(Bearer|Basic|Token|Bot|Sentry-Bearer)\s+|(?:x-api-key|api-key|apikey|x-subscription-token|private-token|x-auth-token|x-goog-api-key|x-figma-token|notion-token)["']?\s*:\s*["']?)([A-Za-z0-9._~+/=:-]{8,})/dgi;

function schemeKind(scheme: string): string {
  return /^basic$/i.test(scheme) ? 'basic-auth' : /bearer/i.test(scheme) ? 'bearer-token' : 'token';
}

function runAuthInText(col: Collector, env: RuleEnv): void {
  if (!/authorization|api-?key|-token/.test(env.lower)) return;
  for (const m of env.text.matchAll(AUTH_IN_TEXT)) {
    const secret = m[2]!;
    if (!isRealValue(secret)) continue;
    const [start, end] = m.indices![2]!;
    col.add(
      {
        provider: 'generic',
        kind: m[1] ? schemeKind(m[1]) : 'api-key',
        start,
        end,
        confidence: entropyConfidence(secret),
      },
      PRIORITY.scheme,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The generic rule and the argument rules

export function entropyConfidence(secret: string): Confidence {
  const h = shannonEntropy(secret);
  if (secret.length >= 16 && h >= 3.5) return 'high';
  if (secret.length >= 8 && h >= 2.5) return 'medium';
  return 'low';
}

/**
 * The value at [start, end) of `text` belongs to `key`: report it when the key names a
 * credential and the value is real, whatever its entropy. Header-style values drop their scheme.
 */
function genericForKey(
  col: Collector,
  text: string,
  start: number,
  end: number,
  key: string,
  header: boolean,
  priority: number = PRIORITY.generic,
): void {
  const raw = text.slice(start, end);
  const lead = raw.length - raw.trimStart().length;
  let s = start + lead;
  let value = raw.trim();
  let kind: string = kindFromKey(key);
  const scheme = AUTH_SCHEME.exec(value);
  if (scheme && (header || isAuthorizationKey(key))) {
    kind = schemeKind(scheme[1]!);
    s += value.indexOf(scheme[2]!, scheme[1]!.length);
    value = scheme[2]!;
  } else if (!isCredentialKey(key)) {
    return;
  }
  if (!isRealValue(value) || isObviouslyNotSecret(value)) return;
  col.add(
    { provider: 'generic', kind, start: s, end: s + value.length, confidence: entropyConfidence(value) },
    priority,
  );
}

const ASSIGNMENT_WHERE = new Set(['env', 'header', 'dotenv', 'history']);
const FLAG_EQ = /^(--?[A-Za-z][A-Za-z0-9_.-]*)=([\s\S]*)$/;
const ENV_ASSIGN = /^([A-Za-z_][A-Za-z0-9_.-]*)=([\s\S]*)$/;
const HEADER_LINE = /^([A-Za-z][A-Za-z0-9_-]*)\s*:\s*([\s\S]+)$/;

function isCredentialFlag(flag: string | undefined): boolean {
  return !!flag && flag.startsWith('-') && isCredentialKey(flag);
}

function runArgRules(col: Collector, text: string, ctx: DetectContext): void {
  const prev = ctx.previousArg?.trim();
  if (prev && /^(-H|--header)$/.test(prev)) {
    const h = HEADER_LINE.exec(text);
    if (h) {
      const vStart = text.length - h[2]!.length;
      genericForKey(col, text, vStart, text.length, h[1]!, true);
      return;
    }
  }
  if (isCredentialFlag(prev)) {
    genericForKey(col, text, 0, text.length, prev!, false);
    return;
  }
  const flag = FLAG_EQ.exec(text);
  if (flag) {
    if (isCredentialFlag(flag[1])) genericForKey(col, text, flag[1]!.length + 1, text.length, flag[1]!, false);
    return;
  }
  const assign = ENV_ASSIGN.exec(text);
  if (assign) genericForKey(col, text, assign[1]!.length + 1, text.length, assign[1]!, false);
}

// `api_key: "…32+ chars…"` in free text: only long, high-entropy values after a credential name.
const TEXT_ASSIGN = /([A-Za-z_][A-Za-z0-9_.-]{0,50})["']?\s*(?::=|=>|=|:)\s*["']?([A-Za-z0-9_\-+/=.~]{32,})/dg;

function runTextGeneric(col: Collector, text: string): void {
  for (const m of text.matchAll(TEXT_ASSIGN)) {
    const secret = m[2]!;
    if (!isCredentialKey(m[1]) || shannonEntropy(secret) < 3.5 || !isRealValue(secret)) continue;
    if (isObviouslyNotSecret(secret)) continue;
    const [start, end] = m.indices![2]!;
    col.add({ provider: 'generic', kind: kindFromKey(m[1]), start, end, confidence: 'medium' }, PRIORITY.generic);
  }
}

// ---------------------------------------------------------------------------------------------
// JSON inside a value (`--config '{"mysqlPassword":"…"}'`, OPENAPI_MCP_HEADERS, add-json)

function runJson(col: Collector, text: string, options: DetectOptions, depth: number): void {
  const trimmed = text.trimStart();
  if (depth > 3 || !(trimmed.startsWith('{') || trimmed.startsWith('['))) return;
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root || (root.type !== 'object' && root.type !== 'array')) return;
  walkJson(col, text, root, { where: 'env' }, options, depth);
}

function walkJson(
  col: Collector,
  text: string,
  node: Node,
  ctx: DetectContext,
  options: DetectOptions,
  depth: number,
): void {
  if (node.type === 'object') {
    for (const prop of node.children ?? []) {
      const keyNode = prop.children?.[0];
      const valueNode = prop.children?.[1];
      if (!keyNode || !valueNode || typeof keyNode.value !== 'string') continue;
      const key = keyNode.value;
      const where = /^headers$/i.test(key) ? 'header' : ctx.where === 'header' ? 'header' : 'env';
      if (valueNode.type === 'string') {
        scanJsonString(col, text, valueNode, { where, key }, options, depth);
      } else if (valueNode.type === 'array' && /^args$/i.test(key)) {
        let previousArg: string | undefined;
        for (const item of valueNode.children ?? []) {
          if (item.type === 'string') {
            scanJsonString(col, text, item, { where: 'arg', previousArg }, options, depth);
            previousArg = item.value as string;
          } else previousArg = undefined;
        }
      } else {
        walkJson(col, text, valueNode, { where }, options, depth);
      }
    }
  } else if (node.type === 'array') {
    for (const item of node.children ?? []) {
      if (item.type === 'string') scanJsonString(col, text, item, { where: 'text' }, options, depth);
      else walkJson(col, text, item, ctx, options, depth);
    }
  }
}

function scanJsonString(
  col: Collector,
  text: string,
  node: Node,
  ctx: DetectContext,
  options: DetectOptions,
  depth: number,
): void {
  const value = node.value as string;
  const rawStart = node.offset + 1;
  const raw = text.slice(rawStart, node.offset + node.length - 1);
  for (const d of detectIn(value, ctx, options, depth + 1)) {
    // Without escapes the decoded string is the raw text, so offsets map one to one; otherwise
    // locate the secret in the raw text, or fall back to the whole member (the value stays exact).
    let start = rawStart + d.start;
    let end = rawStart + d.end;
    if (raw !== value) {
      const at = raw.indexOf(d.value);
      start = at >= 0 ? rawStart + at : rawStart;
      end = at >= 0 ? start + d.value.length : rawStart + raw.length;
    }
    col.add({ ...d, start, end }, d.provider === 'generic' ? PRIORITY.generic : PRIORITY.structured);
  }
}

// ---------------------------------------------------------------------------------------------

function detectIn(value: string, ctx: DetectContext, options: DetectOptions, depth: number): Detection[] {
  if (value.trim().length === 0 || isReference(value)) return [];
  const col = new Collector(value);
  for (const [s, e] of referenceSpans(value)) col.block(s, e);
  const lower = value.toLowerCase();
  const credentialKey = isCredentialKey(ctx.key) || isCredentialFlag(ctx.previousArg);
  const env: RuleEnv = { text: value, lower, ctx, credentialKey };

  runRules(col, env);
  runUrls(col, value, lower);
  runJwts(col, env, options.now ?? Date.now());
  runPrivateKeys(col, value, lower);
  runAwsSecret(col, env);
  runAuthInText(col, env);
  runJson(col, value, options, depth);

  const assignment = ASSIGNMENT_WHERE.has(ctx.where);
  if (ctx.where === 'header') {
    // A `Scheme credentials` value is a credential whatever the header is called.
    genericForKey(col, value, 0, value.length, ctx.key ?? '', true, PRIORITY.scheme);
  } else if (assignment && ctx.key) {
    genericForKey(col, value, 0, value.length, ctx.key, false);
  }
  if (ctx.where === 'arg' || ctx.where === 'history') runArgRules(col, value, ctx);
  if (ctx.where === 'text' || ctx.where === 'backup') runTextGeneric(col, value);
  return col.resolve();
}

/**
 * Every credential inside one string, non-overlapping, in order. `start`/`end` are offsets in
 * `value`; for a secret inside an escaped JSON string they cover its raw (escaped) text while
 * `value` holds the decoded secret.
 */
export function detectSecrets(value: string, ctx: DetectContext, options: DetectOptions = {}): Detection[] {
  return detectIn(value, ctx, options, 0);
}
