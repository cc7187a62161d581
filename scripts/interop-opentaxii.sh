#!/usr/bin/env bash
# interop-opentaxii.sh -- does our `taxii` CLI do everything cabby does against a real OpenTAXII?
#
# Starts the project's OpenTAXII 0.9.3 peer with empty collections on a free loopback port
# (scripts/opentaxii-start.sh --reset PORT), builds target/debug/taxii, and runs against it:
#   discovery (authenticated, public, TAXII 1.0), collection information (1.1, 1.0 feeds),
#   push of STIX 1.2 XML and EclecticIQ JSON blocks with HTTP Basic auth (and several files in
#   one Inbox_Message), poll back (all, --begin, --begin/--end, multi-part, binding filter,
#   --out files byte-compared with the pushed JSON, a data set, TAXII 1.0, by subscription),
#   subscription subscribe/status/pause/resume/unsubscribe, and the error cases (bad
#   credentials, unknown collection, unreadable collection -> exit 1 with the status on one line;
#   credentials over plain http without opt-in, unknown path -> exit 2), and HTTPS through a
#   TLS relay (verification on by default, --ca-cert, client certificate and key; skipped with
#   a SKIP line when openssl is missing).
# Each check prints `PASS name` or `FAIL name: why`, then
#   opentaxii: N passed, M failed
# and the script exits 1 if anything failed. The server is always stopped (trap).
#
# Usage: scripts/interop-opentaxii.sh              (from anywhere)
# Environment (optional):
#   TAXII_BIN                 use this binary instead of building target/debug/taxii
#   OPENTAXII_PEER_PYTHON     passed on to opentaxii-start.sh (interpreter for the venv)
#   INTEROP_KEEP=1            keep the scratch directory with every command's output
# Without python3 the script says so and exits 0 (the peer cannot run). The first run creates
# the peer's venv (about 20 s from PyPI); after that the checks take well under a minute
# (the time-window checks sleep 4 s in all).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SAMPLES="$ROOT/scripts/peers/samples"
STIX="$SAMPLES/stix12-indicator.xml"
EIQ="$SAMPLES/eiq-entity.json"
STIX12=urn:stix.mitre.org:xml:1.2
EIQ_JSON=urn:eclecticiq.com:json:1.0

say() { echo "interop-opentaxii: $*"; }

if ! command -v python3 >/dev/null 2>&1; then
  say "skipped: python3 is missing (the OpenTAXII peer is a Python program)"
  exit 0
fi

# ------------------------------------------------------------------ build
if [ -n "${TAXII_BIN:-}" ]; then
  TAXII="$TAXII_BIN"
else
  say "building target/debug/taxii"
  (cd "$ROOT" && cargo build --quiet -p examples --bin taxii)
  TAXII="$ROOT/target/debug/taxii"
fi

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/interop-opentaxii.XXXXXX")"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
started=0
passed=0
failed=0
relay_pid=""
cleanup() {
  if [ -n "$relay_pid" ]; then kill "$relay_pid" 2>/dev/null || true; fi
  if [ "$started" = 1 ]; then
    if "$ROOT/scripts/opentaxii-stop.sh" "$PORT" >/dev/null 2>&1; then
      # This run's databases and log (a random port each run); kept when a check failed.
      [ "$failed" != 0 ] || rm -rf "$ROOT/target/opentaxii-$PORT"
    else
      say "could not stop the peer on port $PORT (state in target/opentaxii-$PORT)"
    fi
  fi
  if [ "${INTEROP_KEEP:-0}" = 1 ]; then say "outputs kept in $SCRATCH"; else rm -rf "$SCRATCH"; fi
}
trap cleanup EXIT

# ------------------------------------------------------------------ peer
say "starting OpenTAXII on 127.0.0.1:$PORT"
started=1
if ! "$ROOT/scripts/opentaxii-start.sh" --reset "$PORT" > "$SCRATCH/start.out" 2> "$SCRATCH/start.err"; then
  cat "$SCRATCH/start.err" >&2
  echo "FAIL start-peer: scripts/opentaxii-start.sh --reset $PORT failed"
  echo "opentaxii: 0 passed, 1 failed"
  exit 1
fi
BASE="$(sed -n 's/^TAXII_PEER_BASE_URL=//p' "$SCRATCH/start.out")"
DISCOVERY="$BASE/services/discovery"
COLLECTIONS="$BASE/services/collection-management"
INBOX="$BASE/services/inbox"
POLL="$BASE/services/poll"

# ------------------------------------------------------------------ helpers
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# run NAME ARGS...: runs the CLI as user taxii; output in $SCRATCH/NAME.{out,err}, status in $RC,
# NAME in $LAST (what the next expect/expect_error looks at).
run() {
  local name="$1"; shift
  LAST="$name"
  set +e
  TAXII_USERNAME=taxii TAXII_PASSWORD=taxii-pass timeout 60 "$TAXII" "$@" \
    > "$SCRATCH/$name.out" 2> "$SCRATCH/$name.err"
  RC=$?
  set -e
}

# run_as USER PASSWORD NAME ARGS...
run_as() {
  local user="$1" password="$2" name="$3"; shift 3
  LAST="$name"
  set +e
  TAXII_USERNAME="$user" TAXII_PASSWORD="$password" timeout 60 "$TAXII" "$@" \
    > "$SCRATCH/$name.out" 2> "$SCRATCH/$name.err"
  RC=$?
  set -e
}

# py NAME EXPR: evaluates EXPR with d = the JSON document run NAME printed; prints the result.
py() {
  python3 - "$SCRATCH/$1.out" "$2" <<'PY' 2>&1
import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
print(eval(sys.argv[2]))
PY
}

# expect CHECK RC EXPR WANT: the last run exited RC and EXPR over its JSON output equals WANT.
expect() {
  local name="$1" want_rc="$2" expr="$3" want="$4" got
  if [ "$RC" != "$want_rc" ]; then
    fail "$name" "exit $RC, expected $want_rc: $(head -c 300 "$SCRATCH/$LAST.err" | tr '\n' ' ')"
    return
  fi
  got="$(py "$LAST" "$expr")"
  if [ "$got" = "$want" ]; then pass "$name"; else fail "$name" "$expr = $got, expected $want"; fi
}

# expect_error CHECK RC PATTERN: the last run exited RC and its stderr holds one line matching
# PATTERN (besides the plain-http warning).
expect_error() {
  local name="$1" want_rc="$2" pattern="$3" lines err="$SCRATCH/$LAST.err"
  lines="$(grep -vc 'warning: sending the password' "$err" || true)"
  if [ "$RC" != "$want_rc" ]; then
    fail "$name" "exit $RC, expected $want_rc: $(head -c 300 "$err" | tr '\n' ' ')"
  elif ! grep -Eq "$pattern" "$err"; then
    fail "$name" "stderr does not match /$pattern/: $(head -c 300 "$err" | tr '\n' ' ')"
  elif [ "$lines" != 1 ]; then
    fail "$name" "expected one error line, got $lines"
  else
    pass "$name"
  fi
}

now() { date -u +%Y-%m-%dT%H:%M:%S.%6NZ; }

A=(--allow-plain-http-auth --json)

# ------------------------------------------------------------------ discovery, collections
run discover discover "${A[@]}" "$DISCOVERY"
expect discover 0 'sorted(s["service_type"] for s in d["services"])' \
  "['COLLECTION_MANAGEMENT', 'DISCOVERY', 'INBOX', 'POLL']"

LAST=discover-public
set +e
timeout 60 "$TAXII" discover --json "$BASE/services/public/discovery" \
  > "$SCRATCH/discover-public.out" 2> "$SCRATCH/discover-public.err"
RC=$?
set -e
expect discover-public 0 'sorted(s["address"].rsplit("/", 1)[-1] for s in d["services"])' \
  "['collection-management', 'discovery', 'inbox', 'poll']"

run collections collections "${A[@]}" "$COLLECTIONS"
expect collections 0 '[(c["name"], c["collection_type"], c["volume"]) for c in d["collections"]]' \
  "[('stix-feed', 'DATA_FEED', 0), ('json-set', 'DATA_SET', 0), ('public-feed', 'DATA_FEED', 0)]"
expect collections-stix-feed-bindings 0 \
  '[b["binding_id"] for c in d["collections"] if c["name"] == "stix-feed" for b in c["content_bindings"]][-2:]' \
  "['$STIX12', '$EIQ_JSON']"

# ------------------------------------------------------------------ push
# stix-feed gets: STIX (before BEGIN), JSON (inside BEGIN..END), STIX (after END).
run push-stix push "${A[@]}" "$INBOX" --collection stix-feed --binding "$STIX12" "$STIX"
expect push-stix 0 '(d["status_type"], [p["binding_id"] for p in d["pushed"]])' "('SUCCESS', ['$STIX12'])"
sleep 1; BEGIN="$(now)"; sleep 1
run push-json push "${A[@]}" "$INBOX" --collection stix-feed "$EIQ"
expect push-json 0 '(d["status_type"], [p["binding_id"] for p in d["pushed"]])' "('SUCCESS', ['$EIQ_JSON'])"
run push-json-set push "${A[@]}" "$INBOX" --collection json-set --binding "$EIQ_JSON" "$EIQ"
expect push-json-set 0 'd["status_type"]' "SUCCESS"
sleep 1; END="$(now)"; sleep 1
run push-stix-again push "${A[@]}" "$INBOX" --collection stix-feed --binding "$STIX12" "$STIX"
expect push-stix-again 0 'd["status_type"]' "SUCCESS"
run push-two-files push "${A[@]}" "$INBOX" --collection public-feed "$EIQ" "$EIQ"
expect push-two-files 0 '(d["status_type"], len(d["pushed"]))' "('SUCCESS', 2)"

run collections-volume collections "${A[@]}" "$COLLECTIONS"
expect collections-volume 0 '[(c["name"], c["volume"]) for c in d["collections"]]' \
  "[('stix-feed', 3), ('json-set', 1), ('public-feed', 2)]"

# ------------------------------------------------------------------ poll
# The authenticated poll service answers at most 2 blocks per part: 3 blocks -> 2 parts.
run poll-all poll "${A[@]}" "$POLL" --collection stix-feed
expect poll-all-multipart 0 '(d["parts"], d["content_blocks"], d["record_count"])' \
  "(2, 3, {'count': 3, 'partial': False})"
expect poll-all-order 0 '[(b["part"], b["index"], b["binding_id"]) for b in d["blocks"]]' \
  "[(1, 1, '$STIX12'), (1, 2, '$EIQ_JSON'), (2, 1, '$STIX12')]"
expect poll-json-byte-identical 0 \
  '[b["content"] for b in d["blocks"] if b["binding_id"] == "'"$EIQ_JSON"'"] == [open("'"$EIQ"'").read()]' \
  "True"

run poll-out poll "${A[@]}" "$POLL" --collection stix-feed --out "$SCRATCH/polled"
expect poll-out-files 0 '[b["file"].rsplit("/", 1)[-1] for b in d["blocks"]]' \
  "['stix-feed_part0001_0001.xml', 'stix-feed_part0001_0002.json', 'stix-feed_part0002_0001.xml']"
if cmp -s "$SCRATCH/polled/stix-feed_part0001_0002.json" "$EIQ"; then
  pass poll-out-json-file-identical
else
  fail poll-out-json-file-identical "polled JSON file differs from $EIQ"
fi
if grep -q 'id="example:indicator-6f1e3c52-8a0b-4c59-9d2e-1b7a40c0d002"' "$SCRATCH/polled/stix-feed_part0001_0001.xml" &&
   python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$SCRATCH/polled/stix-feed_part0001_0001.xml" 2>/dev/null; then
  pass poll-out-xml-file-standalone
else
  fail poll-out-xml-file-standalone "polled STIX file is not a well-formed standalone package with the pushed indicator"
fi

run poll-begin poll "${A[@]}" "$POLL" --collection stix-feed --begin "$BEGIN"
expect poll-begin 0 '[b["binding_id"] for b in d["blocks"]]' "['$EIQ_JSON', '$STIX12']"

run poll-window poll "${A[@]}" "$POLL" --collection stix-feed --begin "$BEGIN" --end "$END"
expect poll-begin-end 0 '([b["binding_id"] for b in d["blocks"]], d["blocks"][0]["content"] == open("'"$EIQ"'").read())' \
  "(['$EIQ_JSON'], True)"

run poll-binding-json poll "${A[@]}" "$POLL" --collection stix-feed --binding "$EIQ_JSON"
expect poll-binding-filter-json 0 '[b["binding_id"] for b in d["blocks"]]' "['$EIQ_JSON']"

run poll-binding-stix poll "${A[@]}" "$POLL" --collection stix-feed --binding "$STIX12"
expect poll-binding-filter-stix 0 '(d["parts"], [b["binding_id"] for b in d["blocks"]])' \
  "(1, ['$STIX12', '$STIX12'])"

run poll-data-set poll "${A[@]}" "$POLL" --collection json-set
expect poll-data-set 0 '[b["content"] == open("'"$EIQ"'").read() for b in d["blocks"]]' "[True]"

run poll-public-feed poll "${A[@]}" "$POLL" --collection public-feed
expect poll-two-file-push 0 'd["content_blocks"]' "2"

# ------------------------------------------------------------------ subscription
run sub-subscribe subscribe "${A[@]}" "$COLLECTIONS" --collection stix-feed --action subscribe
expect subscribe 0 '[s["status"] for s in d["subscriptions"]]' "['ACTIVE']"
SUB="$(py sub-subscribe 'd["subscriptions"][0]["subscription_id"]' 2>/dev/null || true)"

run sub-status subscribe "${A[@]}" "$COLLECTIONS" --collection stix-feed --action status --id "$SUB"
expect subscription-status 0 '[(s["subscription_id"], s["status"]) for s in d["subscriptions"]]' "[('$SUB', 'ACTIVE')]"
run sub-pause subscribe "${A[@]}" "$COLLECTIONS" --collection stix-feed --action pause --id "$SUB"
expect subscription-pause 0 '[s["status"] for s in d["subscriptions"]]' "['PAUSED']"
run sub-resume subscribe "${A[@]}" "$COLLECTIONS" --collection stix-feed --action resume --id "$SUB"
expect subscription-resume 0 '[s["status"] for s in d["subscriptions"]]' "['ACTIVE']"
run poll-subscription poll "${A[@]}" "$POLL" --collection stix-feed --subscription-id "$SUB"
expect poll-by-subscription 0 '(d["parts"], d["content_blocks"])' "(2, 3)"
run sub-unsubscribe subscribe "${A[@]}" "$COLLECTIONS" --collection stix-feed --action unsubscribe --id "$SUB"
expect subscription-unsubscribe 0 '[s["status"] for s in d["subscriptions"]]' "['UNSUBSCRIBED']"

# ------------------------------------------------------------------ TAXII 1.0
run discover-10 discover "${A[@]}" --taxii-version 1.0 "$DISCOVERY"
expect discover-taxii-1.0 0 'sorted(s["service_type"] for s in d["services"])' \
  "['DISCOVERY', 'FEED_MANAGEMENT', 'INBOX', 'POLL']"
run collections-10 collections "${A[@]}" --taxii-version 1.0 "$COLLECTIONS"
expect feeds-taxii-1.0 0 '[c["name"] for c in d["collections"]]' "['stix-feed', 'json-set', 'public-feed']"
# TAXII 1.0 has no result parts: OpenTAXII answers the first part only (2 blocks here).
run poll-10 poll "${A[@]}" --taxii-version 1.0 "$POLL" --collection stix-feed
expect poll-taxii-1.0 0 '(d["parts"], [b["binding_id"] for b in d["blocks"]])' "(1, ['$STIX12', '$EIQ_JSON'])"
LAST=poll-10-public
set +e
timeout 60 "$TAXII" poll --json --taxii-version 1.0 "$BASE/services/public/poll" --collection stix-feed \
  > "$SCRATCH/poll-10-public.out" 2> "$SCRATCH/poll-10-public.err"
RC=$?
set -e
expect poll-taxii-1.0-public 0 'd["content_blocks"]' "3"
run poll-10-window poll "${A[@]}" --taxii-version 1.0 "$POLL" --collection stix-feed --begin "$BEGIN" --end "$END"
expect poll-taxii-1.0-window 0 '[b["binding_id"] for b in d["blocks"]]' "['$EIQ_JSON']"

# ------------------------------------------------------------------ errors
run_as taxii wrong-password bad-credentials discover --allow-plain-http-auth "$DISCOVERY"
expect_error bad-credentials 1 '^taxii: TAXII status UNAUTHORIZED'
run_as taxii wrong-password bad-credentials-poll poll --allow-plain-http-auth "$POLL" --collection stix-feed
expect_error bad-credentials-poll 1 '^taxii: TAXII status UNAUTHORIZED'
run unknown-collection poll --allow-plain-http-auth "$POLL" --collection no-such-collection
expect_error unknown-collection 1 '^taxii: TAXII status NOT_FOUND: .*no-such-collection'
run unknown-collection-json poll "${A[@]}" "$POLL" --collection no-such-collection
expect unknown-collection-json 1 '(d["error"], d["status"]["status_type"])' "('status', 'NOT_FOUND')"
run_as reader reader-pass unreadable-collection poll --allow-plain-http-auth "$POLL" --collection json-set
expect_error unreadable-collection 1 '^taxii: TAXII status NOT_FOUND'
run_as reader reader-pass reader-push push --allow-plain-http-auth "$INBOX" --collection stix-feed "$EIQ"
expect_error push-without-permission 1 '^taxii: TAXII status UNAUTHORIZED: .*can not write'
run plain-http-credentials discover "$DISCOVERY"
expect_error plain-http-credentials-refused 2 'refusing to send credentials over plain http'
run unknown-path discover --allow-plain-http-auth "$BASE/services/no-such-service"
expect_error unknown-path 2 'HTTP status 404'

# ------------------------------------------------------------------ HTTPS
# OpenTAXII has no TLS of its own: a stdlib-Python TLS relay in front of it, with a throwaway CA,
# a server certificate for 127.0.0.1 and a required client certificate (all made by openssl here).
if command -v openssl >/dev/null 2>&1; then
  T="$SCRATCH/tls"
  mkdir -p "$T"
  ossl() { openssl "$@" >/dev/null 2>&1; }
  ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -subj "/CN=interop-opentaxii test CA" -keyout "$T/ca.key" -out "$T/ca.pem"
  for who in server client; do
    ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=interop $who" \
      -keyout "$T/$who.key" -out "$T/$who.csr"
  done
  printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$T/server.ext"
  printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n' > "$T/client.ext"
  for who in server client; do
    ossl x509 -req -in "$T/$who.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -days 1 \
      -extfile "$T/$who.ext" -out "$T/$who.pem"
  done
  cat "$T/client.pem" "$T/client.key" > "$T/client-with-key.pem"
  TLS_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  python3 - "$TLS_PORT" "$PORT" "$T" > "$T/relay.log" 2>&1 <<'PY' &
import socket, ssl, sys, threading
listen_port, target_port, d = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(d + "/server.pem", d + "/server.key")
ctx.load_verify_locations(d + "/ca.pem")
ctx.verify_mode = ssl.CERT_REQUIRED          # TLS client authentication
server = socket.socket()
server.bind(("127.0.0.1", listen_port))
server.listen(16)
print("ready", flush=True)

def pipe(src, dst):
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

def handle(raw):
    try:
        tls = ctx.wrap_socket(raw, server_side=True)
    except (ssl.SSLError, OSError):
        raw.close()
        return
    upstream = socket.create_connection(("127.0.0.1", target_port))
    threading.Thread(target=pipe, args=(upstream, tls), daemon=True).start()
    pipe(tls, upstream)

while True:
    conn, _ = server.accept()
    threading.Thread(target=handle, args=(conn,), daemon=True).start()
PY
  relay_pid=$!
  for _ in $(seq 50); do grep -q ready "$T/relay.log" && break; sleep 0.1; done
  HTTPS="https://127.0.0.1:$TLS_PORT"
  run tls-unknown-issuer discover "$HTTPS/services/discovery" --client-cert "$T/client-with-key.pem"
  expect_error tls-verification-on-by-default 2 'invalid peer certificate|UnknownIssuer'
  run tls-discover discover --json "$HTTPS/services/discovery" --ca-cert "$T/ca.pem" \
    --client-cert "$T/client.pem" --client-key "$T/client.key"
  expect tls-ca-cert-and-client-cert 0 'len(d["services"])' "4"
  run tls-poll poll --json "$HTTPS/services/poll" --collection stix-feed --ca-cert "$T/ca.pem" \
    --client-cert "$T/client-with-key.pem"
  expect tls-poll-multipart-key-in-cert-file 0 '(d["parts"], d["content_blocks"])' "(2, 3)"
  run tls-no-client-cert discover "$HTTPS/services/discovery" --ca-cert "$T/ca.pem"
  expect_error tls-client-cert-required 2 "^taxii: $HTTPS/services/discovery: "
else
  echo "SKIP https: openssl is missing (no certificates for the TLS relay)"
fi

echo "opentaxii: $passed passed, $failed failed"
[ "$failed" = 0 ]
