#!/usr/bin/env bash
# The README's test command: installs what the tests need on a fresh machine, runs the whole
# workspace test suite, then the interop checks against the real Python peers.
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

for step in scripts/interop-*.sh; do
  [ -e "$step" ] || continue
  echo "--- $step"
  "$step"
done
