// The demo's private keychain: a throwaway gnome-keyring on a private D-Bus session bus, so the
// wizard can store (synthetic) secrets without ever touching the user's real keychain.
//
// The parent builds the sandbox, then re-runs this CLI as a child inside `dbus-run-session`, with
// the sandbox described in MCP_HARDEN_DEMO_SANDBOX; the child runs the wizard on it. Where the
// tools are missing (or on macOS/Windows) the wizard runs in this process with the keychain
// marked unavailable: Level 2 steps are then skipped, and said so.
import { spawn, spawnSync } from 'node:child_process';
import { KeychainUnavailableError } from '../core/errors.js';
import type { SecretStore } from '../ports/secret-store.js';
import type { Sandbox } from './sandbox.js';

export const DEMO_SANDBOX_ENV = 'MCP_HARDEN_DEMO_SANDBOX';
/** Set by the keyring script to the private bus: a stray MCP_HARDEN_DEMO_SANDBOX cannot point a real keyring at the demo. */
export const DEMO_BUS_ENV = 'MCP_HARDEN_DEMO_BUS';

const TOOLS = ['dbus-run-session', 'gnome-keyring-daemon', 'secret-tool', 'dbus-send'];

/** The tools a private keyring needs that are not on PATH (all of them off Linux). */
export function missingKeyringTools(platform: NodeJS.Platform = process.platform): string[] {
  if (platform !== 'linux') return TOOLS;
  return TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v "$1" >/dev/null 2>&1`, 'sh', t], { stdio: 'ignore' }).status !== 0);
}

/** The sandbox handed to the child, when this process is that child on its private bus. */
export function demoChild(env: NodeJS.ProcessEnv): Omit<Sandbox, 'secrets'> | null {
  const raw = env[DEMO_SANDBOX_ENV];
  if (!raw || !env[DEMO_BUS_ENV] || env[DEMO_BUS_ENV] !== env['DBUS_SESSION_BUS_ADDRESS']) return null;
  try {
    const s = JSON.parse(raw) as Omit<Sandbox, 'secrets'>;
    return typeof s.home === 'string' && typeof s.workspace === 'string' && typeof s.root === 'string' ? s : null;
  } catch {
    return null;
  }
}

/** A store that always answers "no keychain", with the reason to show. */
export function unavailableStore(message: string): () => Promise<SecretStore> {
  return async () => {
    throw new KeychainUnavailableError('missing-backend', message);
  };
}

// Runs inside dbus-run-session. The password is random, reaches the daemon on its stdin only, and
// unlocks a keyring that lives in a fresh XDG_DATA_HOME removed on exit.
const SCRIPT = `
set -u
base=$(mktemp -d "\${TMPDIR:-/tmp}/mcp-harden-demo-keyring.XXXXXX") || exit 1
chmod 700 "$base"; mkdir -m 700 "$base/data" "$base/run"
cleanup() {
  pid=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \\
        org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null | awk '{print $2}')
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  rm -rf "$base"
}
trap cleanup EXIT
out=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | XDG_DATA_HOME="$base/data" XDG_RUNTIME_DIR="$base/run" \\
      gnome-keyring-daemon --unlock --components=secrets 2>"$base/err") || { echo "mcp-harden demo: the private keyring did not start: $(cat "$base/err")" >&2; exit 1; }
for line in $out; do case "$line" in [A-Za-z_]*=*) export "$line" ;; esac; done
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \\
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; do
  i=$((i+1)); [ "$i" -gt 50 ] && { echo "mcp-harden demo: the private keyring did not appear on its bus" >&2; exit 1; }
  sleep 0.1
done
export MCP_HARDEN_DEMO_BUS="$DBUS_SESSION_BUS_ADDRESS"
"$@"
code=$?
exit "$code"
`;

/** Runs `command` (the CLI again) on a private bus with an unlocked throwaway keyring; its exit code. */
export function runWithPrivateKeyring(command: string[], sandbox: Omit<Sandbox, 'secrets'>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('dbus-run-session', ['--', 'sh', '-c', SCRIPT, 'mcp-harden-demo', ...command], {
      stdio: 'inherit',
      env: { ...process.env, [DEMO_SANDBOX_ENV]: JSON.stringify({ root: sandbox.root, home: sandbox.home, workspace: sandbox.workspace, env: sandbox.env }) },
    });
    // The child owns the terminal; a signal to the group reaches it, and this process waits to clean up.
    const ignore = () => {};
    process.on('SIGINT', ignore);
    const done = (code: number) => {
      process.off('SIGINT', ignore);
      resolve(code);
    };
    child.on('error', () => done(1));
    child.on('close', (code, signal) => done(code ?? (signal === 'SIGINT' ? 130 : 1)));
  });
}
