// Encrypted backups of what a run changes (file bytes, overwritten keychain values), so `undo` can
// put them back while no new plaintext copy of a secret ever lands on disk (DESIGN §5).
//
// File format of backups/<run>/<name>.bin:
//   "MHBK" | version (1 byte) | header length (uint32 BE) | header (JSON) | IV (12) | ciphertext | tag (16)
// AES-256-GCM; everything before the IV is the associated data, so the header (which backup, which
// file and mode it was taken of) cannot be altered or swapped without the tag failing.
// The 32-byte key lives only in the keychain (service `mcp-harden`, account `backup-key`, base64).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HardenError, EXIT } from '../core/errors.js';
import type { SecretStore } from '../ports/secret-store.js';
import { ensurePrivateDir, writeFileAtomic } from './state.js';

export const BACKUP_KEY_SERVICE = 'mcp-harden';
export const BACKUP_KEY_ACCOUNT = 'backup-key';

const MAGIC = Buffer.from('MHBK', 'ascii');
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const PREFIX_BYTES = MAGIC.length + 1 + 4;

/** What a backup is of; stored authenticated alongside the encrypted bytes. */
export type BackupMeta =
  | { run: string; kind: 'file'; path: string; mode: number }
  | { run: string; kind: 'keychain-item'; service: string; account: string };

interface Header {
  id: string;
  created: string;
  size: number;
  meta: BackupMeta;
}

/** A backup that cannot be read back: missing, altered, or written with another key. Exit 1. */
export class BackupError extends HardenError {
  readonly code = 'backup-unreadable';
  readonly exitCode = EXIT.failure;
}

// Run ids and backup names become path components: nothing that could climb out of backups/.
const RUN_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ID_RE = /^([A-Za-z0-9][A-Za-z0-9._-]{0,63})\/([0-9a-f]{16})$/;

export interface BackupVaultOptions {
  /** The state directory; backups go to <stateDir>/backups. */
  stateDir: string;
  store: SecretStore;
  now?: () => Date;
}

export class BackupVault {
  private readonly root: string;
  private readonly store: SecretStore;
  private readonly now: () => Date;
  private key: Promise<Buffer> | undefined;
  private pending: Promise<Buffer | null> | undefined;

  constructor(options: BackupVaultOptions) {
    this.root = join(options.stateDir, 'backups');
    this.store = options.store;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Encrypts `bytes` into a new backup and returns its id (`<run>/<16 hex>`). Throws
   * KeychainUnavailableError, having written nothing, when the key cannot be had from the keychain:
   * the caller must then skip the action that needed this backup.
   */
  async save(bytes: Buffer, meta: BackupMeta): Promise<string> {
    if (!RUN_RE.test(meta.run)) throw new BackupError(`invalid run id for a backup: ${JSON.stringify(meta.run)}`);
    // The key first: without it nothing at all is written.
    const key = await this.getKey({ create: true });
    const name = randomBytes(8).toString('hex');
    const id = `${meta.run}/${name}`;
    const header: Header = { id, created: this.now().toISOString(), size: bytes.length, meta: copyMeta(meta) };
    const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    const prefix = Buffer.alloc(PREFIX_BYTES);
    MAGIC.copy(prefix, 0);
    prefix.writeUInt8(VERSION, MAGIC.length);
    prefix.writeUInt32BE(headerBytes.length, MAGIC.length + 1);
    const aad = Buffer.concat([prefix, headerBytes]);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad);
    const body = Buffer.concat([cipher.update(bytes), cipher.final()]);
    const out = Buffer.concat([aad, iv, body, cipher.getAuthTag()]);
    const dir = join(this.root, meta.run);
    await ensurePrivateDir(this.root);
    await ensurePrivateDir(dir);
    await writeFileAtomic(join(dir, `${name}.bin`), out, { mode: 0o600 });
    return id;
  }

  /** The original bytes of backup `id`. Throws BackupError when it is missing or was altered. */
  async load(id: string): Promise<Buffer> {
    return (await this.open(id)).bytes;
  }

  /** The bytes and what they are a backup of (checked by the authentication tag). */
  async open(id: string): Promise<{ bytes: Buffer; meta: BackupMeta; created: string }> {
    const m = ID_RE.exec(id);
    if (!m) throw new BackupError(`invalid backup id: ${JSON.stringify(id)}`);
    const file = join(this.root, m[1]!, `${m[2]!}.bin`);
    let raw: Buffer;
    try {
      raw = await readFile(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new BackupError(`backup ${id} ${code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? 'error'})`}: ${file}`);
    }
    const bad = (why: string) => new BackupError(`backup ${id} cannot be decrypted: ${why} (${file})`);
    if (raw.length < PREFIX_BYTES + IV_BYTES + TAG_BYTES || !raw.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw bad('not a backup file');
    }
    const version = raw.readUInt8(MAGIC.length);
    if (version !== VERSION) throw bad(`unknown format version ${version}`);
    const headerLen = raw.readUInt32BE(MAGIC.length + 1);
    const ivAt = PREFIX_BYTES + headerLen;
    if (ivAt + IV_BYTES + TAG_BYTES > raw.length) throw bad('file is truncated');
    const aad = raw.subarray(0, ivAt);
    const iv = raw.subarray(ivAt, ivAt + IV_BYTES);
    const body = raw.subarray(ivAt + IV_BYTES, raw.length - TAG_BYTES);
    const tag = raw.subarray(raw.length - TAG_BYTES);
    const key = await this.getKey({ create: false });
    if (!key) throw bad(`there is no backup key in the keychain (${BACKUP_KEY_SERVICE}/${BACKUP_KEY_ACCOUNT})`);
    let bytes: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      bytes = Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw bad('it was altered, or the backup key in the keychain is not the one it was written with');
    }
    // Authenticated, so the header is ours; it must also be the backup that was asked for.
    let header: Header;
    try {
      header = JSON.parse(aad.subarray(PREFIX_BYTES).toString('utf8')) as Header;
    } catch {
      throw bad('its header is not readable');
    }
    if (header.id !== id) throw bad(`it holds backup ${JSON.stringify(header.id)}, not this one`);
    if (header.size !== bytes.length) throw bad('its size does not match its header');
    return { bytes, meta: header.meta, created: header.created };
  }

  /** Deletes every backup of `run`. True when there were some. */
  async purge(run: string): Promise<boolean> {
    if (!RUN_RE.test(run)) throw new BackupError(`invalid run id: ${JSON.stringify(run)}`);
    const dir = join(this.root, run);
    try {
      const had = await readdir(dir).then(
        (names) => names.length > 0,
        () => false,
      );
      await rm(dir, { recursive: true, force: true });
      return had;
    } catch (err) {
      throw new BackupError(`backups of run ${run} could not be deleted: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }

  /**
   * The key from the keychain, created on first use. Errors of the store (KeychainUnavailableError)
   * pass through and are not remembered, so a later call (keychain unlocked) can succeed.
   * Concurrent callers share one lookup, so one vault never creates two keys.
   */
  private getKey(opts: { create: true }): Promise<Buffer>;
  private getKey(opts: { create: false }): Promise<Buffer | null>;
  private async getKey(opts: { create: boolean }): Promise<Buffer | null> {
    if (this.key) return this.key;
    if (this.pending) {
      const found = await this.pending.catch(() => null);
      if (found || !opts.create) return found;
    }
    const attempt = this.fetchKey(opts.create);
    this.pending = attempt;
    try {
      const key = await attempt;
      if (key) this.key = Promise.resolve(key);
      return key;
    } finally {
      if (this.pending === attempt) this.pending = undefined;
    }
  }

  private async fetchKey(create: boolean): Promise<Buffer | null> {
    const existing = await this.store.get(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT);
    if (existing !== null) return decodeKey(existing);
    if (!create) return null;
    await this.store.set(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT, randomBytes(KEY_BYTES).toString('base64'));
    // Use what the keychain gives back, not what was sent: a key it did not keep would make every
    // backup unreadable, and when two runs race to create the key the one that stayed wins.
    const back = await this.store.get(BACKUP_KEY_SERVICE, BACKUP_KEY_ACCOUNT);
    if (back === null) {
      throw new BackupError(`the backup key was stored in the keychain but could not be read back (${BACKUP_KEY_SERVICE}/${BACKUP_KEY_ACCOUNT})`);
    }
    return decodeKey(back);
  }
}

function decodeKey(b64: string): Buffer {
  const key = Buffer.from(b64.trim(), 'base64');
  // Never replace a malformed key: backups written with the old one would be lost with it.
  if (key.length !== KEY_BYTES) {
    throw new BackupError(
      `the keychain item ${BACKUP_KEY_SERVICE}/${BACKUP_KEY_ACCOUNT} is not a ${KEY_BYTES}-byte base64 key; it was left as it is`,
    );
  }
  return key;
}

/** Only the known fields, so nothing else a caller passes can reach the file. */
function copyMeta(meta: BackupMeta): BackupMeta {
  return meta.kind === 'file'
    ? { run: meta.run, kind: 'file', path: meta.path, mode: meta.mode }
    : { run: meta.run, kind: 'keychain-item', service: meta.service, account: meta.account };
}
