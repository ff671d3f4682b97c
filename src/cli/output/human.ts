// The human audit report: inventory grouped by client → config file → server, each server's
// findings under it, then findings tied to files only, suppressed findings, notes and a summary.
// Secrets appear only as mask + fingerprint; the report type holds nothing else.
import type { ClientKind, Finding, Severity } from '../../core/model.js';
import { compareText } from '../../core/model.js';
import type { AuditReport, ReportServer, ReportSource } from '../../core/report.js';
import { compareSeverity } from '../../core/rules.js';
import { CLIENT_LABELS } from '../../core/clients/labels.js';
import { createTheme, type Theme } from './theme.js';
import { tildify, tildifyText, truncateMiddle, width, wrap } from './text.js';

export interface HumanOptions {
  color: boolean;
  /** Terminal width; the report fits it (default 80). */
  width?: number;
  /** Also show env/header names, fixes and servers' projects. */
  verbose?: boolean;
  /** The user's home directory: paths under it are shown as `~/…`. */
  home?: string;
}

const CLIENT_NAMES = CLIENT_LABELS;

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const TAG_WIDTH = 'CRITICAL'.length;

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Most severe first, then by position in the file. */
function byImportance(a: Finding, b: Finding): number {
  return (
    compareSeverity(b.severity, a.severity) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compareText(a.rule, b.rule)
  );
}

class Printer {
  readonly lines: string[] = [];
  readonly t: Theme;
  readonly cols: number;
  readonly home: string | undefined;
  workspace: string | undefined;
  constructor(t: Theme, cols: number, home: string | undefined) {
    this.t = t;
    this.cols = cols;
    this.home = home;
  }

  blank(): void {
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== '') this.lines.push('');
  }

  /** One line, truncated in the middle to fit; `style` colours it after measuring. */
  line(indent: number, text: string, style: (s: string) => string = (s) => s): void {
    const room = Math.max(8, this.cols - indent);
    this.lines.push(' '.repeat(indent) + style(truncateMiddle(text, room)));
  }

  /** A paragraph wrapped to the width, every line at `indent`. */
  para(indent: number, text: string, style: (s: string) => string = (s) => s): void {
    const room = Math.max(8, this.cols - indent);
    for (const l of wrap(text, room)) this.lines.push(' '.repeat(indent) + style(l));
  }

  /**
   * `main  detail` on one line when it fits; otherwise `main` (shortened in the middle) with the
   * detail on the next line, so neither is cut to nothing on a narrow terminal.
   */
  pair(
    indent: number,
    main: string,
    detail: string,
    mainStyle: (s: string) => string,
    detailStyle: (s: string) => string = this.t.dim,
    detailIndent = indent + 2,
  ): void {
    const pad = ' '.repeat(indent);
    if (indent + width(main) + 2 + width(detail) <= this.cols) {
      this.lines.push(pad + mainStyle(main) + detailStyle('  ' + detail));
    } else {
      this.line(indent, main, mainStyle);
      this.line(detailIndent, detail, detailStyle);
    }
  }

  /** Workspace files relative to the workspace (named in the header), others with `~` for home. */
  path(p: string): string {
    const ws = this.workspace?.replace(/[\\/]+$/, '');
    if (ws && (p.startsWith(ws + '/') || p.startsWith(ws + '\\'))) return p.slice(ws.length + 1);
    return tildify(p, this.home);
  }

  where(f: { file: string; line?: number }): string {
    return this.path(f.file) + (f.line !== undefined ? `:${f.line}` : '');
  }

  /**
   * A finding: `TAG  rule  file:line`, then the message and the masked secret under it.
   * The location is shortened first so the tag and rule id always stay readable.
   */
  finding(indent: number, f: Finding, verbose: boolean): void {
    const { t } = this;
    const tag = f.severity.toUpperCase().padEnd(TAG_WIDTH);
    const body = indent + TAG_WIDTH + 2;
    const loc = this.where(f);
    const room = this.cols - body - width(f.rule) - 2;
    // The location is shortened first (down to a readable minimum) so tag and rule stay whole.
    if (room >= Math.min(width(loc), 20)) {
      this.lines.push(
        ' '.repeat(indent) + t.severity(f.severity, tag) + '  ' + t.bold(f.rule) + t.dim('  ' + truncateMiddle(loc, room)),
      );
    } else {
      this.lines.push(' '.repeat(indent) + t.severity(f.severity, tag) + '  ' + t.bold(f.rule));
      this.line(body, loc, t.dim);
    }
    this.para(body, tildifyText(f.message, this.home));
    if (f.secret && !f.message.includes(f.secret.fingerprint)) {
      this.para(body, `${f.secret.masked} sha256:${f.secret.fingerprint}`, t.cyan);
    }
    if (verbose && f.fix) this.para(body, `Fix: ${f.fix}`, t.dim);
  }
}

interface FileGroup {
  file: string;
  source?: ReportSource;
  servers: ReportServer[];
}

export function renderHuman(report: AuditReport, opts: HumanOptions): string {
  const t = createTheme(opts.color);
  const cols = Math.max(40, opts.width ?? 80);
  const verbose = opts.verbose ?? false;
  const p = new Printer(t, cols, opts.home);
  p.workspace = report.workspace;

  // Header.
  const homeNote = report.home ? 'home configs read' : 'home configs not read (--no-home)';
  const title = `mcp-harden ${report.tool.version} audit`;
  p.lines.push(t.bold(title));
  const workspaceText = `Workspace: ${p.path(report.workspace)}`;
  const homeText = ` · ${homeNote}`;
  if (width(workspaceText) + width(homeText) <= cols) p.lines.push(workspaceText + t.dim(homeText));
  else {
    p.line(0, workspaceText);
    p.line(0, homeNote, t.dim);
  }

  const active = report.findings.filter((f) => !f.suppressed);
  const suppressed = report.findings.filter((f) => f.suppressed);

  // Attach each unsuppressed finding to the server it names, when that server is in the report.
  const serverKey = (client: string, file: string, name: string) => `${client}\0${file}\0${name}`;
  const serversByKey = new Map<string, ReportServer[]>();
  for (const s of report.servers) {
    const k = serverKey(s.client, s.file, s.name);
    serversByKey.set(k, [...(serversByKey.get(k) ?? []), s].sort((a, b) => a.line - b.line));
  }
  const findingsOf = new Map<ReportServer, Finding[]>();
  const loose: Finding[] = [];
  for (const f of active) {
    let target: ReportServer | undefined;
    if (f.server !== undefined) {
      const candidates = f.client
        ? (serversByKey.get(serverKey(f.client, f.file, f.server)) ?? [])
        : report.servers.filter((s) => s.file === f.file && s.name === f.server);
      // Claude Code can declare one name in several projects of one file: take the entry the
      // finding's line falls in (the last entry starting at or before it).
      target = candidates.filter((s) => f.line === undefined || s.line <= f.line).pop() ?? candidates[0];
    }
    if (target) findingsOf.set(target, [...(findingsOf.get(target) ?? []), f]);
    else loose.push(f);
  }

  // Inventory: clients in report order, then any client only named by a source or server.
  const clients: ClientKind[] = [...report.clients];
  for (const c of [...report.sources.map((s) => s.client), ...report.servers.map((s) => s.client)]) {
    if (!clients.includes(c)) clients.push(c);
  }
  for (const client of clients) {
    const groups: FileGroup[] = [];
    const groupOf = (file: string): FileGroup => {
      let g = groups.find((x) => x.file === file);
      if (!g) groups.push((g = { file, servers: [] }));
      return g;
    };
    for (const src of report.sources.filter((s) => s.client === client)) groupOf(src.file).source = src;
    for (const s of report.servers.filter((x) => x.client === client)) groupOf(s.file).servers.push(s);
    if (groups.length === 0) continue;

    p.blank();
    p.line(0, CLIENT_NAMES[client] ?? client, t.bold);
    for (const g of groups) {
      const facts: string[] = [];
      if (g.source) facts.push(g.source.scope);
      if (g.source?.status === 'unparseable') facts.push('could not be parsed');
      else if (g.source?.status === 'unreadable') facts.push('could not be read');
      else facts.push(g.servers.length === 0 ? 'no servers' : plural(g.servers.length, 'server'));
      if (g.source?.symlinkTarget) facts.push(`link to ${p.path(g.source.symlinkTarget)}`);
      const factText = facts.join(' · ');
      const fileRoom = cols - 4 - width(factText);
      const file = p.path(g.file);
      // Shorten a long path to share its line with the facts while it stays readable.
      if (fileRoom >= Math.min(width(file), 30)) p.pair(2, truncateMiddle(file, fileRoom), factText, (x) => x);
      else p.pair(2, file, factText, (x) => x, t.dim, 4);
      for (const s of g.servers) {
        const facts: string[] = [s.scope, s.transport];
        if (s.disabled) facts.push('disabled');
        p.pair(4, s.name, facts.join(' · '), t.bold, t.dim, 6);
        p.line(6, tildifyText(s.launch, p.home), t.dim);
        if (verbose) {
          if (s.project) p.line(6, `project: ${p.path(s.project)}`, t.dim);
          if (s.envKeys.length > 0) p.para(6, `env: ${s.envKeys.join(', ')}`, t.dim);
          if (s.headerKeys.length > 0) p.para(6, `headers: ${s.headerKeys.join(', ')}`, t.dim);
        }
        const fs = (findingsOf.get(s) ?? []).sort(byImportance);
        if (fs.length === 0) p.line(6, 'no findings', t.green);
        for (const f of fs) p.finding(6, f, verbose);
      }
    }
  }

  // Findings about files rather than servers: .env files, history, backups, permissions, parse errors.
  if (loose.length > 0) {
    p.blank();
    p.line(0, 'Other files', t.bold);
    const files = [...new Set(loose.map((f) => f.file))].sort();
    for (const file of files) {
      p.line(2, p.path(file));
      for (const f of loose.filter((x) => x.file === file).sort(byImportance)) p.finding(4, f, verbose);
    }
  }

  if (suppressed.length > 0) {
    p.blank();
    p.line(0, `Suppressed (${suppressed.length})`, t.bold);
    for (const f of [...suppressed].sort(byImportance)) {
      const loc = p.where(f);
      const room = cols - 4 - width(f.rule);
      if (room >= Math.min(width(loc), 20)) p.pair(2, f.rule, truncateMiddle(loc, room), t.dim);
      else p.pair(2, f.rule, loc, t.dim, t.dim, 4);
      p.para(4, `reason: ${f.suppressed?.reason ?? ''}`, t.dim);
    }
  }

  if (report.notes.length > 0) {
    p.blank();
    p.line(0, 'Notes', t.bold);
    for (const note of report.notes) {
      const [first = '', ...rest] = wrap(tildifyText(note, p.home), cols - 4);
      p.lines.push('  - ' + first);
      for (const l of rest) p.lines.push('    ' + l);
    }
  }

  // Summary.
  const sum = report.summary;
  p.blank();
  if (report.sources.length === 0 && report.servers.length === 0) {
    p.para(
      0,
      report.home
        ? 'No MCP client configs found in the workspace or your home directory.'
        : 'No MCP client configs found in the workspace.',
    );
    p.blank();
  }
  p.line(0, 'Summary', t.bold);
  p.para(
    2,
    [
      plural(sum.clients, 'client'),
      plural(sum.sources, 'config file'),
      plural(sum.servers, 'server'),
      plural(sum.secrets, 'secret'),
    ].join(' · '),
  );
  const counts = SEVERITY_ORDER.filter((s) => sum.bySeverity[s] > 0).map((s) =>
    t.severity(s, `${sum.bySeverity[s]} ${s}`),
  );
  const suppressedText = sum.suppressed > 0 ? ` (${sum.suppressed} suppressed)` : '';
  if (sum.findings === 0) {
    p.lines.push('  ' + t.green('No findings: nothing to fix.') + t.dim(suppressedText));
  } else {
    const plain = SEVERITY_ORDER.filter((s) => sum.bySeverity[s] > 0).map((s) => `${sum.bySeverity[s]} ${s}`);
    const text = `${plural(sum.findings, 'finding')}: ${plain.join(' · ')}${suppressedText}`;
    // Colour only when it fits on one line; a narrow terminal gets the wrapped plain text.
    if (width(text) <= cols - 2) {
      p.lines.push(`  ${plural(sum.findings, 'finding')}: ${counts.join(' · ')}${t.dim(suppressedText)}`);
    } else p.para(2, text);
  }
  const threshold = `--fail-on ${report.failOn}`;
  if (sum.failing > 0) {
    p.para(
      2,
      `Audit failed: ${plural(sum.failing, 'finding')} at or above ${report.failOn} (${threshold}).`,
      (s) => t.red(t.bold(s)),
    );
  } else {
    p.para(2, `Audit passed: nothing at or above ${report.failOn} (${threshold}).`, t.green);
  }
  if (sum.findings > 0) p.para(2, 'Next: run `mcp-harden fix --dry-run` to see the plan.');

  return p.lines.join('\n') + '\n';
}
