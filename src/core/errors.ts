// Typed errors and the exit codes of DESIGN §2, decided in one place. Messages are one line and
// never carry a secret value: they name services, accounts, files and tools, nothing read from them.

/** Exit codes of DESIGN §2. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  keychainUnavailable: 10,
  cancelled: 130,
} as const;

/** Base of every error the CLI expects; anything else is a bug and exits 1. */
export abstract class HardenError extends Error {
  /** Stable machine-readable identifier, for `--json` output and tests. */
  abstract readonly code: string;
  abstract readonly exitCode: number;

  constructor(message: string, options?: { cause?: unknown }) {
    // One line, always: a multi-line message would break the one-line error output.
    super(message.replace(/\s*[\r\n]+\s*/g, ' ').trim(), options);
    this.name = new.target.name;
  }
}

/** Bad arguments or bad input files given on the command line (exit 2). */
export class UsageError extends HardenError {
  readonly code = 'usage';
  readonly exitCode = EXIT.usage;
}

/** A config or input file that could not be read (exit 1). */
export class ConfigReadError extends HardenError {
  readonly code = 'config-read';
  readonly exitCode = EXIT.failure;
}

/**
 * Why the keychain cannot be used:
 * - `missing-backend`: no keychain service at all (no Secret Service on the session bus, no D-Bus
 *   session, the native module and the OS tool both unusable);
 * - `locked`: the keychain exists but is locked and was not unlocked;
 * - `refused`: the user dismissed or failed the unlock / access prompt;
 * - `timeout`: the keychain did not answer in time (usually a prompt nobody can see).
 */
export type KeychainProblem = 'missing-backend' | 'locked' | 'refused' | 'timeout';

export const KEYCHAIN_PROBLEMS: readonly KeychainProblem[] = ['missing-backend', 'locked', 'refused', 'timeout'];

/** The OS keychain cannot be used (exit 10). */
export class KeychainUnavailableError extends HardenError {
  readonly code = 'keychain-unavailable';
  readonly exitCode = EXIT.keychainUnavailable;
  constructor(
    readonly reason: KeychainProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `onboard` in a workspace without a team policy (exit 2: the command cannot run there). */
export class PolicyMissingError extends HardenError {
  readonly code = 'policy-missing';
  readonly exitCode = EXIT.usage;
}

/** A team policy that is not valid JSON or breaks its schema (exit 1); the message names the problem. */
export class PolicyInvalidError extends HardenError {
  readonly code = 'policy-invalid';
  readonly exitCode = EXIT.failure;
}

/** The user cancelled (exit 130). */
export class CancelledError extends HardenError {
  readonly code = 'cancelled';
  readonly exitCode = EXIT.cancelled;
  constructor(message = 'cancelled') {
    super(message);
  }
}

/** The exit code for anything thrown: a HardenError's own code, 1 for everything else. */
export function exitCodeFor(err: unknown): number {
  return err instanceof HardenError ? err.exitCode : EXIT.failure;
}
