// `fix --verify`: start each server through its launch line as a client would, complete
// `initialize` and `tools/list` with the MCP SDK client under a timeout, and report per server.
//
// The server's stderr is kept in memory only: it may print what it was given (a token included),
// so it never reaches a report. Reasons are built from what we observed (exit code, signal, stage).
import type { ChildProcess } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, type StdioServerParameters } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { inferSource, parseConfig } from '../core/clients/index.js';
import type { ClientKind, DocPath, Scope, Server } from '../core/model.js';
import { LAUNCHER_NAME } from './launcher.js';

/** One server to start, as its config declares it now. */
export interface VerifyTarget {
  client: ClientKind;
  name: string;
  file: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

export interface VerifyResult {
  server: string;
  client: ClientKind;
  file: string;
  ok: boolean;
  /** How many tools `tools/list` returned (all pages). */
  tools?: number;
  /** With `listTools`: each tool's name and its MCP annotations (hints, as the server states them). */
  toolList?: ToolInfo[];
  /**
   * With `listTools`: tools left out of `toolList` because their names are not plain identifiers,
   * and that do not say they are read-only (they may write, and no rule can name them).
   */
  unnamedWriteTools?: number;
  /** One line, built by us: never the server's own output, never a value. */
  error?: string;
}

/** A tool as `tools/list` describes it: only its name (checked to be a plain identifier) and hints. */
export interface ToolInfo {
  name: string;
  /** `annotations.readOnlyHint`; absent when the server does not say (the spec's default is false). */
  readOnly?: boolean;
  /** `annotations.destructiveHint`; absent when the server does not say. */
  destructive?: boolean;
}

/** Tool names become permission rules and file content: anything but a plain identifier is left out. */
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

export interface VerifyOptions {
  /** Also return each tool's name and annotations. */
  listTools?: boolean;
  /** For the whole start: spawn, initialize and tools/list. The child is killed when it runs out. */
  timeoutMs: number;
  /** The environment to take the base variables from (usually process.env). */
  env: Readonly<Record<string, string | undefined>>;
  /** Servers started at once. */
  concurrency?: number;
  /** Debugging only: the server's stderr as it arrives. */
  onStderr?(target: VerifyTarget, text: string): void;
}

/**
 * What a GUI client passes down: it was not started from a shell, so it has little more than these.
 * The config's env goes on top (DESIGN §7: the launcher must work under exactly this).
 */
export const BASE_ENV_KEYS = ['HOME', 'PATH', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR'] as const;

export function baseEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of BASE_ENV_KEYS) {
    const v = env[k];
    if (v !== undefined && v !== '') out[k] = v;
  }
  return out;
}

/** True when the server starts through our launcher (sh launcher by path or name, or `mcp-harden exec`). */
export function startsThroughLauncher(command: string, args: readonly string[] = []): boolean {
  const base = command.split(/[\\/]/).pop() ?? command;
  if (base === LAUNCHER_NAME) return true;
  return base === 'mcp-harden' && args[0] === 'exec';
}

class TimeoutError extends Error {}

type Stage = 'start' | 'initialize' | 'tools/list';

/** The SDK transport, plus how the child ended: the SDK reports only that the connection closed. */
class WatchedStdioTransport extends StdioClientTransport {
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  /** The child is running: a failure after this is not a spawn error. */
  spawned = false;

  override async start(): Promise<void> {
    await super.start();
    this.spawned = true;
    // The child is private in the SDK; without it a failure says less (no exit code), nothing breaks.
    const child = (this as unknown as { _process?: ChildProcess })._process;
    child?.once('exit', (code, signal) => {
      this.exit = { code, signal };
    });
  }
}

/** Child pids of a process and theirs (Linux /proc); empty elsewhere. */
async function descendants(pid: number): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  const parentOf = new Map<number, number>();
  let entries: string[];
  try {
    entries = (await readdir('/proc')).filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  for (const p of entries) {
    try {
      const s = await readFile(`/proc/${p}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: fields start after the last ')'.
      const ppid = Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(p), ppid);
    } catch {
      // Processes come and go.
    }
  }
  const out: number[] = [];
  let frontier = [pid];
  while (frontier.length) {
    const next: number[] = [];
    for (const [child, parent] of parentOf) if (frontier.includes(parent)) next.push(child);
    out.push(...next);
    frontier = next;
  }
  return out;
}

async function killTree(pid: number): Promise<void> {
  // npx and shell wrappers start the real server as a child: it must not outlive the check.
  const tree = [pid, ...(await descendants(pid))];
  for (const p of tree) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The one-line reason for a failure, from what we saw. Never includes server output. */
function reason(err: unknown, stage: Stage, target: VerifyTarget, transport: WatchedStdioTransport, timeoutMs: number): string {
  if (err instanceof TimeoutError || (err instanceof McpError && err.code === ErrorCode.RequestTimeout)) {
    const what = stage === 'tools/list' ? 'tools/list' : 'initialize';
    return `no answer to ${what} within ${seconds(timeoutMs)}`;
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (stage === 'start') {
    if (code === 'ENOENT') return `command not found: ${target.command}`;
    if (code === 'EACCES') return `command is not executable: ${target.command}`;
    return `the command could not be started${typeof code === 'string' ? ` (${code})` : ''}`;
  }
  const exit = transport.exit;
  const when = stage === 'tools/list' ? 'before answering tools/list' : 'before answering initialize';
  if (exit) {
    if (exit.signal) return `the server was killed by ${exit.signal} ${when}`;
    const launcher = startsThroughLauncher(target.command, target.args);
    // The launcher's own exit codes (src/launcher/mcp-harden-launch.sh) say what went wrong.
    if (launcher && exit.code === 10) return `the launcher could not read a secret from the keychain (exit 10) — run \`mcp-harden doctor\``;
    if (launcher && exit.code === 127) return `the launcher did not find the server command (exit 127)`;
    if (launcher && exit.code === 2) return `the launcher refused a malformed reference or usage (exit 2)`;
    return `the server exited with code ${exit.code ?? 'unknown'} ${when}`;
  }
  if (err instanceof McpError) {
    // The server's message is its own text: only the protocol error code is reported.
    return `the server answered ${stage} with error ${err.code}`;
  }
  return `the connection closed ${when}`;
}

/** Starts one server, lists its tools, and always stops it. */
export async function verifyServer(target: VerifyTarget, opts: VerifyOptions): Promise<VerifyResult> {
  const result = (ok: boolean, extra: { tools?: number; error?: string; toolList?: ToolInfo[]; unnamedWriteTools?: number }): VerifyResult => ({
    server: target.name,
    client: target.client,
    file: target.file,
    ok,
    ...extra,
  });
  if (target.cwd !== undefined) {
    // Node reports a missing cwd as a missing command (spawn … ENOENT): say which it is.
    const st = await stat(target.cwd).catch(() => null);
    if (!st?.isDirectory()) return result(false, { error: `working directory not found: ${target.cwd}` });
  }
  const params: StdioServerParameters = {
    command: target.command,
    args: target.args,
    env: { ...baseEnv(opts.env), ...target.env },
    stderr: 'pipe',
    ...(target.cwd !== undefined ? { cwd: target.cwd } : {}),
  };
  const transport = new WatchedStdioTransport(params);
  // Read (and drop, unless debugging) the server's stderr so it never reaches our terminal.
  transport.stderr?.on('data', (chunk: Buffer) => opts.onStderr?.(target, chunk.toString('utf8')));
  const client = new Client({ name: 'mcp-harden-verify', version: '1' }, { capabilities: {} });
  client.onerror = () => {
    // Non-MCP output on stdout and the like: the stage then fails or times out; nothing to print.
  };

  let connected = false;
  const toolList: ToolInfo[] = [];
  let unnamedWriteTools = 0;
  const stage = (): Stage => (!transport.spawned ? 'start' : connected ? 'tools/list' : 'initialize');
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new TimeoutError());
    }, opts.timeoutMs);
  });
  // The SDK's own request timeout is set past ours, so ours (which kills the child) decides.
  const requestOptions = { timeout: opts.timeoutMs + 1000 };
  const work = (async () => {
    await client.connect(transport, requestOptions);
    connected = true;
    let tools = 0;
    let cursor: string | undefined;
    // Pages are bounded: a server that keeps returning cursors is cut off by the timeout anyway.
    for (let page = 0; page < 100; page++) {
      const res = await client.listTools(cursor ? { cursor } : undefined, requestOptions);
      tools += res.tools.length;
      if (opts.listTools) {
        for (const t of res.tools) {
          const hints = t.annotations ?? {};
          if (!TOOL_NAME.test(t.name)) {
            if (hints.readOnlyHint !== true) unnamedWriteTools++;
            continue;
          }
          toolList.push({
            name: t.name,
            ...(typeof hints.readOnlyHint === 'boolean' ? { readOnly: hints.readOnlyHint } : {}),
            ...(typeof hints.destructiveHint === 'boolean' ? { destructive: hints.destructiveHint } : {}),
          });
        }
      }
      if (!res.nextCursor) break;
      cursor = res.nextCursor;
    }
    return tools;
  })();
  work.catch(() => {}); // after a timeout its rejection is no longer awaited
  try {
    const tools = await Promise.race([work, timeout]);
    return result(true, { tools, ...(opts.listTools ? { toolList, ...(unnamedWriteTools ? { unnamedWriteTools } : {}) } : {}) });
  } catch (err) {
    return result(false, { error: reason(err, stage(), target, transport, opts.timeoutMs) });
  } finally {
    clearTimeout(timer);
    if (timedOut && transport.pid !== null) await killTree(transport.pid);
    await client.close().catch(() => {});
  }
}

/** Verifies servers a few at a time; results come in the order given. */
export async function verifyServers(servers: readonly VerifyTarget[], opts: VerifyOptions): Promise<VerifyResult[]> {
  const results: VerifyResult[] = new Array(servers.length);
  let next = 0;
  const worker = async () => {
    while (next < servers.length) {
      const i = next++;
      results[i] = await verifyServer(servers[i]!, opts);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, servers.length) }, worker));
  return results;
}

/** A server named by where it is declared. `path` (its place in the document) wins over the name. */
export interface ServerRef {
  client: ClientKind;
  file: string;
  server: string;
  path?: DocPath;
  scope?: Scope;
  project?: string;
}

function samePath(a: DocPath, b: DocPath): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function toTarget(s: Server, file: string): VerifyTarget {
  const t: VerifyTarget = {
    client: s.client,
    name: s.name,
    file,
    command: s.command!.value,
    args: s.args.map((a) => a.value),
    env: Object.fromEntries(s.env.map((e) => [e.key, e.value.value])),
  };
  if (s.cwd !== undefined) t.cwd = isAbsolute(s.cwd) ? s.cwd : resolve(dirname(file), s.cwd);
  return t;
}

/**
 * Reads the servers' definitions from their config files as they are on disk now. A server that
 * cannot be started from its definition comes back as a failed result instead.
 */
export async function loadTargets(refs: readonly ServerRef[], home: string): Promise<{ targets: VerifyTarget[]; unresolved: VerifyResult[] }> {
  const targets: VerifyTarget[] = [];
  const unresolved: VerifyResult[] = [];
  const parsed = new Map<string, Server[] | string>();
  for (const ref of refs) {
    const key = `${ref.client}\0${ref.file}`;
    if (!parsed.has(key)) {
      try {
        const text = await readFile(ref.file, 'utf8');
        const source = inferSource(ref.file, text, ref.client, home);
        const p = parseConfig(source, text);
        parsed.set(key, p.error ? `the config no longer parses (line ${p.error.line})` : p.servers);
      } catch {
        parsed.set(key, 'the config cannot be read');
      }
    }
    const fail = (error: string) => unresolved.push({ server: ref.server, client: ref.client, file: ref.file, ok: false, error });
    const servers = parsed.get(key)!;
    if (typeof servers === 'string') {
      fail(servers);
      continue;
    }
    const found = servers.find((s) =>
      ref.path
        ? samePath(s.path, ref.path)
        : s.name === ref.server && (ref.scope === undefined || s.scope === ref.scope) && (ref.project === undefined || s.project === ref.project),
    );
    if (!found) fail('the server is no longer in its config');
    else if (found.transport !== 'stdio' || !found.command) fail('not a local (stdio) server');
    else targets.push(toTarget(found, ref.file));
  }
  return { targets, unresolved };
}
