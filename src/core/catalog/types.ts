// The shape of the scope catalog (DESIGN §6): what is known about a popular MCP server, so the
// tool can say which token it should hold at each trust level and how to narrow what it can do.
// Entries are plain data; the few computations on them (matching, prefilled links) live in code.

import type { TrustLevel } from '../scopes.js';

/**
 * Who stands behind the server.
 * - `official`: a reference server of the Model Context Protocol project (`@modelcontextprotocol/*`,
 *   `mcp-server-*` on PyPI).
 * - `vendor`: published by the provider whose API it calls (GitHub, Stripe, Sentry, …).
 * - `community`: a third party, reviewed enough to be listed here.
 */
export type Publisher = 'official' | 'vendor' | 'community';
export const PUBLISHERS: readonly Publisher[] = ['official', 'vendor', 'community'];

/** How a launch line or URL is recognised. Names are compared without version, tag or digest. */
export interface CatalogMatch {
  /** npm package names (`@scope/name`). */
  npm?: string[];
  /** PyPI project names as published; compared after PEP 503 normalisation. A `*` stands for any run of characters. */
  pypi?: string[];
  /** Container images without tag (`ghcr.io/github/github-mcp-server`, `mcp/fetch`). */
  docker?: string[];
  /** Remote endpoints as `host/path-prefix` (`mcp.linear.app`, `api.githubcopilot.com/mcp`); `*.` leads a host to mean any subdomain. */
  urls?: string[];
  /** Names of installed programs started directly (`github-mcp-server stdio`). */
  commands?: string[];
}

export interface ScopesPerLevel {
  trusted: string[];
  limited: string[];
  untrusted: string[];
}

/** Provider-side permissions, per trust level, with what a reader must know to apply them. */
export interface CatalogScopes extends ScopesPerLevel {
  /** What the strings above are: `classic scopes`, `bot scopes`, `key permissions`, `database grants`, … */
  kind: string;
  /** A second token model of the same provider (GitHub fine-grained permissions). */
  fineGrained?: ScopesPerLevel;
  notes: string[];
}

export interface ReadOnlySwitches {
  /** Arguments that turn off writing (`--read-only`). */
  args?: string[];
  /** Env settings that turn off writing (`GITHUB_READ_ONLY=1`). */
  env?: Record<string, string>;
  /** Remote servers: query parameters or headers that do the same. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  notes?: string[];
}

/** An env var that selects tool groups (`GITHUB_TOOLSETS`). */
export interface CatalogToolsets {
  env: string;
  /** The value that makes the server read-only, if it has one (then the read-only switch sets it). */
  readOnlyValue?: string;
  /** The command-line option that sets the same thing (`--toolsets`): a server given it keeps the user's choice. */
  flag?: string;
  /** The least tool groups for a `limited` server, comma-separated as the env var takes them. */
  limited?: string;
  /** The least tool groups for an `untrusted` server; never more than `limited`. */
  untrusted?: string;
}

/** A template for a token-creation URL whose query names the scopes and the token's label. */
export interface PrefillTemplate {
  url: string;
  /** Query parameter holding the comma-separated scopes. */
  scopesParam: string;
  /** Query parameter holding the token's name or description. */
  nameParam: string;
}

export interface CatalogLinks {
  /** Where a token is created (or managed). */
  create?: string;
  /** The same page with scopes and label filled in (GitHub classic, GitLab). */
  prefill?: PrefillTemplate;
  /** Where a token is revoked or rotated. */
  revoke?: string;
}

/** A call that reads what a token is and may do, without changing anything. */
export type VerifyCall =
  | {
      kind: 'http';
      method: 'GET' | 'HEAD' | 'POST';
      url: string;
      /** How the token is sent, with `<token>` in place of the value. */
      header: string;
      /** Request body for the POST calls that only read (Slack auth.test, Linear GraphQL). */
      body?: string;
      reveals: string;
    }
  | { kind: 'cli' | 'sql'; command: string; reveals: string };

export interface CatalogEntry {
  /** Stable key, lowercase (`github`, `github-npm`). */
  id: string;
  /** Display name. */
  name: string;
  publisher: Publisher;
  /** The publisher's name as a user knows it (`GitHub`, `MCP project`). */
  publisherName: string;
  /** Archived servers get no fixes: say so and where to go instead. */
  archived?: { since: string; migrateTo?: string };
  match: CatalogMatch;
  /** The provider key its secrets belong to (`github`, `slack`), as the secret detectors name them; `none` when it holds no API secret. */
  provider: string;
  /** Where the server reads its provider's secrets from: env vars, headers, and arguments (flags or URL forms). */
  secrets: {
    env: string[];
    headers: string[];
    args?: string[];
    /** Secrets of other providers the server also reads (Sentry's AI search keys). */
    extra?: { env: string; provider: string }[];
  };
  scopes: CatalogScopes;
  readOnly: ReadOnlySwitches;
  /** An env var that selects tool groups, and what it is set to per trust level. */
  toolsets?: CatalogToolsets;
  /** Tools that change something at the provider or on disk. */
  writeTools: string[];
  links: CatalogLinks;
  verify?: VerifyCall;
  /** Field paths (`links.revoke`, `match.docker`, `writeTools`) whose facts are inference, not read in a source. */
  inferred: string[];
  /** Where the facts come from (`[V]` read in source, `[D]` provider docs). */
  sources: string[];
}

export type { TrustLevel };
