// A first, simple trust suggestion per server (DESIGN §6), from evidence the user can check:
// who publishes it, whether it is pinned, how it is reached, which secrets it holds, and risky settings.
import type { Finding, Transport } from '../core/model.js';
import type { TrustLevel, TrustSuggestion } from './state.js';

/** npm scopes, docker namespaces and hosts owned by the vendor of the service (or the MCP project). */
const PUBLISHERS: [RegExp, string][] = [
  [/^@modelcontextprotocol\//, 'MCP project'],
  [/^(@github\/|ghcr\.io\/github\/)/, 'GitHub'],
  [/^@stripe\//, 'Stripe'],
  [/^@notionhq\//, 'Notion'],
  [/^@sentry\//, 'Sentry'],
  [/^@brave\//, 'Brave'],
  [/^@cloudflare\//, 'Cloudflare'],
  [/^@supabase\//, 'Supabase'],
  [/^@upstash\//, 'Upstash'],
  [/^@playwright\//, 'Microsoft (Playwright)'],
  [/^mcp\//, 'Docker MCP catalog'],
  [/(^|\.)linear\.app$/, 'Linear'],
  [/(^|\.)githubcopilot\.com$/, 'GitHub'],
  [/(^|\.)sentry\.dev$/, 'Sentry'],
  [/(^|\.)notion\.com$/, 'Notion'],
  [/(^|\.)stripe\.com$/, 'Stripe'],
];

const RUNNERS = new Set(['npx', 'bunx', 'pnpx', 'uvx', 'pipx', 'docker', 'podman']);

/** The package, image or host a launch line names: `npx -y @x/y@1.2` → `@x/y@1.2`. */
export function sourceOf(launch: string, transport: Transport): string | undefined {
  if (transport !== 'stdio') {
    try {
      return new URL(launch).hostname;
    } catch {
      return undefined;
    }
  }
  const words = launch.split(/\s+/).filter(Boolean);
  const runner = words[0]?.split('/').pop();
  if (!runner || !RUNNERS.has(runner)) return undefined;
  let rest = words.slice(1);
  if (runner === 'docker' || runner === 'podman') rest = rest.slice(rest.indexOf('run') + 1);
  return rest.find((w) => !w.startsWith('-') && !/^(run|exec|dlx|x)$/.test(w));
}

/** `@scope/name@1.2.3` → `@scope/name` */
function packageName(spec: string): string {
  const at = spec.lastIndexOf('@');
  return at > 0 ? spec.slice(0, at) : spec.split(/[=:]/)[0]!;
}

function publisherOf(source: string | undefined): string | undefined {
  if (!source) return undefined;
  const name = packageName(source);
  return PUBLISHERS.find(([re]) => re.test(name))?.[1];
}

const RISKY: Finding['rule'][] = ['dangerous-container', 'broad-filesystem-access', 'insecure-transport'];

export function suggestTrust(input: { launch: string; transport: Transport; findings: Finding[]; secretsHeld: number }): TrustSuggestion {
  const source = sourceOf(input.launch, input.transport);
  const publisher = publisherOf(source);
  const remote = input.transport !== 'stdio';
  const pinned = remote || !source ? null : !input.findings.some((f) => f.rule === 'unpinned-package');
  const risky = input.findings.filter((f) => RISKY.includes(f.rule));
  const transportNote = remote
    ? input.findings.some((f) => f.rule === 'insecure-transport')
      ? 'remote, plain http'
      : 'remote, https'
    : 'local (stdio)';

  let suggested: TrustLevel;
  let reason: string;
  if (risky.length) {
    suggested = 'untrusted';
    reason = `risky setting: ${risky.map((f) => f.rule).join(', ')}`;
  } else if (!publisher) {
    suggested = pinned ? 'limited' : 'untrusted';
    reason = pinned ? 'unknown publisher, but pinned' : 'unknown publisher';
  } else if (remote) {
    suggested = 'limited';
    reason = `${publisher}'s remote server: read-only where possible`;
  } else if (pinned) {
    suggested = 'trusted';
    reason = `${publisher}, pinned version`;
  } else {
    suggested = 'limited';
    reason = `${publisher}, but not pinned: any release runs`;
  }
  return {
    suggested,
    publisher: publisher ?? 'unknown',
    ...(source ? { source } : {}),
    pinned,
    transportNote,
    secretsHeld: input.secretsHeld,
    reason,
  };
}
