#!/bin/sh
# mcp-harden-launch: start an MCP server with its secrets read from the OS keychain.
#
#   mcp-harden-launch CMD [ARGS...]
#
# Before it becomes CMD (exec, same process), it resolves secret references:
#   - an environment variable whose whole value is   keychain:SERVICE/ACCOUNT
#   - {{keychain:SERVICE/ACCOUNT}} inside an argument or inside an environment value
#     (e.g. --api-key={{keychain:mcp-harden/STRIPE_SECRET_KEY}}, or a password in a URL)
# '/', '%' and '}' (and control characters) inside SERVICE or ACCOUNT are written %XX.
#
# Secrets are read with `secret-tool lookup` (Linux Secret Service) or
# `security find-generic-password -w` (macOS). A value only ever travels on the lookup tool's
# stdout into a shell variable, then into the server's environment or arguments: never into the
# arguments of another process, and never through eval.
#
# stdout belongs to the server (it is the MCP protocol channel): this script writes nothing there.
#
# Exit codes: 2 usage or malformed reference; 10 keychain problem (missing item, locked keychain,
# no keychain service, lookup tool missing); 127 CMD not found; otherwise CMD's own status.
# Where secret-tool is missing, and on Windows, use the fallback: mcp-harden exec -- CMD ARGS...

# No globbing anywhere: arguments and values are data, never patterns.
set -f

# Inherited environment variables with our internal names would otherwise be exported to the
# server with whatever this script stores in them (a secret, possibly).
unset _mhl_os _mhl_tool _mhl_path _mhl_secret _mhl_out _mhl_service _mhl_account _mhl_list \
  _mhl_line _mhl_name _mhl_ref _mhl_err _mhl_need _mhl_n _mhl_i _mhl_a _mhl_value \
  _s_in _s_out _s_ref _d_in _d_out _d_hex _d_n _d_c _p_ref

# @settings-begin: written by `mcp-harden` when it installs this script (`mcp-harden doctor --repair`)
_mhl_os=
_mhl_tool=
_mhl_path=
# @settings-end

_mhl_nl='
'

# One line on stderr, then exit with the given code.
_mhl_die() {
  _mhl_n=$1
  shift
  printf 'mcp-harden-launch: %s\n' "$*" >&2
  exit "$_mhl_n"
}

if [ "$#" -gt 0 ] && [ "$1" = "--" ]; then shift; fi
if [ "$#" -eq 0 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  _mhl_die 2 "usage: mcp-harden-launch CMD [ARGS...] (resolves keychain:SERVICE/ACCOUNT references, then runs CMD)"
fi

# GUI clients start servers with a minimal PATH (/usr/bin:/bin). The directories of node, npx,
# uvx, docker... found when this script was installed go first, so the server's command and the
# interpreter its shebang asks for are the ones the user had then.
PATH=${PATH:-/usr/bin:/bin}
if [ -n "$_mhl_path" ]; then PATH=$_mhl_path:$PATH; fi
export PATH

case $1 in
  */*) [ -f "$1" ] && [ -x "$1" ] ;;
  *) command -v "$1" >/dev/null 2>&1 ;;
esac || _mhl_die 127 "command not found: $1 (PATH=$PATH)"

# Nesting: CMD started directly by another launcher (`mcp-harden-launch mcp-harden-launch srv`)
# runs in the same process, so the marker holds our own pid. Everything was resolved already, and
# a secret that happens to begin with "keychain:" must not be looked up a second time: exec as is.
# A server that later starts its own servers through the launcher runs them in other processes,
# whose pids differ from the marker, so those are resolved normally.
if [ "${MCP_HARDEN_LAUNCHED:-}" = "$$" ]; then
  exec "$@"
fi
MCP_HARDEN_LAUNCHED=$$
export MCP_HARDEN_LAUNCHED

# Picks the lookup tool, once, when the first reference needs it.
_mhl_backend() {
  [ -n "$_mhl_os" ] || _mhl_os=$(uname -s 2>/dev/null)
  if [ -z "$_mhl_tool" ]; then
    case $_mhl_os in
      Darwin) _mhl_tool=/usr/bin/security ;;
      *)
        _mhl_tool=$(command -v secret-tool 2>/dev/null) || _mhl_tool=
        for _mhl_a in /usr/bin/secret-tool /usr/local/bin/secret-tool /run/current-system/sw/bin/secret-tool; do
          [ -n "$_mhl_tool" ] || { [ -x "$_mhl_a" ] && _mhl_tool=$_mhl_a; }
        done
        ;;
    esac
  fi
  if [ -z "$_mhl_tool" ] || [ ! -x "$_mhl_tool" ]; then
    case $_mhl_os in
      Darwin) _mhl_die 10 "/usr/bin/security not found; use the fallback: mcp-harden exec -- CMD ARGS..." ;;
      *) _mhl_die 10 "secret-tool not found (install libsecret-tools), or use the fallback: mcp-harden exec -- CMD ARGS..." ;;
    esac
  fi
}

# _mhl_decode TEXT: sets _mhl_out to TEXT with %XX decoded; status 1 when a % is not %XX.
_mhl_decode() {
  _d_in=$1
  _d_out=
  while :; do
    case $_d_in in
      *%*) ;;
      *) _mhl_out=$_d_out$_d_in; return 0 ;;
    esac
    _d_out=$_d_out${_d_in%%\%*}
    _d_in=${_d_in#*\%}
    _d_hex=${_d_in%"${_d_in#??}"}
    case $_d_hex in
      00) return 1 ;; # NUL cannot be in a name
      [0-9A-Fa-f][0-9A-Fa-f]) ;;
      *) return 1 ;;
    esac
    _d_in=${_d_in#??}
    # The byte as an octal escape for printf; the x keeps a decoded newline from being stripped.
    _d_n=$((0x$_d_hex))
    _d_c=$(printf "\\$((_d_n / 64))$((_d_n / 8 % 8))$((_d_n % 8))x")
    _d_out=$_d_out${_d_c%x}
  done
}

# _mhl_parse SERVICE/ACCOUNT WHERE: sets _mhl_service and _mhl_account (decoded), or exits 2.
_mhl_parse() {
  _p_ref=$1
  case $_p_ref in
    */*/* | /* | */ | *[{}]* | *[[:cntrl:]]*) _mhl_die 2 "malformed keychain reference in $2 (expected keychain:SERVICE/ACCOUNT, with / % } written as %2F %25 %7D)" ;;
    ?*/?*) ;;
    *) _mhl_die 2 "malformed keychain reference in $2 (expected keychain:SERVICE/ACCOUNT)" ;;
  esac
  _mhl_decode "${_p_ref%%/*}" || _mhl_die 2 "malformed %-escape in the keychain reference in $2"
  _mhl_service=$_mhl_out
  _mhl_decode "${_p_ref#*/}" || _mhl_die 2 "malformed %-escape in the keychain reference in $2"
  _mhl_account=$_mhl_out
}

# _mhl_lookup WHERE: sets _mhl_secret to the stored value of _mhl_service/_mhl_account, exactly
# (the x sentinel keeps trailing newlines, which $(...) would strip), or exits 10 with one line.
# stdin is /dev/null: the server's stdin carries the protocol and must not be read by anyone else.
_mhl_lookup() {
  _mhl_backend
  case $_mhl_os in
    Darwin)
      _mhl_secret=$("$_mhl_tool" find-generic-password -s "$_mhl_service" -a "$_mhl_account" -w </dev/null 2>/dev/null && printf x)
      # security ends the value with one newline of its own.
      case $_mhl_secret in *x) _mhl_secret=${_mhl_secret%?x}; return 0 ;; esac
      ;;
    *)
      _mhl_secret=$("$_mhl_tool" lookup service "$_mhl_service" account "$_mhl_account" </dev/null 2>/dev/null && printf x)
      case $_mhl_secret in *x) _mhl_secret=${_mhl_secret%x}; return 0 ;; esac
      ;;
  esac
  _mhl_secret=
  _mhl_why "$1"
}

# Why a lookup failed, as one line and exit 10. Only the tool's error text is kept (its stdout,
# where a value could be, goes to /dev/null).
_mhl_why() {
  _mhl_a="service $_mhl_service, account $_mhl_account, for $1"
  case $_mhl_os in
    Darwin)
      _mhl_err=$("$_mhl_tool" find-generic-password -s "$_mhl_service" -a "$_mhl_account" </dev/null 2>&1 >/dev/null)
      _mhl_n=$?
      case $_mhl_n:$_mhl_err in
        44:* | *"could not be found"*) _mhl_die 10 "no secret in the keychain ($_mhl_a); add it with: mcp-harden fix" ;;
        *"nteraction is not allowed"* | *locked*) _mhl_die 10 "the keychain is locked ($_mhl_a); unlock it (security unlock-keychain) and restart the server" ;;
      esac
      ;;
    *)
      _mhl_err=$("$_mhl_tool" lookup service "$_mhl_service" account "$_mhl_account" </dev/null 2>&1 >/dev/null)
      _mhl_n=$?
      if [ -z "$_mhl_err" ]; then
        # A miss and a lookup in a locked keyring are both a silent exit 1; a search (which never
        # prompts) still lists locked items, with "Cannot get secret of a locked object".
        _mhl_err=$("$_mhl_tool" search --all service "$_mhl_service" </dev/null 2>&1 >/dev/null)
        case $_mhl_err in
          *locked*) _mhl_die 10 "the keychain is locked ($_mhl_a); unlock your login keyring and restart the server" ;;
        esac
        _mhl_die 10 "no secret in the keychain ($_mhl_a); add it with: mcp-harden fix"
      fi
      case $_mhl_err in
        *locked*) _mhl_die 10 "the keychain is locked ($_mhl_a); unlock your login keyring and restart the server" ;;
        *"onnect"* | *"org.freedesktop.secrets"* | *"D-Bus"* | *"DBUS"* | *"X11"*)
          _mhl_err=${_mhl_err%%"$_mhl_nl"*}
          _mhl_die 10 "no Secret Service on the session bus (${_mhl_err#secret-tool: }); start a keyring such as gnome-keyring, or use: mcp-harden exec -- CMD ARGS..."
          ;;
      esac
      ;;
  esac
  _mhl_err=${_mhl_err%%"$_mhl_nl"*}
  _mhl_die 10 "keychain lookup failed ($_mhl_a): ${_mhl_err:-exit $_mhl_n}"
}

# _mhl_subst TEXT WHERE: sets _mhl_out to TEXT with every {{keychain:S/A}} replaced by its secret.
_mhl_subst() {
  _s_in=$1
  _s_out=
  while :; do
    case $_s_in in
      *"{{keychain:"*) ;;
      *) break ;;
    esac
    _s_out=$_s_out${_s_in%%"{{keychain:"*}
    _s_in=${_s_in#*"{{keychain:"}
    case $_s_in in
      *"}}"*) ;;
      *) _mhl_die 2 "unterminated {{keychain:...}} reference in $2" ;;
    esac
    _s_ref=${_s_in%%"}}"*}
    _s_in=${_s_in#*"}}"}
    _mhl_parse "$_s_ref" "$2"
    _mhl_lookup "$2"
    _s_out=$_s_out$_mhl_secret
  done
  _mhl_out=$_s_out$_s_in
  _s_out=
  _mhl_secret=
}

# Environment: one awk lists the variables holding references, without eval and without reading
# any value twice. Lines: "W NAME SERVICE/ACCOUNT" (whole value), "I NAME" (inline references),
# "! NAME" (a reference we cannot handle: the name is no shell identifier, or it has a newline).
_mhl_list=$(LC_ALL=C awk 'BEGIN {
  for (k in ENVIRON) {
    v = ENVIRON[k]
    whole = (substr(v, 1, 9) == "keychain:")
    inline = index(v, "{{keychain:") > 0
    if (!whole && !inline) continue
    if (k !~ /^[A-Za-z_][A-Za-z0-9_]*$/ || (whole && index(v, "\n") > 0)) print "! " k
    else if (whole) print "W " k " " substr(v, 10)
    else print "I " k
  }
}')

IFS=$_mhl_nl
for _mhl_line in $_mhl_list; do
  _mhl_name=${_mhl_line#? }
  case $_mhl_line in
    "! "*) _mhl_die 2 "environment variable ${_mhl_name%%"$_mhl_nl"*} holds a keychain reference this launcher cannot set (use: mcp-harden exec -- CMD ARGS...)" ;;
    "W "*)
      _mhl_ref=${_mhl_name#* }
      _mhl_name=${_mhl_name%% *}
      _mhl_parse "$_mhl_ref" "environment variable $_mhl_name"
      _mhl_lookup "environment variable $_mhl_name"
      export "$_mhl_name=$_mhl_secret"
      _mhl_secret=
      ;;
    "I "*)
      # The value is a template, not a secret; printenv adds one newline, and the x keeps the
      # value's own trailing newlines.
      _mhl_value=$(printenv "$_mhl_name" && printf x)
      _mhl_value=${_mhl_value%?x}
      _mhl_subst "$_mhl_value" "environment variable $_mhl_name"
      export "$_mhl_name=$_mhl_out"
      _mhl_out=
      ;;
  esac
done
IFS=' 	
'

# Arguments: rebuilt in place with `set --` (each argument taken off the front and put back at the
# end, substituted), only when one of them holds a reference.
_mhl_need=
for _mhl_a in "$@"; do
  case $_mhl_a in *"{{keychain:"*) _mhl_need=1; break ;; esac
done
if [ -n "$_mhl_need" ]; then
  _mhl_n=$#
  _mhl_i=0
  # Counted like the server's own $0, $1...: CMD is argument 0.
  while [ "$_mhl_i" -lt "$_mhl_n" ]; do
    _mhl_a=$1
    shift
    case $_mhl_a in
      *"{{keychain:"*)
        _mhl_subst "$_mhl_a" "argument $_mhl_i"
        _mhl_a=$_mhl_out
        _mhl_out=
        ;;
    esac
    set -- "$@" "$_mhl_a"
    _mhl_i=$((_mhl_i + 1))
  done
  _mhl_a=
fi

exec "$@"
