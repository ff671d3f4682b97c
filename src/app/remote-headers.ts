// Secrets of remote (http/sse) servers (DESIGN §7). The launcher starts local processes only, so a
// remote server's secret header reaches it another way:
//   - Claude Code: the header leaves `headers`, and `headersHelper` runs `mcp-harden headers SPEC…`,
//     which prints the headers as one JSON object (Claude Code merges it into the request headers);
//     the helper line holds references only, never a value;
//   - VS Code: the value becomes `${input:ID}`, an `inputs` entry with `password: true`, so VS Code
//     asks for it once and keeps it in its own secret storage;
//   - every other client, and a secret inside a URL: a left-over item with the manual steps.
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseJsonc, type ParseError as JsonError } from 'jsonc-parser';
import type { EditChange } from '../core/edit/index.js';
import type { ClientKind, DocPath, Platform, Server } from '../core/model.js';
import type { Action } from '../core/plan.js';
import { findInlineReferences, findMalformedInlineReference, formatInlineReference, replaceInlineReferences } from '../core/reference.js';
import { detectSecrets, fingerprint } from '../core/secrets/index.js';
import type { SecretStore } from '../ports/secret-store.js';
import { MissingSecretError } from './exec.js';
import { UsageError } from '../core/errors.js';

/** The CLI subcommand a headersHelper runs. */
export const HEADERS_COMMAND = 'headers';
/** What a committed project config names: the CLI on PATH, no path of this machine. */
export const CLI_NAME = 'mcp-harden';

export type RemoteMode = NonNullable<Extract<Action, { kind: 'rewrite-config' }>['remote']>;
type RewriteAction = Extract<Action, { kind: 'rewrite-config' }>;

// ---------------------------------------------------------------------------------------------
// Planning

export interface RemotePlace {
  server: Server;
  where: 'env' | 'header' | 'arg' | 'url';
  /** The header or env key the secret is under. */
  key?: string;
  /** The whole string holding the secret, as the config has it. */
  value?: string;
  service: string;
  account: string;
  platform: Platform;
}

export type RemoteDecision =
  | { mode: RemoteMode; reference: string; notice?: string }
  | { why: string };

/** How a secret of a remote server is handled: a rewrite the client resolves, or manual steps. */
export function planRemoteSecret(p: RemotePlace): RemoteDecision {
  const { server } = p;
  const reference = formatInlineReference(p.service, p.account);
  if (p.where === 'header' && p.key && !/\$\{/.test(p.value ?? '')) {
    // A header under `headers` itself (not Codex's http_headers or Continue's requestOptions).
    const underHeaders = server.headers.some((h) => h.key === p.key && h.value.path[h.value.path.length - 2] === 'headers');
    if (server.client === 'claude-code' && underHeaders && server.scope !== 'managed' && p.platform !== 'win32') {
      return { mode: 'headers-helper', reference };
    }
    if (server.client === 'vscode' && underHeaders) {
      return {
        mode: 'vscode-input',
        reference,
        notice:
          `remote server "${server.name}": its ${p.key} header now comes from a VS Code password input, kept in VS Code's own secret storage. ` +
          `VS Code will ask for it once: \`mcp-harden secrets\` shows where it is stored (keychain item ${p.service}/${p.account}; ${lookupCommand(p.platform, p.service, p.account)} prints it)`,
      };
    }
  }
  return { why: manualSteps(p) };
}

/** An env var name for manual steps: the account when it is one, else a cleaned-up form. */
export function envVarName(account: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(account)) return account;
  return account.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '').replace(/^(?=[0-9])/, '_') || 'SECRET';
}

/** The command that prints a stored value on this platform (for the user to run, never us). */
export function lookupCommand(platform: Platform, service: string, account: string): string {
  const q = (s: string) => shQuote(s);
  if (platform === 'darwin') return `security find-generic-password -s ${q(service)} -a ${q(account)} -w`;
  if (platform === 'win32') return `Windows Credential Manager, generic credential ${service}/${account}`;
  return `secret-tool lookup service ${q(service)} account ${q(account)}`;
}

/** The env-var interpolation each client expands in a remote server's url and headers. */
function interpolation(client: ClientKind, name: string): string | null {
  switch (client) {
    case 'claude-code':
    case 'kiro':
      return `\${${name}}`;
    case 'cursor':
    case 'windsurf':
    case 'cline':
    case 'vscode':
      return `\${env:${name}}`;
    case 'gemini':
      return `$${name}`;
    case 'continue':
      return `\${{ secrets.${name} }}`;
    default:
      return null;
  }
}

function manualSteps(p: RemotePlace): string {
  const { server } = p;
  const name = envVarName(p.account);
  const stored = `the value is in the keychain as ${p.service}/${p.account}`;
  const exportLine =
    p.platform === 'win32'
      ? `set ${name} from ${lookupCommand(p.platform, p.service, p.account)} in the environment that starts the client`
      : `export ${name}="$(${lookupCommand(p.platform, p.service, p.account)})" in the shell that starts the client`;
  const field = p.where === 'header' ? `the ${p.key ?? 'header'} header` : p.where === 'url' ? 'the URL' : `the ${p.key ?? p.where} value`;
  const intro = p.where === 'url' ? `remote server "${server.name}" has a secret in its URL, where no client resolves a keychain reference` : `remote server "${server.name}": the launcher starts only local servers`;
  if (server.client === 'codex' && p.where !== 'url') {
    const how =
      p.key === 'bearer_token' || /^authorization$/i.test(p.key ?? '')
        ? `bearer_token_env_var = "${name}"`
        : `env_http_headers = { "${p.key ?? 'HEADER'}" = "${name}" }`;
    return `${intro}; ${stored}. Replace ${field} by ${how}, and ${exportLine}`;
  }
  const syntax = interpolation(server.client, name);
  if (server.client === 'claude-code' && server.scope === 'managed') {
    return `${intro}; ${stored}. The file is managed by your organisation: ask its administrator to use a headersHelper or \${${name}} there`;
  }
  if (syntax) {
    const secretFile = server.client === 'continue' ? `put ${name} in ~/.continue/.env (locked down) or` : '';
    return `${intro}; ${stored}. Write ${syntax} where the secret stands in ${field}, and ${secretFile ? `${secretFile} ` : ''}${exportLine}`;
  }
  if (p.where === 'url') return `${intro}; ${stored}. Move it to a header if the server accepts one, or use the client's own secret mechanism`;
  return `${intro}; ${stored}. Replace ${field} by hand with the client's own secret mechanism (its sign-in or secret storage)`;
}

// ---------------------------------------------------------------------------------------------
// Header specs: `Name: value`, the value holding {{keychain:SERVICE/ACCOUNT}} references.

export function headerSpec(name: string, value: string): string {
  return `${name}: ${value}`;
}

/** Name and value of a spec; null when it has no `Name:` (header names are tokens without ':'). */
export function parseHeaderSpec(spec: string): { name: string; value: string } | null {
  const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]?(.*)$/s.exec(spec);
  return m ? { name: m[1]!, value: m[2]! } : null;
}

/**
 * The headers the specs stand for, every reference resolved through the store: what the
 * headersHelper prints. Throws UsageError (2) for a malformed spec or reference,
 * MissingSecretError / KeychainUnavailableError (10) for a missing item or an unusable keychain.
 */
export async function resolveHeaders(specs: readonly string[], store: SecretStore | (() => Promise<SecretStore>)): Promise<Record<string, string>> {
  const parsed = specs.map((spec, i) => {
    const h = parseHeaderSpec(spec);
    if (!h) throw new UsageError(`header ${i + 1} is not "Name: value"`);
    if (findMalformedInlineReference(h.value) !== null) throw new UsageError(`malformed {{keychain:SERVICE/ACCOUNT}} reference in header ${h.name}`);
    return h;
  });
  let opened: SecretStore | null = null;
  const open = async () => (opened ??= typeof store === 'function' ? await store() : store);
  const cache = new Map<string, string>();
  const out: Record<string, string> = {};
  for (const h of parsed) {
    // Collected first, then substituted: lookups are async, the replacement callback is not.
    const refs: { service: string; account: string }[] = [];
    replaceInlineReferences(h.value, (r) => {
      refs.push(r);
      return '';
    });
    for (const r of refs) {
      const k = `${r.service}\0${r.account}`;
      if (cache.has(k)) continue;
      const v = await (await open()).get(r.service, r.account);
      if (v === null) {
        throw new MissingSecretError(`no secret in the keychain (service ${r.service}, account ${r.account}, for header ${h.name}); add it with: mcp-harden fix`);
      }
      cache.set(k, v);
    }
    out[h.name] = replaceInlineReferences(h.value, (r) => cache.get(`${r.service}\0${r.account}`)!);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The helper command line

export interface HelperPaths {
  /** Absolute path of node. */
  node: string;
  /** Absolute path of the built CLI (dist/cli.js). */
  cli: string;
}

/** Single-quoted for sh when it has anything but plain path characters. */
export function shQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The headersHelper line: Claude Code runs it in a shell with a minimal environment, so a
 * user-scope config names node and the CLI by absolute path; a committed project config names
 * `mcp-harden` (on PATH), like the launcher.
 */
export function helperCommandLine(specs: readonly string[], scope: Server['scope'], paths: HelperPaths): string {
  const head = scope === 'project' ? [CLI_NAME] : [paths.node, paths.cli];
  return [...head, HEADERS_COMMAND, ...specs].map(shQuote).join(' ');
}

/** node and the built CLI of this installation (dist/cli.js, found from dist/ or dist/chunks/). */
export function defaultHelperPaths(): HelperPaths {
  const candidates = ['../cli.js', './cli.js', '../../dist/cli.js'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  const found = candidates.find((p) => existsSync(p)) ?? candidates[0]!;
  let cli = found;
  try {
    cli = realpathSync(found);
  } catch {
    // Not built yet: the path still names where it will be.
  }
  return { node: process.execPath, cli };
}

// ---------------------------------------------------------------------------------------------
// The rewrite

/** The `${input:ID}` id of a keychain account: VS Code ids are kept to letters, digits, `_`, `-`, `.`. */
export function vscodeInputId(account: string): string {
  return `mcp-harden.${account.replace(/[^A-Za-z0-9_.-]+/g, '_')}`;
}

/** Where VS Code inputs sit next to the servers container (`servers` → `inputs`, `mcp.servers` → `mcp.inputs`). */
export function vscodeInputsPath(serverPath: DocPath): DocPath {
  const container = serverPath.slice(0, -1);
  const last = container[container.length - 1];
  return [...container.slice(0, -1), last === 'mcp.servers' ? 'mcp.inputs' : 'inputs'];
}

export interface RemoteRewrite {
  changes: EditChange[];
  /** Secret values replaced (memory only, to mask previews). */
  values: string[];
  /** Headers the helper must print, to check before the plaintext leaves the file (memory only). */
  expectHeaders?: { specs: string[]; headers: Record<string, string> };
}

export interface VsCodeInputLike {
  id: string;
  password: boolean;
  path: DocPath;
}

const pathEq = (a: DocPath | undefined, b: DocPath) => !!a && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The config changes that move a remote server's secret headers to the client's mechanism.
 * `text` is the file as it is now and `server` its parsed entry; throws (nothing changed) when
 * the file no longer matches the plan.
 */
export function remoteRewrite(
  action: RewriteAction,
  server: Server,
  text: string,
  opts: { inputs?: readonly VsCodeInputLike[]; paths: HelperPaths },
): RemoteRewrite {
  const values: string[] = [];
  // The new value of each header holding a secret, in the order of the plan.
  const headers: { key: string; path: DocPath; value: string; original: string; done: boolean }[] = [];
  for (const r of action.replace) {
    const path = r.location.path!;
    const current = server.headers.find((h) => pathEq(h.value.path, path));
    const ref = findInlineReferences(r.reference)[0];
    if (!ref) throw new Error(`the reference for ${action.server} is malformed; nothing was changed`);
    const target = action.remote === 'vscode-input' ? `\${input:${vscodeInputId(ref.account)}}` : r.reference;
    let entry = headers.find((h) => pathEq(h.path, path));
    if (!current) {
      // Already moved to the headersHelper (a re-run): nothing left to do for it.
      if (action.remote === 'headers-helper') continue;
      throw new Error(`header ${String(path[path.length - 1])} of "${action.server}" is no longer in ${action.file}; nothing was changed`);
    }
    if (!entry) {
      entry = { key: current.key, path, value: current.value.value, original: current.value.value, done: false };
      headers.push(entry);
    }
    const found = detectSecrets(entry.value, { where: 'header', key: current.key }).find((d) => fingerprint(d.value) === r.fingerprint);
    if (!found) {
      if (entry.value.includes(target)) {
        entry.done = true;
        continue;
      }
      throw new Error(`the value at ${path.join('.')} in ${action.file} changed since the audit; nothing was changed`);
    }
    values.push(found.value);
    entry.value = entry.value.slice(0, found.start) + target + entry.value.slice(found.end);
  }
  const pending = headers.filter((h) => h.value !== h.original);
  if (!pending.length) return { changes: [], values };

  if (action.remote === 'vscode-input') {
    const changes: EditChange[] = pending.map((h) => ({ op: 'set-string', path: h.path, value: h.value }));
    const inputsPath = vscodeInputsPath(action.serverPath);
    const ids = new Set<string>();
    for (const r of action.replace) {
      const ref = findInlineReferences(r.reference)[0]!;
      const id = vscodeInputId(ref.account);
      if (ids.has(id)) continue;
      ids.add(id);
      const existing = opts.inputs?.find((i) => i.id === id && pathEq(i.path.slice(0, -1), inputsPath));
      if (existing) {
        // An input this tool made earlier serves again; one with the same id that is not a password is not ours.
        if (!existing.password) throw new Error(`input "${id}" in ${action.file} is not a password input; nothing was changed`);
        continue;
      }
      const header = action.replace.find((x) => x.reference === r.reference)?.location.path;
      const headerName = header ? String(header[header.length - 1]) : 'header';
      changes.push({
        op: 'append-object',
        path: inputsPath,
        value: {
          type: 'promptString',
          id,
          description: `${action.server} ${headerName} (stored by mcp-harden in the keychain as ${ref.service}/${ref.account})`,
          password: true,
        },
      });
    }
    return { changes, values };
  }

  // Claude Code: every header with a secret moves to the helper; headers without one stay.
  const existingHelper = readString(text, [...action.serverPath, 'headersHelper']);
  const moved = pending;
  const specs = moved.map((h) => headerSpec(h.key, h.value));
  const line = helperCommandLine(specs, action.scope, opts.paths);
  if (existingHelper !== undefined && existingHelper !== line) {
    throw new Error(`server "${action.server}" already has a headersHelper; move its secret headers by hand (nothing was changed)`);
  }
  const changes: EditChange[] = [];
  const ownHeaders = server.headers.filter((h) => pathEq(h.value.path.slice(0, -1), [...action.serverPath, 'headers']));
  if (ownHeaders.every((h) => moved.some((m) => pathEq(m.path, h.value.path)))) {
    changes.push({ op: 'delete', path: [...action.serverPath, 'headers'] });
  } else {
    for (const h of moved) changes.push({ op: 'delete', path: h.path });
  }
  if (existingHelper === undefined) changes.push({ op: 'set-string', path: [...action.serverPath, 'headersHelper'], value: line });
  const expected: Record<string, string> = {};
  for (const h of moved) expected[h.key] = h.original;
  return { changes, values, expectHeaders: { specs, headers: expected } };
}

/** A string in a JSON document at a path, if there is one. */
function readString(text: string, path: DocPath): string | undefined {
  const errors: JsonError[] = [];
  let node: unknown = parseJsonc(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: true });
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}
