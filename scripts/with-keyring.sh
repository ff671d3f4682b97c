#!/usr/bin/env bash
# Run a command against a private, unlocked gnome-keyring on a private D-Bus session bus,
# so keychain tests and the demo never see the developer's real keyring.
#
#   bash scripts/with-keyring.sh CMD ARGS...
#
# Works as root, without a TTY and with stdin closed. The command's exit code is passed through.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: bash scripts/with-keyring.sh CMD ARGS..." >&2
  exit 2
fi

for tool in dbus-run-session gnome-keyring-daemon secret-tool; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with-keyring: '$tool' not found; install the packages dbus, gnome-keyring, libsecret-tools" >&2
    exit 1
  fi
done

# Everything below runs inside the private session bus started by dbus-run-session.
# shellcheck disable=SC2016
inner='
set -uo pipefail

base=$(mktemp -d "${TMPDIR:-/tmp}/mcp-harden-keyring.XXXXXX")
chmod 700 "$base"
mkdir -m 700 "$base/data" "$base/run"

cleanup() {
  # Stop the daemon we started (found through the bus it owns) before removing its files.
  local pid
  pid=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null \
        | awk "{print \$2}") || true
  if [ -n "${pid:-}" ]; then
    kill "$pid" 2>/dev/null || true
    # Wait (up to 2 s) until it is gone; a zombie waiting for its parent counts as gone.
    for _ in $(seq 1 20); do
      [ -r "/proc/$pid/stat" ] || break
      case "$(awk "{print \$3}" "/proc/$pid/stat" 2>/dev/null)" in Z|X|"") break ;; esac
      sleep 0.1
    done
  fi
  rm -rf "$base"
}
trap cleanup EXIT

# A throwaway password: it unlocks a keyring that lives only in $base and dies with this run.
password=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d " \n")

# A fresh XDG_DATA_HOME is essential: otherwise the daemon opens an existing login keyring that this
# password cannot unlock, and every write fails with "Cannot create an item in a locked collection".
# The fresh directories are given to the daemon only; the command keeps the caller environment.
if ! daemon_env=$(printf "%s" "$password" | XDG_DATA_HOME="$base/data" XDG_RUNTIME_DIR="$base/run" \
      gnome-keyring-daemon --unlock --components=secrets 2>"$base/daemon.err"); then
  echo "with-keyring: gnome-keyring-daemon failed to start:" >&2
  cat "$base/daemon.err" >&2
  exit 1
fi
unset password

# Export what the daemon printed (NAME=value lines such as GNOME_KEYRING_CONTROL).
while IFS= read -r line; do
  case "$line" in
    [A-Za-z_]*=*) export "${line?}" ;;
  esac
done <<< "$daemon_env"

# Wait until the Secret Service is on the bus, so the command never triggers D-Bus activation
# of a second daemon (which would open the real ~/.local/share/keyrings).
ready=
for _ in $(seq 1 50); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
       org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
    ready=1
    break
  fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "with-keyring: the Secret Service did not appear on the private bus" >&2
  cat "$base/daemon.err" >&2
  exit 1
fi

# The marker the keychain tests insist on, tied to this bus so that a stray
# MCP_HARDEN_TEST_KEYRING=1 in a shell cannot point them at a real keyring.
export MCP_HARDEN_TEST_KEYRING=1
export MCP_HARDEN_TEST_KEYRING_BUS="$DBUS_SESSION_BUS_ADDRESS"
"$@"
'

exec dbus-run-session -- bash -c "$inner" with-keyring "$@"
