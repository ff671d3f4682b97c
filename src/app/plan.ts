// planMigration: from the audit's details and the user's choices to an ordered plan (DESIGN §4–§5).
// Pure: it reads nothing and writes nothing; the apply engine carries the plan out.
import { posix, win32 } from 'node:path';
import type { ClientKind, DocPath, Located, Platform, Server } from '../core/model.js';
import type { Action, ActionKind, Plan, ValueLocation } from '../core/plan.js';
import { formatInlineReference, formatReference } from '../core/reference.js';
import { fingerprint } from '../core/secrets/index.js';
import type { AuditReport } from '../core/report.js';
import type { AuditDetails, SecretHit } from './audit.js';
import { planRemoteSecret } from './remote-headers.js';
import { POLICY_FILE } from '../core/policy.js';
import { pinTarget, versionKey } from '../core/pin.js';
import { packageRef, positionalArgs } from '../core/risks.js';
import { matchServer } from '../core/catalog/match.js';
import { currentTrust, serverKey } from '../core/policy.js';
import type { TrustLevel } from '../core/trust.js';

export const KEYCHAIN_SERVICE = 'mcp-harden';

export { ACTION_GROUPS, type ActionGroup } from '../core/plan.js';
import { ACTION_GROUPS, type ActionGroup } from '../core/plan.js';

export interface PlanOptions {
  workspace: string;
  home: string;
  platform: Platform;
  /** Absolute path of the installed launcher, named by user-scope configs. */
  launcherPath: string;
  /** Name committed project configs use for the launcher (it must be on PATH). */
  launcherName?: string;
  /** Keychain accounts of our service that already exist, with the fingerprint of their value. */
  existing?: Map<string, string>;
  /** Per secret fingerprint: 1 keeps it in its (locked-down) file, 2 moves it to the keychain. */
  levels?: Map<string, 1 | 2>;
  /** Remove shell-history lines holding migrated secrets (never by default). */
  removeHistory?: boolean;
  only?: ActionGroup[];
  /** Versions this machine already runs, by `versionKey` (from the npx and uv caches): unpinned packages are pinned to them. */
  versions?: Map<string, string>;
  /**
   * Trust levels chosen (by the user, or recorded in the team policy), by server identity
   * (`annotationKey`: file, client, name); the suggestion for the others.
   */
  trust?: ReadonlyMap<string, TrustLevel>;
  /**
   * Claude Code settings files that can take permission rules (their directory exists): `user`
   * (`~/.claude/settings.json`) for user servers, `local` (`.claude/settings.local.json`) for the
   * workspace's project and local servers.
   */
  claudeSettings?: { user?: string; local?: string };
  /** The team policy to write into the workspace, computed by the caller (last action). */
  policy?: { content: string };
  /**
   * The write tools servers reported through their tool annotations, by `annotationKey` (file,
   * client, name): used instead of the catalog's list, and for servers the catalog does not know.
   */
  toolAnnotations?: ReadonlyMap<string, readonly string[]>;
}

/** A secret the plan moves, with the name it gets in the keychain. */
export interface PlannedSecret {
  fingerprint: string;
  account: string;
  provider: string;
  kind: string;
  level: 1 | 2;
  used: boolean;
}

const REF_IN_VALUE = /\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}|\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Where a server's config expands an env var (`${VAR}`, `${env:VAR}`, `${{ secrets.X }}`). */
interface VarUse {
  server: Server;
  loc: Located;
  where: 'env' | 'header' | 'arg' | 'url';
  /** The exact text to replace, such as `${GITHUB_TOKEN}`. */
  text: string;
}

function varUses(server: Server): Map<string, VarUse[]> {
  const uses = new Map<string, VarUse[]>();
  const scan = (loc: Located, where: VarUse['where']) => {
    for (const m of loc.value.matchAll(REF_IN_VALUE)) {
      const name = (m[1] ?? m[2])!;
      uses.set(name, [...(uses.get(name) ?? []), { server, loc, where, text: m[0] }]);
    }
  };
  for (const e of server.env) scan(e.value, 'env');
  for (const h of server.headers) scan(h.value, 'header');
  for (const a of server.args) scan(a, 'arg');
  if (server.url) scan(server.url, 'url');
  return uses;
}

function sanitizeName(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'SECRET';
}

/** The keychain account for a secret: its env/.env key, else a name built from server and kind. */
function baseName(hits: SecretHit[]): { name: string; server?: string } {
  const byPriority = (w: SecretHit['where']) => ['env', 'dotenv', 'header', 'history', 'backup', 'arg', 'url', 'text'].indexOf(w);
  const sorted = [...hits].sort((a, b) => byPriority(a.where) - byPriority(b.where));
  for (const h of sorted) {
    if (h.key && h.wholeValue !== false && !/^(authorization|proxy-authorization|cookie)$/i.test(h.key) && /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(h.key)) {
      return { name: h.key, server: h.server };
    }
  }
  const first = sorted[0]!;
  const owner = first.server ? sanitizeName(first.server) + '_' : '';
  const kind = first.detection.kind === 'database-password' || first.where === 'url' ? 'PASSWORD' : sanitizeName(first.detection.kind);
  return { name: `${owner}${kind}`, server: first.server };
}

function isConfigPlace(h: SecretHit): boolean {
  return h.where === 'env' || h.where === 'header' || h.where === 'arg' || h.where === 'url';
}

export function planMigration(report: AuditReport, details: AuditDetails, opts: PlanOptions): { plan: Plan; secrets: PlannedSecret[] } {
  const lib = opts.platform === 'win32' ? win32 : posix;
  const inside = (file: string, dir: string) => {
    const rel = lib.relative(dir, file);
    return rel === '' || (!rel.startsWith('..') && !lib.isAbsolute(rel));
  };
  const allowed = (file: string) => inside(file, opts.workspace) || inside(file, opts.home);
  const symlinkedOut = new Set(report.findings.filter((f) => f.rule === 'symlink-outside').map((f) => f.file));
  const writable = (file: string) => allowed(file) && !symlinkedOut.has(file);
  const leftOver: Plan['leftOver'] = [];

  // Group places by secret value.
  const bySecret = new Map<string, SecretHit[]>();
  for (const h of details.hits) {
    const fp = fingerprint(h.detection.value);
    bySecret.set(fp, [...(bySecret.get(fp) ?? []), h]);
  }

  // Which .env keys MCP servers use: through envFile, or by name in `${VAR}` references.
  const namesUsed = new Map<string, VarUse[]>();
  for (const s of details.servers) {
    for (const [n, uses] of varUses(s)) namesUsed.set(n, [...(namesUsed.get(n) ?? []), ...uses]);
  }
  const serversOfEnvFile = (file: string) =>
    (details.envFileUsers.get(file) ?? []).flatMap((u) =>
      details.servers.filter((s) => s.client === u.client && s.name === u.server && s.file === u.file),
    );

  const taken = new Map<string, string>(opts.existing ?? []);
  const secrets: PlannedSecret[] = [];
  const stores: Action[] = [];
  const removals: Action[] = [];
  const backupDeletes = new Map<string, Set<string>>();
  const historyLines = new Map<string, { lines: Set<number>; fps: Set<string> }>();
  /** Rewrites grouped by config file and server. */
  const rewrites = new Map<string, Extract<Action, { kind: 'rewrite-config' }>>();

  const rewriteFor = (server: Server) => {
    const id = `${server.file}\0${server.client}\0${server.name}`;
    let r = rewrites.get(id);
    if (!r) {
      r = {
        kind: 'rewrite-config',
        file: server.file,
        client: server.client,
        scope: server.scope,
        server: server.name,
        serverPath: server.path,
        replace: [],
        launcher: server.transport === 'stdio',
      };
      rewrites.set(id, r);
    }
    return r;
  };

  for (const [fp, hits] of bySecret) {
    const configHits = hits.filter((h) => isConfigPlace(h) && h.path);
    // A secret that is only part of a .env value (the password in a DATABASE_URL) stays there:
    // the rest of the value is not ours to move, and nothing could resolve half a line.
    const dotenvHits = hits.filter((h) => h.where === 'dotenv' && h.wholeValue);
    // Servers that read the value from the .env file: through envFile, or by name in `${VAR}`.
    const usingServers = new Map<string, Server>();
    const uses: VarUse[] = [];
    for (const h of dotenvHits) {
      for (const s of serversOfEnvFile(h.file)) usingServers.set(`${s.file}\0${s.client}\0${s.name}`, s);
      if (h.key) uses.push(...(namesUsed.get(h.key) ?? []));
    }
    // A value already in the keychain (an earlier or interrupted run) keeps its name, and its
    // remaining copies (backups, history) are cleaned up like any migrated secret's.
    const storedAs = [...(opts.existing ?? [])].find(([, f]) => f === fp)?.[0];
    const used = configHits.length > 0 || usingServers.size > 0 || uses.length > 0 || storedAs !== undefined;
    const level = opts.levels?.get(fp) ?? (used ? 2 : 1);
    const first = hits[0]!;
    const { name, server } = baseName(hits);
    let account = storedAs ?? name;
    if (taken.has(account) && taken.get(account) !== fp) account = `${name}@${server ?? 'workspace'}`;
    for (let n = 2; taken.has(account) && taken.get(account) !== fp; n++) account = `${name}@${server ?? 'workspace'}-${n}`;
    const planned: PlannedSecret = { fingerprint: fp, account, provider: first.detection.provider, kind: first.detection.kind, level, used };
    secrets.push(planned);
    if (level === 1) continue;
    taken.set(account, fp);

    const blocked = [...configHits, ...dotenvHits].filter((h) => !writable(h.file));
    for (const h of blocked) {
      leftOver.push({ rule: 'plaintext-secret', file: h.file, server: h.server, why: 'the file is a link that leaves the workspace and home: change it where it lives' });
    }
    const from: ValueLocation[] = hits
      .filter((h) => h.where !== 'history' || hits.length === 1)
      .map((h) => ({
        file: h.file,
        where: h.where,
        ...(h.path ? { path: h.path } : {}),
        ...(h.key ? { key: h.key } : {}),
        line: h.line,
        column: h.column,
        ...(h.client ? { client: h.client } : {}),
        ...(h.server ? { server: h.server } : {}),
      }));
    stores.push({
      kind: 'store-secret',
      service: KEYCHAIN_SERVICE,
      account,
      fingerprint: fp,
      provider: planned.provider,
      secretKind: planned.kind,
      from,
    });

    // Config places become references.
    for (const h of configHits) {
      if (!writable(h.file)) continue;
      const server = details.servers.find((s) => s.file === h.file && s.name === h.server && s.client === h.client);
      if (!server) continue;
      if (server.transport !== 'stdio') {
        // Claude Code: headersHelper; VS Code: a password input; others: the manual steps.
        const decision = planRemoteSecret({
          server,
          where: h.where as 'env' | 'header' | 'arg' | 'url',
          ...(h.key ? { key: h.key } : {}),
          ...(valueAt(server, h.path!) !== undefined ? { value: valueAt(server, h.path!)! } : {}),
          service: KEYCHAIN_SERVICE,
          account,
          platform: opts.platform,
        });
        if ('why' in decision) {
          leftOver.push({ rule: 'plaintext-secret', file: h.file, server: server.name, why: decision.why });
          continue;
        }
        const r = rewriteFor(server);
        r.remote = decision.mode;
        if (!r.replace.some((x) => pathEq(x.location.path, h.path!) && x.fingerprint === fp)) {
          r.replace.push({
            location: { file: h.file, where: h.where, path: h.path!, ...(h.key ? { key: h.key } : {}), line: h.line, column: h.column },
            fingerprint: fp,
            reference: decision.reference,
          });
        }
        if (decision.notice) leftOver.push({ rule: 'vscode-input', file: h.file, server: server.name, why: decision.notice });
        continue;
      }
      const whole = h.detection.start === 0 && h.detection.end === valueAt(server, h.path!)?.length;
      rewriteFor(server).replace.push({
        location: { file: h.file, where: h.where, path: h.path!, ...(h.key ? { key: h.key } : {}), line: h.line, column: h.column },
        fingerprint: fp,
        reference: whole && h.where === 'env' ? formatReference(KEYCHAIN_SERVICE, account) : formatInlineReference(KEYCHAIN_SERVICE, account),
      });
    }
    // Servers that got the value from a .env file now get it from the keychain, through the launcher.
    // `${VAR}` becomes the reference where it stands.
    for (const u of uses) {
      if (!writable(u.server.file)) continue;
      if (u.server.transport !== 'stdio') {
        leftOver.push({ rule: 'plaintext-secret', file: u.server.file, server: u.server.name, why: `remote server "${u.server.name}" reads ${u.text} from its environment; the value is now in the keychain as ${KEYCHAIN_SERVICE}/${account}` });
        continue;
      }
      const whole = u.loc.value === u.text && u.where === 'env';
      const r = rewriteFor(u.server);
      if (r.replace.some((x) => pathEq(x.location.path, u.loc.path) && x.placeholder === u.text)) continue;
      r.replace.push({
        location: { file: u.server.file, where: u.where, path: u.loc.path },
        fingerprint: fp,
        reference: whole ? formatReference(KEYCHAIN_SERVICE, account) : formatInlineReference(KEYCHAIN_SERVICE, account),
        placeholder: u.text,
      });
    }
    for (const s of usingServers.values()) {
      if (!writable(s.file) || s.transport !== 'stdio') continue;
      const keys = new Set(dotenvHits.map((h) => h.key).filter((k): k is string => Boolean(k)));
      for (const key of keys) {
        const path: DocPath = [...s.path, 'env', key];
        const r = rewriteFor(s);
        if (!r.replace.some((x) => pathEq(x.location.path, path))) {
          r.replace.push({ location: { file: s.file, where: 'env', path, key }, fingerprint: fp, reference: formatReference(KEYCHAIN_SERVICE, account) });
        }
      }
    }
    // The .env lines go once every consumer reads the keychain.
    const byFile = new Map<string, string[]>();
    for (const h of dotenvHits) if (h.key && writable(h.file)) byFile.set(h.file, [...(byFile.get(h.file) ?? []), h.key]);
    for (const [file, keys] of byFile) removals.push({ kind: 'remove-plaintext', file, keys: [...new Set(keys)], fingerprints: [fp] });
    for (const h of hits.filter((x) => x.where === 'backup')) {
      backupDeletes.set(h.file, new Set([...(backupDeletes.get(h.file) ?? []), fp]));
    }
    for (const h of hits.filter((x) => x.where === 'history')) {
      const e = historyLines.get(h.file) ?? { lines: new Set<number>(), fps: new Set<string>() };
      e.lines.add(h.line);
      e.fps.add(fp);
      historyLines.set(h.file, e);
    }
  }

  // File modes and .gitignore need no keychain: they come first.
  const chmods: Action[] = [];
  for (const [file, info] of details.secretFiles) {
    if (info.kind === 'backup' || info.mode === undefined || opts.platform === 'win32') continue;
    if ((info.mode & 0o077) === 0) continue;
    if (!writable(file)) {
      leftOver.push({ rule: 'file-permissions', file, why: 'the file is a link that leaves the workspace and home: chmod it where it lives' });
      continue;
    }
    chmods.push({ kind: 'chmod', file, from: info.mode, to: 0o600 });
  }
  for (const [dir, mode] of details.dirModes) {
    if ((mode & 0o077) !== 0 && writable(dir)) chmods.push({ kind: 'chmod', file: dir, from: mode, to: 0o700 });
  }
  const ignoreEntries = report.findings
    .filter((f) => f.rule === 'env-not-gitignored' && !f.suppressed && inside(f.file, opts.workspace))
    .map((f) => '/' + lib.relative(opts.workspace, f.file).split(lib.sep).join('/'));
  const gitignores: Action[] = ignoreEntries.length
    ? [{ kind: 'gitignore', gitignore: lib.join(opts.workspace, '.gitignore'), entries: [...new Set(ignoreEntries)] }]
    : [];
  for (const f of report.findings.filter((x) => x.rule === 'secret-file-tracked')) {
    leftOver.push({ rule: 'secret-file-tracked', file: f.file, why: 'git history still holds the values: rotate them (`mcp-harden rotate`)' });
  }

  const actions: Action[] = [
    ...chmods,
    ...gitignores,
    ...stores,
    ...rewrites.values(),
    ...removals,
    ...[...backupDeletes].map(([file, fps]): Action => ({ kind: 'delete-backup', file, fingerprints: [...fps] })),
    ...(opts.removeHistory
      ? [...historyLines].map(([file, e]): Action => ({ kind: 'remove-history-lines', file, lines: [...e.lines].sort((a, b) => a - b), fingerprints: [...e.fps] }))
      : []),
    ...pins(details.servers, opts.versions, writable),
    ...narrowRoots(details.servers, report, opts, writable, leftOver),
    ...readOnlySwitches(details.servers, report, opts.trust, writable),
    ...toolsetChoices(details.servers, report, opts.trust, writable),
    ...permissionRules(details.servers, report, opts, writable, leftOver),
    ...toolRules(details.servers, report, opts, writable, leftOver),
    ...(opts.policy ? [{ kind: 'write-policy', file: lib.join(opts.workspace, POLICY_FILE), content: opts.policy.content } satisfies Action] : []),
  ];
  const only = opts.only?.length ? new Set<ActionKind>(opts.only.flatMap((g) => ACTION_GROUPS[g])) : undefined;
  return {
    plan: { workspace: opts.workspace, actions: only ? actions.filter((a) => only.has(a.kind)) : actions, leftOver },
    secrets,
  };
}

/** Pins each unpinned npx/uvx package whose version a cache knows, whatever the server's trust. */
function pins(servers: Server[], versions: Map<string, string> | undefined, writable: (file: string) => boolean): Action[] {
  const out: Action[] = [];
  if (!versions?.size) return out;
  for (const s of servers) {
    const ref = packageRef(s);
    if (!ref || !writable(s.file)) continue;
    const i = s.args.findIndex((a) => pathEq(a.path, ref.at.path));
    if (i < 0) continue; // the spec is the command itself: nothing to rewrite as an argument
    const target = pinTarget(ref, s.args[i - 1]?.value);
    const version = target && versions.get(versionKey(target.runner, target.name));
    if (!target || !version) continue;
    out.push({ kind: 'pin-version', file: s.file, client: s.client, server: s.name, serverPath: s.path, argPath: ref.at.path, from: ref.spec, to: target.pinned(version) });
  }
  return out;
}

/**
 * Read-only switches for `limited` and `untrusted` local servers whose catalog entry has one (and
 * the read-only value of its toolsets variable). An env switch is preferred: it does not depend on
 * where arguments go. Containers are left alone: the client's env does not reach inside the
 * container, and arguments after the image replace its command.
 */
function readOnlySwitches(servers: Server[], report: AuditReport, trust: ReadonlyMap<string, TrustLevel> | undefined, writable: (file: string) => boolean): Action[] {
  const out: Action[] = [];
  for (const s of servers) {
    if (s.transport !== 'stdio' || !writable(s.file) || packageRef(s)?.runner === 'docker') continue;
    const level = trustOf(s, report, trust);
    if (level === 'trusted') continue;
    const entry = matchServer(s);
    if (!entry) continue;
    const has = (k: string) => s.env.find((e) => e.key === k)?.value.value;
    // TOML and YAML edits cannot create a missing env table: there only an existing one takes keys.
    const envPath: DocPath | undefined = s.env[0]
      ? s.env[0].value.path.slice(0, -1)
      : /\.json5?c?$/i.test(s.file)
        ? [...(s.args[0]?.path.slice(0, -2) ?? s.path), 'env']
        : undefined;
    const wanted: Record<string, string> = { ...(entry.readOnly.env ?? {}) };
    if (entry.toolsets?.readOnlyValue !== undefined && has(entry.toolsets.env) === undefined) wanted[entry.toolsets.env] = entry.toolsets.readOnlyValue;
    const env = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => has(k) !== v));
    const useEnv = envPath !== undefined && Object.keys(wanted).length > 0;
    const args = useEnv ? [] : (entry.readOnly.args ?? []).filter((a) => !s.args.some((x) => sameOption(x.value, a)));
    if (useEnv ? !Object.keys(env).length : !args.length) continue;
    out.push({ kind: 'set-read-only', file: s.file, client: s.client, server: s.name, serverPath: s.path, trust: level, entry: entry.id, env: useEnv ? env : {}, envPath: envPath ?? [...s.path, 'env'], args });
  }
  return out;
}

/**
 * An argument already there, or the same `--name=` option with a value the user chose (a
 * `--tools=` list is left as it is: replacing it could widen it).
 */
export function sameOption(have: string, want: string): boolean {
  const eq = want.indexOf('=');
  return have === want || (want.startsWith('--') && eq > 0 && have.startsWith(want.slice(0, eq + 1)));
}

/** Servers are told apart by file, client and name (the key of `toolAnnotations`). */
export function annotationKey(s: { file: string; client: ClientKind; name: string }): string {
  return serverKey(s);
}

/** A server's trust level: the one chosen for it (by `annotationKey`), else the suggestion. */
export function trustOf(s: Server, report: AuditReport, trust: ReadonlyMap<string, TrustLevel> | undefined): TrustLevel {
  return trust?.get(serverKey(s)) ?? currentTrust(s, report.findings);
}

/** A server's write tools: what its tool annotations said when they were read, else the catalog's list. */
export function writeToolsFor(s: Server, opts: Pick<PlanOptions, 'toolAnnotations'>): readonly string[] {
  return opts.toolAnnotations?.get(annotationKey(s)) ?? matchServer(s)?.writeTools ?? [];
}

/**
 * Claude Code rules that make the write tools of limited servers ask, and of untrusted ones denied.
 * The workspace's `.claude/settings.local.json` takes rules for this workspace's servers only: a
 * local server of another project (`projects[<path>]` in `~/.claude.json`) is left alone.
 */
export function permissionRules(servers: Server[], report: AuditReport, opts: PlanOptions, writable: (file: string) => boolean, leftOver: Plan['leftOver']): Action[] {
  const lib = opts.platform === 'win32' ? win32 : posix;
  const inside = (p: string, dir: string) => {
    const rel = lib.relative(dir, p);
    return rel === '' || (!rel.startsWith('..') && !lib.isAbsolute(rel));
  };
  const byFile = new Map<string, { servers: Set<string>; ask: Set<string>; deny: Set<string> }>();
  for (const s of servers) {
    if (s.client !== 'claude-code' || (s.scope !== 'user' && s.scope !== 'project' && s.scope !== 'local')) continue;
    if (s.scope === 'local' && (s.project === undefined ? !inside(s.file, opts.workspace) : lib.relative(s.project, opts.workspace) !== '')) continue;
    const level = trustOf(s, report, opts.trust);
    if (level === 'trusted') continue;
    const tools = writeToolsFor(s, opts);
    if (!tools.length) continue;
    const file = s.scope === 'user' ? opts.claudeSettings?.user : opts.claudeSettings?.local;
    const rules = tools.map((t) => `mcp__${s.name}__${t}`);
    if (!file || !writable(file)) {
      leftOver.push({
        rule: 'tool-permissions',
        file: s.file,
        server: s.name,
        why: `add permissions.${level === 'limited' ? 'ask' : 'deny'} rules for its write tools (${rules[0]}, …) to ${s.scope === 'user' ? '~/.claude/settings.json' : '.claude/settings.local.json'}: its folder does not exist yet`,
      });
      continue;
    }
    const e = byFile.get(file) ?? { servers: new Set<string>(), ask: new Set<string>(), deny: new Set<string>() };
    e.servers.add(s.name);
    for (const r of rules) (level === 'limited' ? e.ask : e.deny).add(r);
    byFile.set(file, e);
  }
  return [...byFile].map(([file, e]): Action => ({ kind: 'set-permissions', file, servers: [...e.servers], ask: [...e.ask], deny: [...e.deny] }));
}

/**
 * The write tools of `limited` and `untrusted` servers in the tool permission fields of their own
 * entry, for the clients that have such fields (reference/mcp-clients.md), mapped onto what each
 * one can say:
 * - Gemini: `trust: true` skips every confirmation, so it becomes false for both levels; Gemini
 *   asks before a tool call by default, so limited needs nothing more; untrusted write tools go
 *   into `excludeTools` (exclude wins over `includeTools`).
 * - Codex: untrusted write tools go into `disabled_tools` (applied after `enabled_tools`). It has
 *   no per-tool "ask" we can rely on (per-tool approval is unconfirmed), so limited is left to the
 *   user with a note.
 * - Cline and Kiro: for both levels the write tools leave `autoApprove` (and Cline's older
 *   `alwaysAllow`), so the client asks again; nothing is ever added there. Only those names go:
 *   the user's other entries stay, so "cleared" means cleared of the write tools. Kiro's untrusted
 *   write tools go into `disabledTools`; Cline cannot deny one tool, only disable the server.
 * Only servers whose write tools are known (catalog, tool annotations) get lists changed; Gemini's
 * `trust: true` goes whatever is known. An untrusted server whose write tools nobody knows gets a
 * note: `fix --annotations` can learn them. Fields already as wanted plan nothing, so a second run
 * plans no action.
 */
export function toolRules(servers: Server[], report: AuditReport, opts: PlanOptions, writable: (file: string) => boolean, leftOver: Plan['leftOver']): Action[] {
  const out: Action[] = [];
  for (const s of servers) {
    if (s.client !== 'gemini' && s.client !== 'codex' && s.client !== 'cline' && s.client !== 'kiro') continue;
    if (!writable(s.file)) continue;
    const level = trustOf(s, report, opts.trust);
    if (level === 'trusted') continue;
    const write = writeToolsFor(s, opts);
    const lists = s.toolSettings?.lists ?? {};
    const add: { field: string; tools: string[] }[] = [];
    const remove: { field: string; tools: string[] }[] = [];
    const set: { field: string; value: boolean }[] = [];
    const note = (why: string) => leftOver.push({ rule: 'tool-permissions', file: s.file, server: s.name, why });
    // Gemini's trust:true skips every confirmation, whichever tools the server has.
    if (s.client === 'gemini' && s.toolSettings?.trust === true) set.push({ field: 'trust', value: false });
    if (!write.length) {
      // Annotations that were read and name no write tool are an answer; no list at all is not.
      // Only a local, enabled server can be started to read them.
      if (level === 'untrusted' && !opts.toolAnnotations?.has(annotationKey(s)) && s.transport === 'stdio' && !s.disabled) {
        note('neither the catalog nor its tool annotations name its write tools, so none is turned off: run `mcp-harden fix --annotations` to read them from the server');
      }
      if (set.length) out.push({ kind: 'set-tool-rules', file: s.file, client: s.client, server: s.name, serverPath: s.path, trust: level, add, remove, set });
      continue;
    }
    const deny = (field: string) => {
      const have = lists[field];
      if (have === null) return note(`its "${field}" is not a list of tool names: add the write tools (${write[0]}, …) to it yourself`);
      const missing = write.filter((t) => !(have ?? []).includes(t));
      if (missing.length) add.push({ field, tools: missing });
    };
    const unapprove = (field: string) => {
      const have = lists[field];
      const there = have ? write.filter((t) => have.includes(t)) : [];
      if (there.length) remove.push({ field, tools: there });
    };
    switch (s.client) {
      case 'gemini':
        if (level === 'untrusted') deny('excludeTools');
        break;
      case 'codex':
        if (level === 'untrusted') deny('disabled_tools');
        else if (write.some((t) => !(lists['disabled_tools'] ?? []).includes(t))) {
          note(`Codex has no per-tool confirmation this tool can set: its write tools (${write[0]}, …) run as Codex's approval settings allow; list them in disabled_tools to turn them off`);
        }
        break;
      case 'cline':
      case 'kiro':
        unapprove('autoApprove');
        unapprove('alwaysAllow');
        if (s.client === 'kiro' && level === 'untrusted') deny('disabledTools');
        if (s.client === 'cline' && level === 'untrusted' && !s.disabled) {
          note('Cline cannot turn off one tool: its write tools ask before they run; set "disabled": true to stop the server');
        }
        break;
    }
    if (!add.length && !remove.length && !set.length) continue;
    out.push({ kind: 'set-tool-rules', file: s.file, client: s.client, server: s.name, serverPath: s.path, trust: level, add, remove, set });
  }
  return out;
}

function pathEq(a: DocPath | undefined, b: DocPath): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The string a server holds at a document path (to tell a whole value from a part of one). */
function valueAt(server: Server, path: DocPath): string | undefined {
  for (const e of server.env) if (pathEq(e.value.path, path)) return e.value.value;
  for (const h of server.headers) if (pathEq(h.value.path, path)) return h.value.value;
  for (const a of server.args) if (pathEq(a.path, path)) return a.value;
  if (server.url && pathEq(server.url.path, path)) return server.url.value;
  return undefined;
}

/** How a config names the home directory instead of spelling it (the forms the audit flags). */
const HOME_FORMS = new Set(['~', '$HOME', '${HOME}', '${env:HOME}', '%USERPROFILE%', '${userHome}', '${env:USERPROFILE}']);

/**
 * Filesystem servers the audit reports as given `/`, `~` or the home directory, narrowed to the
 * workspace whatever their trust: no work in the workspace needs more. Only servers declared for
 * this workspace or for the user, and only roots that hold the workspace (another user's home is
 * left for the user). Containers are left alone: their roots are paths inside the container.
 */
export function narrowRoots(
  servers: Server[],
  report: AuditReport,
  opts: Pick<PlanOptions, 'workspace' | 'home' | 'platform'>,
  writable: (file: string) => boolean,
  leftOver: Plan['leftOver'],
): Action[] {
  const lib = opts.platform === 'win32' ? win32 : posix;
  const inside = (p: string, dir: string) => {
    const rel = lib.relative(dir, p);
    return rel === '' || (!rel.startsWith('..') && !lib.isAbsolute(rel));
  };
  /** The directory a broad root stands for; undefined when it cannot be told. */
  const rootDir = (value: string): string | undefined => {
    const v = value.trim();
    if (/^[\\/]+$/.test(v)) return lib.parse(lib.resolve(opts.workspace)).root;
    const bare = v.replace(/[\\/]+$/, '');
    if (HOME_FORMS.has(bare)) return opts.home;
    if (/^[A-Za-z]:$/.test(bare)) return bare + '\\';
    return lib.isAbsolute(bare) ? bare : undefined;
  };
  const out: Action[] = [];
  for (const s of servers) {
    const broad = report.findings.filter(
      (f) => f.rule === 'broad-filesystem-access' && !f.suppressed && f.file === s.file && f.server === s.name && f.client === s.client,
    );
    // Only the filesystem server the catalog knows takes its roots as its positional arguments;
    // another server with "filesystem" in its name may mean anything by them. The finding points at
    // the argument; the line and column tell it from the server's others.
    if (matchServer(s)?.id !== 'filesystem' || s.transport !== 'stdio' || packageRef(s)?.runner === 'docker') continue;
    const args = positionalArgs(s).filter((a) => broad.some((f) => f.line === a.line && f.column === a.column));
    if (!args.length) continue;
    const forHere =
      s.scope === 'user' ||
      (s.scope === 'project' && inside(s.file, opts.workspace)) ||
      (s.scope === 'local' && (s.project === undefined ? inside(s.file, opts.workspace) : lib.relative(s.project, opts.workspace) === ''));
    if (!forHere || !writable(s.file)) continue;
    const roots = args.filter((a) => {
      const dir = rootDir(a.value);
      if (dir !== undefined && inside(opts.workspace, dir)) return true;
      leftOver.push({ rule: 'broad-filesystem-access', file: s.file, server: s.name, why: `${a.value} does not hold this workspace: choose the directories it needs by hand` });
      return false;
    });
    if (!roots.length) continue;
    // A committed config must not hold one machine's path, and a user config serves every project:
    // there the root is the workspace as the client names it (`${workspaceFolder}` where the client
    // expands it, reference/mcp-clients.md: VS Code, Cursor; in other project configs `.`, the
    // directory the client starts project servers in). A user config of a client without such a
    // variable is left for the user: this workspace's path would hide every other project. Local
    // configs belong to this workspace alone and take the absolute path.
    const folderVar = s.client === 'vscode' || s.client === 'cursor';
    if (s.scope === 'user' && !folderVar) {
      leftOver.push({
        rule: 'broad-filesystem-access',
        file: s.file,
        server: s.name,
        why: `${[...new Set(roots.map((a) => a.value))].join(', ')} in a user config serves every project: give it the directories it needs by hand, or declare it in each project's config instead`,
      });
      continue;
    }
    const to = s.scope === 'local' ? opts.workspace : folderVar ? '${workspaceFolder}' : '.';
    out.push({
      kind: 'narrow-roots',
      file: s.file,
      client: s.client,
      server: s.name,
      serverPath: s.path,
      roots: [...new Set(roots.map((a) => a.value))],
      rootPaths: roots.map((a) => a.path),
      to,
    });
  }
  return out;
}

/**
 * The least tool groups for `limited` and `untrusted` local servers whose catalog entry names
 * them, unless the user chose some already (the env var or the option set). An entry whose
 * toolsets variable has a read-only value leaves it to the read-only switch. The env var is
 * preferred; TOML and YAML edits cannot create a missing env table, so there the option is
 * appended instead when the entry names one. Containers are left alone, as for read-only switches.
 */
export function toolsetChoices(servers: Server[], report: AuditReport, trust: ReadonlyMap<string, TrustLevel> | undefined, writable: (file: string) => boolean): Action[] {
  const out: Action[] = [];
  for (const s of servers) {
    if (s.transport !== 'stdio' || !writable(s.file) || packageRef(s)?.runner === 'docker') continue;
    const level = trustOf(s, report, trust);
    if (level === 'trusted') continue;
    const entry = matchServer(s);
    const t = entry?.toolsets;
    const value = t?.[level];
    if (!entry || !t || value === undefined || t.readOnlyValue !== undefined) continue;
    if (s.env.some((e) => e.key === t.env) || (t.flag && s.args.some((a) => hasOption(a.value, t.flag!)))) continue;
    const envPath: DocPath | undefined = s.env[0]
      ? s.env[0].value.path.slice(0, -1)
      : /\.json5?c?$/i.test(s.file)
        ? [...(s.args[0]?.path.slice(0, -2) ?? s.path), 'env']
        : undefined;
    const base = { kind: 'set-toolsets', file: s.file, client: s.client, server: s.name, serverPath: s.path, trust: level, entry: entry.id, env: t.env, value } as const;
    if (envPath) out.push({ ...base, envPath });
    else if (t.flag) out.push({ ...base, arg: `${t.flag}=${value}` });
  }
  return out;
}

/** `--toolsets` given as `--toolsets a,b` or `--toolsets=a,b`. */
export function hasOption(arg: string, flag: string): boolean {
  return arg === flag || arg.startsWith(flag + '=');
}
