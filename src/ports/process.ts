// Running another program. The secret-store adapters go through this port so that tests can record
// exactly what would be run (argv, stdin) on an OS where the real tool does not exist.

export interface RunOptions {
  /** Written to the child's stdin, which is then closed. Without it stdin is empty (closed at once). */
  stdin?: string;
  /** Kill the child (SIGKILL) after this long; the result then has `timedOut: true`. */
  timeoutMs?: number;
  /** The child's whole environment. Without it the child inherits this process's environment. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface RunResult {
  /** Exit code; null when the child was killed by a signal or could not be started. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the program could not be started: `not-found` for ENOENT, otherwise the errno code. */
  spawnError?: 'not-found' | string;
}

export interface ProcessRunner {
  /** Runs `cmd` with an argument array, never through a shell. Never rejects. */
  run(cmd: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
}
