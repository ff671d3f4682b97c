// The suggested trust level of a server (DESIGN §6), with the evidence a user can check: who
// publishes it, whether its version is pinned, how it is reached, which secrets it holds and, when
// the server was started, what its tools declare. The user's choice overrides the suggestion.
//
//   trusted   first-party (official or vendor) server, pinned, run locally
//   limited   reputable third party, a remote server, or first-party but unpinned; archived servers at best
//   untrusted unknown publisher, unpinned third party, or a risky setting (host privileges, the whole disk, plain http)
import { CATALOG } from './catalog/entries.js';
import { launchIdentity, npmName, type LaunchIdentity } from './catalog/match.js';
import type { CatalogEntry, Publisher } from './catalog/types.js';
import type { RuleId, Server } from './model.js';
import type { TrustLevel } from './scopes.js';

export type { TrustLevel };
export const TRUST_ORDER: readonly TrustLevel[] = ['trusted', 'limited', 'untrusted'];

export interface TrustContext {
  /** How many secrets the server holds. */
  secrets: number;
  /** The env vars and headers they are held under, to name them (never values). */
  secretKeys?: string[];
  /** Counts from the tools' annotations, when the server could be started and listed its tools. */
  annotations?: { readOnly: number; destructive: number; total?: number };
  /** Risky settings found on it (rule ids): any of them makes it untrusted. */
  risks?: RuleId[];
}

export interface TrustEvidence {
  publisher: string;
  pinning: string;
  transport: string;
  secrets: string;
  annotations?: string;
}

export interface TrustFacts {
  publisher: Publisher | 'unknown';
  /** `GitHub`, `MCP project`, … */
  publisherName?: string;
  /** The package, image, program or host that identifies it. */
  source?: string;
  /** null: nothing to pin (a remote server or an installed program). */
  pinned: boolean | null;
  remote: boolean;
  entryId?: string;
}

export interface TrustResult {
  level: TrustLevel;
  evidence: TrustEvidence;
  /** Why, most decisive first; each a short sentence. */
  reasons: string[];
  facts: TrustFacts;
}

/** Settings that make any server untrusted, whoever publishes it. */
export const RISKY_RULES: readonly RuleId[] = ['dangerous-container', 'broad-filesystem-access', 'insecure-transport'];

// Namespaces owned by a provider (or the MCP project): a package under them comes from its owner even
// when the catalog does not list it. The Docker `mcp/` namespace holds images Docker builds from
// other people's servers, so it says who packaged the server, not who wrote it.
const NAMESPACES: { test: (kind: 'npm' | 'docker' | 'host', name: string) => boolean; name: string; publisher: Publisher }[] = [
  { test: (k, n) => k === 'npm' && n.startsWith('@modelcontextprotocol/'), name: 'MCP project', publisher: 'official' },
  ...(
    [
      ['@github/', 'GitHub'],
      ['@stripe/', 'Stripe'],
      ['@notionhq/', 'Notion'],
      ['@sentry/', 'Sentry'],
      ['@brave/', 'Brave'],
      ['@cloudflare/', 'Cloudflare'],
      ['@supabase/', 'Supabase'],
      ['@upstash/', 'Upstash'],
      ['@playwright/', 'Microsoft'],
      ['@microsoft/', 'Microsoft'],
      ['@azure/', 'Microsoft'],
      ['@google-cloud/', 'Google'],
      ['@mongodb-js/', 'MongoDB'],
      ['@vercel/', 'Vercel'],
      ['@railway/', 'Railway'],
      ['@pinecone-database/', 'Pinecone'],
      ['@e2b/', 'E2B'],
      ['@localstack/', 'LocalStack'],
      ['@angular/', 'Angular'],
      ['@eslint/', 'ESLint'],
    ] as const
  ).map(([scope, name]) => ({ test: (k: string, n: string) => k === 'npm' && n.startsWith(scope), name, publisher: 'vendor' as const })),
  { test: (k, n) => k === 'docker' && n.startsWith('ghcr.io/github/'), name: 'GitHub', publisher: 'vendor' },
  { test: (k, n) => k === 'docker' && n.startsWith('mcr.microsoft.com/'), name: 'Microsoft', publisher: 'vendor' },
  { test: (k, n) => k === 'docker' && n.startsWith('mcp/'), name: 'Docker MCP catalog', publisher: 'community' },
  ...(
    [
      ['githubcopilot.com', 'GitHub'],
      ['linear.app', 'Linear'],
      ['sentry.dev', 'Sentry'],
      ['notion.com', 'Notion'],
      ['stripe.com', 'Stripe'],
      ['supabase.com', 'Supabase'],
      ['cloudflare.com', 'Cloudflare'],
      ['atlassian.com', 'Atlassian'],
      ['figma.com', 'Figma'],
      ['huggingface.co', 'Hugging Face'],
      ['vercel.com', 'Vercel'],
      ['render.com', 'Render'],
      ['context7.com', 'Upstash'],
    ] as const
  ).map(([host, name]) => ({
    test: (k: string, n: string) => k === 'host' && (n === host || n.endsWith('.' + host)),
    name,
    publisher: 'vendor' as const,
  })),
];

function byNamespace(id: LaunchIdentity): { name: string; publisher: Publisher } | undefined {
  const name = id.name;
  if (!name || (id.kind !== 'npm' && id.kind !== 'docker' && id.kind !== 'url')) return undefined;
  const kind = id.kind === 'url' ? 'host' : id.kind;
  return NAMESPACES.find((n) => n.test(kind, name));
}

/** What to call the thing that identifies a server in a sentence: the package as written, or the host. */
function sourceOf(id: LaunchIdentity): string | undefined {
  if (id.kind === 'url') return id.url?.hostname;
  if (id.kind === 'command') return id.name;
  return id.what;
}

const PUBLISHER_WORDS: Record<Publisher, string> = {
  official: 'official MCP reference server',
  vendor: 'the provider itself',
  community: 'third party',
};

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(h) || h === '::1' || h === '0.0.0.0';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const rank = (l: TrustLevel) => TRUST_ORDER.indexOf(l);

/** The suggested trust level of a server, the evidence behind it, and why. Pure. */
export function suggestTrust(server: Server, entry: CatalogEntry | undefined, context: TrustContext): TrustResult {
  const id = launchIdentity(server);
  const source = sourceOf(id);
  const ns = entry ? undefined : byNamespace(id);
  const publisher: Publisher | 'unknown' = entry?.publisher ?? ns?.publisher ?? 'unknown';
  const publisherName = entry?.publisherName ?? ns?.name;

  // Each rule caps the level; the most restrictive cap wins and its reason comes first.
  // Among equal caps, `first` ones lead: being archived matters more than how it is pinned.
  const caps: { cap: TrustLevel; why: string; first?: boolean }[] = [];
  const who = publisherName ?? 'an unknown publisher';
  const pinnedLike = id.pinned !== false; // an installed program does not change between starts

  if (publisher === 'unknown') {
    caps.push({ cap: 'untrusted', why: source ? `unknown publisher: ${source} is not a server this tool knows` : 'unknown publisher: nothing names where it comes from' });
  } else if (publisher === 'community') {
    if (id.remote) caps.push({ cap: 'limited', why: `a remote server run by ${who} (third party)` });
    else if (pinnedLike) caps.push({ cap: 'limited', why: `${who} is a reputable third party, version pinned` });
    else caps.push({ cap: 'untrusted', why: `${who} is a third party and the version is not pinned: any new release runs` });
  } else if (id.remote) {
    caps.push({ cap: 'limited', why: `${who}'s remote server: give it read-only access where the provider allows` });
  } else if (pinnedLike) {
    caps.push({ cap: 'trusted', why: id.pinned ? `${who} publishes it and the version is pinned` : `${who} publishes it; an installed copy changes only when you update it` });
  } else {
    caps.push({ cap: 'limited', why: `${who} publishes it, but it is not pinned: any new release runs` });
  }

  if (id.via && !id.via.pinned) {
    caps.push({ cap: 'untrusted', why: `the local proxy ${npmName(id.via.spec)} is not pinned: any new release handles your tokens` });
  }
  if (entry?.archived) {
    const target = entry.archived.migrateTo ? CATALOG.find((e) => e.id === entry.archived!.migrateTo) : undefined;
    caps.push({
      cap: 'limited',
      why: `archived ${entry.archived.since}: no more fixes${target ? `; migrate to ${target.name}` : ''}`,
      first: true,
    });
  }
  const risks = [...new Set((context.risks ?? []).filter((r) => RISKY_RULES.includes(r)))];
  if (risks.length) caps.push({ cap: 'untrusted', why: `risky setting: ${risks.join(', ')}` });

  const order = caps.map((c, i) => ({ ...c, i })).sort((a, b) => rank(b.cap) - rank(a.cap) || Number(Boolean(b.first)) - Number(Boolean(a.first)) || a.i - b.i);
  const level = order[0]!.cap;
  const reasons = order.map((c) => c.why);
  if (level === 'untrusted' && context.secrets > 0) reasons.push('an untrusted server should hold no secret with write scope');

  const evidence: TrustEvidence = {
    publisher: publisherLine(publisher, publisherName, entry, id, source, Boolean(ns)),
    pinning: pinningLine(id, source),
    transport: transportLine(id),
    secrets: secretsLine(context),
  };
  const a = context.annotations;
  if (a) {
    const total = a.total !== undefined ? `${plural(a.total, 'tool')}: ` : '';
    evidence.annotations = `${total}${a.readOnly} read-only, ${a.destructive} destructive (as the tools declare)`;
  }
  return {
    level,
    evidence,
    reasons,
    facts: {
      publisher,
      ...(publisherName ? { publisherName } : {}),
      ...(source ? { source } : {}),
      pinned: id.pinned,
      remote: id.remote,
      ...(entry ? { entryId: entry.id } : {}),
    },
  };
}

function publisherLine(publisher: Publisher | 'unknown', name: string | undefined, entry: CatalogEntry | undefined, id: LaunchIdentity, source: string | undefined, byNs: boolean): string {
  if (publisher === 'unknown') {
    if (id.kind === 'command') return `unknown: a local program (${source})`;
    return source ? `unknown: ${source} is not in the catalog` : 'unknown';
  }
  const label = `${name} (${PUBLISHER_WORDS[publisher]})`;
  if (entry) return `${label}: ${entry.name}${entry.archived ? `, archived ${entry.archived.since}` : ''}`;
  return byNs ? `${label}, by the namespace of ${id.name}` : label;
}

function pinningLine(id: LaunchIdentity, source: string | undefined): string {
  if (id.via) return id.via.pinned ? `remote; the local proxy is pinned (${id.via.spec})` : `remote; the local proxy is not pinned (${id.via.spec})`;
  if (id.remote && id.url && isLoopback(id.url.hostname)) return 'a server on this machine: whoever started it decides the version';
  if (id.remote) return 'remote: the provider decides which version runs';
  if (id.kind === 'command') return `an installed program (${source}): it changes when you update it`;
  if (id.indirect === 'node_modules') return `installed in node_modules (${source}): the project's lockfile fixes the version`;
  if (id.kind === 'none' || id.pinned === null) return 'nothing to pin';
  return id.pinned ? `pinned: ${source}` : `not pinned: ${source} fetches the newest release at each start`;
}

function transportLine(id: LaunchIdentity): string {
  if (!id.remote) return 'local (stdio)';
  if (!id.url) return 'remote';
  const host = id.url.host;
  const via = id.via ? ` through ${npmName(id.via.spec)}` : '';
  if (id.url.protocol === 'http:') return isLoopback(id.url.hostname) ? `this machine, plain http (${host})${via}` : `remote, plain http (${host})${via}`;
  return `remote, https (${host})${via}`;
}

function secretsLine(context: TrustContext): string {
  if (context.secrets === 0) return 'holds no secret';
  const keys = [...new Set(context.secretKeys ?? [])];
  return `holds ${plural(context.secrets, 'secret')}${keys.length ? ` (${keys.join(', ')})` : ''}`;
}
