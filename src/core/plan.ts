// A plan is an ordered list of actions built from the audit's findings and the user's choices.
// It never holds a secret value: a secret is named by its fingerprint and where to read it from.
import type { ClientKind, DocPath, Scope, SecretWhere } from './model.js';

/** Where a plaintext value stands, so the apply step can read it (and later remove it). */
export interface ValueLocation {
  file: string;
  where: SecretWhere;
  /** Path of the string inside the document (configs), or the .env key. */
  path?: DocPath;
  key?: string;
  line?: number;
  column?: number;
  client?: ClientKind;
  server?: string;
}

export type Action =
  | { kind: 'chmod'; file: string; from: number; to: number }
  | { kind: 'gitignore'; gitignore: string; entries: string[] }
  | {
      kind: 'store-secret';
      /** Keychain service and account (DESIGN §3: service `mcp-harden`, account = the secret's name). */
      service: string;
      account: string;
      fingerprint: string;
      provider: string;
      secretKind: string;
      /** Where the value is read from at apply time (the first readable one wins). */
      from: ValueLocation[];
      /**
       * The value was typed or piped in by the user (rotate, onboard): the apply step gets it from
       * memory, by fingerprint, never from a file; `from` is empty.
       */
      provided?: true;
      /**
       * Fingerprints of the old values this item now stands for (rotate): the actions that move
       * their consumers to the item treat them as stored once this action is done.
       */
      replaces?: string[];
    }
  | {
      kind: 'rewrite-config';
      file: string;
      client: ClientKind;
      /** Project-scope configs are committed: they name the launcher by name, not by a path of this machine. */
      scope: Scope;
      server: string;
      /** Path of the server entry inside the document. */
      serverPath: DocPath;
      /** Values to replace by a reference: each location and the reference that replaces the secret in it. */
      replace: {
        location: ValueLocation;
        fingerprint: string;
        reference: string;
        /** Text replaced by the reference instead of the secret itself: a `${VAR}` the value came through. */
        placeholder?: string;
      }[];
      /** Start the server through the launcher (stdio servers). */
      launcher: boolean;
      /**
       * Remote servers: how the client gets the secret headers now (DESIGN §7). `headers-helper`:
       * Claude Code's `headersHelper` runs `mcp-harden headers`; `vscode-input`: a VS Code password input.
       */
      remote?: 'headers-helper' | 'vscode-input';
    }
  | { kind: 'remove-plaintext'; file: string; keys: string[]; fingerprints: string[] }
  | { kind: 'delete-backup'; file: string; fingerprints: string[] }
  | { kind: 'remove-history-lines'; file: string; lines: number[]; fingerprints: string[] }
  /**
   * An unpinned package pinned to the version this machine already runs (found in the npx or uv
   * cache). `from` is the package spec as the audit saw it, `to` the pinned spec. `argPath` is where
   * the audit saw it; the apply step finds it again in the file as it is then (the server may have
   * been moved behind the launcher in the same run).
   */
  | { kind: 'pin-version'; file: string; client: ClientKind; server: string; serverPath: DocPath; argPath: DocPath; from: string; to: string }
  /**
   * A `limited` or `untrusted` server switched to read-only with its catalog entry's own switch:
   * `env` settings added to its env (at `envPath`), or `args` appended to its arguments.
   */
  | {
      kind: 'set-read-only';
      file: string;
      client: ClientKind;
      server: string;
      serverPath: DocPath;
      trust: 'limited' | 'untrusted';
      /** The catalog entry whose switch it is. */
      entry: string;
      env: Record<string, string>;
      envPath: DocPath;
      args: string[];
    }
  /**
   * A filesystem server given `/`, `~` or the home directory narrowed to the workspace: each broad
   * root argument (`roots`, as written) becomes `to`, and a second one is dropped rather than
   * repeating it. `to` is the workspace's absolute path in local configs, the client's
   * `${workspaceFolder}` (VS Code, Cursor) or `.` in project and user ones. `rootPaths`: where the
   * audit saw each root argument; the apply step changes only positional arguments found there
   * (one place later when the server was moved behind the launcher in the same run).
   */
  | { kind: 'narrow-roots'; file: string; client: ClientKind; server: string; serverPath: DocPath; roots: string[]; rootPaths?: DocPath[]; to: string }
  /**
   * A `limited` or `untrusted` server given the least tool groups its catalog entry names for its
   * trust (`value`): the variable `env` added to its env at `envPath`, or, where no env table can
   * take it (TOML, YAML), the option `arg` (`--toolsets=…`) appended to its arguments.
   */
  | {
      kind: 'set-toolsets';
      file: string;
      client: ClientKind;
      server: string;
      serverPath: DocPath;
      trust: 'limited' | 'untrusted';
      /** The catalog entry whose tool groups they are. */
      entry: string;
      env: string;
      value: string;
      envPath?: DocPath;
      arg?: string;
    }
  /**
   * Claude Code permission rules (`mcp__<server>__<tool>`) for the write tools of `limited`
   * servers (`ask`) and `untrusted` ones (`deny`), added to a settings file (created if missing).
   */
  | { kind: 'set-permissions'; file: string; servers: string[]; ask: string[]; deny: string[] }
  /**
   * Tool permission fields of a `limited` or `untrusted` server's own entry, for the clients that
   * have them (Gemini, Codex, Cline, Kiro): tool names added to a list field (`excludeTools`,
   * `disabled_tools`, `disabledTools`), removed from one (`autoApprove`, `alwaysAllow`), and
   * boolean fields set (Gemini `trust`). Fields are keys of the entry at `serverPath`.
   */
  | {
      kind: 'set-tool-rules';
      file: string;
      client: ClientKind;
      server: string;
      serverPath: DocPath;
      trust: 'limited' | 'untrusted';
      add: { field: string; tools: string[] }[];
      remove: { field: string; tools: string[] }[];
      set: { field: string; value: boolean }[];
    }
  /** The team policy (mcp-harden.policy.json) written into the workspace; it holds no secret. */
  | { kind: 'write-policy'; file: string; content: string }
  /**
   * A server of the team policy added to a workspace config that lacks it (onboard), at
   * `serverPath`; the file is created when missing. The definition holds keychain references,
   * never a value.
   */
  | { kind: 'add-server'; file: string; client: ClientKind; server: string; serverPath: DocPath; definition: ServerDefinition };

/** A server's entry as a JSON config spells it: strings, lists of strings, and string maps (env, headers). */
export type ServerDefinition = { [key: string]: string | string[] | { [key: string]: string } };

export type ActionKind = Action['kind'];

export interface Plan {
  workspace: string;
  actions: Action[];
  /** Findings the plan cannot fix, with why (remote server without a secret mechanism, …). */
  leftOver: { rule: string; file: string; server?: string; why: string }[];
}

/** Groups of actions `fix --only` can name. */
export const ACTION_GROUPS = {
  chmod: ['chmod'],
  gitignore: ['gitignore'],
  keychain: ['store-secret', 'rewrite-config', 'remove-plaintext'],
  backups: ['delete-backup'],
  history: ['remove-history-lines'],
  pin: ['pin-version'],
  readonly: ['set-read-only', 'set-permissions', 'set-tool-rules', 'set-toolsets'],
  // Not in `readonly`: planned whatever the server's trust, so it can be taken or left on its own.
  roots: ['narrow-roots'],
} as const satisfies Record<string, readonly ActionKind[]>;
export type ActionGroup = keyof typeof ACTION_GROUPS;

/** How long `fix --verify` waits for a server to answer initialize and tools/list. */
export const VERIFY_TIMEOUT_MS = 30_000;

/**
 * The local least-privilege changes the wizard's Scopes step lets the user turn off, one key per
 * server an action changes: its kind, file, client and server name (two clients may each have a
 * server of the same name; each is turned off on its own). A permissions action has one key per
 * server it names, with its settings file. Other actions have none: they are always part of the
 * plan (the Files and Keychain steps choose those).
 */
export function localChangeKeys(a: Action): string[] {
  if (a.kind === 'set-permissions') return a.servers.map((s) => localChangeKey(a.kind, a.file, 'claude-code', s));
  const other = a as { kind: string; file?: unknown; client?: unknown; server?: unknown };
  // The least-privilege kinds of the `pin`, `readonly` and `roots` groups name their server.
  const groups = ACTION_GROUPS as Record<string, readonly string[]>;
  const local = [...(groups['pin'] ?? []), ...(groups['readonly'] ?? []), ...(groups['roots'] ?? [])];
  return local.includes(other.kind) && typeof other.server === 'string' && typeof other.file === 'string' && typeof other.client === 'string'
    ? [localChangeKey(other.kind, other.file, other.client as ClientKind, other.server)]
    : [];
}

export function localChangeKey(kind: string, file: string, client: ClientKind, server: string): string {
  return [kind, file, client, server].join('\0');
}

/** The plan without the local changes the user turned off (a permissions file keeps the other servers' rules). */
export function withoutLocalChanges(actions: readonly Action[], off: ReadonlySet<string>): Action[] {
  if (!off.size) return [...actions];
  const out: Action[] = [];
  for (const a of actions) {
    if (a.kind === 'set-permissions') {
      const servers = a.servers.filter((s) => !off.has(localChangeKey(a.kind, a.file, 'claude-code', s)));
      if (!servers.length) continue;
      const kept = (rules: string[]) => rules.filter((r) => servers.some((s) => r.startsWith(`mcp__${s}__`)));
      out.push(servers.length === a.servers.length ? a : { ...a, servers, ask: kept(a.ask), deny: kept(a.deny) });
      continue;
    }
    const keys = localChangeKeys(a);
    if (keys.length && keys.every((k) => off.has(k))) continue;
    out.push(a);
  }
  return out;
}
