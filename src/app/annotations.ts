// Tool annotations (issue "Trust levels and least privilege"): when the user allows it, each
// limited or untrusted server whose client has rules that use them is started once through its own
// launch line (MCP SDK client, with a timeout), its tools are listed with their `readOnlyHint`, and
// the tools that may write become the permission rules instead of the catalog's list of names. A
// server that does not answer keeps the catalog's list (or none), and the plan says why.
import { posix, win32 } from 'node:path';
import type { ClientKind, Platform, Server } from '../core/model.js';
import { VERIFY_TIMEOUT_MS, type Plan } from '../core/plan.js';
import { annotationKey } from './plan.js';
import { toTarget, verifyServers, type ToolInfo, type VerifyTarget } from './verify.js';

export { annotationKey };

/**
 * The tools that may change something: the MCP spec's `readOnlyHint` defaults to false, so a tool
 * without the hint counts as one that writes. Sorted, for stable rules.
 */
export function writeToolsOf(tools: readonly ToolInfo[]): string[] {
  return tools.filter((t) => t.readOnly !== true).map((t) => t.name).sort();
}

export interface AnnotationsResult {
  /** Write tools by `annotationKey`, for the servers that answered. */
  writeTools: Map<string, string[]>;
  /** Servers that could not be read, with why (one line, never the server's output). */
  failed: { server: string; client: ClientKind; file: string; error: string }[];
  /** Servers with tools whose names no rule can hold (not plain identifiers) and that may write. */
  unnamed: { server: string; client: ClientKind; file: string; count: number }[];
}

export interface AnnotationsOptions {
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
  concurrency?: number;
  /** Called once for each launch line actually started (the first server that has it). */
  onStart?(server: Server): void;
}

/**
 * The servers worth starting for their annotations: local, not turned off in their config, not
 * trusted, and of a client whose rules use the write tools (Claude Code's permission rules for
 * user, project and this workspace's local servers; Gemini, Codex, Cline and Kiro's own tool
 * fields). Any other server would be started for nothing.
 */
export function annotationCandidates(
  servers: readonly Server[],
  opts: { workspace: string; platform: Platform; limited(server: Server): boolean },
): Server[] {
  const lib = opts.platform === 'win32' ? win32 : posix;
  const inside = (p: string, dir: string) => {
    const rel = lib.relative(dir, p);
    return rel === '' || (!rel.startsWith('..') && !lib.isAbsolute(rel));
  };
  const usesAnnotations = (s: Server): boolean => {
    switch (s.client) {
      case 'gemini':
      case 'codex':
      case 'cline':
      case 'kiro':
        return true;
      case 'claude-code':
        if (s.scope === 'user' || s.scope === 'project') return true;
        if (s.scope !== 'local') return false;
        return s.project === undefined ? inside(s.file, opts.workspace) : lib.relative(s.project, opts.workspace) === '';
      default:
        return false;
    }
  };
  return servers.filter((s) => s.transport === 'stdio' && !!s.command && !s.disabled && usesAnnotations(s) && opts.limited(s));
}

/** Two declarations that start the same process: command, arguments, env and directory. */
function launchKey(t: VerifyTarget): string {
  return JSON.stringify([t.command, t.args, Object.entries(t.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), t.cwd ?? null]);
}

/**
 * Starts each launch line once and reads its tools; servers declared alike (the same server in
 * several clients) share the answer. Remote servers are skipped (nothing to start).
 */
export async function readToolAnnotations(servers: readonly Server[], opts: AnnotationsOptions): Promise<AnnotationsResult> {
  const local = servers.filter((s) => s.transport === 'stdio' && s.command);
  const targets = local.map((s) => toTarget(s, s.file));
  const unique = new Map<string, number>();
  const started: number[] = [];
  targets.forEach((t, i) => {
    const k = launchKey(t);
    if (unique.has(k)) return;
    unique.set(k, started.length);
    started.push(i);
  });
  for (const i of started) opts.onStart?.(local[i]!);
  const results = await verifyServers(
    started.map((i) => targets[i]!),
    { env: opts.env, timeoutMs: opts.timeoutMs ?? VERIFY_TIMEOUT_MS, concurrency: opts.concurrency ?? 4, listTools: true },
  );
  const out: AnnotationsResult = { writeTools: new Map(), failed: [], unnamed: [] };
  local.forEach((s, i) => {
    const r = results[unique.get(launchKey(targets[i]!))!]!;
    if (r.ok && r.toolList) out.writeTools.set(annotationKey(s), writeToolsOf(r.toolList));
    else out.failed.push({ server: s.name, client: s.client, file: s.file, error: r.error ?? 'no tool list' });
    if (r.ok && r.unnamedWriteTools) out.unnamed.push({ server: s.name, client: s.client, file: s.file, count: r.unnamedWriteTools });
  });
  return out;
}

/** What the plan cannot do after reading annotations: servers that did not answer, tools no rule can name. */
export function annotationNotes(read: AnnotationsResult): Plan['leftOver'] {
  return [
    ...read.failed.map((f) => ({
      rule: 'tool-annotations',
      file: f.file,
      server: f.server,
      why: `its tools could not be listed (${f.error}): rules come from the catalog, when it knows the server`,
    })),
    ...read.unnamed.map((u) => ({
      rule: 'tool-annotations',
      file: u.file,
      server: u.server,
      why: `${u.count} tool${u.count === 1 ? '' : 's'} with unusual names could not be given rules: ${u.count === 1 ? 'its name is' : 'their names are'} not plain identifiers and ${u.count === 1 ? 'it' : 'they'} may write; disable the server if it is untrusted`,
    })),
  ];
}
