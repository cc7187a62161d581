#!/usr/bin/env bash
# identity-taxii.sh -- a stand-in for the `taxii` CLI that "re-writes" a message
# by printing the input unchanged.  Self-check for scripts/interop-libtaxii.sh:
#   TAXII_BIN=scripts/peers/identity-taxii.sh scripts/interop-libtaxii.sh
# must report every file libtaxii-equal (only libtaxii's own schema-invalid
# "lenient" files fail the XSD check, as expected).
set -euo pipefail
if [ "$#" -ne 2 ] || [ "$1" != parse ]; then
  echo "usage: identity-taxii.sh parse FILE" >&2
  exit 2
fi
cat -- "$2"
