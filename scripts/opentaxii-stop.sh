#!/usr/bin/env bash
# opentaxii-stop.sh -- stop the OpenTAXII peer that scripts/opentaxii-start.sh started on PORT.
#
# Usage: scripts/opentaxii-stop.sh PORT
#
# Signals only the PID recorded in target/opentaxii-PORT/opentaxii.pid, and only while that
# PID is still a gunicorn serving opentaxii.http:app (a recycled PID is left alone).  SIGTERM
# first, so the gunicorn master stops its worker; SIGKILL to the recorded master (and then to
# its own worker, by PID) only if they are still alive after 15 s.  Nothing running is not
# an error (exit 0).  The databases stay; opentaxii-start.sh --reset empties them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
say() { echo "opentaxii-stop: $*" >&2; }
die() { echo "opentaxii-stop: error: $*" >&2; exit 1; }

[ "$#" = 1 ] || die "usage: opentaxii-stop.sh PORT"
port="$1"
[[ "$port" =~ ^[0-9]{1,5}$ ]] || die "PORT must be a number, not '$port'"
PID_FILE="$ROOT/target/opentaxii-$port/opentaxii.pid"

if [ ! -f "$PID_FILE" ]; then
  say "nothing to stop on port $port (no $PID_FILE)"
  exit 0
fi
pid="$(cat "$PID_FILE")"
[[ "$pid" =~ ^[0-9]+$ ]] || die "$PID_FILE does not hold a PID"

is_peer_pid() {
  [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -q 'gunicorn .*opentaxii\.http:app'
}

if ! is_peer_pid "$pid"; then
  say "pid $pid is no longer the OpenTAXII peer; removing the stale $PID_FILE"
  rm -f "$PID_FILE"
  exit 0
fi

# The master's worker(s): processes whose parent is the recorded PID.
workers="$(ps -o pid= --ppid "$pid" 2>/dev/null || true)"

wait_gone() {  # PID, tenths of a second
  local i
  for ((i = 0; i < $2; i++)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

say "SIGTERM to gunicorn master $pid"
kill -TERM "$pid" 2>/dev/null || true
if ! wait_gone "$pid" 150; then
  say "pid $pid still alive after 15 s: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" 20 || die "pid $pid survived SIGKILL"
fi
for worker in $workers; do
  if ! wait_gone "$worker" 50 && is_peer_pid "$worker"; then
    say "worker $worker still alive: SIGKILL"
    kill -KILL "$worker" 2>/dev/null || true
  fi
done
rm -f "$PID_FILE"
say "stopped the peer on port $port (pid $pid)"
