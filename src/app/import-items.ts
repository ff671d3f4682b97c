// Importing keychain items the user made by hand following the guide's convention,
//   secret-tool store --label=… service github-pat username mcp-github
// into our own items (service `mcp-harden`, account = the name the user chooses), so the launcher
// and `secrets` manage them like the ones `fix` stored. The original item is left where it is:
// whatever still reads it keeps working.
//
// Finding them (Linux). What libsecret 0.20 offers does not do it on its own:
//   - `secret-tool search` needs at least one attribute=value pair, and the guide's values (service,
//     username) are the user's own choice;
//   - searching by the schema, `xdg:schema org.freedesktop.Secret.Generic`, finds items stored by
//     keytar but not the ones `secret-tool store` made (checked against gnome-keyring 42);
//   - and `secret-tool search` always fetches the secret of every unlocked item it prints.
// So the Secret Service is asked directly, over D-Bus with `busctl` (systemd): SearchItems with no
// attribute (every item, locked or not), then each item's Attributes property. That never asks for a
// secret and never unlocks anything. Without busctl, `secret-tool search --all xdg:schema …` is the
// fallback; only its stderr (the `attribute.NAME = VALUE` lines) is read, its stdout — labels and
// `secret = …` lines — is dropped unread, and `--unlock` is never passed.
// Candidates are items with a `username` and a `service` that is not ours.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { detectSecrets } from '../core/secrets/index.js';
import { checkName, classifyKeychainMessage, keychainError, oneLine } from '../adapters/secret-store/common.js';
import { GENERIC_SCHEMA } from '../adapters/secret-store/secret-tool.js';
import type { ProcessRunner, RunResult } from '../ports/process.js';
import { PROBE_SERVICE, type SecretStore } from '../ports/secret-store.js';
import { KEYCHAIN_SERVICE } from './plan.js';
import type { SecretsMeta } from './secrets-meta.js';
import { ensurePrivateDir, writeFileAtomic } from './state.js';

/** A hand-made item, named by its two attributes. */
export interface HandMadeItem {
  service: string;
  username: string;
  /** How many items carry this pair (more than one: the lookup reads one of them). */
  count: number;
}

/** `service/username`, the way `secrets --import` names an item. */
export function itemId(item: { service: string; username: string }): string {
  return `${item.service}/${item.username}`;
}

/** Where hand-made items are found and read. */
export interface HandMadeSource {
  /** Null when this platform is supported; otherwise one line saying it is not. */
  readonly unsupported: string | null;
  /** Candidates, sorted by service then username. Throws KeychainUnavailableError. */
  find(): Promise<HandMadeItem[]>;
  /** The item's value, or null when there is none. Never on a command line. */
  read(service: string, username: string): Promise<string | null>;
}

/** Services that are never offered: ours, and the throwaway items of the probe. */
const OWN_SERVICES = new Set<string>([KEYCHAIN_SERVICE, PROBE_SERVICE]);

/**
 * The values of `attribute.NAME = VALUE` lines in `secret-tool search` stderr. Any other line (the
 * tool's own warnings) is ignored.
 */
export function parseAttributeValues(stderr: string, name: string): string[] {
  const prefix = `attribute.${name} = `;
  const out: string[] = [];
  for (const line of stderr.split('\n')) if (line.startsWith(prefix)) out.push(line.slice(prefix.length));
  return out;
}

export interface SecretServiceItemsOptions {
  runner: ProcessRunner;
  env?: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
  /** The programs to run; `secret-tool` and `busctl` from PATH by default. */
  secretTool?: string;
  busctl?: string;
}

const DEST = 'org.freedesktop.secrets';
/** Items read at once (one busctl process each). */
const PARALLEL = 8;

/** Hand-made items in the Secret Service: listed over D-Bus, read with `secret-tool lookup`. */
export class SecretServiceItems implements HandMadeSource {
  readonly unsupported = null;
  private readonly runner: ProcessRunner;
  private readonly env: Readonly<Record<string, string | undefined>> | undefined;
  private readonly timeoutMs: number;
  private readonly secretTool: string;
  private readonly busctl: string;

  constructor(options: SecretServiceItemsOptions) {
    this.runner = options.runner;
    this.env = options.env;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.secretTool = options.secretTool ?? 'secret-tool';
    this.busctl = options.busctl ?? 'busctl';
  }

  async find(): Promise<HandMadeItem[]> {
    const attrs = await this.allAttributes();
    const pairs = attrs ?? (await this.schemaAttributes());
    const counts = new Map<string, HandMadeItem>();
    for (const { service, username } of pairs) {
      if (!service || !username || OWN_SERVICES.has(service)) continue;
      const key = `${service}\0${username}`;
      const seen = counts.get(key);
      if (seen) seen.count++;
      else counts.set(key, { service, username, count: 1 });
    }
    return [...counts.values()].sort((a, b) => cmp(a.service, b.service) || cmp(a.username, b.username));
  }

  async read(service: string, username: string): Promise<string | null> {
    checkName('service', service);
    checkName('account', username);
    // The guide's own lookup: the same two attributes its launcher asks for.
    const r = await this.run(this.secretTool, ['lookup', 'service', service, 'username', username]);
    if (r.code === 0) return r.stdout; // exact bytes: secret-tool adds a newline only on a terminal
    if (r.code === 1 && toolError(r.stderr) === '') return null;
    this.fail(r, 'secret-tool lookup', this.secretTool);
  }

  /** service/username of every item, over D-Bus; null when busctl is not installed. */
  private async allAttributes(): Promise<{ service?: string; username?: string }[] | null> {
    const r = await this.run(this.busctl, ['--user', '--json=short', 'call', DEST, '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service', 'SearchItems', 'a{ss}', '0']);
    if (r.spawnError === 'not-found') return null;
    if (r.code !== 0) this.fail(r, 'busctl SearchItems', this.busctl);
    const paths = parseSearchItems(r.stdout);
    const out: { service?: string; username?: string }[] = [];
    for (let i = 0; i < paths.length; i += PARALLEL) {
      const batch = await Promise.all(
        paths.slice(i, i + PARALLEL).map((path) =>
          this.run(this.busctl, ['--user', '--json=short', 'get-property', DEST, path, 'org.freedesktop.Secret.Item', 'Attributes']),
        ),
      );
      // An item deleted meanwhile just drops out.
      for (const b of batch) if (b.code === 0) out.push(parseAttributesProperty(b.stdout));
    }
    return out;
  }

  /** The fallback without busctl: items of the generic schema, read from secret-tool's stderr. */
  private async schemaAttributes(): Promise<{ service?: string; username?: string }[]> {
    const all = await this.search(['xdg:schema', GENERIC_SCHEMA]);
    if (parseAttributeValues(all, 'username').length === 0) return [];
    const services = [...new Set(parseAttributeValues(all, 'service'))].filter((s) => s !== '' && !OWN_SERVICES.has(s));
    const out: { service: string; username: string }[] = [];
    for (const service of services) {
      // Lines of several items are not separated on stderr: searching one service at a time ties
      // every username line to its service.
      for (const username of parseAttributeValues(await this.search(['xdg:schema', GENERIC_SCHEMA, 'service', service]), 'username')) {
        out.push({ service, username });
      }
    }
    return out;
  }

  /** The attribute lines of a search; stdout (labels and secrets) is dropped here, unread. */
  private async search(attributes: string[]): Promise<string> {
    const r = await this.run(this.secretTool, ['search', '--all', ...attributes]);
    r.stdout = '';
    if (r.code !== 0) this.fail(r, 'secret-tool search', this.secretTool);
    return r.stderr;
  }

  private run(cmd: string, args: string[]): Promise<RunResult> {
    return this.runner.run(cmd, args, { timeoutMs: this.timeoutMs, ...(this.env ? { env: this.env } : {}) });
  }

  private fail(r: RunResult, action: string, command: string): never {
    if (r.spawnError === 'not-found') {
      throw keychainError('missing-backend', 'linux', 'secret-tool', `${command} is not installed (package libsecret-tools)`);
    }
    if (r.spawnError) throw keychainError('missing-backend', 'linux', 'secret-tool', `cannot run ${command}: ${r.spawnError}`);
    if (r.timedOut) throw keychainError('timeout', 'linux', 'secret-tool', `${action} took too long`);
    const err = toolError(r.stderr) || oneLine(r.stderr);
    const reason = classifyKeychainMessage(err) ?? (/failed to connect to bus/i.test(err) ? 'missing-backend' : null);
    if (reason) throw keychainError(reason, 'linux', 'secret-tool', err);
    throw new Error(`${action} failed (exit ${r.code ?? 'signal'})${err ? `: ${oneLine(err)}` : ''}`);
  }
}

/** Object paths from `busctl --json=short call … SearchItems` ({"type":"aoao","data":[unlocked, locked]}). */
export function parseSearchItems(stdout: string): string[] {
  try {
    const doc = JSON.parse(stdout) as { data?: unknown };
    if (!Array.isArray(doc.data)) return [];
    return doc.data.flatMap((list) => (Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string' && p.startsWith('/')) : []));
  } catch {
    return [];
  }
}

/** service and username from `busctl --json=short get-property … Attributes` ({"type":"a{ss}","data":{…}}). */
export function parseAttributesProperty(stdout: string): { service?: string; username?: string } {
  try {
    const doc = JSON.parse(stdout) as { data?: Record<string, unknown> };
    const d = doc.data ?? {};
    return {
      ...(typeof d.service === 'string' ? { service: d.service } : {}),
      ...(typeof d.username === 'string' ? { username: d.username } : {}),
    };
  } catch {
    return {};
  }
}

function toolError(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('secret-tool:'))
    .map((l) => l.replace(/^secret-tool:\s*/, ''))
    .join('; ');
}

/** A platform where finding hand-made items is not supported yet. */
export class UnsupportedItems implements HandMadeSource {
  constructor(readonly unsupported: string) {}
  async find(): Promise<HandMadeItem[]> {
    return [];
  }
  async read(): Promise<string | null> {
    throw new UsageError(this.unsupported);
  }
}

/** The source for a platform: secret-tool on Linux; elsewhere a clear "not supported yet". */
export function handMadeItems(options: { platform: NodeJS.Platform } & SecretServiceItemsOptions): HandMadeSource {
  if (options.platform === 'linux') return new SecretServiceItems(options);
  const where = options.platform === 'darwin' ? 'macOS' : options.platform === 'win32' ? 'Windows' : options.platform;
  return new UnsupportedItems(`importing keychain items made by hand is not supported on ${where} yet`);
}

/** Which hand-made items were imported, and under which name: <state>/imports.json (no values). */
export const IMPORTS_FILE = 'imports.json';

export interface ImportRecord {
  service: string;
  username: string;
  /** Our account it was copied to. */
  account: string;
  /** ISO 8601. */
  at: string;
}

export class ImportLog {
  readonly path: string;
  private readonly stateDir: string;

  constructor(options: { stateDir: string }) {
    this.stateDir = options.stateDir;
    this.path = join(options.stateDir, IMPORTS_FILE);
  }

  async list(): Promise<ImportRecord[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    try {
      const parsed = JSON.parse(text) as { imports?: unknown };
      if (!Array.isArray(parsed.imports)) return [];
      return parsed.imports
        .filter((r): r is ImportRecord => typeof r === 'object' && r !== null && typeof (r as ImportRecord).service === 'string')
        .map((r) => ({ service: String(r.service), username: String(r.username), account: String(r.account), at: String(r.at) }));
    } catch {
      // A damaged log only means items may be offered again; importing them twice is harmless.
      return [];
    }
  }

  async record(entry: ImportRecord): Promise<void> {
    const all = (await this.list()).filter((r) => !(r.service === entry.service && r.username === entry.username));
    all.push(entry);
    all.sort((a, b) => cmp(a.service, b.service) || cmp(a.username, b.username));
    await ensurePrivateDir(this.stateDir);
    await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, imports: all }, null, 2)}\n`, { mode: 0o600 });
  }
}

/** Hand-made items not imported yet. */
export async function importCandidates(source: HandMadeSource, log: ImportLog): Promise<HandMadeItem[]> {
  if (source.unsupported) return [];
  const done = new Set((await log.list()).map(itemId));
  return (await source.find()).filter((i) => !done.has(itemId(i)));
}

export interface ImportRequest {
  /** Our account (the env var or header name the secret is known by). */
  name: string;
  service: string;
  username: string;
}

const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.@-]*$/;

/**
 * `NAME=SERVICE/USERNAME`. The first `/` splits service from username, unless a known item's
 * `service/username` is exactly the text after `=` (a service name may itself hold a `/`).
 */
export function parseImportArg(arg: string, known: readonly { service: string; username: string }[] = []): ImportRequest {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new UsageError(`--import takes NAME=SERVICE/USERNAME; not "${arg}"`);
  const name = arg.slice(0, eq);
  const ref = arg.slice(eq + 1);
  if (!NAME_RE.test(name)) throw new UsageError(`"${name}" cannot be a secret name: use letters, digits and _ (the env var name, e.g. GITHUB_TOKEN)`);
  const match = known.find((k) => itemId(k) === ref);
  if (match) return { name, service: match.service, username: match.username };
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) throw new UsageError(`--import takes NAME=SERVICE/USERNAME; "${ref}" is not SERVICE/USERNAME`);
  return { name, service: ref.slice(0, slash), username: ref.slice(slash + 1) };
}

export interface ImportOutcome {
  name: string;
  /** `service/username` of the hand-made item. */
  from: string;
  /** imported: copied now; already: our item already holds that value; failed: see message. */
  status: 'imported' | 'already' | 'failed';
  provider?: string;
  message?: string;
}

export interface ImportDeps {
  store: SecretStore;
  source: HandMadeSource;
  meta: SecretsMeta;
  log: ImportLog;
  now?: () => Date;
}

/**
 * Copies each requested item to `mcp-harden/NAME`: read it (stdin/stdout of the lookup tool, never
 * argv), refuse to overwrite a different value already stored under NAME, store, read back, then
 * record it in the secrets metadata and the import log. A keychain that cannot be used stops the
 * whole import (KeychainUnavailableError); other problems fail that item only.
 */
export async function importItems(deps: ImportDeps, requests: readonly ImportRequest[]): Promise<ImportOutcome[]> {
  if (deps.source.unsupported) throw new UsageError(deps.source.unsupported);
  const names = new Set<string>();
  for (const r of requests) {
    if (!NAME_RE.test(r.name)) throw new UsageError(`"${r.name}" cannot be a secret name`);
    if (names.has(r.name)) throw new UsageError(`${r.name} is given twice`);
    names.add(r.name);
  }
  // A locked or missing keychain stops here, before anything is read.
  await deps.store.probe();
  const now = deps.now ?? (() => new Date());
  const out: ImportOutcome[] = [];
  for (const r of requests) {
    const from = itemId(r);
    const value = await deps.source.read(r.service, r.username);
    if (value === null || value === '') {
      out.push({ name: r.name, from, status: 'failed', message: `no keychain item with service ${r.service} and username ${r.username}` });
      continue;
    }
    const provider = recognise(value, r.name);
    const existing = await deps.store.get(KEYCHAIN_SERVICE, r.name);
    let status: ImportOutcome['status'] = 'imported';
    if (existing !== null) {
      if (existing !== value) {
        out.push({
          name: r.name,
          from,
          status: 'failed',
          message: `${KEYCHAIN_SERVICE}/${r.name} already holds a different value; nothing was changed (choose another name)`,
        });
        continue;
      }
      status = 'already';
    } else {
      await deps.store.set(KEYCHAIN_SERVICE, r.name, value);
      const back = await deps.store.get(KEYCHAIN_SERVICE, r.name);
      if (back !== value) {
        // What is there is not what we meant to store: take it away again.
        await deps.store.delete(KEYCHAIN_SERVICE, r.name).catch(() => false);
        out.push({ name: r.name, from, status: 'failed', message: `${KEYCHAIN_SERVICE}/${r.name} did not read back as stored; it was removed` });
        continue;
      }
    }
    await deps.meta.recordStored({ service: KEYCHAIN_SERVICE, account: r.name, ...provider });
    await deps.log.record({ service: r.service, username: r.username, account: r.name, at: now().toISOString() });
    out.push({ name: r.name, from, status, provider: provider.provider });
  }
  return out;
}

/** What the value is, from the detectors (the whole value must be the credential). */
function recognise(value: string, name: string): { provider: string; kind: string } {
  const hit = detectSecrets(value, { where: 'env', key: name }).find((d) => d.start === 0 && d.end === value.length);
  return hit ? { provider: hit.provider, kind: hit.kind } : { provider: 'unknown', kind: 'unknown' };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
