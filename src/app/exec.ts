// `mcp-harden exec -- CMD ARGS…`: the portable launcher (DESIGN §7), for machines without
// `secret-tool` and for Windows. It resolves the same references as the sh launcher — whole
// `keychain:S/A` environment values, `{{keychain:S/A}}` inside environment values and arguments —
// from the same keychain items, then becomes CMD: `process.execve` replaces this process (same pid,
// nothing left behind); where it does not exist (Windows), CMD runs as a child whose exit code and
// signals pass through. Nothing is written to stdout: it is the server's MCP protocol channel.
import { spawn } from 'node:child_process';
import { constants as fsConstants, accessSync, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { EXIT, HardenError, UsageError } from '../core/errors.js';
import {
  REFERENCE_PREFIX,
  findInlineReferences,
  findMalformedInlineReference,
  parseReference,
  replaceInlineReferences,
} from '../core/reference.js';
import type { SecretStore } from '../ports/secret-store.js';

/** Set to the pid that resolved the references; the sh launcher uses the same marker. */
export const LAUNCHED_MARKER = 'MCP_HARDEN_LAUNCHED';

/** A referenced keychain item does not exist (exit 10, like every keychain problem of a launch). */
export class MissingSecretError extends HardenError {
  readonly code = 'secret-missing';
  readonly exitCode = EXIT.keychainUnavailable;
}

/** CMD is not on PATH (exit 127, as a shell would). */
export class CommandNotFoundError extends HardenError {
  readonly code = 'command-not-found';
  readonly exitCode = 127;
}

type Env = Record<string, string | undefined>;

export interface ExecOptions {
  /** `process.execve` by default; null forces the child-process path (tests, Windows). */
  execve?: ((file: string, args: string[], env: Record<string, string>) => never) | null;
  platform?: NodeJS.Platform;
  /** This process's pid (the nesting marker); tests pass their own. */
  pid?: number;
}

export interface ResolvedCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
}

interface Needed {
  service: string;
  account: string;
  where: string;
}

const INLINE_OPEN = `{{${REFERENCE_PREFIX}`;

function key(service: string, account: string): string {
  return `${service}\0${account}`;
}

/** Every reference in env and args, checked for form first (exit 2 before any keychain access). */
function collect(argv: readonly string[], env: Env): Needed[] {
  const needed: Needed[] = [];
  const inline = (value: string, where: string) => {
    if (!value.includes(INLINE_OPEN)) return;
    if (findMalformedInlineReference(value) !== null) {
      throw new UsageError(`malformed or unterminated {{keychain:SERVICE/ACCOUNT}} reference in ${where}`);
    }
    for (const r of findInlineReferences(value)) needed.push({ service: r.service, account: r.account, where });
  };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const where = `environment variable ${name}`;
    if (value.startsWith(REFERENCE_PREFIX)) {
      const ref = parseReference(value);
      if (!ref) throw new UsageError(`malformed keychain reference in ${where} (expected keychain:SERVICE/ACCOUNT, with / % } written as %2F %25 %7D)`);
      needed.push({ ...ref, where });
    } else inline(value, where);
  }
  argv.forEach((arg, i) => inline(arg, `argument ${i}`));
  return needed;
}

/**
 * The command with every reference replaced by its secret. Each item is read once. Throws
 * UsageError (2) for a malformed reference, MissingSecretError / KeychainUnavailableError (10).
 */
export async function resolveSecrets(
  argv: readonly string[],
  env: Env,
  store: SecretStore | (() => Promise<SecretStore>),
): Promise<{ argv: string[]; env: Record<string, string> }> {
  const needed = collect(argv, env);
  const values = new Map<string, string>();
  if (needed.length > 0) {
    const s = typeof store === 'function' ? await store() : store;
    for (const n of needed) {
      const k = key(n.service, n.account);
      if (values.has(k)) continue;
      const value = await s.get(n.service, n.account);
      if (value === null) {
        throw new MissingSecretError(
          `no secret in the keychain (service ${n.service}, account ${n.account}, for ${n.where}); add it with: mcp-harden fix`,
        );
      }
      values.set(k, value);
    }
  }
  const sub = (text: string) =>
    text.includes(INLINE_OPEN) ? replaceInlineReferences(text, (r) => values.get(key(r.service, r.account))!) : text;
  const outEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const whole = value.startsWith(REFERENCE_PREFIX) ? parseReference(value) : null;
    outEnv[name] = whole ? values.get(key(whole.service, whole.account))! : sub(value);
  }
  return { argv: argv.map(sub), env: outEnv };
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** CMD as an absolute path, searched on the resolved environment's PATH (execve does not search). */
export function findCommand(cmd: string, env: Record<string, string>, platform: NodeJS.Platform = process.platform): string | null {
  if (cmd.includes('/') || (platform === 'win32' && cmd.includes('\\'))) {
    const p = resolve(cmd);
    return isExecutable(p) ? p : null;
  }
  const path = env.PATH ?? env.Path ?? '';
  for (const dir of path.split(platform === 'win32' ? ';' : delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const p = join(dir, cmd);
    if (isExecutable(p)) return p;
  }
  return null;
}

/**
 * Resolves the references, then becomes `argv[0]`. With execve this never returns; otherwise the
 * promise gives the child's exit code (and a child killed by a signal kills this process with
 * the same signal, so the caller's parent sees the same status).
 */
export async function execWithSecrets(
  argv: readonly string[],
  env: Env,
  store: SecretStore | (() => Promise<SecretStore>),
  opts: ExecOptions = {},
): Promise<number> {
  if (argv.length === 0 || !argv[0]) throw new UsageError('usage: mcp-harden exec -- CMD [ARGS...]');
  const platform = opts.platform ?? process.platform;
  const pid = opts.pid ?? process.pid;
  const execve = opts.execve === undefined ? (typeof process.execve === 'function' && platform !== 'win32' ? process.execve.bind(process) : null) : opts.execve;

  // Started directly by a launcher in this same process (double wrap): everything was resolved
  // already, and a secret that happens to begin with "keychain:" must not be looked up again.
  const nested = env[LAUNCHED_MARKER] === String(pid);
  const resolved = nested ? { argv: [...argv], env: definedOnly(env) } : await resolveSecrets(argv, env, store);
  // The marker means "resolved in this process", so it is only true when the process is kept.
  if (execve) resolved.env[LAUNCHED_MARKER] = String(pid);
  else delete resolved.env[LAUNCHED_MARKER];

  const [cmd, ...args] = resolved.argv as [string, ...string[]];
  if (execve) {
    const file = findCommand(cmd, resolved.env, platform);
    if (!file) throw new CommandNotFoundError(`command not found: ${cmd}`);
    execve(file, [cmd, ...args], resolved.env);
  }
  return spawnThrough(cmd, args, resolved.env);
}

function definedOnly(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/** Runs CMD as a child sharing our stdio; forwards signals; gives back its exit status. */
function spawnThrough(cmd: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env, windowsHide: true });
    const forward = (sig: NodeJS.Signals) => {
      child.kill(sig);
    };
    for (const sig of FORWARDED) process.on(sig, forward);
    const cleanup = () => {
      for (const sig of FORWARDED) process.off(sig, forward);
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      cleanup();
      if (err.code === 'ENOENT') reject(new CommandNotFoundError(`command not found: ${cmd}`));
      else reject(new Error(`cannot start ${cmd}: ${err.code ?? err.message}`));
    });
    child.on('exit', (code, signal) => {
      cleanup();
      if (signal) {
        // Die of the same signal, so whoever started us sees what happened to the server.
        try {
          process.kill(process.pid, signal);
        } catch {
          // Signals are emulated on Windows; fall back to the shell convention below.
        }
        resolvePromise(128 + (signalNumber(signal) ?? 0));
        return;
      }
      resolvePromise(code ?? 1);
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return (osConstants.signals as Record<string, number>)[signal];
}
