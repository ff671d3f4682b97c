// The catalog's data: sound by its schema, covering the servers users run most, with inferred
// facts marked, and links a user can open.
import { describe, expect, it } from 'vitest';
import { CATALOG, createLink, entryById, NO_PROVIDER_PAGE, providerFor, PROVIDERS, validateCatalog, validateProviders, type CatalogEntry } from '../../../src/core/catalog/index.js';

const entry = (id: string) => {
  const e = entryById(id);
  if (!e) throw new Error(`no catalog entry ${id}`);
  return e;
};

/** A copy of the catalog with one entry changed. */
function withChange(id: string, change: (e: CatalogEntry) => void): CatalogEntry[] {
  const copy = structuredClone(CATALOG) as CatalogEntry[];
  change(copy.find((e) => e.id === id)!);
  return copy;
}

describe('the catalog data', () => {
  it('passes its own schema', () => {
    expect(validateCatalog()).toEqual([]);
    expect(validateProviders()).toEqual([]);
  });

  it('covers the popular servers, GitHub in all three forms', () => {
    const ids = CATALOG.map((e) => e.id);
    for (const id of [
      'github', 'github-npm', 'gitlab', 'slack', 'postgres', 'filesystem', 'git', 'fetch', 'brave-search', 'notion', 'linear',
      'atlassian', 'sentry', 'stripe', 'supabase', 'aws', 'cloudflare', 'playwright', 'google-maps', 'gdrive', 'huggingface', 'figma',
    ]) {
      expect(ids).toContain(id);
    }
    expect(CATALOG.length).toBeGreaterThanOrEqual(20);
    expect(entry('github').match.docker).toContain('ghcr.io/github/github-mcp-server');
    expect(entry('github').match.urls).toContain('api.githubcopilot.com/mcp');
    expect(entry('github-npm').match.npm).toContain('@modelcontextprotocol/server-github');
  });

  it('sends archived servers to a live one where the reference names it', () => {
    expect(entry('github-npm').archived).toEqual({ since: '2025-05-29', migrateTo: 'github' });
    expect(entry('brave-search-npm').archived?.migrateTo).toBe('brave-search');
    expect(entry('github').archived).toBeUndefined();
  });

  it('holds the facts of the reference for GitHub, Sentry, Stripe and Supabase', () => {
    expect(entry('github').readOnly.env).toEqual({ GITHUB_READ_ONLY: '1' });
    expect(entry('github').scopes.trusted).toEqual(['repo', 'read:org']);
    expect(entry('github').verify).toMatchObject({ kind: 'http', method: 'HEAD', url: 'https://api.github.com/user' });
    expect(entry('sentry').scopes.limited).toEqual(['org:read', 'project:read', 'team:read', 'event:read']);
    expect(entry('sentry').readOnly.args).toEqual(['--skills=inspect']);
    expect(entry('sentry').secrets.extra?.map((x) => x.env)).toEqual(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENROUTER_API_KEY']);
    expect(entry('stripe').writeTools).toContain('refunds.create');
    expect(entry('stripe').writeTools.every((t) => !t.endsWith('.read'))).toBe(true);
    expect(entry('supabase').readOnly.args).toContain('--read-only');
    expect(entry('postgres').secrets.args?.[0]).toMatch(/^postgresql:\/\//);
  });

  it('marks inferred facts, and only facts that exist', () => {
    // Not in the reference: the Hugging Face and Figma endpoints, the Framelink package, fine-grained GitHub permissions.
    expect(entry('huggingface').inferred).toContain('match.urls');
    expect(entry('figma').inferred).toContain('match.urls');
    expect(entry('figma-framelink').inferred).toContain('match.npm');
    expect(entry('github').inferred).toContain('scopes.fineGrained');
    // Read in source: Stripe's tool allowlist and Brave's env var.
    expect(entry('stripe').inferred).not.toContain('writeTools');
    expect(entry('brave-search').inferred).toEqual([]);
    for (const e of CATALOG) expect(e.sources.length, e.id).toBeGreaterThan(0);
  });

  it('gives every server that holds a token a page to create or revoke it', () => {
    for (const e of CATALOG) {
      // Playwright's secrets file and a database password have no provider page.
      if (NO_PROVIDER_PAGE.includes(e.provider) || (e.secrets.env.length === 0 && e.secrets.headers.length === 0)) continue;
      const page = e.links.create ?? e.links.revoke ?? PROVIDERS[e.provider]?.create;
      expect(page, e.id).toMatch(/^https:\/\//);
    }
  });
});

describe('validateCatalog finds', () => {
  it.each<[string, string, (e: CatalogEntry) => void, RegExp]>([
    ['a package claimed by two entries', 'github-npm', (e) => (e.match.npm = ['@supabase/mcp-server-supabase']), /npm @supabase\/mcp-server-supabase already matches (supabase|github-npm)/],
    ['an image claimed twice after its tag is dropped', 'fetch', (e) => (e.match.docker = ['mcp/filesystem']), /docker mcp\/filesystem already matches filesystem/],
    ['an image with a tag', 'github', (e) => (e.match.docker = ['ghcr.io/github/github-mcp-server:v1']), /without tag or digest/],
    ['an npm name with a version', 'stripe', (e) => (e.match.npm = ['@stripe/mcp@1.0.0']), /not a bare npm name/],
    ['a URL with a scheme', 'linear', (e) => (e.match.urls = ['https://mcp.linear.app']), /host\/path without scheme/],
    ['an entry that matches nothing', 'linear', (e) => (e.match = {}), /match has no/],
    ['an inferred path naming no field', 'github', (e) => e.inferred.push('links.nowhere'), /inferred names a missing field: links.nowhere/],
    ['a migration to an unknown entry', 'gitlab', (e) => (e.archived = { since: '2025-05-29', migrateTo: 'gitlab-new' }), /migrateTo names no entry/],
    ['a migration to an archived entry', 'brave-search-npm', (e) => (e.archived = { since: '2025-05-29', migrateTo: 'slack' }), /archived entry: slack/],
    ['a provider with no page', 'figma', (e) => (e.provider = 'figmaa'), /provider figmaa has no entry/],
    ['a link that is not https', 'slack', (e) => (e.links.revoke = 'http://api.slack.com/apps'), /links.revoke is not an https URL/],
    ['a bad env var name', 'notion', (e) => e.secrets.env.push('notion token'), /not an env var name/],
    ['tool groups not joined by bare commas', 'github', (e) => (e.toolsets!.limited = 'context, repos'), /toolsets.limited must be tool group names/],
    ['an untrusted tool group a limited server would not get', 'github', (e) => (e.toolsets!.untrusted = 'context,actions'), /toolsets.untrusted has actions/],
    ['a toolsets option that is not a long option', 'github', (e) => (e.toolsets!.flag = 'toolsets'), /toolsets.flag toolsets is not a --long option/],
    ['a verification call that does not say where the token goes', 'figma', (e) => (e.verify = { kind: 'http', method: 'GET', url: 'https://api.figma.com/v1/me', header: 'X-Figma-Token', reveals: 'user' }), /<token>/],
    ['a source without its tag', 'git', (e) => (e.sources = ['README']), /must start with \[V\], \[D\] or \[I\]/],
    ['a duplicate id', 'git', (e) => (e.id = 'fetch'), /fetch: id is used twice/],
  ])('%s', (_what, id, change, problem) => {
    const problems = validateCatalog(withChange(id, change));
    expect(problems.some((p) => problem.test(p)), problems.join('\n')).toBe(true);
  });
});

describe('token links', () => {
  it('prefills a GitHub classic token with scopes and a description', () => {
    expect(createLink(entry('github'), ['repo', 'read:org'], 'mcp-harden github')).toBe(
      'https://github.com/settings/tokens/new?description=mcp-harden%20github&scopes=repo,read:org',
    );
  });

  it('prefills a GitLab token with name and scopes', () => {
    const link = createLink(entry('gitlab'), entry('gitlab').scopes.limited, 'mcp gitlab');
    const u = new URL(link!);
    expect(`${u.origin}${u.pathname}`).toBe('https://gitlab.com/-/user_settings/personal_access_tokens');
    expect(u.searchParams.get('name')).toBe('mcp gitlab');
    expect(u.searchParams.get('scopes')).toBe('read_api,read_repository');
  });

  it('escapes what would break the query and falls back to the plain page without a template', () => {
    const link = createLink(entry('github'), [], 'a&b=c');
    expect(new URL(link!).searchParams.get('description')).toBe('a&b=c');
    expect(new URL(link!).searchParams.has('scopes')).toBe(false);
    expect(createLink(entry('sentry'), ['org:read'], 'x')).toBe('https://sentry.io/settings/account/api/auth-tokens/');
    expect(createLink(entry('fetch'), [], 'x')).toBeUndefined();
  });

  it('finds the provider of a secret by detector name, else by the env var a catalog server reads', () => {
    expect(providerFor('github')?.info.create).toBe('https://github.com/settings/personal-access-tokens/new');
    expect(providerFor('generic', 'BRAVE_API_KEY')?.id).toBe('brave');
    expect(providerFor('generic', 'BRAVE_API_KEY@search')?.id).toBe('brave');
    // Sentry reads OPENAI_API_KEY, but the key is OpenAI's.
    expect(providerFor('generic', 'OPENAI_API_KEY')?.id).toBe('openai');
    expect(providerFor('generic', 'MY_OWN_KEY')).toBeUndefined();
    expect(providerFor('constructor')).toBeUndefined();
  });
});
