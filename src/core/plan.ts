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
   * Claude Code permission rules (`mcp__<server>__<tool>`) for the write tools of `limited`
   * servers (`ask`) and `untrusted` ones (`deny`), added to a settings file (created if missing).
   */
  | { kind: 'set-permissions'; file: string; servers: string[]; ask: string[]; deny: string[] }
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
  readonly: ['set-read-only', 'set-permissions'],
} as const satisfies Record<string, readonly ActionKind[]>;
export type ActionGroup = keyof typeof ACTION_GROUPS;

/** How long `fix --verify` waits for a server to answer initialize and tools/list. */
export const VERIFY_TIMEOUT_MS = 30_000;
