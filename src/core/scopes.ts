// Which provider-side token scopes are too broad for a server's trust level (DESIGN §6), from the
// facts in reference/tokens-and-scopes.md §B. Pure: the live calls that learn a token's scopes
// are in adapters/scope-check.ts.
//
// The rule: `trusted` servers get the scopes they need, so nothing is flagged; `limited` servers
// get read-only scopes only; `untrusted` servers get no secret with a write scope. For the token
// itself both come to the same test (anything that is not read-only is too broad): the difference
// between the two levels is in the local switches (ask vs deny, pinning), not in the token.
//
// Read-only is decided by an allowlist: a scope we do not recognise as read-only counts as write,
// because a new provider scope is more often a new power than a new way to read.

export type TrustLevel = 'trusted' | 'limited' | 'untrusted';

/** Providers whose tokens reveal their scopes through a read-only API call. */
export type ScopedProvider = 'github' | 'gitlab' | 'slack' | 'huggingface';

/**
 * GitHub classic scopes that only read. Everything else writes: `repo` and `public_repo` grant
 * read/write on repositories (there is no read-only classic scope for private repos: a
 * fine-grained token with Contents: Read is the read-only choice), `admin:org` ⊃ `write:org`,
 * `delete_repo`, `gist`, `workflow`, `notifications` (marks threads, watches repos), `project`,
 * `security_events`, `user`, `write:*`, `admin:*`, `delete:*`.
 */
function githubReadOnly(scope: string): boolean {
  return scope.startsWith('read:') || scope === 'user:email';
}

/** GitLab: `read_api`, `read_repository`, `read_user`, `read_registry`, … vs `api`, `write_*`, `sudo`, `admin_mode`. */
function gitlabReadOnly(scope: string): boolean {
  return scope.startsWith('read_') || scope === 'openid' || scope === 'profile' || scope === 'email';
}

/** Slack: `channels:read`, `channels:history`, `users:read.email`, `search:read.public`, `identify` vs `chat:write`, `reactions:write`, `*:manage`, `admin*`, `bot`, `client`. */
function slackReadOnly(scope: string): boolean {
  return /:(read|history)(\.[a-z_.]+)?$/.test(scope) || scope === 'identify' || scope === 'openid' || scope === 'profile' || scope === 'email';
}

/** Hugging Face: the token role `read`, or fine-grained permissions ending in `.read`; `write`, `*.write`, `*.manage` write. */
function huggingfaceReadOnly(scope: string): boolean {
  return scope === 'read' || scope.endsWith('.read');
}

const READ_ONLY: Record<ScopedProvider, (scope: string) => boolean> = {
  github: githubReadOnly,
  gitlab: gitlabReadOnly,
  slack: slackReadOnly,
  huggingface: huggingfaceReadOnly,
};

export function isScopedProvider(provider: string): provider is ScopedProvider {
  return Object.hasOwn(READ_ONLY, provider);
}

/** True when the scope only reads, for a provider we know; undefined for other providers. */
export function isReadOnlyScope(provider: string, scope: string): boolean | undefined {
  return isScopedProvider(provider) ? READ_ONLY[provider](scope.trim()) : undefined;
}

/**
 * The scopes of a token that its server's trust level does not allow, in the order given.
 * Empty for a trusted server, for a provider whose scopes we cannot judge, and for a read-only token.
 */
export function scopesBeyondTrust(provider: string, scopes: readonly string[], level: TrustLevel): string[] {
  if (level === 'trusted' || !isScopedProvider(provider)) return [];
  const readOnly = READ_ONLY[provider];
  const out: string[] = [];
  for (const raw of scopes) {
    const s = raw.trim();
    if (s && !readOnly(s) && !out.includes(s)) out.push(s);
  }
  return out;
}

/** What the least-privilege replacement looks like, in words, for a finding's fix text. */
export function readOnlyAdvice(provider: string): string {
  switch (provider) {
    case 'github':
      return 'Use a fine-grained token with read permissions on the repositories it needs (classic: only read:* scopes)';
    case 'gitlab':
      return 'Use a token with read_api (and read_repository) only';
    case 'slack':
      return 'Drop the write scopes (chat:write, reactions:write, …) from the app and reinstall it';
    case 'huggingface':
      return 'Use a token with the read role';
    default:
      return 'Use a read-only token';
  }
}
