#!/usr/bin/env bash
# PyMISP interop check for misp-model: every corpus MISP document is written back through our
# `misp check` (normalised output), then PyMISP loads the original and ours and compares them
# (scripts/pymisp_compare.py). Prints "N passed, M failed" last; exits non-zero on a failure.
# Skips (exit 0) when ../shared is absent. PyMISP's version is the one the shared MISP notes name.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=../shared
if [ ! -d "$SHARED/corpus/misp/events" ]; then
  echo "interop-misp: skipped: $SHARED/corpus/misp/events is absent"
  exit 0
fi

PYMISP_VERSION=2.5.34.4
VENV=target/interop-venv-misp
if ! "$VENV/bin/python" -c "import pymisp, sys; sys.exit(pymisp.__version__ != '$PYMISP_VERSION')" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "pymisp==$PYMISP_VERSION"
fi

# MISP_BIN may name an already built binary (e.g. from another target directory).
if [ -z "${MISP_BIN:-}" ]; then
  cargo build -q -p examples --bin misp
fi
MISP=${MISP_BIN:-${CARGO_TARGET_DIR:-target}/debug/misp}

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

files=()
while IFS= read -r f; do files+=("$f"); done < <(
  find "$SHARED/corpus/misp/events" "$SHARED/corpus/misp/feeds" "$SHARED/peers/misp/pymisp-feed-output" \
    -name '*.json' ! -name manifest.json | sort
)

for f in "${files[@]}"; do
  name=${f#"$SHARED"/}
  name=${name//\//__}
  set +e
  "$MISP" check --lax "$f" >"$OUT/$name.out" 2>"$OUT/$name.err"
  echo $? >"$OUT/$name.rc"
  set -e
done

"$VENV/bin/python" scripts/pymisp_compare.py "$SHARED" "$OUT" "${files[@]}"
