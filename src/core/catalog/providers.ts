// Per provider: what a least-privilege token looks like, in one line, and where to create and
// revoke one (reference/tokens-and-scopes.md Part B and the B.3 revoke/rotate list). Keys are the
// provider names the secret detectors use; server entries point here through `provider`.
import { CATALOG } from './entries.js';
import type { CatalogEntry } from './types.js';

export interface ProviderInfo {
  label: string;
  /** Least privilege at the provider, in one line. */
  advice: string;
  /** Where to create a narrower token (or manage the existing one). */
  create: string;
  /** Where to revoke or rotate one, when it is another page. */
  revoke?: string;
  /** Fields that are inference rather than read in a source. */
  inferred?: ('advice' | 'create' | 'revoke')[];
}

export const PROVIDERS: Readonly<Record<string, ProviderInfo>> = {
  github: {
    label: 'GitHub',
    advice: 'a fine-grained token for one owner and only the repositories the server needs, with read permissions unless it must write',
    create: 'https://github.com/settings/personal-access-tokens/new',
    revoke: 'https://github.com/settings/personal-access-tokens',
  },
  gitlab: {
    label: 'GitLab',
    advice: 'a personal access token with read_api (and read_repository) and a short expiry, unless the server must write',
    create: 'https://gitlab.com/-/user_settings/personal_access_tokens',
  },
  slack: {
    label: 'Slack',
    advice: 'bot scopes channels:history, channels:read, users:read, users.profile:read; add chat:write and reactions:write only to post; add the bot only to the channels it needs',
    create: 'https://api.slack.com/apps',
  },
  stripe: {
    label: 'Stripe',
    advice: 'a restricted key (rk_) with Read on just the resources of the --tools you enabled',
    create: 'https://dashboard.stripe.com/apikeys',
  },
  notion: {
    label: 'Notion',
    advice: 'an internal integration with only "Read content", shared with the pages it needs',
    create: 'https://www.notion.so/profile/integrations',
  },
  sentry: {
    label: 'Sentry',
    advice: 'a user token with org:read project:read team:read event:read, and --skills=inspect',
    create: 'https://sentry.io/settings/account/api/auth-tokens/',
  },
  linear: {
    label: 'Linear',
    advice: 'a personal API key with Read permission, limited to the teams it needs',
    create: 'https://linear.app/settings/account/security/api-keys/new',
    revoke: 'https://linear.app/settings/account/security',
    inferred: ['revoke'],
  },
  openai: {
    label: 'OpenAI',
    advice: 'a project key with Restricted or Read Only permissions, for this project only',
    create: 'https://platform.openai.com/api-keys',
  },
  anthropic: {
    label: 'Anthropic',
    advice: 'a key in a workspace used only by this server, with a spend limit',
    create: 'https://console.anthropic.com/settings/keys',
    inferred: ['advice'],
  },
  aws: {
    label: 'AWS',
    advice: 'a profile with short-lived credentials (SSO or a role) whose policy allows only the services the server touches, read-only where it can',
    create: 'https://console.aws.amazon.com/iam/home#/users',
    inferred: ['create'],
  },
  google: {
    label: 'Google',
    advice: 'an API key restricted to the one API the server calls; OAuth with read-only scopes',
    create: 'https://console.cloud.google.com/apis/credentials',
  },
  atlassian: {
    label: 'Atlassian',
    advice: 'a scoped API token (read:jira-work, read:confluence-content.all) if the server can use it, else a token of a dedicated low-privilege account; classic tokens carry all your rights',
    create: 'https://id.atlassian.com/manage-profile/security/api-tokens',
  },
  cloudflare: {
    label: 'Cloudflare',
    advice: 'an account-owned API token with only the permissions of the one server, for one account and zone',
    create: 'https://dash.cloudflare.com/profile/api-tokens',
  },
  supabase: {
    label: 'Supabase',
    advice: 'the token reaches every project of the account: use a dedicated account, and run the server with --read-only and --project-ref',
    create: 'https://supabase.com/dashboard/account/tokens',
  },
  huggingface: {
    label: 'Hugging Face',
    advice: 'a read token, or a fine-grained token with read access to the repos needed',
    create: 'https://huggingface.co/settings/tokens',
    inferred: ['create'],
  },
  npm: {
    label: 'npm',
    advice: 'a granular read-only token limited to the packages needed',
    create: 'https://www.npmjs.com/settings/tokens',
    inferred: ['create', 'advice'],
  },
  figma: {
    label: 'Figma',
    advice: 'a personal access token with read-only file scopes and an expiry (Settings → Security)',
    create: 'https://www.figma.com/settings',
    inferred: ['create', 'advice'],
  },
  brave: {
    label: 'Brave Search',
    advice: 'keys have no scopes: pick the plan and quota you need',
    create: 'https://api-dashboard.search.brave.com/app/keys',
  },
};

/** Entry providers with no token page: servers that hold no API secret, and database passwords. */
export const NO_PROVIDER_PAGE: readonly string[] = ['none', 'postgres'];

/**
 * The provider of a secret: by the detector's provider name, or else by the name the secret is
 * stored under (`BRAVE_API_KEY`, `BRAVE_API_KEY@server`) when a catalog server reads that env var.
 */
export function providerFor(
  provider: string,
  account?: string,
  catalog: readonly CatalogEntry[] = CATALOG,
): { id: string; info: ProviderInfo } | undefined {
  const known = Object.hasOwn(PROVIDERS, provider) ? PROVIDERS[provider] : undefined;
  if (known) return { id: provider, info: known };
  const key = account?.split('@')[0];
  if (!key) return undefined;
  for (const e of catalog) {
    const id = e.secrets.env.includes(key) ? e.provider : e.secrets.extra?.find((x) => x.env === key)?.provider;
    if (id && Object.hasOwn(PROVIDERS, id)) return { id, info: PROVIDERS[id]! };
  }
  return undefined;
}
