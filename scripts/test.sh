#!/usr/bin/env bash
# The README's test command: installs what the tests need on a fresh machine (xmllint from
# Debian's libxml2-utils; Python venvs under target/ for libtaxii, OpenTAXII, cabby and PyMISP,
# created by the interop scripts), runs the whole workspace test suite, then every interop check
# against the real peers (scripts/interop-*.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# xmllint validates our written XML against the official TAXII XSDs.
if ! command -v xmllint >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxml2-utils >/dev/null
  else
    echo "xmllint missing and cannot install it (need root + apt-get): XSD checks will be skipped" >&2
  fi
fi

cargo test --workspace --locked

failed=0
for step in scripts/interop-*.sh; do
  [ -e "$step" ] || continue
  echo "--- $step"
  if ! "$step"; then
    echo "FAILED: $step" >&2
    failed=1
  fi
done
exit "$failed"
