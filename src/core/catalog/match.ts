// Which catalog entry a declared server is: by the package its runner fetches (npx, uvx, pipx,
// docker), by the program it starts, or by the remote URL it talks to (directly or through the
// mcp-remote proxy). Versions, tags, digests and PyPI spelling variants are ignored.
import type { Located, Server } from '../model.js';
import { effectiveArgv, packageRef, programName } from '../risks.js';
import { CATALOG } from './entries.js';
import type { CatalogEntry, PrefillTemplate } from './types.js';

/** `@scope/name@1.2.3` → `@scope/name`; `name@latest` → `name`; `npm:name@1` → `name`. */
export function npmName(spec: string): string {
  const s = spec.trim().replace(/^npm:/, '');
  const at = s.indexOf('@', s.startsWith('@') ? 1 : 0);
  return (at > 0 ? s.slice(0, at) : s).toLowerCase();
}

/**
 * PEP 503 name of a requirement: `awslabs.aws-api-mcp-server@latest` → `awslabs-aws-api-mcp-server`,
 * `mcp-server-fetch==1.0` → `mcp-server-fetch`, `Pkg[extra]>=2` → `pkg`.
 */
export function pypiName(spec: string): string {
  const name = spec.trim().split(/[\s\[<>=!~;@]/)[0] ?? '';
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** `ghcr.io/github/github-mcp-server:v0.9.1` → `ghcr.io/github/github-mcp-server`; `docker.io/library/x` → `x`. */
export function imageName(spec: string): string {
  let s = spec.trim().toLowerCase();
  const digest = s.indexOf('@');
  if (digest >= 0) s = s.slice(0, digest);
  const colon = s.indexOf(':', s.lastIndexOf('/') + 1);
  if (colon >= 0) s = s.slice(0, colon);
  return s.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
}

/** `https://mcp.sentry.dev/mcp/org/project?x=1` → host `mcp.sentry.dev`, path `/mcp/org/project`. */
function urlParts(url: string): { host: string; path: string } | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
    return { host: u.hostname.toLowerCase(), path: u.pathname };
  } catch {
    return undefined;
  }
}

/** True when `pattern` (`host/path-prefix`, `*.host`) covers the URL; the path matches whole segments. */
export function urlMatches(pattern: string, url: string): boolean {
  const parts = urlParts(url);
  if (!parts) return false;
  const slash = pattern.indexOf('/');
  const host = (slash < 0 ? pattern : pattern.slice(0, slash)).toLowerCase();
  const prefix = slash < 0 ? '' : pattern.slice(slash).replace(/\/+$/, '');
  const hostOk = host.startsWith('*.') ? parts.host.endsWith(host.slice(1)) : parts.host === host;
  if (!hostOk) return false;
  return prefix === '' || parts.path === prefix || parts.path.startsWith(prefix + '/');
}

function globMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(name);
}

/** What a server runs or reaches, as far as its declaration tells. */
export interface LaunchIdentity {
  kind: 'npm' | 'pypi' | 'docker' | 'url' | 'command' | 'none';
  /** The package spec, image, program or URL, as written. */
  what?: string;
  /** The comparable name: package without version, image without tag, program name, URL host. */
  name?: string;
  /** true/false for a package or image; null when there is nothing to pin (remote, installed program). */
  pinned: boolean | null;
  remote: boolean;
  url?: URL;
  /** A local proxy (mcp-remote) in front of a remote server. */
  via?: { spec: string; pinned: boolean };
  /** Found inside a shell string (`bash -c "exec npx …"`) or a node_modules path rather than as plain arguments. */
  indirect?: 'shell' | 'node_modules';
}

// Local proxies that connect a stdio client to a remote server named in their arguments.
const REMOTE_PROXIES = new Set(['mcp-remote']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh']);

function parseUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `bash -lc "set -a && . .env && exec npx -y pkg"` → the server with `npx -y pkg` as its command line:
 * the last command of the script, split on blanks (quotes dropped). Undefined for anything else.
 */
function unwrapShell(server: Server): Server | undefined {
  const argv = effectiveArgv(server);
  if (!argv[0] || !SHELLS.has(programName(argv[0].value))) return undefined;
  const c = argv.findIndex((a, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(a.value));
  const script = c > 0 ? argv[c + 1] : undefined;
  if (!script) return undefined;
  const last = script.value.split(/&&|\|\||;/).pop() ?? '';
  const words = last.trim().split(/\s+/).map((w) => w.replace(/^['"]|['"]$/g, '')).filter(Boolean);
  if (words[0] === 'exec') words.shift();
  if (!words.length) return undefined;
  const at = (value: string): Located => ({ ...script, value });
  return { ...server, command: at(words[0]!), args: words.slice(1).map(at) };
}

/** `node …/node_modules/@scope/pkg/cli.js` → `@scope/pkg`: a package installed in a project. */
function nodeModulesPackage(argv: readonly Located[]): string | undefined {
  if (!argv[0] || programName(argv[0].value) !== 'node') return undefined;
  for (const a of argv.slice(1)) {
    const m = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(a.value);
    if (m) return m[1]!.replace(/\\/g, '/').toLowerCase();
  }
  return undefined;
}

function fromPackage(server: Server): LaunchIdentity | undefined {
  const pkg = packageRef(server);
  if (!pkg) return undefined;
  if (pkg.runner === 'npx') {
    const name = npmName(pkg.spec);
    if (REMOTE_PROXIES.has(name)) {
      const argv = effectiveArgv(server);
      const url = parseUrl(argv.slice(argv.indexOf(pkg.at) + 1).find((a) => /^https?:\/\//i.test(a.value))?.value);
      if (url) return { kind: 'url', what: url.href, name: url.hostname, pinned: null, remote: true, url, via: { spec: pkg.spec, pinned: pkg.pinned } };
    }
    return { kind: 'npm', what: pkg.spec, name, pinned: pkg.pinned, remote: false };
  }
  if (pkg.runner === 'docker') return { kind: 'docker', what: pkg.spec, name: imageName(pkg.spec), pinned: pkg.pinned, remote: false };
  return { kind: 'pypi', what: pkg.spec, name: pypiName(pkg.spec), pinned: pkg.pinned, remote: false };
}

/** What a declared server runs or reaches: the package, image, program or URL, and whether it is pinned. */
export function launchIdentity(server: Server): LaunchIdentity {
  if (server.transport !== 'stdio' || !server.command) {
    const url = parseUrl(server.url?.value);
    return url ? { kind: 'url', what: url.href, name: url.hostname, pinned: null, remote: true, url } : { kind: 'none', pinned: null, remote: true };
  }
  const direct = fromPackage(server);
  if (direct) return direct;
  const inner = unwrapShell(server);
  const shell = inner && fromPackage(inner);
  if (shell) return { ...shell, indirect: 'shell' };
  const argv = effectiveArgv(inner ?? server);
  const installed = nodeModulesPackage(argv);
  if (installed) return { kind: 'npm', what: installed, name: installed, pinned: null, remote: false, indirect: 'node_modules' };
  const first = argv[0];
  return first ? { kind: 'command', what: first.value, name: programName(first.value), pinned: null, remote: false } : { kind: 'none', pinned: null, remote: false };
}

/** How a server was recognised, and from what. */
export interface CatalogMatchResult {
  entry: CatalogEntry;
  by: 'npm' | 'pypi' | 'docker' | 'url' | 'command';
  /** The package spec, image, program or URL that matched, as written. */
  what: string;
  identity: LaunchIdentity;
}

// Exact names win over patterns (awslabs.aws-api-mcp-server before awslabs.*-mcp-server).
function findBy(kind: 'npm' | 'pypi' | 'docker' | 'commands', name: string, catalog: readonly CatalogEntry[]): CatalogEntry | undefined {
  const norm = (n: string) => (kind === 'pypi' ? pypiName(n) : kind === 'docker' ? imageName(n) : n.toLowerCase());
  const exact = catalog.find((e) => (e.match[kind] ?? []).some((m) => !m.includes('*') && norm(m) === name));
  return exact ?? catalog.find((e) => (e.match[kind] ?? []).some((m) => m.includes('*') && globMatches(norm(m), name)));
}

function findUrl(url: string, catalog: readonly CatalogEntry[]): CatalogEntry | undefined {
  // The longest pattern is the most specific one.
  let best: { entry: CatalogEntry; len: number } | undefined;
  for (const e of catalog) {
    for (const p of e.match.urls ?? []) {
      if (urlMatches(p, url) && (!best || p.length > best.len)) best = { entry: e, len: p.length };
    }
  }
  return best?.entry;
}

/** The catalog entry a server is, with how it was recognised. */
export function matchServerDetail(server: Server, catalog: readonly CatalogEntry[] = CATALOG): CatalogMatchResult | undefined {
  const id = launchIdentity(server);
  if (!id.name || !id.what) return undefined;
  let entry: CatalogEntry | undefined;
  if (id.kind === 'url') entry = findUrl(id.what, catalog);
  else if (id.kind === 'npm' || id.kind === 'pypi' || id.kind === 'docker') entry = findBy(id.kind, id.name, catalog);
  else if (id.kind === 'command') entry = findBy('commands', id.name, catalog);
  return entry && id.kind !== 'none' ? { entry, by: id.kind, what: id.what, identity: id } : undefined;
}

/** The catalog entry for a declared server, if it is a known one. */
export function matchServer(server: Server, catalog: readonly CatalogEntry[] = CATALOG): CatalogEntry | undefined {
  return matchServerDetail(server, catalog)?.entry;
}

export function entryById(id: string, catalog: readonly CatalogEntry[] = CATALOG): CatalogEntry | undefined {
  return catalog.find((e) => e.id === id);
}

/** The entries whose secrets belong to a provider (`github` → the GitHub servers). */
export function entriesForProvider(provider: string, catalog: readonly CatalogEntry[] = CATALOG): CatalogEntry[] {
  return catalog.filter((e) => e.provider === provider);
}

// Scope names and labels are readable in a URL; only what would break the query is escaped.
function queryValue(v: string): string {
  return encodeURIComponent(v).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

/**
 * A token-creation URL with the scopes and label filled in (GitHub classic `…/tokens/new?scopes=…&description=…`,
 * GitLab `…?name=…&scopes=…`); the plain creation page when the entry has no template.
 */
export function createLink(entry: CatalogEntry, scopes: readonly string[], description: string): string | undefined {
  const t: PrefillTemplate | undefined = entry.links.prefill;
  if (!t) return entry.links.create;
  const params = [`${t.nameParam}=${queryValue(description)}`];
  if (scopes.length) params.push(`${t.scopesParam}=${queryValue(scopes.join(','))}`);
  return `${t.url}?${params.join('&')}`;
}
