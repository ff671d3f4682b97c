// The catalog's schema, checked in code: what the types cannot say (name forms, links, references
// between entries, that a match key belongs to one entry only, that `inferred` names real fields).
import { CATALOG } from './entries.js';
import { imageName, npmName, pypiName } from './match.js';
import { NO_PROVIDER_PAGE, PROVIDERS, type ProviderInfo } from './providers.js';
import { PUBLISHERS, type CatalogEntry } from './types.js';

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ENV = /^[A-Z_][A-Z0-9_]*$/;
const HEADER = /^[A-Za-z0-9-]+$/;
const NPM = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const PYPI = /^[A-Za-z0-9*][A-Za-z0-9._*-]*$/;
const IMAGE = /^[a-z0-9][a-z0-9._-]*(:[0-9]+)?(\/[a-z0-9][a-z0-9._-]*)*$/;
const URL_PATTERN = /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(\/[A-Za-z0-9._~-]+)*$/;
const COMMAND = /^[a-z0-9][a-z0-9._-]*$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const SOURCE = /^\[(V|D|I)\] \S/;
const TOOLSET_LIST = /^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*$/;

function isHttpsLink(s: string): boolean {
  try {
    return new URL(s).protocol === 'https:';
  } catch {
    return false;
  }
}

/** Resolves `a.b.c` in the entry; undefined when a part is missing. */
function fieldAt(entry: CatalogEntry, path: string): unknown {
  let v: unknown = entry;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function nonEmptyStrings(list: unknown): boolean {
  return Array.isArray(list) && list.every((s) => typeof s === 'string' && s.trim() !== '');
}

function duplicates(list: readonly string[]): string[] {
  return [...new Set(list.filter((s, i) => list.indexOf(s) !== i))];
}

function checkEntry(e: CatalogEntry, ids: Set<string>, byId: Map<string, CatalogEntry>): string[] {
  const out: string[] = [];
  const bad = (what: string) => out.push(`${e.id || '(no id)'}: ${what}`);

  if (!ID.test(e.id)) bad('id must be lowercase words joined by -');
  if (!e.name.trim()) bad('name is empty');
  if (!e.publisherName.trim()) bad('publisherName is empty');
  if (!PUBLISHERS.includes(e.publisher)) bad(`publisher ${String(e.publisher)} is not one of ${PUBLISHERS.join(', ')}`);
  if (!Object.hasOwn(PROVIDERS, e.provider) && !NO_PROVIDER_PAGE.includes(e.provider)) bad(`provider ${e.provider} has no entry in PROVIDERS`);

  if (e.archived) {
    if (!DATE.test(e.archived.since)) bad('archived.since must be YYYY-MM-DD');
    const to = e.archived.migrateTo;
    if (to !== undefined) {
      const target = byId.get(to);
      if (!target) bad(`archived.migrateTo names no entry: ${to}`);
      else if (to === e.id) bad('archived.migrateTo names itself');
      else if (target.archived) bad(`archived.migrateTo names an archived entry: ${to}`);
    }
  }

  const m = e.match;
  const keys = [...(m.npm ?? []), ...(m.pypi ?? []), ...(m.docker ?? []), ...(m.urls ?? []), ...(m.commands ?? [])];
  if (keys.length === 0) bad('match has no npm, pypi, docker, url or command');
  for (const n of m.npm ?? []) if (!NPM.test(n) || npmName(n) !== n) bad(`match.npm ${n} is not a bare npm name`);
  for (const n of m.pypi ?? []) if (!PYPI.test(n)) bad(`match.pypi ${n} is not a PyPI name`);
  for (const n of m.docker ?? []) if (!IMAGE.test(n) || imageName(n) !== n) bad(`match.docker ${n} must be an image without tag or digest`);
  for (const n of m.urls ?? []) if (!URL_PATTERN.test(n)) bad(`match.urls ${n} must be host/path without scheme or query`);
  for (const n of m.commands ?? []) if (!COMMAND.test(n)) bad(`match.commands ${n} must be a program name`);

  for (const k of e.secrets.env) if (!ENV.test(k)) bad(`secrets.env ${k} is not an env var name`);
  for (const h of e.secrets.headers) if (!HEADER.test(h)) bad(`secrets.headers ${h} is not a header name`);
  if (e.secrets.args && !nonEmptyStrings(e.secrets.args)) bad('secrets.args holds an empty string');
  for (const x of e.secrets.extra ?? []) {
    if (!ENV.test(x.env)) bad(`secrets.extra ${x.env} is not an env var name`);
    if (x.provider === e.provider) bad(`secrets.extra ${x.env} belongs to the entry's own provider: list it in secrets.env`);
  }
  const envs = [...e.secrets.env, ...(e.secrets.extra ?? []).map((x) => x.env)];
  for (const d of duplicates([...envs, ...e.secrets.headers])) bad(`secrets lists ${d} twice`);

  if (!e.scopes.kind.trim()) bad('scopes.kind is empty');
  for (const level of ['trusted', 'limited', 'untrusted'] as const) {
    if (!nonEmptyStrings(e.scopes[level])) bad(`scopes.${level} holds an empty string`);
    if (e.scopes.fineGrained && !nonEmptyStrings(e.scopes.fineGrained[level])) bad(`scopes.fineGrained.${level} holds an empty string`);
  }
  if (!nonEmptyStrings(e.scopes.notes)) bad('scopes.notes holds an empty string');

  for (const [k] of Object.entries(e.readOnly.env ?? {})) if (!ENV.test(k)) bad(`readOnly.env ${k} is not an env var name`);
  for (const [k] of Object.entries(e.readOnly.headers ?? {})) if (!HEADER.test(k)) bad(`readOnly.headers ${k} is not a header name`);
  if (e.readOnly.args && !nonEmptyStrings(e.readOnly.args)) bad('readOnly.args holds an empty string');
  if (e.toolsets) {
    const t = e.toolsets;
    if (!ENV.test(t.env)) bad(`toolsets.env ${t.env} is not an env var name`);
    if (t.flag !== undefined && !/^--[a-z][a-z0-9-]*$/.test(t.flag)) bad(`toolsets.flag ${t.flag} is not a --long option`);
    for (const level of ['limited', 'untrusted'] as const) {
      const v = t[level];
      if (v !== undefined && !TOOLSET_LIST.test(v)) bad(`toolsets.${level} must be tool group names joined by commas`);
    }
    // A less trusted server never gets a tool group a more trusted one would not.
    if (t.limited !== undefined && t.untrusted !== undefined) {
      const limited = t.limited.split(',');
      for (const g of t.untrusted.split(',')) if (!limited.includes(g)) bad(`toolsets.untrusted has ${g}, which toolsets.limited lacks`);
    }
  }

  if (!nonEmptyStrings(e.writeTools)) bad('writeTools holds an empty string');
  for (const d of duplicates(e.writeTools)) bad(`writeTools lists ${d} twice`);

  for (const key of ['create', 'revoke'] as const) {
    const link = e.links[key];
    if (link !== undefined && !isHttpsLink(link)) bad(`links.${key} is not an https URL`);
  }
  if (e.links.prefill) {
    const p = e.links.prefill;
    if (!isHttpsLink(p.url) || p.url.includes('?')) bad('links.prefill.url must be an https URL without a query');
    if (!p.scopesParam || !p.nameParam || p.scopesParam === p.nameParam) bad('links.prefill needs two distinct parameter names');
  }

  if (e.verify) {
    const v = e.verify;
    if (!v.reveals.trim()) bad('verify.reveals is empty');
    if (v.kind === 'http') {
      if (!/^https:\/\/[^\s]+$/.test(v.url)) bad('verify.url must be https');
      if (!`${v.header} ${v.url}`.includes('<token>') && !v.header.includes('<email:token>')) bad('verify must say where the token goes (<token>)');
      // A verification call reads; a body is only for the POST endpoints that only read.
      if (v.body !== undefined && v.method !== 'POST') bad('verify.body without POST');
    } else if (!v.command.trim()) {
      bad('verify.command is empty');
    }
  }

  for (const path of e.inferred) if (fieldAt(e, path) === undefined) bad(`inferred names a missing field: ${path}`);
  for (const d of duplicates(e.inferred)) bad(`inferred lists ${d} twice`);
  if (e.sources.length === 0) bad('sources is empty');
  for (const s of e.sources) if (!SOURCE.test(s)) bad(`source must start with [V], [D] or [I]: ${s}`);

  if (ids.has(e.id)) bad('id is used twice');
  ids.add(e.id);
  return out;
}

/** Every problem in the provider table, one line each. */
export function validateProviders(providers: Readonly<Record<string, ProviderInfo>> = PROVIDERS): string[] {
  const out: string[] = [];
  for (const [id, p] of Object.entries(providers)) {
    if (!ID.test(id)) out.push(`provider ${id}: key must be lowercase`);
    if (!p.label.trim() || !p.advice.trim()) out.push(`provider ${id}: label and advice are required`);
    if (!isHttpsLink(p.create)) out.push(`provider ${id}: create is not an https URL`);
    if (p.revoke !== undefined && !isHttpsLink(p.revoke)) out.push(`provider ${id}: revoke is not an https URL`);
    for (const f of p.inferred ?? []) if (p[f] === undefined) out.push(`provider ${id}: inferred names a missing field: ${f}`);
  }
  return out;
}

/** Every problem in the catalog, one line each; empty when it is sound. */
export function validateCatalog(catalog: readonly CatalogEntry[] = CATALOG): string[] {
  const out: string[] = [];
  const ids = new Set<string>();
  const byId = new Map(catalog.map((e) => [e.id, e]));
  for (const e of catalog) out.push(...checkEntry(e, ids, byId));

  // A package, image, URL or program names one server only.
  const owners = new Map<string, string>();
  for (const e of catalog) {
    const keys = [
      ...(e.match.npm ?? []).map((n) => `npm ${npmName(n)}`),
      ...(e.match.pypi ?? []).map((n) => `pypi ${pypiName(n)}`),
      ...(e.match.docker ?? []).map((n) => `docker ${imageName(n)}`),
      ...(e.match.urls ?? []).map((n) => `url ${n.toLowerCase().replace(/\/+$/, '')}`),
      ...(e.match.commands ?? []).map((n) => `command ${n.toLowerCase()}`),
    ];
    for (const k of keys) {
      const owner = owners.get(k);
      if (owner !== undefined) out.push(`${e.id}: ${k} already matches ${owner}`);
      else owners.set(k, e.id);
    }
  }
  return out;
}
