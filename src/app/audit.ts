// The read-only audit: discover config sources, parse them, detect secrets and risky settings,
// and build the report. Nothing here writes anywhere.
import { posix, win32 } from 'node:path';
import type {
  ClientKind,
  ConfigSource,
  DocPath,
  Detection,
  DetectContext,
  Finding,
  HostEnv,
  Located,
  RuleId,
  SecretWhere,
  Server,
  Severity,
} from '../core/model.js';
import { SEVERITIES, compareText } from '../core/model.js';
import type { AuditReport, ReportSecret, ReportServer, ReportSource, ReportSummary } from '../core/report.js';
import { RULES, severityAtLeast } from '../core/rules.js';
import { serverRisks } from '../core/risks.js';
import type { Policy } from '../core/policy.js';
import { POLICY_FILE } from '../core/policy-file.js';
import { applyIgnores, findingKey, type IgnoreEntry } from '../core/suppress.js';
import {
  historyFiles,
  inferSource,
  parseConfig,
  sourceDirectories,
  userSources,
  workspaceSources,
} from '../core/clients/index.js';
import { detectInHistory, detectSecrets, fingerprint, maskSecret, parseDotenv } from '../core/secrets/index.js';
import { DEFAULT_MAX_SECRET_AGE_DAYS, parseSecretsMeta, staleSecretFindings } from '../core/stale.js';
import { stateDirPath } from './state.js';
import type { ReadOnlyFs } from '../ports/fs.js';
import type { GitFacts } from '../ports/git.js';

export interface AuditProgress {
  phase: 'configs' | 'workspace' | 'history' | 'git' | 'done';
  filesRead: number;
  dirsRead: number;
  servers: number;
  secrets: number;
}

/** The workspace walk and git facts, as ports so the audit can run on fakes. */
export interface WorkspacePort {
  findEnvFiles(
    workspace: string,
    opts?: { onProgress?(dirs: number, files: number): void },
  ): Promise<{ files: string[]; dirsRead: number; filesSeen: number; errors: { path: string; message: string }[] }>;
  gitFacts(workspace: string, files: string[]): Promise<GitFacts>;
  /** The file as committed at HEAD; null when it is not there or git cannot say. */
  committedText?(workspace: string, file: string): Promise<string | null>;
}

export interface AuditOptions {
  host: HostEnv;
  workspace: string;
  /** Skip user-level configs, backups and shell history. */
  noHome: boolean;
  /** `--config FILE…`: audit exactly these files. */
  configs: string[];
  /** `--client KIND`: force the client kind of --config files. */
  client?: ClientKind;
  failOn: Severity;
  ignore: IgnoreEntry[];
  /** The team policy of the workspace: drift from it is a `policy-violation`. */
  policy?: Policy;
  baseline?: Set<string>;
  version: string;
  onProgress?(p: AuditProgress): void;
  /** Keychain items older than this many days are `stale-secret` (default 90). */
  maxSecretAgeDays?: number;
  /** Today, for the age of keychain items (tests pin it). */
  now?: Date;
}

/** One secret at one place. Holds the value in memory (for the fix engine); never serialised. */
export interface SecretHit {
  detection: Detection;
  file: string;
  line: number;
  column: number;
  where: SecretWhere;
  key?: string;
  client?: ClientKind;
  server?: string;
  /** Path of the whole string inside its config document (config values only). */
  path?: DocPath;
  /** The secret is the whole value (not a part of a longer string such as a URL). */
  wholeValue?: boolean;
}

/** What the fix engine needs beyond the report: the parsed servers and every secret with its place. */
export interface AuditDetails {
  servers: Server[];
  hits: SecretHit[];
  /** Files holding secrets, with what they are and their mode. */
  secretFiles: Map<string, { kind: 'config' | 'dotenv' | 'backup' | 'history'; mode?: number }>;
  /** .env files found or referenced (envFile), absolute. */
  envFiles: Set<string>;
  /** Which servers point at which envFile. */
  envFileUsers: Map<string, { client: ClientKind; server: string; file: string }[]>;
  git: { isRepo: boolean; root?: string; tracked: Set<string>; ignored: Set<string> };
  /** Modes of the private directories under HOME that hold secret files (client config dirs). */
  dirModes: Map<string, number>;
}

const BACKUP_RULE: RuleId = 'secret-in-backup';

function pathLib(host: HostEnv) {
  return host.platform === 'win32' ? win32 : posix;
}

/** Line and column of a character offset inside a located string (values do not span lines in configs). */
function at(loc: Located, offset: number): { line: number; column: number } {
  return { line: loc.line, column: loc.column + offset };
}

/** The launch line of a server with every detected secret masked. */
function maskedLaunch(server: Server): string {
  const mask = (s: string, ctx: DetectContext) => {
    const found = detectSecrets(s, ctx).sort((a, b) => b.start - a.start);
    let out = s;
    for (const d of found) out = out.slice(0, d.start) + maskSecret(d.value) + out.slice(d.end);
    return out;
  };
  if (server.transport !== 'stdio' && server.url) return mask(server.url.value, { where: 'url' });
  const parts: string[] = [];
  if (server.command) parts.push(mask(server.command.value, { where: 'arg' }));
  server.args.forEach((a, i) => parts.push(mask(a.value, { where: 'arg', previousArg: server.args[i - 1]?.value })));
  return parts.map((p) => (/\s/.test(p) ? JSON.stringify(p) : p)).join(' ');
}

function serverSecrets(server: Server): SecretHit[] {
  const hits: SecretHit[] = [];
  const push = (loc: Located, ctx: DetectContext) => {
    for (const d of detectSecrets(loc.value, ctx)) {
      const pos = at(loc, d.start);
      hits.push({
        detection: d,
        file: server.file,
        ...pos,
        where: ctx.where,
        key: ctx.key,
        client: server.client,
        server: server.name,
        path: loc.path,
        wholeValue: d.start === 0 && d.end === loc.value.length,
      });
    }
  };
  for (const { key, value } of server.env) push(value, { where: 'env', key });
  for (const { key, value } of server.headers) push(value, { where: 'header', key });
  server.args.forEach((a, i) => push(a, { where: 'arg', previousArg: server.args[i - 1]?.value }));
  if (server.url) push(server.url, { where: 'url' });
  if (server.command) push(server.command, { where: 'arg' });
  return hits;
}

/** Where a secret stands, in words: `in env GITHUB_TOKEN of server "github"`. */
export function placeOf(h: SecretHit): string {
  const key = h.key ? ` ${h.key}` : '';
  switch (h.where) {
    case 'history':
      return 'in shell history';
    case 'backup':
      return `in a client backup copy${key ? ` (${h.key})` : ''}`;
    case 'dotenv':
      return `in .env entry${key}`;
    case 'env':
      return `in env${key} of server "${h.server}"`;
    case 'header':
      return `in header${key} of server "${h.server}"`;
    case 'url':
      return `in the url of server "${h.server}"`;
    case 'arg':
      return `in the arguments of server "${h.server}"`;
    default:
      return h.server ? `in server "${h.server}"` : '';
  }
}

function isEnvExample(path: string): boolean {
  return /\.(example|sample|template|dist|defaults?)$/i.test(path) || /\.env\.(example|sample|template)/i.test(path);
}

/** Most severe first, then by file, line and rule: the order every printer shows. */
export function sortFindings(findings: Finding[]): void {
  const severityRank = (s: Severity) => SEVERITIES.indexOf(s);
  findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      compareText(a.file, b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      compareText(a.rule, b.rule),
  );
}

/** The summary counts of a report, from its lists (also after findings were added to it). */
export function summarize(report: Omit<AuditReport, 'summary'>): ReportSummary {
  const active = report.findings.filter((f) => !f.suppressed);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byRule: Partial<Record<RuleId, number>> = {};
  for (const f of active) {
    bySeverity[f.severity]++;
    byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  }
  return {
    clients: report.clients.length,
    sources: report.sources.length,
    servers: report.servers.length,
    secrets: report.secrets.length,
    findings: active.length,
    suppressed: report.findings.length - active.length,
    bySeverity,
    byRule,
    failing: active.filter((f) => !f.inBaseline && severityAtLeast(f.severity, report.failOn)).length,
  };
}

export async function runAudit(fs: ReadOnlyFs, ws: WorkspacePort, opts: AuditOptions): Promise<AuditReport> {
  return (await scan(fs, ws, opts)).report;
}

/** The audit with its details, for the fix engine. */
export async function scan(
  fs: ReadOnlyFs,
  ws: WorkspacePort,
  opts: AuditOptions,
): Promise<{ report: AuditReport; details: AuditDetails }> {
  const { host, workspace } = opts;
  const lib = pathLib(host);
  const progress: AuditProgress = { phase: 'configs', filesRead: 0, dirsRead: 0, servers: 0, secrets: 0 };
  const tick = () => opts.onProgress?.({ ...progress });

  const sources: ReportSource[] = [];
  const servers: Server[] = [];
  const findings: Finding[] = [];
  const hits: SecretHit[] = [];
  const notes: string[] = [];
  const clients = new Set<ClientKind>();
  /** Files that hold at least one secret, with what they are. */
  const secretFiles = new Map<string, { kind: 'config' | 'dotenv' | 'backup' | 'history'; mode?: number }>();
  const seenFiles = new Set<string>();
  /** Workspace configs that already use keychain references: their committed version may not. */
  const refFiles = new Map<string, ConfigSource>();
  const envFiles = new Set<string>();
  const envFileUsers = new Map<string, { client: ClientKind; server: string; file: string }[]>();

  const inside = (file: string, dir: string) => {
    const rel = lib.relative(dir, file);
    return rel === '' || (!rel.startsWith('..') && !lib.isAbsolute(rel));
  };

  // The workspace and home as given and as they really are (either may be reached through a link,
  // /tmp on macOS is): a link's target inside either is not outside.
  const realRoots = Promise.all([workspace, host.home].map((root) => fs.realPath(root)));
  const outsideRoots = async (real: string) => {
    const roots = [workspace, host.home, ...(await realRoots).filter((r): r is string => r !== null)];
    return !roots.some((root) => inside(real, root));
  };

  /** Looks at a path: symlink checks, then reads it. Returns null when there is nothing to read. */
  async function open(path: string): Promise<{ text: string; mode?: number } | null> {
    const facts = await fs.inspect(path);
    if (!facts) return null;
    const outsideFinding = (message: string) =>
      findings.push({ rule: 'symlink-outside', severity: RULES['symlink-outside'].severity, message, file: path, fix: RULES['symlink-outside'].fix });
    if (facts.isSymlink) {
      const target = facts.realPath;
      if (target && (await outsideRoots(target))) {
        outsideFinding(`${lib.basename(path)} links to ${target}, outside the workspace and home directory; it is read, never changed through the link`);
      }
    } else if (facts.isFile && (inside(path, workspace) || inside(path, host.home))) {
      // A folder on the way may be the link: the file then really lives where that leads.
      const real = await fs.realPath(path);
      if (real !== null && real !== lib.resolve(path) && (await outsideRoots(real))) {
        outsideFinding(`${lib.basename(path)} is reached through a linked folder and really is ${real}, outside the workspace and home directory; it is read, never changed through the link`);
      }
    }
    if (!facts.isFile) return null;
    const r = await fs.readText(path);
    progress.filesRead++;
    if (!r.ok) {
      if (r.reason !== 'missing') notes.push(`could not read ${path}: ${r.message}`);
      return null;
    }
    return { text: r.text, mode: facts.mode };
  }

  async function auditConfig(source: ConfigSource, preread?: { text: string; mode?: number }): Promise<void> {
    if (seenFiles.has(source.path + '\0' + source.client)) return;
    seenFiles.add(source.path + '\0' + source.client);
    const content = preread ?? (await open(source.path));
    if (!content) return;
    clients.add(source.client);
    const parsed = parseConfig(source, content.text);
    if (content.text.includes('keychain:') && inside(source.path, workspace)) refFiles.set(source.path, source);
    const facts = await fs.inspect(source.path);
    const reportSource: ReportSource = {
      file: source.path,
      client: source.client,
      scope: source.scope,
      format: source.format,
      label: source.label,
      status: parsed.error ? 'unparseable' : 'parsed',
      servers: parsed.servers.length,
      ...(facts?.realPath ? { symlinkTarget: facts.realPath } : {}),
    };
    sources.push(reportSource);
    if (parsed.error) {
      findings.push({
        rule: 'config-unparseable',
        severity: RULES['config-unparseable'].severity,
        message: `${source.label} cannot be parsed: ${parsed.error.message}`,
        file: source.path,
        line: parsed.error.line,
        column: parsed.error.column,
        client: source.client,
        fix: RULES['config-unparseable'].fix,
      });
      return;
    }
    const isBackup = source.role === 'backup';
    for (const server of parsed.servers) {
      const found = serverSecrets(server);
      if (isBackup) {
        for (const h of found) hits.push({ ...h, where: 'backup' });
        if (found.length) secretFiles.set(source.path, { kind: 'backup', mode: content.mode });
        continue;
      }
      servers.push(server);
      progress.servers++;
      hits.push(...found);
      if (found.length) secretFiles.set(source.path, { kind: 'config', mode: content.mode });
      findings.push(...serverRisks(server, host.home));
      if (server.envFile) {
        const raw = server.envFile.value
          .replace(/\$\{workspaceFolder\}/g, workspace)
          .replace(/\$\{userHome\}/g, host.home)
          .replace(/^~(?=[\\/])/, host.home);
        const base = source.scope === 'user' ? lib.dirname(source.path) : workspace;
        if (!/\$\{/.test(raw)) {
          const envPath = lib.resolve(base, raw);
          envFiles.add(envPath);
          envFileUsers.set(envPath, [...(envFileUsers.get(envPath) ?? []), { client: server.client, server: server.name, file: server.file }]);
        }
      }
    }
    progress.secrets = new Set(hits.map((h) => h.detection.value)).size;
    tick();
  }

  // 1. Config sources.
  if (opts.configs.length) {
    for (const file of opts.configs) {
      const path = lib.resolve(workspace, file);
      const content = await open(path);
      if (!content) {
        notes.push(`--config ${file}: no readable file there`);
        continue;
      }
      await auditConfig(inferSource(path, content.text, opts.client), content);
    }
  } else {
    const candidates: ConfigSource[] = [...workspaceSources(workspace, host.platform)];
    if (!opts.noHome) candidates.push(...userSources(host));
    for (const d of sourceDirectories(opts.noHome ? null : host, workspace)) {
      for (const name of await fs.list(d.dir)) {
        if (d.match(name)) candidates.push(d.make(lib.join(d.dir, name)));
      }
    }
    for (const c of candidates) await auditConfig(c);

    // 2. Workspace .env files, including git-ignored ones.
    progress.phase = 'workspace';
    tick();
    const walked = await ws.findEnvFiles(workspace, {
      onProgress(dirs, files) {
        progress.dirsRead = dirs;
        void files;
        tick();
      },
    });
    for (const f of walked.files) envFiles.add(f);
    for (const e of walked.errors) notes.push(`could not read ${e.path}: ${e.message}`);
  }

  // Git runs in other processes while the .env files and history are read: ask it now about every
  // workspace file that can hold a secret (asked again below in the rare case that was not all).
  const gitCandidates = new Set([...sources.map((src) => src.file), ...envFiles].filter((f) => inside(f, workspace)));
  const earlyGit = gitCandidates.size ? ws.gitFacts(workspace, [...gitCandidates]) : undefined;
  // A failure is reported where the facts are used.
  earlyGit?.catch(() => {});

  for (const file of envFiles) {
    const content = await open(file);
    if (!content) {
      if (!(await fs.inspect(file))) notes.push(`envFile ${file} does not exist`);
      continue;
    }
    let count = 0;
    for (const entry of parseDotenv(content.text)) {
      for (const d of detectSecrets(entry.value, { where: 'dotenv', key: entry.key })) {
        hits.push({
          detection: d,
          file,
          line: entry.line,
          column: entry.column + d.start,
          where: 'dotenv',
          key: entry.key,
          wholeValue: d.start === 0 && d.end === entry.value.length,
        });
        count++;
      }
    }
    if (count) secretFiles.set(file, { kind: 'dotenv', mode: content.mode });
  }

  // 3. Shell history.
  if (!opts.noHome && !opts.configs.length) {
    progress.phase = 'history';
    tick();
    for (const h of historyFiles(host)) {
      const content = await open(h.path);
      if (!content) continue;
      let count = 0;
      for (const r of detectInHistory(content.text, h.shell)) {
        hits.push({ detection: r.detection, file: h.path, line: r.line, column: r.column, where: 'history' });
        count++;
      }
      if (count) secretFiles.set(h.path, { kind: 'history', mode: content.mode });
    }
  }

  // 4. Git: tracked files holding secrets, .env files not ignored.
  progress.phase = 'git';
  tick();
  const inWorkspace = [...new Set([...secretFiles.keys(), ...envFiles, ...refFiles.keys()])].filter((f) => inside(f, workspace));
  const gitAnswer: Promise<GitFacts> = !inWorkspace.length
    ? Promise.resolve({ isRepo: false, tracked: new Set<string>(), ignored: new Set<string>() })
    : earlyGit && inWorkspace.every((f) => gitCandidates.has(f))
      ? earlyGit
      : ws.gitFacts(workspace, inWorkspace);
  // Waited for after step 5, which does not need it.
  gitAnswer.catch(() => {});

  // 5. Secrets → findings, one per location; one secret per value.
  const bySecret = new Map<string, ReportSecret>();
  for (const h of hits) {
    const fp = fingerprint(h.detection.value);
    const ref = { provider: h.detection.provider, kind: h.detection.kind, fingerprint: fp, masked: maskSecret(h.detection.value) };
    let secret = bySecret.get(fp);
    if (!secret) {
      secret = { ...ref, confidence: h.detection.confidence, locations: [] };
      bySecret.set(fp, secret);
    } else if (h.detection.confidence === 'high' || (h.detection.confidence === 'medium' && secret.confidence === 'low')) {
      secret.confidence = h.detection.confidence;
    }
    secret.locations.push({
      file: h.file,
      line: h.line,
      column: h.column,
      where: h.where,
      ...(h.key ? { key: h.key } : {}),
      ...(h.client ? { client: h.client } : {}),
      ...(h.server ? { server: h.server } : {}),
    });
    const rule: RuleId = h.where === 'history' ? 'secret-in-shell-history' : h.where === 'backup' ? BACKUP_RULE : 'plaintext-secret';
    findings.push({
      rule,
      severity: rule === 'plaintext-secret' && h.detection.confidence === 'low' ? 'medium' : RULES[rule].severity,
      message: `Plaintext ${h.detection.provider} ${h.detection.kind} ${placeOf(h)}: ${ref.masked}`,
      file: h.file,
      line: h.line,
      column: h.column,
      ...(h.client ? { client: h.client } : {}),
      ...(h.server ? { server: h.server } : {}),
      secret: { provider: ref.provider, kind: ref.kind, fingerprint: fp, masked: ref.masked },
      fix: RULES[rule].fix,
    });
  }

  const git = await gitAnswer;
  if ('note' in git && git.note) notes.push(git.note);

  // 6. File-level rules.
  for (const [file, info] of secretFiles) {
    if (host.platform !== 'win32' && info.mode !== undefined && (info.mode & 0o077) !== 0) {
      findings.push({
        rule: 'file-permissions',
        severity: RULES['file-permissions'].severity,
        message: `${lib.basename(file)} holds secrets and is mode ${info.mode.toString(8).padStart(3, '0')}; others can read it`,
        file,
        fix: RULES['file-permissions'].fix,
      });
    }
    if (git.tracked.has(file)) {
      findings.push({
        rule: 'secret-file-tracked',
        severity: RULES['secret-file-tracked'].severity,
        message: `${displayRel(file)} holds secrets and is tracked by git: rotate them, git history keeps the old values`,
        file,
        fix: RULES['secret-file-tracked'].fix,
      });
    }
  }
  // A file whose secrets were moved out still has them in git: the committed version says so.
  if (git.isRepo && ws.committedText) {
    const candidates = [...refFiles.keys(), ...[...envFiles].filter((f) => inside(f, workspace))];
    for (const file of new Set(candidates)) {
      if (!git.tracked.has(file) || secretFiles.has(file)) continue;
      const committed = await ws.committedText(workspace, file);
      if (!committed) continue;
      const source = refFiles.get(file);
      let count = 0;
      if (source) {
        for (const server of parseConfig(source, committed).servers) count += serverSecrets(server).length;
      } else {
        for (const e of parseDotenv(committed)) count += detectSecrets(e.value, { where: 'dotenv', key: e.key }).length;
      }
      if (count) {
        findings.push({
          rule: 'secret-file-tracked',
          severity: RULES['secret-file-tracked'].severity,
          message: `${displayRel(file)} no longer holds secrets, but its committed version does (${count}): rotate them, git history keeps the old values`,
          file,
          fix: RULES['secret-file-tracked'].fix,
        });
      }
    }
  }
  if (git.isRepo) {
    for (const file of envFiles) {
      if (!inside(file, workspace) || git.ignored.has(file) || !(await fs.inspect(file))) continue;
      if (isEnvExample(file) && !secretFiles.has(file)) continue;
      findings.push({
        rule: 'env-not-gitignored',
        severity: RULES['env-not-gitignored'].severity,
        message: `${displayRel(file)} is not git-ignored${git.tracked.has(file) ? ' (it is committed)' : ''}`,
        file,
        fix: RULES['env-not-gitignored'].fix,
      });
    }
  }

  function displayRel(file: string): string {
    return inside(file, workspace) ? lib.relative(workspace, file) || lib.basename(file) : file;
  }

  // 6b. Keychain items not rotated for too long: their metadata lives in the user's state dir.
  if (!opts.noHome && !opts.configs.length) await staleSecrets();

  async function staleSecrets(): Promise<void> {
    const metaFile = lib.join(stateDirPath(host), 'secrets.json');
    const r = await fs.readText(metaFile);
    if (!r.ok) {
      if (r.reason !== 'missing') notes.push(`could not read ${metaFile}: ${r.message}`);
      return;
    }
    const parsed = parseSecretsMeta(r.text);
    if ('error' in parsed) {
      notes.push(`${metaFile} ${parsed.error}; keychain item ages were not checked`);
      return;
    }
    const lineOf = (ref: { file: string; server?: string }) => servers.find((s) => s.file === ref.file && s.name === ref.server)?.line;
    findings.push(
      ...staleSecretFindings(parsed.entries, {
        now: opts.now ?? new Date(),
        maxAgeDays: opts.maxSecretAgeDays ?? opts.policy?.maxSecretAgeDays ?? DEFAULT_MAX_SECRET_AGE_DAYS,
        metaFile,
        lineOf,
      }),
    );
  }

  // 7. The team policy (before suppressions, so its findings can be accepted too).
  if (opts.policy) {
    const { checkPolicy } = await import('../core/policy.js');
    findings.push(
      ...checkPolicy(opts.policy, servers, findings, {
        workspace,
        policyFile: lib.join(workspace, POLICY_FILE),
        // With --config only some files are read: a reference elsewhere cannot be seen.
        checkSecrets: !opts.configs.length,
      }),
    );
  }

  // 8. Suppressions and the baseline.
  applyIgnores(findings, opts.ignore, workspace);
  if (opts.baseline) {
    for (const f of findings) if (opts.baseline.has(findingKey(f, workspace))) f.inBaseline = true;
  }

  sortFindings(findings);

  const reportServers: ReportServer[] = servers.map((s) => ({
    name: s.name,
    client: s.client,
    scope: s.scope,
    file: s.file,
    line: s.line,
    ...(s.project ? { project: s.project } : {}),
    transport: s.transport,
    launch: maskedLaunch(s),
    envKeys: s.env.map((e) => e.key),
    headerKeys: s.headers.map((h) => h.key),
    ...(s.disabled ? { disabled: true } : {}),
    findings: findings.filter((f) => !f.suppressed && f.server === s.name && f.file === s.file).length,
  }));

  progress.phase = 'done';
  tick();
  const listed: Omit<AuditReport, 'summary'> = {
    tool: { name: 'mcp-harden', version: opts.version },
    schema: 1,
    workspace,
    home: !opts.noHome && !opts.configs.length,
    clients: [...clients].sort(),
    sources,
    servers: reportServers,
    secrets: [...bySecret.values()],
    findings,
    notes,
    failOn: opts.failOn,
  };
  const report: AuditReport = { ...listed, summary: summarize(listed) };
  // The directories clients keep secret files in (~/.cursor, ~/.claude/backups, …), not HOME itself.
  const dirModes = new Map<string, number>();
  if (host.platform !== 'win32') {
    for (const [file, info] of secretFiles) {
      if (info.kind === 'history') continue;
      const dir = lib.dirname(file);
      if (dir === lib.resolve(host.home) || !inside(dir, host.home) || inside(dir, workspace) || dirModes.has(dir)) continue;
      const facts = await fs.inspect(dir);
      if (facts && !facts.isSymlink) dirModes.set(dir, facts.mode);
    }
  }
  return { report, details: { servers, hits, secretFiles, envFiles, envFileUsers, git, dirModes } };
}
