// What to do at each provider so a token holds only what its MCP server needs, and where.
// Facts from reference/tokens-and-scopes.md (Part B and the B.3 revoke/rotate list).

export interface ProviderLink {
  label: string;
  /** Least privilege at the provider, in one line. */
  advice: string;
  /** Where to create a narrower token (or manage the existing one). */
  url: string;
}

export const PROVIDER_LINKS: Readonly<Record<string, ProviderLink>> = {
  github: {
    label: 'GitHub',
    advice: 'a fine-grained token for one owner and only the repos the server needs, read-only where you can',
    url: 'https://github.com/settings/personal-access-tokens/new',
  },
  gitlab: {
    label: 'GitLab',
    advice: 'a project access token with read_api unless the server must write',
    url: 'https://gitlab.com/-/user_settings/personal_access_tokens',
  },
  slack: {
    label: 'Slack',
    advice: 'bot scopes channels:history, channels:read, users:read; drop chat:write for read-only use; add the bot only to the channels it needs',
    url: 'https://api.slack.com/apps',
  },
  stripe: {
    label: 'Stripe',
    advice: 'a restricted key (rk_) with Read on just the resources of the --tools you enabled',
    url: 'https://dashboard.stripe.com/apikeys',
  },
  notion: {
    label: 'Notion',
    advice: 'an internal integration with only "Read content", shared with the pages it needs',
    url: 'https://www.notion.so/profile/integrations',
  },
  sentry: {
    label: 'Sentry',
    advice: 'a user token with org:read project:read team:read event:read, and --skills=inspect',
    url: 'https://sentry.io/settings/account/api/auth-tokens/',
  },
  linear: {
    label: 'Linear',
    advice: 'a personal API key with Read permission, limited to the teams it needs',
    url: 'https://linear.app/settings/account/security',
  },
  openai: {
    label: 'OpenAI',
    advice: 'a project key with restricted permissions, for this project only',
    url: 'https://platform.openai.com/api-keys',
  },
  anthropic: {
    label: 'Anthropic',
    advice: 'a key in a workspace used only by this server, with a spend limit',
    url: 'https://console.anthropic.com/settings/keys',
  },
  aws: {
    label: 'AWS',
    advice: 'an IAM user or role whose policy allows only the actions the server calls',
    url: 'https://console.aws.amazon.com/iam/home#/users',
  },
  google: {
    label: 'Google',
    advice: 'an API key restricted to the one API the server calls',
    url: 'https://console.cloud.google.com/apis/credentials',
  },
  atlassian: {
    label: 'Atlassian',
    advice: 'an API token with scopes, read-only where the server only reads',
    url: 'https://id.atlassian.com/manage-profile/security/api-tokens',
  },
  cloudflare: {
    label: 'Cloudflare',
    advice: 'an API token from a template, limited to the zones and permissions needed',
    url: 'https://dash.cloudflare.com/profile/api-tokens',
  },
  supabase: {
    label: 'Supabase',
    advice: 'a token for one project; run the server with --read-only',
    url: 'https://supabase.com/dashboard/account/tokens',
  },
  huggingface: {
    label: 'Hugging Face',
    advice: 'a fine-grained token with read access to the repos needed',
    url: 'https://huggingface.co/settings/tokens',
  },
  npm: {
    label: 'npm',
    advice: 'a granular read-only token limited to the packages needed',
    url: 'https://www.npmjs.com/settings/tokens',
  },
  figma: {
    label: 'Figma',
    advice: 'a personal access token with read-only file scopes',
    url: 'https://www.figma.com/settings',
  },
};

/** Keys with no known prefix: the provider is named after the env var (BRAVE_API_KEY). */
const KEY_PROVIDERS: [RegExp, string, ProviderLink][] = [
  [
    /^BRAVE_/i,
    'brave',
    { label: 'Brave Search', advice: 'keys have no scopes: pick the plan and quota you need', url: 'https://api-dashboard.search.brave.com/app/keys' },
  ],
];

/** The provider guidance for a secret, by detector provider or else by the name it is stored under. */
export function providerLink(provider: string, account?: string): { id: string; link: ProviderLink } | undefined {
  const known = PROVIDER_LINKS[provider];
  if (known) return { id: provider, link: known };
  for (const [re, id, link] of KEY_PROVIDERS) if (account && re.test(account)) return { id, link };
  return undefined;
}
