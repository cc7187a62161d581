#!/usr/bin/env bash
# interop-cabby.sh -- cabby 0.1.23 (the reference TAXII 1.x client) against our taxii-server.
#
# Usage: scripts/interop-cabby.sh
#
# Builds examples' taxii-server, starts it on a free loopback port with basic auth
# (taxii/taxii-pass), collections stix-feed (STIX 1.2 + EclecticIQ JSON only), json-set (data
# set, any binding, default inbox collection) and 2 blocks per poll result part, then runs
# cabby's CLIs from the venv that scripts/opentaxii-start.sh --venv-only creates
# (target/interop-venv-opentaxii): discovery, collections, push, poll (time windows, binding
# filter, count-only, multi-part, --dest-dir), subscription subscribe/status/pause/resume/
# unsubscribe and poll by subscription, the error cases, and TAXII 1.0 (the push CLI is broken
# for 1.0, so that one goes through cabby's Python API).
#
# cabby's CLI exits 0 even when the server answers with an error status, so every check
# reads the output: the expected content or count must be there, and "ERROR"/"Traceback"
# must not (or must, for the error cases). Prints `PASS name` / `FAIL name: why`, then
# `cabby: N passed, M failed`; exits 1 when anything failed, 2 when it could not run.
# The server is always stopped (trap), and the scratch directory removed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
USERNAME=taxii
PASSWORD=taxii-pass

die() { echo "interop-cabby: error: $*" >&2; exit 2; }

venv_line="$("$ROOT/scripts/opentaxii-start.sh" --venv-only)" || die "could not create the cabby venv"
VENV="${venv_line#TAXII_PEER_VENV=}"
BIN_DIR="$VENV/bin"
[ -x "$BIN_DIR/taxii-poll" ] || die "cabby is not installed in $VENV"

(cd "$ROOT" && cargo build --quiet -p examples --bin taxii-server) || die "cargo build failed"
SERVER="${CARGO_TARGET_DIR:-$ROOT/target}/debug/taxii-server"

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/interop-cabby.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

# ---------------------------------------------------------------- samples
cat > "$SCRATCH/indicator.xml" <<'XML'
<stix:STIX_Package xmlns:stix="http://stix.mitre.org/stix-1" xmlns:indicator="http://stix.mitre.org/Indicator-2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:example="http://example.com/" id="example:Package-1c0f2a4e-cabb-4c0d-9e1e-000000000001" version="1.2">
  <stix:STIX_Header>
    <stix:Title>interop-cabby test package</stix:Title>
  </stix:STIX_Header>
  <stix:Indicators>
    <stix:Indicator id="example:indicator-1c0f2a4e-cabb-4c0d-9e1e-000000000002" timestamp="2024-01-01T00:00:00Z" xsi:type="indicator:IndicatorType" version="2.2">
      <indicator:Title>Watchlisted IPv4 address (documentation range)</indicator:Title>
    </stix:Indicator>
  </stix:Indicators>
</stix:STIX_Package>
XML
printf '%s\n' '{"data": {"type": "indicator", "title": "interop-cabby JSON entity", "observables": [{"type": "ipv4", "value": "192.0.2.30"}]}, "meta": {"tlp_color": "GREEN"}}' > "$SCRATCH/entity.json"
printf 'plain text, not a binding stix-feed accepts\n' > "$SCRATCH/plain.txt"

# ----------------------------------------------------------------- server
"$SERVER" --bind 127.0.0.1:0 \
  --collection stix-feed --accept stix-feed=urn:stix.mitre.org:xml:1.2 \
  --accept stix-feed=urn:eclecticiq.com:json:1.0 \
  --collection json-set --data-set json-set --default-collection json-set \
  --username "$USERNAME" --password "$PASSWORD" --max-part-size 2 \
  > "$SCRATCH/server.out" 2> "$SCRATCH/server.err" &
server_pid=$!
base_url=""
for _ in $(seq 100); do
  base_url="$(sed -n 's/^TAXII_SERVER_BASE_URL=//p' "$SCRATCH/server.out")"
  [ -n "$base_url" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$base_url" ] || die "taxii-server did not start: $(cat "$SCRATCH/server.err")"
port="${base_url##*:}"; port="${port%/}"
echo "interop-cabby: taxii-server at $base_url (pid $server_pid), cabby from $VENV"

# ----------------------------------------------------------------- checks
passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
last_output=""
# cabby colours its log lines.
strip_colours() { sed 's/\x1b\[[0-9;]*m//g'; }

# run NAME COMMAND...: runs it, keeps its output (stdout+stderr) in $last_output; returns
# non-zero (after recording a FAIL) when it exits non-zero or logs an error.
run() {
  local name="$1"; shift
  last_output="$("$@" 2>&1)"
  local rc=$?
  last_output="$(strip_colours <<<"$last_output")"
  if [ "$rc" -ne 0 ]; then
    fail "$name" "exit $rc: $(tail -n 1 <<<"$last_output")"; return 1
  fi
  if grep -Eq 'ERROR|Traceback' <<<"$last_output"; then
    fail "$name" "$(grep -E -m1 'ERROR|Traceback' <<<"$last_output")"; return 1
  fi
  return 0
}

# expect NAME EXTENDED-REGEX COMMAND...: passes when the command succeeds without errors and
# its output matches.
expect() {
  local name="$1" pattern="$2"; shift 2
  run "$name" "$@" || return 0
  if grep -Eq "$pattern" <<<"$last_output"; then pass "$name"
  else fail "$name" "output lacks /$pattern/: $(tail -n 2 <<<"$last_output" | tr '\n' ' ')"; fi
}

# expect_error NAME EXTENDED-REGEX COMMAND...: the server must refuse: the output has an
# ERROR line matching the pattern (cabby exits 0 anyway).
expect_error() {
  local name="$1" pattern="$2"; shift 2
  last_output="$("$@" 2>&1 | strip_colours)"
  if grep -E 'ERROR' <<<"$last_output" | grep -Eq "$pattern"; then pass "$name"
  else fail "$name" "expected an ERROR matching /$pattern/, got: $(tail -n 2 <<<"$last_output" | tr '\n' ' ')"; fi
}

# expect_count NAME N COMMAND...: a taxii-poll that must report exactly N blocks.
expect_count() {
  local name="$1" n="$2"; shift 2
  run "$name" "$@" || return 0
  local got
  got="$(sed -n 's/.*INFO: \([0-9]*\) blocks polled.*/\1/p' <<<"$last_output" | tail -n 1)"
  if [ "$got" = "$n" ]; then pass "$name"
  else fail "$name" "expected $n blocks polled, cabby reports '${got:-nothing}'"; fi
}

now() { date -u +%Y-%m-%dT%H:%M:%S.%6NZ; }

A=(--host 127.0.0.1 --port "$port" --username "$USERNAME" --password "$PASSWORD")
CM=(--path /services/collection-management)
B=$BIN_DIR

expect discovery-1.1 'Service Address: http://127.0.0.1:[0-9]+/services/poll' \
  "$B/taxii-discovery" "${A[@]}" --path /services/discovery
if [ "$(grep -c 'Service Type:' <<<"$last_output")" != 4 ]; then
  fail discovery-1.1-four-services "expected 4 service instances"
else pass discovery-1.1-four-services; fi
expect_error discovery-bad-credentials 'UNAUTHORIZED' \
  "$B/taxii-discovery" --host 127.0.0.1 --port "$port" --username "$USERNAME" --password wrong \
  --path /services/discovery
expect_error discovery-no-credentials 'UNAUTHORIZED' \
  "$B/taxii-discovery" --host 127.0.0.1 --port "$port" --path /services/discovery
expect collections-1.1 'Collection Name: json-set' "$B/taxii-collections" "${A[@]}" "${CM[@]}"
if grep -q 'Collection Name: stix-feed' <<<"$last_output" &&
   grep -q 'Supported Content: urn:eclecticiq.com:json:1.0' <<<"$last_output"; then
  pass collections-1.1-stix-feed
else fail collections-1.1-stix-feed "stix-feed or its JSON binding missing"; fi

PUSH=("$B/taxii-push" "${A[@]}" --path /services/inbox)
expect push-stix-1.2 'Content block successfully pushed' \
  "${PUSH[@]}" --dest stix-feed -f "$SCRATCH/indicator.xml" --binding urn:stix.mitre.org:xml:1.2
sleep 1; BEGIN="$(now)"; sleep 1
expect push-eiq-json 'Content block successfully pushed' \
  "${PUSH[@]}" --dest stix-feed -f "$SCRATCH/entity.json" --binding urn:eclecticiq.com:json:1.0
expect push-eiq-json-data-set 'Content block successfully pushed' \
  "${PUSH[@]}" --dest json-set -f "$SCRATCH/entity.json" --binding urn:eclecticiq.com:json:1.0
sleep 1; END="$(now)"; sleep 1
expect push-stix-1.2-again 'Content block successfully pushed' \
  "${PUSH[@]}" --dest stix-feed -f "$SCRATCH/indicator.xml" --binding urn:stix.mitre.org:xml:1.2
expect_error push-unsupported-binding 'UNSUPPORTED_CONTENT' \
  "${PUSH[@]}" --dest stix-feed -f "$SCRATCH/plain.txt" --binding urn:example.com:text:1.0
expect_error push-unknown-collection 'DESTINATION_COLLECTION_ERROR' \
  "${PUSH[@]}" --dest no-such-collection -f "$SCRATCH/entity.json" --binding urn:eclecticiq.com:json:1.0

POLL=("$B/taxii-poll" "${A[@]}" --path /services/poll)
expect_count poll-multi-part 3 "${POLL[@]}" -c stix-feed
expect_count poll-begin 2 "${POLL[@]}" -c stix-feed --begin "$BEGIN"
expect_count poll-begin-end 1 "${POLL[@]}" -c stix-feed --begin "$BEGIN" --end "$END"
expect poll-count-only 'Content blocks count: 3, is partial: False' \
  "${POLL[@]}" -c stix-feed --count-only
expect_count poll-binding-filter 1 "${POLL[@]}" -c stix-feed -b urn:eclecticiq.com:json:1.0
expect_count poll-data-set 1 "${POLL[@]}" -c json-set
mkdir -p "$SCRATCH/polled"
expect_count poll-dest-dir 3 "${POLL[@]}" -c stix-feed --dest-dir "$SCRATCH/polled"
files=("$SCRATCH"/polled/*)
if [ "${#files[@]}" = 3 ] && [ -f "${files[0]}" ]; then pass poll-dest-dir-three-files
else fail poll-dest-dir-three-files "expected 3 files, found ${#files[@]}"; fi
identical=0
for f in "${files[@]}"; do cmp -s "$f" "$SCRATCH/entity.json" && identical=$((identical + 1)); done
if [ "$identical" = 1 ]; then
  pass poll-dest-dir-json-byte-identical
else fail poll-dest-dir-json-byte-identical "the polled JSON block differs from the pushed file"; fi
expect_error poll-unknown-collection 'NOT_FOUND' "${POLL[@]}" -c no-such-collection
expect_error poll-unsupported-binding 'UNSUPPORTED_CONTENT' \
  "${POLL[@]}" -c stix-feed -b urn:example.com:text:1.0

SUB=("$B/taxii-subscription" "${A[@]}" "${CM[@]}" -c stix-feed)
sub_id=""
if run subscribe "${SUB[@]}" -a subscribe; then
  sub_id="$(sed -n 's/.*Subscription ID: *\([^ ]*\).*/\1/p' <<<"$last_output" | head -n 1)"
  if [ -n "$sub_id" ] && grep -q 'Status: ACTIVE' <<<"$last_output"; then pass subscribe
  else fail subscribe "no subscription id or not ACTIVE: $(tr '\n' ' ' <<<"$last_output")"; fi
fi
if [ -n "$sub_id" ]; then
  expect subscription-status "Subscription ID: $sub_id" "${SUB[@]}" -a status -s "$sub_id"
  expect subscription-pause 'Status: PAUSED' "${SUB[@]}" -a pause -s "$sub_id"
  expect subscription-resume 'Status: ACTIVE' "${SUB[@]}" -a resume -s "$sub_id"
  expect_count poll-by-subscription 3 "${POLL[@]}" -c stix-feed -s "$sub_id"
  expect subscription-unsubscribe 'Status: UNSUBSCRIBED' "${SUB[@]}" -a unsubscribe -s "$sub_id"
  expect_error subscription-status-after-unsubscribe 'NOT_FOUND' \
    "${SUB[@]}" -a status -s "$sub_id"
else
  fail subscription-lifecycle "skipped: no subscription id"
fi

# TAXII 1.0: the CLI works for discovery, collections, poll and subscribe; push -t 1.0 is
# broken in cabby 0.1.23, so that goes through the Python API.
expect discovery-1.0 'Services Version: urn:taxii.mitre.org:services:1.0' \
  "$B/taxii-discovery" "${A[@]}" -t 1.0 --path /services/discovery
expect collections-1.0 'Feed Name: stix-feed|Collection Name: stix-feed' \
  "$B/taxii-collections" "${A[@]}" -t 1.0 "${CM[@]}"
expect push-1.0-python-api 'pushed 1.0' "$B/python" - "$port" "$USERNAME" "$PASSWORD" "$SCRATCH/entity.json" <<'PY'
import sys
from cabby import create_client
port, user, password, path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
client = create_client("127.0.0.1", port=int(port), version="1.0")
client.set_auth(username=user, password=password)
with open(path, "rb") as f:
    content = f.read()
client.push(content, "urn:eclecticiq.com:json:1.0", uri="/services/inbox")
print("pushed 1.0")
PY
expect_count poll-1.0 2 "${POLL[@]}" -t 1.0 -c json-set
expect subscribe-1.0 'Subscription ID' "$B/taxii-subscription" "${A[@]}" -t 1.0 "${CM[@]}" \
  -c stix-feed -a subscribe

echo "cabby: $passed passed, $failed failed"
[ "$failed" = 0 ]
