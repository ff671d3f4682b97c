// The node ProcessRunner: child_process.spawn with an argument array (no shell), stdin written and
// closed, output collected as UTF-8, a hard timeout. Never rejects.
import { spawn } from 'node:child_process';
import type { ProcessRunner, RunOptions, RunResult } from '../ports/process.js';

function cleanEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

export const nodeProcessRunner: ProcessRunner = {
  run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve) => {
      let child;
      try {
        child = spawn(cmd, [...args], {
          shell: false,
          stdio: ['pipe', 'pipe', 'pipe'],
          env: options.env ? cleanEnv(options.env) : process.env,
          windowsHide: true,
        });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        resolve({ code: null, stdout: '', stderr: '', timedOut: false, spawnError: code === 'ENOENT' ? 'not-found' : (code ?? 'spawn-failed') });
        return;
      }
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      let spawnError: string | undefined;
      let settled = false;
      const timer =
        options.timeoutMs !== undefined
          ? setTimeout(() => {
              timedOut = true;
              child.kill('SIGKILL');
            }, options.timeoutMs)
          : undefined;

      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      // The child may exit without reading its stdin (EPIPE): its exit code says what happened.
      child.stdin.on('error', () => {});
      child.on('error', (e: NodeJS.ErrnoException) => {
        spawnError = e.code === 'ENOENT' ? 'not-found' : (e.code ?? 'spawn-failed');
        finish(null);
      });
      child.on('close', (code) => finish(code));

      function finish(code: number | null): void {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        resolve({
          code: timedOut ? null : code,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          timedOut,
          ...(spawnError !== undefined ? { spawnError } : {}),
        });
      }

      child.stdin.end(options.stdin ?? '');
    });
  },
};
