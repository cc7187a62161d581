#!/usr/bin/env bash
# interop-libtaxii.sh -- does libtaxii read our re-written TAXII XML as it reads the original?
#
# For every file that ../shared/corpus/taxii/manifest.json marks valid (expect accept,
# lenient or accept_inert) this script
#   1. runs `taxii parse FILE` and keeps the XML it prints (our re-written message);
#   2. parses the original and ours with libtaxii 1.1.119 (messages_10 / messages_11 by the
#      manifest's version) and compares the two to_dict() results (scripts/libtaxii_compare.py);
#   3. validates ours with xmllint against the TAXII XML binding XSD of that version.
# It prints a line per failure, then
#   libtaxii-equal: N passed, M failed
#   xsd-valid: N passed, M failed
# and exits 1 if anything failed.
#
# Usage: scripts/interop-libtaxii.sh            (from anywhere; paths are relative to the repo)
# Environment (all optional):
#   TAXII_BIN            command used instead of the freshly built target/debug/taxii; it is
#                        word-split, then called as  $TAXII_BIN parse FILE  (self-check:
#                        TAXII_BIN=scripts/peers/identity-taxii.sh)
#   TAXII_LENIENT_ARGS   extra arguments placed before FILE for "lenient" corpus files, once
#                        the CLI has a lenient mode (e.g. TAXII_LENIENT_ARGS=--lenient)
#   TAXII_INTEROP_PYTHON interpreter that creates the venv (default python3)
#   TAXII_INTEROP_KEEP   set to 1 to keep the temporary directory with our outputs
#
# CLI contract: `taxii parse FILE` prints the message re-written as XML on stdout and exits 0;
# on invalid input it prints one error line on stderr and exits 1.  Any other exit status
# (a panic, a signal, a 60 s timeout) is a failure even for lenient files.
#
# The venv lives in target/interop-venv-taxii and is created once (about 10 s with a warm
# PyPI connection); it is rebuilt only when the pinned set below changes or is incomplete.
# Without ../shared/corpus/taxii the script says so and exits 0; without xmllint (Debian
# package libxml2-utils) it skips the XSD part.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SHARED="$ROOT/../shared"
CORPUS="$SHARED/corpus/taxii"
SCHEMAS="$SHARED/schemas/taxii"
VENV="$ROOT/target/interop-venv-taxii"
COMPARE="$ROOT/scripts/libtaxii_compare.py"

say() { echo "interop-libtaxii: $*"; }
die() { echo "interop-libtaxii: error: $*" >&2; exit 2; }

if [ ! -f "$CORPUS/manifest.json" ]; then
  say "skipped: no TAXII corpus at $CORPUS (shared/ is not beside the repo)"
  exit 0
fi

# ------------------------------------------------------------------ venv
# The versions shared/docs/taxii-corpus.md used to build the corpus; lxml and six pinned
# too so that libtaxii's serialisation (and so to_dict()) is the documented one.
# legacy-cgi: libtaxii imports the stdlib cgi module, removed in Python 3.13.
PINS='libtaxii==1.1.119
python-dateutil==2.9.0.post0
lxml==6.1.3
six==1.17.0
legacy-cgi==2.6.4; python_version >= "3.13"'
MARKER="$VENV/interop-pins.txt"

venv_complete() {
  [ -x "$VENV/bin/python" ] && [ "$(cat "$MARKER" 2>/dev/null)" = "$PINS" ] &&
    "$VENV/bin/python" -c 'import libtaxii.messages_11, libtaxii.taxii_default_query, dateutil' 2>/dev/null
}

if ! venv_complete; then
  PYTHON="${TAXII_INTEROP_PYTHON:-python3}"
  command -v "$PYTHON" >/dev/null 2>&1 || die "'$PYTHON' not found (set TAXII_INTEROP_PYTHON)"
  say "creating $VENV with $("$PYTHON" --version 2>&1)"
  rm -rf "$VENV"
  mkdir -p "$ROOT/target"
  "$PYTHON" -m venv "$VENV" || die "'$PYTHON -m venv' failed (Debian: apt-get install python3-venv)"
  printf '%s\n' "$PINS" > "$VENV/interop-requirements.txt"
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q \
    -r "$VENV/interop-requirements.txt" || die "pip install of the pinned libtaxii set failed"
  printf '%s\n' "$PINS" > "$MARKER"
  venv_complete || die "venv $VENV is still incomplete after pip install"
fi
PY="$VENV/bin/python"

# ------------------------------------------------------------- our CLI
if [ -n "${TAXII_BIN:-}" ]; then
  read -r -a TAXII_CMD <<< "$TAXII_BIN"
else
  say "building the taxii CLI (cargo build --locked -q -p examples --bin taxii)"
  (cd "$ROOT" && cargo build --locked -q -p examples --bin taxii) || die "building the taxii CLI failed"
  TAXII_CMD=("${CARGO_TARGET_DIR:-$ROOT/target}/debug/taxii")
fi
read -r -a LENIENT_ARGS <<< "${TAXII_LENIENT_ARGS:-}"

# -------------------------------------------------------------- xmllint
XMLLINT=1
if ! command -v xmllint >/dev/null 2>&1; then
  XMLLINT=0
  say "xmllint not found (Debian: apt-get install libxml2-utils): XSD validation skipped"
elif [ ! -f "$SCHEMAS/TAXII_XMLMessageBinding_Schema_11.xsd" ]; then
  XMLLINT=0
  say "no XSDs at $SCHEMAS: XSD validation skipped"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/interop-libtaxii.XXXXXX")"
if [ "${TAXII_INTEROP_KEEP:-0}" = 1 ]; then
  say "keeping outputs in $WORK"
else
  trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK/ours/valid"
: > "$WORK/pairs.tsv"

"$PY" "$COMPARE" list "$CORPUS/manifest.json" > "$WORK/valid.tsv"
total=$(wc -l < "$WORK/valid.tsv")
[ "$total" -gt 0 ] || die "the manifest lists no valid files"

cli_failed=0      # accept/accept_inert files our CLI rejected or crashed on; lenient crashes
strict_rejected=0 # lenient files rejected cleanly (exit 1): reported, not failures
xsd_passed=0
xsd_failed=0
xsd_lenient_invalid=0

while IFS=$'\t' read -r name version expect; do
  original="$CORPUS/$name"
  ours="$WORK/ours/$name"
  args=()
  [ "$expect" = lenient ] && args=("${LENIENT_ARGS[@]}")
  set +e
  timeout 60 "${TAXII_CMD[@]}" parse "${args[@]}" "$original" > "$ours" 2> "$WORK/stderr"
  status=$?
  set -e
  first_error="$(head -n 1 "$WORK/stderr")"
  if [ "$status" = 1 ] && [ "$expect" = lenient ]; then
    strict_rejected=$((strict_rejected + 1))
    echo "NOTE $name: rejected (strict): $first_error"
    continue
  elif [ "$status" = 1 ]; then
    cli_failed=$((cli_failed + 1))
    echo "FAIL libtaxii-equal $name: taxii parse rejected a valid ($expect) file: $first_error"
    continue
  elif [ "$status" != 0 ]; then
    cli_failed=$((cli_failed + 1))
    [ "$status" = 124 ] && first_error="timed out after 60 s"
    echo "FAIL libtaxii-equal $name: taxii parse exited $status (contract: 0 or 1): $first_error"
    continue
  fi
  printf '%s\t%s\t%s\t%s\n' "$name" "$version" "$original" "$ours" >> "$WORK/pairs.tsv"

  if [ "$XMLLINT" = 1 ]; then
    if [ "$version" = 1.0 ]; then xsd="$SCHEMAS/TAXII_XMLMessageBinding_Schema.xsd"
    else xsd="$SCHEMAS/TAXII_XMLMessageBinding_Schema_11.xsd"; fi
    if xmllint --noout --nonet --schema "$xsd" "$ours" > "$WORK/xmllint.out" 2>&1; then
      xsd_passed=$((xsd_passed + 1))
    else
      # First xmllint message, "FILE:LINE: element X: Schemas validity error : ..." -> "line LINE: ..."
      detail="$(grep -v ' fails to validate$' "$WORK/xmllint.out" | head -n 1 |
        sed -e "s|^$ours:\([0-9]*\): |line \1: |" -e 's/Schemas validity error : //' | cut -c1-300)"
      if [ "$expect" = lenient ]; then
        # The manifest's lenient files are libtaxii output that breaks the XSD; a faithful
        # re-write of them cannot be schema-valid either.
        xsd_lenient_invalid=$((xsd_lenient_invalid + 1))
        echo "NOTE $name: lenient input, our output breaks the XSD as expected: $detail"
      else
        xsd_failed=$((xsd_failed + 1))
        echo "FAIL xsd-valid $name: $detail"
      fi
    fi
  fi
done < "$WORK/valid.tsv"

set +e
"$PY" "$COMPARE" compare "$WORK/pairs.tsv" "$WORK/counts"
compare_status=$?
set -e
read -r eq_passed eq_failed < "$WORK/counts" || die "libtaxii_compare.py crashed (exit $compare_status)"
eq_failed=$((eq_failed + cli_failed))

[ "$strict_rejected" = 0 ] ||
  say "$strict_rejected lenient file(s) rejected (strict), not counted (set TAXII_LENIENT_ARGS once the CLI has a lenient mode)"
echo "libtaxii-equal: $eq_passed passed, $eq_failed failed"
if [ "$XMLLINT" = 1 ]; then
  [ "$xsd_lenient_invalid" = 0 ] ||
    say "$xsd_lenient_invalid lenient output(s) schema-invalid as expected, not counted"
  echo "xsd-valid: $xsd_passed passed, $xsd_failed failed"
else
  echo "xsd-valid: skipped (no xmllint or no XSDs)"
fi

[ "$eq_failed" = 0 ] && [ "$xsd_failed" = 0 ]
