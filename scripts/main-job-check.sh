#!/usr/bin/env bash
# The main job as the README runs it: `cargo run --release -p examples --bin exchange` from the
# repository root, no other set-up. Then checks the MISP feed it leaves in ./exchange-out/:
# the manifest lists the expected events, each <uuid>.json passes our `misp check`, hashes.csv
# names only those events, nothing else is there; a second run writes the same bytes; the inbox
# variant writes the same feed. Prints "main-job: N passed, M failed" last; exits non-zero on a
# failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# The shipped dataset (examples/data/) has two incidents: two MISP events.
EXPECTED_EVENTS=2

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Build first, so the timing below is the exchange and not the compiler.
cargo build -q --release -p examples --bin exchange --bin misp
MISP=${CARGO_TARGET_DIR:-target}/release/misp

# A stale output directory from an earlier run must not decide the result.
rm -rf exchange-out

start=$(date +%s%N)
set +e
cargo run -q --release -p examples --bin exchange >"$TMP/summary.txt" 2>"$TMP/stderr.txt"
status=$?
set -e
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
cat "$TMP/summary.txt"
[ -s "$TMP/stderr.txt" ] && sed 's/^/stderr: /' "$TMP/stderr.txt"
echo "main-job: cargo run took ${elapsed_ms} ms (a rebuild included if sources changed since the build above; the exchange itself: the summary's last line)"

check "exit status 0" test "$status" = 0
check "summary names $EXPECTED_EVENTS MISP events" \
  grep -qx "  mapped:    $EXPECTED_EVENTS MISP events (one per incident)" "$TMP/summary.txt"
check "summary names the output directory" \
  grep -q "^  output:    MISP feed in exchange-out/" "$TMP/summary.txt"
check "summary says what was skipped" grep -q "^  skipped:   [0-9]* items\?$" "$TMP/summary.txt"

if [ -f exchange-out/manifest.json ]; then
  pass "exchange-out/manifest.json exists"
  python3 - exchange-out/manifest.json >"$TMP/uuids.txt" <<'PY' || true
import json, sys
with open(sys.argv[1]) as f:
    for uuid in json.load(f):
        print(uuid)
PY
  check "manifest lists $EXPECTED_EVENTS events" test "$(wc -l <"$TMP/uuids.txt")" = "$EXPECTED_EVENTS"
  while IFS= read -r uuid; do
    if [ -f "exchange-out/$uuid.json" ]; then
      if "$MISP" check "exchange-out/$uuid.json" >/dev/null 2>"$TMP/check.err"; then
        pass "$uuid.json passes misp check"
      else
        fail "$uuid.json fails misp check: $(head -3 "$TMP/check.err")"
      fi
    else
      fail "$uuid.json is missing"
    fi
  done <"$TMP/uuids.txt"
  extra=$(find exchange-out -maxdepth 1 -type f ! -name manifest.json ! -name hashes.csv -printf '%f\n' |
    sed 's/\.json$//' | sort | comm -23 - <(sort "$TMP/uuids.txt"))
  check "no file beyond the manifest's events, hashes.csv and manifest.json" test -z "$extra"
else
  fail "exchange-out/manifest.json is missing"
fi

if [ -s exchange-out/hashes.csv ]; then
  pass "hashes.csv is not empty ($(wc -l <exchange-out/hashes.csv) lines)"
  bad=$(grep -cvE '^[0-9a-f]{32},[0-9a-f-]{36}$' exchange-out/hashes.csv || true)
  check "every hashes.csv line is <md5>,<event uuid>" test "$bad" = 0
  unknown=$(cut -d, -f2 exchange-out/hashes.csv | sort -u | comm -23 - <(sort "$TMP/uuids.txt"))
  check "hashes.csv names only the manifest's events" test -z "$unknown"
else
  fail "hashes.csv is missing or empty"
fi

# Deterministic: the same command again leaves the same bytes.
(cd exchange-out && sha256sum -- * | sort) >"$TMP/first.sha"
cargo run -q --release -p examples --bin exchange >/dev/null 2>&1 || true
(cd exchange-out && sha256sum -- * | sort) >"$TMP/second.sha"
check "a second run writes the same bytes" cmp -s "$TMP/first.sha" "$TMP/second.sha"

# The inbox variant (Alice pushes into Barbara's inbox) gives the same feed.
if cargo run -q --release -p examples --bin exchange -- --transport inbox --out "$TMP/inbox" \
  >/dev/null 2>"$TMP/inbox.err"; then
  (cd "$TMP/inbox" && sha256sum -- * | sort) >"$TMP/inbox.sha"
  check "the inbox variant writes the same feed" cmp -s "$TMP/first.sha" "$TMP/inbox.sha"
else
  fail "the inbox variant: $(cat "$TMP/inbox.err")"
fi

echo "main-job: $passed passed, $failed failed"
[ "$failed" = 0 ]
