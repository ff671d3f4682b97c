// The apply engine: carries a plan out one action at a time, journaled, so that a crash at any
// point leaves every secret retrievable and every file parseable (DESIGN §5).
//
// Per secret the order is: store → read back → rewrite each config to the reference (after the
// reference is seen to resolve through the launcher) → only then remove the plaintext elsewhere.
import { spawn } from 'node:child_process';
import { lstat, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { chmodSafe, readForEdit, removeStaleTemps, writeAtomic, type FileStamp } from '../adapters/atomic-write.js';
import { crashPoint } from '../adapters/test-hooks.js';
import { inferSource, parseConfig } from '../core/clients/index.js';
import { editConfig, editDotenv, removeLines, appendGitignore, type ConfigChange, type EditChange } from '../core/edit/index.js';
import { KeychainUnavailableError } from '../core/errors.js';
import type { DocPath, HostEnv, Located, Server } from '../core/model.js';
import type { Action, Plan, ValueLocation } from '../core/plan.js';
import { detectInHistory, detectSecrets, fingerprint, parseDotenv } from '../core/secrets/index.js';
import type { SecretStore } from '../ports/secret-store.js';
import type { BackupVault } from './backup-vault.js';
import type { Journal, UndoInfo } from './journal.js';
import { LAUNCHER_NAME } from './launcher.js';
import { defaultHelperPaths, remoteRewrite, resolveHeaders, type HelperPaths } from './remote-headers.js';
import type { SecretsMeta } from './secrets-meta.js';
import { sha256 } from './undo.js';
import { computePolicyWrite } from './policy-write.js';
import { replaceSpec } from '../core/pin.js';
import { hasOption, sameOption } from './plan.js';
import { applyEdits as applyJsoncEdits, modify as modifyJsonc, parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { packageRef, positionalArgs } from '../core/risks.js';
import { findInlineReferences, parseReference, type SecretReference } from '../core/reference.js';

export type ApplyEvent =
  | { type: 'start'; seq: number; action: Action }
  | { type: 'done'; seq: number; action: Action; message?: string }
  | { type: 'skipped'; seq: number; action: Action; message: string }
  | { type: 'failed'; seq: number; action: Action; message: string };

export interface ApplyDeps {
  host: HostEnv;
  /** null when the keychain cannot be used: keychain actions are skipped. */
  store: SecretStore | null;
  keychainError?: KeychainUnavailableError;
  vault: BackupVault;
  journal: Journal;
  meta: SecretsMeta;
  /** Absolute path of the installed launcher (user-scope configs). */
  launcherPath: string;
  allowedRoots: string[];
  onEvent?(e: ApplyEvent): void;
  /** Checked between actions: an abort stops cleanly, never inside an action. */
  signal?: AbortSignal;
  /** Files of interrupted runs, whose stale temp files are removed too. */
  staleFiles?: string[];
  /** Values the user gave for `provided` store-secret actions, by fingerprint; held for this run only. */
  provided?: ReadonlyMap<string, string>;
  /** Checks a reference resolves to the value through the launcher; defaults to running it. */
  resolvesTo?(service: string, account: string, value: string): Promise<boolean>;
}

export interface ApplyResult {
  runId: string;
  done: number;
  skipped: { action: Action; message: string }[];
  failed: { action: Action; message: string }[];
  cancelled: boolean;
  /** Files the run changed. */
  files: string[];
}

/** A change to one file, computed without writing: what `--dry-run` shows and apply writes. */
export interface FileChange {
  file: string;
  before: string;
  after: string;
  stamp: FileStamp;
  mode: number;
  uid: number;
  gid: number;
  bytes: Buffer;
  /** Secret values involved, so a preview can mask them. Memory only. */
  values: string[];
  /** A Claude Code headersHelper rewrite: the headers it must print, checked before writing. Memory only. */
  expectHeaders?: { specs: string[]; headers: Record<string, string> };
}

type EditRead = Awaited<ReturnType<typeof readForEdit>>;

/**
 * A change of one file from what was read of it. null: the file does not exist yet and is created
 * (its stamp's size -1 tells the apply step, and undo removes it).
 */
export function changeOf(file: string, read: EditRead | null, after: string, values: string[] = []): FileChange {
  return {
    file,
    before: read?.text ?? '',
    after,
    stamp: read?.stamp ?? { size: -1, mtimeMs: 0, ino: 0, sha256: '' },
    mode: read?.mode ?? 0o644,
    uid: read?.uid ?? -1,
    gid: read?.gid ?? -1,
    bytes: read?.bytes ?? Buffer.alloc(0),
    values,
  };
}

const KEYCHAIN_KINDS = new Set<Action['kind']>(['store-secret', 'rewrite-config', 'remove-plaintext', 'delete-backup', 'remove-history-lines']);

function actionFile(a: Action): string {
  return a.kind === 'gitignore' ? a.gitignore : a.kind === 'store-secret' ? (a.from[0]?.file ?? '') : a.file;
}

function pathEq(a: DocPath | undefined, b: DocPath): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Every located string of a server, to find the one at a document path. */
function locatedStrings(s: Server): { loc: Located; where: 'env' | 'header' | 'arg' | 'url'; key?: string; prev?: string }[] {
  return [
    ...s.env.map((e) => ({ loc: e.value, where: 'env' as const, key: e.key })),
    ...s.headers.map((h) => ({ loc: h.value, where: 'header' as const, key: h.key })),
    ...s.args.map((a, i) => ({ loc: a, where: 'arg' as const, prev: s.args[i - 1]?.value })),
    ...(s.url ? [{ loc: s.url, where: 'url' as const }] : []),
  ];
}

function parseServers(file: string, text: string, client?: Server['client'], role?: 'backup'): Server[] {
  const source = inferSource(file, text, client);
  return parseConfig(role ? { ...source, role } : source, text).servers;
}

/** The secret with this fingerprint at a location, read from the file as it is now; null if gone. */
export async function readSecretValue(loc: ValueLocation, fp: string): Promise<string | null> {
  let text: string;
  try {
    text = (await readForEdit(loc.file)).text;
  } catch {
    return null;
  }
  const match = (found: { value: string }[]) => found.find((d) => fingerprint(d.value) === fp)?.value ?? null;
  if (loc.where === 'dotenv') {
    for (const e of parseDotenv(text)) {
      if (loc.key && e.key !== loc.key) continue;
      const v = match(detectSecrets(e.value, { where: 'dotenv', key: e.key }));
      if (v) return v;
    }
    return null;
  }
  if (loc.where === 'history') {
    const shell = /zsh/.test(basename(loc.file)) ? 'zsh' : /fish/.test(loc.file) ? 'fish' : 'bash';
    return match(detectInHistory(text, shell).map((d) => d.detection));
  }
  const servers = parseServers(loc.file, text, loc.client, loc.where === 'backup' ? 'backup' : undefined);
  for (const s of servers) {
    for (const x of locatedStrings(s)) {
      if (loc.path && !pathEq(x.loc.path, loc.path)) continue;
      const v = match(detectSecrets(x.loc.value, { where: x.where, key: x.key, previousArg: x.prev }));
      if (v) return v;
    }
  }
  return null;
}

/** Runs the launcher the way a client would and compares what the server would receive. */
export async function launcherResolves(launcherPath: string, env: NodeJS.ProcessEnv, service: string, account: string, value: string): Promise<boolean> {
  const { formatReference } = await import('../core/reference.js');
  return new Promise((resolve) => {
    const child = spawn(launcherPath, ['/bin/sh', '-c', 'printf %s "$MCP_HARDEN_CHECK"'], {
      env: { ...env, MCP_HARDEN_CHECK: formatReference(service, account) },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0 && Buffer.concat(chunks).toString('utf8') === value));
  });
}

/** New text of a config after a rewrite-config action; also returns the values it replaces. */
export async function computeRewrite(
  action: Extract<Action, { kind: 'rewrite-config' }>,
  launcherPath: string,
  helperPaths?: HelperPaths,
): Promise<FileChange> {
  const read = await readForEdit(action.file);
  const source = inferSource(action.file, read.text, action.client);
  const parsed = parseConfig(source, read.text);
  if (parsed.error) throw new Error(`${action.file} no longer parses (${parsed.error.message}); nothing was changed`);
  const server = parsed.servers.find((s) => pathEq(s.path, action.serverPath));
  if (!server) throw new Error(`server "${action.server}" is no longer in ${action.file}`);
  if (action.remote) {
    // Remote servers: headersHelper (Claude Code) or a password input (VS Code), never the launcher.
    const rw = remoteRewrite(action, server, read.text, { ...(parsed.inputs ? { inputs: parsed.inputs } : {}), paths: helperPaths ?? defaultHelperPaths() });
    const after = rw.changes.length ? editConfig(source.format, read.text, rw.changes) : read.text;
    return {
      file: action.file,
      before: read.text,
      after,
      stamp: read.stamp,
      mode: read.mode,
      uid: read.uid,
      gid: read.gid,
      bytes: read.bytes,
      values: rw.values,
      ...(rw.expectHeaders ? { expectHeaders: rw.expectHeaders } : {}),
    };
  }
  const changes: ConfigChange[] = [];
  const values: string[] = [];
  for (const r of action.replace) {
    const path = r.location.path!;
    const current = locatedStrings(server).find((x) => pathEq(x.loc.path, path));
    if (!current) {
      // A key the server got from an envFile: it now gets the reference instead.
      changes.push({ op: 'set-string', path, value: r.reference });
      continue;
    }
    if (r.placeholder !== undefined) {
      // The server read the value through `${VAR}` from a .env file: the reference takes its place.
      if (!current.loc.value.includes(r.placeholder)) {
        if (current.loc.value.includes(r.reference)) continue;
        throw new Error(`${action.file} no longer uses ${r.placeholder} at ${path.join('.')}; nothing was changed`);
      }
      const next = current.loc.value === r.placeholder ? r.reference : current.loc.value.split(r.placeholder).join(r.reference);
      changes.push({ op: 'set-string', path, value: next });
      continue;
    }
    const found = detectSecrets(current.loc.value, { where: current.where, key: current.key, previousArg: current.prev }).find(
      (d) => fingerprint(d.value) === r.fingerprint,
    );
    if (!found) {
      if (current.loc.value === r.reference || current.loc.value.includes(r.reference)) continue; // already done
      throw new Error(`the value at ${path.join('.')} in ${action.file} changed since the audit; nothing was changed`);
    }
    values.push(found.value);
    const whole = found.start === 0 && found.end === current.loc.value.length && r.reference.startsWith('keychain:');
    const next = whole ? r.reference : current.loc.value.slice(0, found.start) + r.reference + current.loc.value.slice(found.end);
    changes.push({ op: 'set-string', path, value: next });
  }
  if (action.launcher && server.command && !isLauncher(server.command.value)) {
    const launchCommand = action.scope === 'project' ? LAUNCHER_NAME : launcherPath;
    // The args list is given whole (the editor changes only the items that differ): it carries the
    // references set above, which then leave the list of changes.
    const newArg = (a: Located) => {
      const i = changes.findIndex((c) => c.op === 'set-string' && pathEq(c.path, a.path));
      if (i < 0) return a.value;
      const [c] = changes.splice(i, 1);
      return (c as Extract<ConfigChange, { op: 'set-string' }>).value;
    };
    const args = server.args.map(newArg);
    changes.push({ op: 'set-string', path: server.command.path, value: launchCommand });
    changes.push({ op: 'set-string-array', path: [...server.path, 'args'], value: [server.command.value, ...args] });
  }
  const after = changes.length ? editConfig(source.format, read.text, changes) : read.text;
  return changeOf(action.file, read, after, values);
}

/**
 * New text of a config after a pin-version action. The spec is found again in the file as it is
 * now: an earlier action of the run may have moved the server behind the launcher, which shifts
 * its arguments.
 */
export async function computePin(action: Extract<Action, { kind: 'pin-version' }>): Promise<FileChange> {
  const { server, change } = await serverAt(action);
  const ref = packageRef(server);
  const arg = ref && server.args.find((a) => pathEq(a.path, ref.at.path));
  if (ref?.spec === action.to) return change([]);
  const next = arg && ref.spec === action.from ? replaceSpec(arg.value, action.from, action.to) : undefined;
  if (!arg || next === undefined) throw new Error(`server "${action.server}" no longer runs ${action.from}; ${action.file} was not changed`);
  return change([{ op: 'set-string', path: arg.path, value: next }]);
}

/** New text of a config after a set-read-only action, from the file as it is now. */
export async function computeReadOnly(action: Extract<Action, { kind: 'set-read-only' }>): Promise<FileChange> {
  const { server, change } = await serverAt(action);
  const changes: ConfigChange[] = [];
  for (const [key, value] of Object.entries(action.env)) {
    if (server.env.find((e) => e.key === key)?.value.value !== value) changes.push({ op: 'set-string', path: [...action.envPath, key], value });
  }
  const missing = action.args.filter((a) => !server.args.some((x) => sameOption(x.value, a)));
  if (missing.length) {
    // Appended: the switches are options of the server itself, which comes last on the line.
    const argsPath = server.args[0] ? server.args[0].path.slice(0, -1) : [...action.serverPath, 'args'];
    changes.push({ op: 'set-string-array', path: argsPath, value: [...server.args.map((a) => a.value), ...missing] });
  }
  return change(changes);
}

/**
 * A config read for a targeted edit, and the server at the action's path in it (refused if it moved;
 * with `sameName`, also if another server now stands at that path).
 */
async function serverAt(action: { file: string; client: Server['client']; server: string; serverPath: DocPath }, opts: { sameName?: boolean } = {}) {
  const read = await readForEdit(action.file);
  const source = inferSource(action.file, read.text, action.client);
  const parsed = parseConfig(source, read.text);
  if (parsed.error) throw new Error(`${action.file} no longer parses (${parsed.error.message}); nothing was changed`);
  const server = parsed.servers.find((s) => pathEq(s.path, action.serverPath) && (!opts.sameName || s.name === action.server));
  if (!server) throw new Error(`server "${action.server}" is no longer in ${action.file}`);
  const change = (changes: EditChange[]): FileChange => changeOf(action.file, read, changes.length ? editConfig(source.format, read.text, changes) : read.text);
  return { server, change };
}

/**
 * New text of a config after a narrow-roots action, from the file as it is now: each broad root
 * still there becomes the workspace, once; the other arguments stay as they are. A root is a
 * positional argument (never the value of an `--option`) at the place the audit saw it, holding
 * the value it saw; the server may have been moved behind the launcher in the same run, which puts
 * its arguments one place later.
 */
export async function computeNarrowRoots(action: Extract<Action, { kind: 'narrow-roots' }>): Promise<FileChange> {
  const { server, change } = await serverAt(action);
  const index = (p: DocPath) => (typeof p[p.length - 1] === 'number' ? (p[p.length - 1] as number) : -1);
  const sameList = (a: DocPath, b: DocPath) => a.length === b.length && a.slice(0, -1).every((x, i) => x === b[i]);
  const shifted = !!server.command && isLauncher(server.command.value);
  const wasAt = (p: DocPath) =>
    !action.rootPaths ||
    action.rootPaths.some((r) => sameList(r, p) && (index(r) === index(p) || (shifted && index(r) + 1 === index(p))));
  const positional = positionalArgs(server);
  const roots = positional.filter((a) => action.roots.includes(a.value) && wasAt(a.path));
  const isRoot = (a: Located) => roots.some((r) => pathEq(r.path, a.path));
  let placed = positional.some((a) => a.value === action.to);
  const kept: string[] = [];
  const changes: ConfigChange[] = [];
  for (const a of server.args) {
    if (!isRoot(a)) kept.push(a.value);
    else if (!placed) {
      kept.push(action.to);
      changes.push({ op: 'set-string', path: a.path, value: action.to });
      placed = true;
    }
  }
  if (kept.length === server.args.length) return change(changes);
  // A root dropped: the list is written whole (its other items unchanged).
  return change([{ op: 'set-string-array', path: server.args[0]!.path.slice(0, -1), value: kept }]);
}

/**
 * New text of a config after a set-toolsets action, from the file as it is now. Tool groups the
 * user chose since the audit (the env var or the option) are left as they are.
 */
export async function computeToolsets(action: Extract<Action, { kind: 'set-toolsets' }>): Promise<FileChange> {
  const { server, change } = await serverAt(action);
  const flag = action.arg?.slice(0, action.arg.indexOf('='));
  if (server.env.some((e) => e.key === action.env) || (flag && server.args.some((a) => hasOption(a.value, flag)))) return change([]);
  if (action.envPath) return change([{ op: 'set-string', path: [...action.envPath, action.env], value: action.value }]);
  // Appended: an option of the server itself, which comes last on the line.
  const argsPath = server.args[0] ? server.args[0].path.slice(0, -1) : [...action.serverPath, 'args'];
  return change([{ op: 'set-string-array', path: argsPath, value: [...server.args.map((a) => a.value), action.arg!] }]);
}

/**
 * New text of a Claude Code settings file with the action's permission rules added to
 * `permissions.ask` and `permissions.deny` (rules already there stay, in their order). A missing
 * file is created (stamp size -1: undo removes it).
 */
export async function computePermissions(action: Extract<Action, { kind: 'set-permissions' }>): Promise<FileChange> {
  let read: Awaited<ReturnType<typeof readForEdit>> | undefined;
  try {
    read = await readForEdit(action.file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const before = read?.text ?? '';
  const base = before.trim() ? before : '{}\n';
  const errors: ParseError[] = [];
  const doc = parseJsonc(base, errors, { allowTrailingComma: true }) as unknown;
  if (errors.length || typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${action.file} is not a JSON object; nothing was changed`);
  const perms = (doc as { permissions?: Record<string, unknown> }).permissions;
  const changes: ConfigChange[] = [];
  for (const list of ['ask', 'deny'] as const) {
    const current = Array.isArray(perms?.[list]) ? (perms[list] as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    const missing = action[list].filter((r) => !current.includes(r));
    if (missing.length) changes.push({ op: 'set-string-array', path: ['permissions', list], value: [...current, ...missing] });
  }
  let after = before;
  if (perms === undefined || typeof perms !== 'object' || Array.isArray(perms)) {
    // No permissions object yet: it is inserted whole (the edit ops set values in existing objects only).
    const value = Object.fromEntries(changes.map((c) => [c.path[1] as string, (c as Extract<ConfigChange, { op: 'set-string-array' }>).value]));
    const indent = /^\{\s*\n([ \t]+)/.exec(base)?.[1];
    after = applyJsoncEdits(base, modifyJsonc(base, ['permissions'], value, { formattingOptions: { insertSpaces: !indent?.startsWith('\t'), tabSize: indent?.length || 2 } }));
  } else if (changes.length) {
    after = editConfig('json', base, changes);
  }
  return changeOf(action.file, read ?? null, after);
}

/**
 * New text of a config after a set-tool-rules action, from the file as it is now: the tool names
 * added to the list fields that lack them, taken out of those that hold them (every other entry
 * stays, in its order), and the boolean fields set. Refused when the server entry moved or went.
 */
export async function computeToolRules(action: Extract<Action, { kind: 'set-tool-rules' }>): Promise<FileChange> {
  const { server, change } = await serverAt(action, { sameName: true });
  const lists = new Map<string, string[] | undefined>();
  const listOf = (field: string) => {
    if (!lists.has(field)) {
      const have = server.toolSettings?.lists[field];
      if (have === null) throw new Error(`"${field}" of server "${action.server}" is not a list of tool names; ${action.file} was not changed`);
      lists.set(field, have);
    }
    return lists.get(field);
  };
  const changed = new Set<string>();
  for (const a of action.add) {
    const have = listOf(a.field) ?? [];
    const missing = a.tools.filter((t) => !have.includes(t));
    if (!missing.length) continue;
    lists.set(a.field, [...have, ...missing]);
    changed.add(a.field);
  }
  for (const r of action.remove) {
    const have = listOf(r.field);
    if (!have?.some((t) => r.tools.includes(t))) continue;
    lists.set(r.field, have.filter((t) => !r.tools.includes(t)));
    changed.add(r.field);
  }
  const changes: EditChange[] = [...changed].map((field) => ({ op: 'set-string-array', path: [...action.serverPath, field], value: lists.get(field)! }));
  for (const b of action.set) {
    // Only Gemini's `trust` is read back by the parser; another field is set whatever it holds.
    if (b.field === 'trust' && server.toolSettings?.trust === b.value) continue;
    changes.push({ op: 'set-boolean', path: [...action.serverPath, b.field], value: b.value });
  }
  return change(changes);
}

/**
 * New text of a config after an add-server action: the definition set at `serverPath`, the rest of
 * the file kept byte for byte. A missing (or empty) file becomes a document holding just the server.
 */
export async function computeAddServer(action: Extract<Action, { kind: 'add-server' }>): Promise<FileChange> {
  let read: Awaited<ReturnType<typeof readForEdit>> | undefined;
  try {
    read = await readForEdit(action.file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (!read || read.text.trim() === '') {
    let doc: unknown = action.definition;
    for (let i = action.serverPath.length - 1; i >= 0; i--) doc = { [String(action.serverPath[i])]: doc };
    return changeOf(action.file, read ?? null, JSON.stringify(doc, null, 2) + '\n');
  }
  const parsed = parseConfig(inferSource(action.file, read.text, action.client), read.text);
  if (parsed.error) throw new Error(`${action.file} does not parse (${parsed.error.message}); nothing was changed`);
  if (parsed.servers.some((x) => x.name === action.server)) return changeOf(action.file, read, read.text);
  return changeOf(action.file, read, editConfig('json', read.text, [{ op: 'set-object', path: action.serverPath, value: action.definition }]));
}

/** The keychain item a planned reference (`keychain:S/A` or `{{keychain:S/A}}`) names; null when it names none. */
function referencedAccount(reference: string): SecretReference | null {
  return parseReference(reference) ?? findInlineReferences(reference)[0] ?? null;
}

function sameHeaders(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

function isLauncher(command: string): boolean {
  const base = command.split(/[\\/]/).pop() ?? command;
  return base === LAUNCHER_NAME || base === 'mcp-harden';
}

/** New text of a .env, backup or history file for the removal actions. */
export async function computeRemoval(action: Extract<Action, { kind: 'remove-plaintext' | 'remove-history-lines' | 'gitignore' }>): Promise<FileChange | null> {
  if (action.kind === 'gitignore') {
    let read: Awaited<ReturnType<typeof readForEdit>> | undefined;
    try {
      read = await readForEdit(action.gitignore);
    } catch {
      read = undefined;
    }
    const before = read?.text ?? '';
    const after = appendGitignore(before, action.entries);
    if (after === before) return null;
    return changeOf(action.gitignore, read ?? null, after);
  }
  const read = await readForEdit(action.file);
  const values: string[] = [];
  let after: string;
  if (action.kind === 'remove-plaintext') {
    const fps = new Set(action.fingerprints);
    const keys: string[] = [];
    for (const e of parseDotenv(read.text)) {
      if (!action.keys.includes(e.key)) continue;
      const d = detectSecrets(e.value, { where: 'dotenv', key: e.key }).find((x) => fps.has(fingerprint(x.value)));
      if (d) {
        keys.push(e.key);
        values.push(d.value);
      }
    }
    if (!keys.length) return null;
    after = editDotenv(read.text, keys.map((key) => ({ key, value: null })));
  } else {
    const fps = new Set(action.fingerprints);
    const shell = /zsh/.test(basename(action.file)) ? 'zsh' : /fish/.test(action.file) ? 'fish' : 'bash';
    const lines = new Set<number>();
    for (const d of detectInHistory(read.text, shell)) {
      if (fps.has(fingerprint(d.detection.value)) && action.lines.includes(d.line)) {
        lines.add(d.line);
        values.push(d.detection.value);
      }
    }
    if (!lines.size) return null;
    after = removeLines(read.text, [...lines]);
  }
  return changeOf(action.file, read, after, values);
}

/** The actions that write files holding no secret (least privilege, the policy, onboarding). */
export type SettingAction = Extract<
  Action,
  { kind: 'pin-version' | 'set-read-only' | 'narrow-roots' | 'set-toolsets' | 'set-permissions' | 'set-tool-rules' | 'write-policy' | 'add-server' }
>;

/** The change one of them would make to its file as it is now (null: nothing to write). */
export async function computeSettingChange(action: SettingAction): Promise<FileChange | null> {
  switch (action.kind) {
    case 'pin-version':
      return computePin(action);
    case 'set-read-only':
      return computeReadOnly(action);
    case 'narrow-roots':
      return computeNarrowRoots(action);
    case 'set-toolsets':
      return computeToolsets(action);
    case 'set-permissions':
      return computePermissions(action);
    case 'set-tool-rules':
      return computeToolRules(action);
    case 'write-policy':
      return computePolicyWrite(action.file, action.content);
    case 'add-server':
      return computeAddServer(action);
  }
}

/** What the journal says when a file already holds what the action would write. */
const UNCHANGED = {
  'pin-version': 'already pinned',
  'set-read-only': 'already read-only',
  'narrow-roots': 'roots already narrow',
  'set-toolsets': 'tool groups already chosen',
  'set-permissions': 'rules already there',
  'set-tool-rules': 'tool rules already there',
  'write-policy': 'already up to date',
  'add-server': 'already there',
} as const;

export async function applyPlan(plan: Plan, deps: ApplyDeps, command = 'fix'): Promise<ApplyResult> {
  const { journal, vault } = deps;
  const { summarizePlan } = await import('./journal.js');
  const runId = await journal.begin(summarizePlan(plan, command));
  const result: ApplyResult = { runId, done: 0, skipped: [], failed: [], cancelled: false, files: [] };
  const emit = (e: ApplyEvent) => deps.onEvent?.(e);
  const resolves =
    deps.resolvesTo ?? ((service: string, account: string, value: string) => launcherResolves(deps.launcherPath, process.env, service, account, value));
  /** Accounts stored and read back in this run, by fingerprint: later actions may rely on them. */
  const stored = new Map<string, { service: string; account: string }>();
  /** The same accounts by name: a rewrite may only point at one of these. */
  const storedAccounts = new Set<string>();
  const accountKey = (service: string, account: string) => `${service}\u0000${account}`;
  const failedSecrets = new Set<string>();

  const skip = (seq: number, action: Action, message: string) => {
    result.skipped.push({ action, message });
    emit({ type: 'skipped', seq, action, message });
  };

  /** Writes one file change, journaled, with an encrypted backup of the old bytes first. */
  const writeChange = async (seq: number, action: Action, change: FileChange, opts: { backup: boolean; created?: boolean; makeParents?: boolean }) => {
    let backup: string | undefined;
    if (opts.backup && !opts.created) backup = await vault.save(change.bytes, { run: runId, kind: 'file', path: change.file, mode: change.mode });
    const afterSha = sha256(Buffer.from(change.after, 'utf8'));
    const undo: UndoInfo = opts.created
      ? { kind: 'file', path: change.file, existed: false, sha256After: afterSha }
      : {
          kind: 'file',
          path: change.file,
          existed: true,
          ...(backup ? { backup } : {}),
          mode: change.mode,
          uid: change.uid,
          gid: change.gid,
          sha256Before: change.stamp.sha256,
          sha256After: afterSha,
        };
    await journal.before(seq, action, undo);
    crashPoint(`action:before:${seq}`);
    await writeAtomic(change.file, change.after, {
      ...(opts.created ? { mode: 0o644 } : { expect: change.stamp }),
      ...(opts.makeParents ? { makeParents: true } : {}),
      allowedRoots: deps.allowedRoots,
    });
    result.files.push(change.file);
  };

  // A crash inside an earlier write can leave a temp copy beside a file: it goes first.
  for (const file of new Set([...plan.actions.map(actionFile), ...(deps.staleFiles ?? [])])) {
    await removeStaleTemps(file);
  }

  try {
    for (let seq = 0; seq < plan.actions.length; seq++) {
      const action = plan.actions[seq]!;
      if (deps.signal?.aborted) {
        result.cancelled = true;
        break;
      }
      if (KEYCHAIN_KINDS.has(action.kind) && !deps.store) {
        skip(seq, action, `needs the keychain: ${deps.keychainError?.message ?? 'unavailable'}`);
        continue;
      }
      const fps = 'fingerprints' in action ? action.fingerprints : action.kind === 'rewrite-config' ? action.replace.map((r) => r.fingerprint) : [];
      const notStored = fps.filter((fp) => !stored.has(fp));
      if (action.kind !== 'store-secret' && KEYCHAIN_KINDS.has(action.kind) && notStored.length) {
        skip(seq, action, failedSecrets.size ? 'its secret could not be stored, so the plaintext stays' : 'its secret is not in the keychain yet');
        continue;
      }
      emit({ type: 'start', seq, action });
      try {
        let message: string | undefined;
        switch (action.kind) {
          case 'chmod': {
            const st = await lstat(action.file);
            if (st.isDirectory()) {
              await journal.before(seq, action, { kind: 'dir-mode', path: action.file, mode: st.mode & 0o7777 });
              crashPoint(`action:before:${seq}`);
              await chmodSafe(action.file, action.to, deps.allowedRoots);
              message = `${(st.mode & 0o777).toString(8)} → ${action.to.toString(8)}`;
              break;
            }
            const read = await readForEdit(action.file);
            await journal.before(seq, action, {
              kind: 'file',
              path: action.file,
              existed: true,
              mode: read.mode,
              uid: read.uid,
              gid: read.gid,
              sha256Before: read.stamp.sha256,
              sha256After: read.stamp.sha256,
            });
            crashPoint(`action:before:${seq}`);
            await chmodSafe(action.file, action.to, deps.allowedRoots);
            result.files.push(action.file);
            message = `${action.from.toString(8).padStart(3, '0')} → ${action.to.toString(8)}`;
            break;
          }
          case 'gitignore': {
            const change = await computeRemoval(action);
            if (!change) {
              message = 'already ignored';
              await journal.before(seq, action, { kind: 'none' });
              break;
            }
            const created = change.stamp.size < 0;
            // .gitignore holds no secret; keep an (encrypted) copy when the keychain allows it.
            await writeChange(seq, action, change, { backup: !!deps.store, created });
            break;
          }
          case 'store-secret': {
            const store = deps.store!;
            let value: string | null = null;
            if (action.provided) {
              const given = deps.provided?.get(action.fingerprint);
              value = given !== undefined && fingerprint(given) === action.fingerprint ? given : null;
            }
            for (const loc of action.from) {
              if (value) break;
              value = await readSecretValue(loc, action.fingerprint);
            }
            if (!value) {
              failedSecrets.add(action.fingerprint);
              for (const fp of action.replaces ?? []) failedSecrets.add(fp);
              throw new Error(
                action.provided
                  ? `the new value of ${action.account} was not given to this run`
                  : `the value of ${action.account} is no longer where the audit found it`,
              );
            }
            const existing = await store.get(action.service, action.account);
            if (existing === value) {
              await journal.before(seq, action, { kind: 'keychain-item', service: action.service, account: action.account, existed: true });
              message = 'already in the keychain';
            } else {
              let backup: string | undefined;
              if (existing !== null) {
                backup = await vault.save(Buffer.from(existing, 'utf8'), { run: runId, kind: 'keychain-item', service: action.service, account: action.account });
              }
              await journal.before(seq, action, {
                kind: 'keychain-item',
                service: action.service,
                account: action.account,
                existed: existing !== null,
                ...(backup ? { backup } : {}),
              });
              crashPoint(`action:before:${seq}`);
              await store.set(action.service, action.account, value);
            }
            const back = await store.get(action.service, action.account);
            if (back !== value) {
              failedSecrets.add(action.fingerprint);
              for (const fp of action.replaces ?? []) failedSecrets.add(fp);
              throw new Error(`${action.account} did not read back from the keychain as stored`);
            }
            stored.set(action.fingerprint, { service: action.service, account: action.account });
            for (const fp of action.replaces ?? []) stored.set(fp, { service: action.service, account: action.account });
            storedAccounts.add(accountKey(action.service, action.account));
            await deps.meta.recordStored({ service: action.service, account: action.account, provider: action.provider, kind: action.secretKind });
            message = message ?? 'stored and read back';
            break;
          }
          case 'rewrite-config': {
            const change = await computeRewrite(action, deps.launcherPath);
            if (change.after === change.before) {
              await journal.before(seq, action, { kind: 'none' });
              message = 'already rewritten';
              break;
            }
            // The headersHelper must print exactly the headers the file has now.
            if (change.expectHeaders && !sameHeaders(await resolveHeaders(change.expectHeaders.specs, deps.store!), change.expectHeaders.headers)) {
              throw new Error(`the headersHelper of "${action.server}" would not send the same headers; ${action.file} was not changed`);
            }
            // The reference must name an item this run stored and read back, and resolve, before the
            // plaintext leaves this file. The item is the one the reference names: several accounts
            // may hold the same value, so the fingerprint alone does not say which.
            const named: SecretReference[] = [];
            for (const r of action.replace) {
              const acct = referencedAccount(r.reference);
              if (!acct || !storedAccounts.has(accountKey(acct.service, acct.account))) {
                throw new Error(
                  `the reference for "${action.server}" names ${acct ? `${acct.service}/${acct.account}` : 'no keychain item'}, which this run did not store; ${action.file} was not changed`,
                );
              }
              named.push(acct);
            }
            for (const acct of named) {
              const value = action.launcher ? await deps.store!.get(acct.service, acct.account) : null;
              if (action.launcher && (value === null || !(await resolves(acct.service, acct.account, value)))) {
                throw new Error(`${acct.account} does not resolve through the launcher; ${action.file} was not changed`);
              }
            }
            await writeChange(seq, action, change, { backup: true });
            for (const [i, r] of action.replace.entries()) {
              const acct = named[i]!;
              await deps.meta.recordReference(acct.service, acct.account, {
                file: action.file,
                ...(r.location.path ? { path: r.location.path } : {}),
                client: action.client,
                server: action.server,
              });
            }
            break;
          }
          case 'remove-plaintext':
          case 'remove-history-lines': {
            const change = await computeRemoval(action);
            if (!change) {
              await journal.before(seq, action, { kind: 'none' });
              message = 'nothing left to remove';
              break;
            }
            await writeChange(seq, action, change, { backup: true });
            break;
          }
          // Files that hold no secret: a plain write (no backup) when the keychain is missing.
          case 'pin-version':
          case 'set-read-only':
          case 'narrow-roots':
          case 'set-toolsets':
          case 'set-permissions':
          case 'set-tool-rules':
          case 'write-policy':
          case 'add-server': {
            const change = await computeSettingChange(action);
            if (!change || change.after === change.before) {
              await journal.before(seq, action, { kind: 'none' });
              message = UNCHANGED[action.kind];
              break;
            }
            const created = change.stamp.size < 0;
            // A config the workspace does not have yet may need its folder (`.cursor/`) too: the
            // writer makes it, never through a symlink leading out of the allowed roots.
            await writeChange(seq, action, change, { backup: !!deps.store, created, makeParents: action.kind === 'add-server' && created });
            if (action.kind === 'pin-version') message = `now ${action.to}`;
            break;
          }
          case 'delete-backup': {
            const read = await readForEdit(action.file);
            const backup = await vault.save(read.bytes, { run: runId, kind: 'file', path: action.file, mode: read.mode });
            await journal.before(seq, action, {
              kind: 'file',
              path: action.file,
              existed: true,
              backup,
              mode: read.mode,
              uid: read.uid,
              gid: read.gid,
              sha256Before: read.stamp.sha256,
              sha256After: null,
            });
            crashPoint(`action:before:${seq}`);
            await unlink(action.file);
            result.files.push(action.file);
            break;
          }
        }
        crashPoint(`action:after:${seq}`);
        await journal.after(seq, { status: 'done', ...(message ? { message } : {}) });
        result.done++;
        emit({ type: 'done', seq, action, ...(message ? { message } : {}) });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (err instanceof KeychainUnavailableError) {
          deps.store = null;
          deps.keychainError = err;
        }
        result.failed.push({ action, message });
        try {
          await journal.after(seq, { status: 'failed', message });
        } catch {
          // The action may have failed before its journal entry was written.
        }
        emit({ type: 'failed', seq, action, message });
      }
    }
  } finally {
    await journal.end(result.cancelled ? 'cancelled' : result.failed.length ? 'failed' : 'complete');
  }
  return result;
}

