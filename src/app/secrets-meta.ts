// What `secrets` lists: the keychain items mcp-harden manages, their dates and where each is
// referenced, kept in <state>/secrets.json (mode 0600). Never a value, and no fingerprint either:
// a short hash of a weak secret can be reversed, and this file lives as long as the secrets do.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HardenError, EXIT } from '../core/errors.js';
import type { ClientKind, DocPath } from '../core/model.js';
import { ensurePrivateDir, writeFileAtomic } from './state.js';

export const SECRETS_META_FILE = 'secrets.json';
const VERSION = 1;

/** Where a keychain item is referenced: a config value (file + document path) or a .env key. */
export interface SecretReference {
  file: string;
  /** Path of the reference inside the document (configs). */
  path?: DocPath;
  /** The .env key, for references in .env files. */
  key?: string;
  client?: ClientKind;
  server?: string;
}

export interface SecretMeta {
  service: string;
  account: string;
  /** Detector that recognised the secret (`github`, `stripe`, …). */
  provider: string;
  /** Kind of credential (`pat-classic`, `secret-key`, …). */
  kind: string;
  /** ISO 8601. */
  created: string;
  rotated?: string;
  references: SecretReference[];
}

interface MetaFile {
  version: number;
  secrets: SecretMeta[];
}

/** secrets.json cannot be read or is not ours. Exit 1. */
export class SecretsMetaError extends HardenError {
  readonly code = 'secrets-meta';
  readonly exitCode = EXIT.failure;
}

export interface SecretsMetaOptions {
  stateDir: string;
  now?: () => Date;
}

export class SecretsMeta {
  readonly path: string;
  private readonly stateDir: string;
  private readonly now: () => Date;

  constructor(options: SecretsMetaOptions) {
    this.stateDir = options.stateDir;
    this.path = join(options.stateDir, SECRETS_META_FILE);
    this.now = options.now ?? (() => new Date());
  }

  /** Every entry (empty when the file does not exist yet). */
  async load(): Promise<SecretMeta[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return [];
      throw new SecretsMetaError(`${this.path} cannot be read (${code ?? 'error'})`);
    }
    let parsed: MetaFile;
    try {
      parsed = JSON.parse(text) as MetaFile;
    } catch {
      throw new SecretsMetaError(`${this.path} is not valid JSON; fix or remove it (it holds no secret values)`);
    }
    if (typeof parsed !== 'object' || parsed === null || !Array.isArray(parsed.secrets)) {
      throw new SecretsMetaError(`${this.path} is not a secrets metadata file`);
    }
    if (parsed.version > VERSION) throw new SecretsMetaError(`${this.path} was written by a newer version (format ${parsed.version})`);
    return parsed.secrets.map(copyEntry);
  }

  /** Entries sorted by service then account. */
  async list(): Promise<SecretMeta[]> {
    return sortEntries(await this.load());
  }

  /** Records that an item was stored: a new entry dated now, or new provider/kind on an existing one. */
  async recordStored(item: { service: string; account: string; provider: string; kind: string }): Promise<SecretMeta> {
    return this.update((all) => {
      const found = find(all, item.service, item.account);
      if (found) {
        found.provider = item.provider;
        found.kind = item.kind;
        return found;
      }
      const entry: SecretMeta = {
        service: item.service,
        account: item.account,
        provider: item.provider,
        kind: item.kind,
        created: this.now().toISOString(),
        references: [],
      };
      all.push(entry);
      return entry;
    });
  }

  /** Adds where an item is referenced (a reference already recorded is not added twice). */
  async recordReference(service: string, account: string, ref: SecretReference): Promise<SecretMeta> {
    return this.update((all) => {
      const entry = mustFind(all, service, account, this.path);
      const r = copyRef(ref);
      if (!entry.references.some((x) => sameRef(x, r))) entry.references.push(r);
      return entry;
    });
  }

  /** Dates a rotation: the item now holds a new value. */
  async recordRotated(service: string, account: string): Promise<SecretMeta> {
    return this.update((all) => {
      const entry = mustFind(all, service, account, this.path);
      entry.rotated = this.now().toISOString();
      return entry;
    });
  }

  /** Removes a reference (same file, document path and key). False when it was not recorded. */
  async removeReference(service: string, account: string, ref: SecretReference): Promise<boolean> {
    let removed = false;
    await this.update((all) => {
      const entry = find(all, service, account);
      if (!entry) return undefined;
      const before = entry.references.length;
      entry.references = entry.references.filter((x) => !sameRef(x, copyRef(ref)));
      removed = entry.references.length !== before;
      return entry;
    });
    return removed;
  }

  /** Drops an item's entry (its keychain item was deleted). False when there was none. */
  async forget(service: string, account: string): Promise<boolean> {
    let removed = false;
    await this.update((all) => {
      const i = all.findIndex((e) => e.service === service && e.account === account);
      if (i >= 0) {
        all.splice(i, 1);
        removed = true;
      }
      return undefined;
    });
    return removed;
  }

  private async update<T>(change: (all: SecretMeta[]) => T): Promise<T> {
    const all = await this.load();
    const out = change(all);
    await ensurePrivateDir(this.stateDir);
    const file: MetaFile = { version: VERSION, secrets: sortEntries(all).map(copyEntry) };
    await writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    return out;
  }
}

function find(all: SecretMeta[], service: string, account: string): SecretMeta | undefined {
  return all.find((e) => e.service === service && e.account === account);
}

function mustFind(all: SecretMeta[], service: string, account: string, path: string): SecretMeta {
  const e = find(all, service, account);
  if (!e) throw new SecretsMetaError(`no keychain item ${service}/${account} is recorded in ${path}`);
  return e;
}

function sortEntries(all: SecretMeta[]): SecretMeta[] {
  return [...all].sort((a, b) => cmp(a.service, b.service) || cmp(a.account, b.account));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameRef(a: SecretReference, b: SecretReference): boolean {
  return a.file === b.file && JSON.stringify(a.path ?? null) === JSON.stringify(b.path ?? null) && (a.key ?? null) === (b.key ?? null);
}

// Copies only the known fields: whatever else a caller's object carries never reaches the file.
function copyRef(r: SecretReference): SecretReference {
  return {
    file: String(r.file),
    ...(r.path ? { path: r.path.map((p) => (typeof p === 'number' ? p : String(p))) } : {}),
    ...(r.key !== undefined ? { key: String(r.key) } : {}),
    ...(r.client ? { client: r.client } : {}),
    ...(r.server !== undefined ? { server: String(r.server) } : {}),
  };
}

function copyEntry(e: SecretMeta): SecretMeta {
  return {
    service: String(e.service),
    account: String(e.account),
    provider: String(e.provider),
    kind: String(e.kind),
    created: String(e.created),
    ...(e.rotated ? { rotated: String(e.rotated) } : {}),
    references: Array.isArray(e.references) ? e.references.map(copyRef) : [],
  };
}
