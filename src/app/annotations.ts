// Tool annotations (issue "Trust levels and least privilege"): when the user allows it, each
// limited or untrusted server is started once through its own launch line (MCP SDK client, with a
// timeout), its tools are listed with their `readOnlyHint`, and the tools that may write become the
// permission rules instead of the catalog's list of names. A server that does not answer keeps the
// catalog's list (or none), and the plan says why.
import type { ClientKind, Server } from '../core/model.js';
import { VERIFY_TIMEOUT_MS } from '../core/plan.js';
import { annotationKey } from './plan.js';
import { toTarget, verifyServers, type ToolInfo } from './verify.js';

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
}

export interface AnnotationsOptions {
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
  concurrency?: number;
}

/** Starts each local server once and reads its tools. Remote servers are skipped (nothing to start). */
export async function readToolAnnotations(servers: readonly Server[], opts: AnnotationsOptions): Promise<AnnotationsResult> {
  const local = servers.filter((s) => s.transport === 'stdio' && s.command);
  const results = await verifyServers(
    local.map((s) => toTarget(s, s.file)),
    { env: opts.env, timeoutMs: opts.timeoutMs ?? VERIFY_TIMEOUT_MS, concurrency: opts.concurrency ?? 4, listTools: true },
  );
  const out: AnnotationsResult = { writeTools: new Map(), failed: [] };
  results.forEach((r, i) => {
    const s = local[i]!;
    if (r.ok && r.toolList) out.writeTools.set(annotationKey(s), writeToolsOf(r.toolList));
    else out.failed.push({ server: s.name, client: s.client, file: s.file, error: r.error ?? 'no tool list' });
  });
  return out;
}
