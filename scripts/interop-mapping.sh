#!/usr/bin/env bash
# PyMISP loads every event eiq2misp writes: each synthetic EclecticIQ package of
# ../shared/corpus/eiq is mapped (simple-attribute mode and objects mode, tags included) into a
# temporary directory, then PyMISP's MISPEvent.load() reads each <uuid>.json and to_json()
# writes it back. Prints "mapping-pymisp: N passed, M failed" last; exits non-zero on a
# failure. Skips (exit 0) when ../shared is absent. Reuses the venv of interop-misp.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=../shared
if [ ! -d "$SHARED/corpus/eiq" ]; then
  echo "interop-mapping: skipped: $SHARED/corpus/eiq is absent"
  exit 0
fi

PYMISP_VERSION=2.5.34.4
VENV=target/interop-venv-misp
if ! "$VENV/bin/python" -c "import pymisp, sys; sys.exit(pymisp.__version__ != '$PYMISP_VERSION')" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "pymisp==$PYMISP_VERSION"
fi

if [ -z "${EIQ2MISP_BIN:-}" ]; then
  cargo build -q -p examples --bin eiq2misp
fi
EIQ2MISP=${EIQ2MISP_BIN:-${CARGO_TARGET_DIR:-target}/debug/eiq2misp}

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

for f in "$SHARED"/corpus/eiq/synthetic-package-*.json; do
  name=$(basename "$f" .json)
  "$EIQ2MISP" --org "Alice CERT" --out "$OUT/$name" "$f" >/dev/null
  "$EIQ2MISP" --objects --org "Alice CERT" --out "$OUT/$name-objects" "$f" >/dev/null
  "$EIQ2MISP" --feed --objects --out "$OUT/$name-feed" "$f" >/dev/null
done

"$VENV/bin/python" - "$OUT" <<'PY'
import json, pathlib, sys
from pymisp import MISPEvent

root = pathlib.Path(sys.argv[1])
passed = failed = 0
for path in sorted(root.glob("*/*.json")):
    if path.name in ("report.json", "manifest.json"):
        continue
    try:
        original = json.loads(path.read_text())
        event = MISPEvent()
        event.load(original)
        again = json.loads(event.to_json())
        mine = json.loads(path.read_text())["Event"]  # load() consumes `original`
        assert again["uuid"] == mine["uuid"], "uuid changed"
        assert len(event.attributes) == len(mine.get("Attribute", [])), "attribute count"
        assert len(event.objects) == len(mine.get("Object", [])), "object count"
        for ours, theirs in zip(mine.get("Attribute", []), event.attributes):
            assert (ours["type"], ours["value"], ours["category"]) == (theirs.type, theirs.value, theirs.category), ours["value"]
        passed += 1
        print(f"PASS {path.relative_to(root)}")
    except Exception as err:  # report and go on
        failed += 1
        print(f"FAIL {path.relative_to(root)}: {err!r}")
print(f"mapping-pymisp: {passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
PY
