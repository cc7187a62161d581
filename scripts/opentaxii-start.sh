#!/usr/bin/env bash
# opentaxii-start.sh -- start the project's OpenTAXII 0.9.3 peer (TAXII 1.x server) on loopback.
#
# Usage: scripts/opentaxii-start.sh [--reset] [PORT]        (PORT defaults to 9000)
#        scripts/opentaxii-start.sh --venv-only
#   --reset      start with empty collections (deletes this port's SQLite databases first)
#   --venv-only  only create/update the venv (OpenTAXII, libtaxii, cabby), print
#                TAXII_PEER_VENV=... and exit without starting a server (scripts/interop-cabby.sh)
#
# Paths (relative to the repository root, whatever the caller's directory):
#   target/interop-venv-opentaxii   venv with the pinned set of scripts/peers/opentaxii-requirements.txt
#                                   (OpenTAXII 0.9.3, libtaxii 1.1.119 and cabby 0.1.23: tests can
#                                   use cabby's CLI, e.g. target/interop-venv-opentaxii/bin/taxii-poll,
#                                   and its Python API through that venv's python)
#   scripts/peers/opentaxii-config.yml, scripts/peers/opentaxii-data.yml   server and data config
#   target/opentaxii-PORT/          data.db, auth.db, opentaxii.pid, opentaxii.log
#
# Environment (optional):
#   OPENTAXII_PEER_PYTHON    interpreter that creates the venv (default python3; needs >= 3.11)
#   OPENTAXII_PEER_TIMEOUT   seconds to wait for the discovery service (default 60)
# Every inherited OPENTAXII_* variable is unset first: OpenTAXII would merge them into its
# configuration.
#
# The server is gunicorn (one sync worker) serving opentaxii.http:app, bound to 127.0.0.1
# only.  The script waits until a TAXII 1.1 Discovery_Request to /services/public/discovery
# gets a Discovery_Response, then prints a summary and machine-readable lines, among them
#   TAXII_PEER_BASE_URL=http://127.0.0.1:PORT
#   TAXII_PEER_PID=...
# If the server this script started for PORT is already answering, it only prints them again.
# Stop it with scripts/opentaxii-stop.sh PORT.
set -euo pipefail

HOST=127.0.0.1   # loopback only; there is deliberately no option to change it
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
PEERS="$ROOT/scripts/peers"
REQUIREMENTS="$PEERS/opentaxii-requirements.txt"
CONFIG="$PEERS/opentaxii-config.yml"
DATA="$PEERS/opentaxii-data.yml"
VENV="$ROOT/target/interop-venv-opentaxii"

say() { echo "opentaxii-start: $*" >&2; }
die() { echo "opentaxii-start: error: $*" >&2; exit 1; }

reset=0
venv_only=0
port=""
for arg in "$@"; do
  case "$arg" in
    --reset) reset=1 ;;
    --venv-only) venv_only=1 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) die "unknown option $arg (usage: opentaxii-start.sh [--reset] [PORT])" ;;
    *) [ -z "$port" ] || die "more than one PORT given"; port="$arg" ;;
  esac
done
port="${port:-9000}"
if ! [[ "$port" =~ ^[0-9]{1,5}$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  die "PORT must be a number from 1 to 65535, not '$port'"
fi

STATE="$ROOT/target/opentaxii-$port"
PID_FILE="$STATE/opentaxii.pid"
LOG="$STATE/opentaxii.log"
BASE_URL="http://$HOST:$port"
timeout_s="${OPENTAXII_PEER_TIMEOUT:-60}"

# Is PID a live gunicorn master serving OpenTAXII?  Guards against a recycled PID.
is_peer_pid() {
  [[ "$1" =~ ^[0-9]+$ ]] && [ -r "/proc/$1/cmdline" ] &&
    tr '\0' ' ' < "/proc/$1/cmdline" | grep -q 'gunicorn .*opentaxii\.http:app'
}

# One TAXII 1.1 Discovery_Request to the unauthenticated discovery service.
discovery_answers() {
  "$VENV/bin/python" - "$BASE_URL/services/public/discovery" <<'PY'
import sys
import urllib.request

request = urllib.request.Request(
    sys.argv[1],
    method="POST",
    data=b'<Discovery_Request xmlns="http://taxii.mitre.org/messages/taxii_xml_binding-1.1"'
         b' message_id="opentaxii-start-probe"/>',
    headers={
        "Content-Type": "application/xml",
        "Accept": "application/xml",
        "X-TAXII-Content-Type": "urn:taxii.mitre.org:message:xml:1.1",
        "X-TAXII-Services": "urn:taxii.mitre.org:services:1.1",
        "X-TAXII-Protocol": "urn:taxii.mitre.org:protocol:http:1.0",
    },
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:
        ok = b"Discovery_Response" in response.read()
except OSError:
    ok = False
sys.exit(0 if ok else 1)
PY
}

port_taken() {
  "$1" - "$HOST" "$port" <<'PY'
import socket
import sys

with socket.socket() as s:
    s.settimeout(1)
    sys.exit(0 if s.connect_ex((sys.argv[1], int(sys.argv[2]))) == 0 else 1)
PY
}

print_summary() {
  local pid
  pid="$(cat "$PID_FILE")"
  cat <<EOF
OpenTAXII 0.9.3 peer at $BASE_URL (gunicorn pid $pid, log $LOG)
  authenticated, HTTP Basic (taxii/taxii-pass: modify all; reader/reader-pass: read stix-feed):
    $BASE_URL/services/discovery
    $BASE_URL/services/collection-management
    $BASE_URL/services/inbox   (Destination_Collection_Name required)
    $BASE_URL/services/poll    (2 blocks per result part)
  no auth:
    $BASE_URL/services/public/discovery
    $BASE_URL/services/public/collection-management
    $BASE_URL/services/public/inbox   (no destination names; content goes to public-feed)
    $BASE_URL/services/public/poll
  collections: stix-feed (DATA_FEED: STIX 1.x, urn:eclecticiq.com:json:1.0),
               json-set (DATA_SET: any binding), public-feed (DATA_FEED: any binding)
  cabby: $VENV/bin/taxii-discovery --host $HOST --port $port --path /services/discovery --username taxii --password taxii-pass
  stop:  scripts/opentaxii-stop.sh $port
TAXII_PEER_BASE_URL=$BASE_URL
TAXII_PEER_PORT=$port
TAXII_PEER_PID=$pid
TAXII_PEER_VENV=$VENV
TAXII_PEER_STATE_DIR=$STATE
TAXII_PEER_USERNAME=taxii
TAXII_PEER_PASSWORD=taxii-pass
TAXII_PEER_READER_USERNAME=reader
TAXII_PEER_READER_PASSWORD=reader-pass
EOF
}

[ "$venv_only" = 1 ] || mkdir -p "$STATE"

# ------------------------------------------------------------ already running?
if [ "$venv_only" = 0 ] && [ -f "$PID_FILE" ]; then
  old_pid="$(cat "$PID_FILE")"
  if is_peer_pid "$old_pid"; then
    [ "$reset" = 0 ] || die "the peer on port $port is running (pid $old_pid); stop it before --reset"
    discovery_answers ||
      die "pid $old_pid runs but $BASE_URL does not answer; see $LOG or run scripts/opentaxii-stop.sh $port"
    say "already running"
    print_summary
    exit 0
  fi
  rm -f "$PID_FILE"   # left over from a server that is gone
fi

# -------------------------------------------------------------------- venv
python="${OPENTAXII_PEER_PYTHON:-python3}"
command -v "$python" >/dev/null 2>&1 || die "'$python' not found (set OPENTAXII_PEER_PYTHON)"
if [ "$venv_only" = 0 ] && port_taken "$python"; then
  die "$HOST:$port is already in use by another program"
fi

marker="$VENV/installed-requirements.txt"
if [ ! -x "$VENV/bin/python" ] || ! cmp -s "$REQUIREMENTS" "$marker"; then
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    die "$("$python" --version 2>&1) cannot install the pinned set (needs >= 3.11; set OPENTAXII_PEER_PYTHON)"
  say "creating $VENV and installing the pinned set (first run: about 20 s)"
  rm -rf "$VENV"
  mkdir -p "$ROOT/target"
  "$python" -m venv "$VENV" || die "'$python -m venv' failed (Debian: apt-get install python3-venv)"
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$REQUIREMENTS" ||
    die "pip install -r $REQUIREMENTS failed"
  cp "$REQUIREMENTS" "$marker"
fi
if [ "$venv_only" = 1 ]; then
  echo "TAXII_PEER_VENV=$VENV"
  exit 0
fi

# ----------------------------------------------------------- config and DBs
if [ "$reset" = 1 ]; then
  say "--reset: deleting $STATE/data.db and $STATE/auth.db"
  rm -f "$STATE/data.db" "$STATE/auth.db"
fi

while IFS= read -r name; do
  unset "$name"
done < <(compgen -e | grep '^OPENTAXII_' || true)

# Values are read as YAML: single-quote the database URLs so any path survives.
yaml_string() { local s="${1//\'/\'\'}"; printf "'%s'" "$s"; }
export OPENTAXII_CONFIG="$CONFIG"
export OPENTAXII_DOMAIN="$HOST:$port"
OPENTAXII_AUTH_API__PARAMETERS__DB_CONNECTION="$(yaml_string "sqlite:///$STATE/auth.db")"
OPENTAXII_TAXII1__PERSISTENCE_API__PARAMETERS__DB_CONNECTION="$(yaml_string "sqlite:///$STATE/data.db")"
export OPENTAXII_AUTH_API__PARAMETERS__DB_CONNECTION OPENTAXII_TAXII1__PERSISTENCE_API__PARAMETERS__DB_CONNECTION

echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) opentaxii-start $port" >> "$LOG"
"$VENV/bin/opentaxii-sync-data" "$DATA" >> "$LOG" 2>&1 ||
  { tail -n 20 "$LOG" >&2; die "opentaxii-sync-data failed (log: $LOG)"; }

# ------------------------------------------------------------------- start
# One sync worker: requests are served one at a time, which suits SQLite.
nohup "$VENV/bin/gunicorn" opentaxii.http:app --config python:opentaxii.http \
  --bind "$HOST:$port" --workers 1 --access-logfile - < /dev/null >> "$LOG" 2>&1 &
pid=$!
echo "$pid" > "$PID_FILE"

began=$SECONDS
until discovery_answers; do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$PID_FILE"
    tail -n 20 "$LOG" >&2
    die "gunicorn exited while starting (log: $LOG)"
  fi
  if [ $((SECONDS - began)) -ge "$timeout_s" ]; then
    kill "$pid" 2>/dev/null || true
    rm -f "$PID_FILE"
    tail -n 20 "$LOG" >&2
    die "no Discovery_Response within ${timeout_s}s (log: $LOG)"
  fi
  sleep 0.2
done
say "ready after $((SECONDS - began)) s"
print_summary
