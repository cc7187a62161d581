#!/usr/bin/env bash
# Fuzz smoke run: builds the cargo-fuzz crate in fuzz/, seeds each target's corpus from the
# project's test data (and ../shared when it is there), runs every target for FUZZ_SECONDS, and
# prints one line per target with executions and coverage. Exits non-zero when any target
# crashes, times out or runs out of memory; the reproducer is under fuzz/artifacts/<target>/.
#
# Environment:
#   FUZZ_SECONDS   seconds per target (default 10)
#   FUZZ_TARGETS   space-separated targets to run (default: every target in fuzz/Cargo.toml)
#   FUZZ_TIMEOUT   seconds one input may take before libFuzzer calls it a hang (default 10)
#   FUZZ_MAX_LEN   largest input libFuzzer generates, in bytes (default 65536); seed files
#                  larger than this are not copied (they would only be truncated and slow
#                  every run down)
#   SHARED_DIR     the read-only reference material (default: ../shared beside the repo)
#
# The toolchain is stable only: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its nightly flags.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
fuzz_dir="$root/fuzz"
shared="${SHARED_DIR:-$root/../shared}"
seconds="${FUZZ_SECONDS:-10}"
timeout="${FUZZ_TIMEOUT:-10}"
max_len="${FUZZ_MAX_LEN:-65536}"
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz missing: installing it (cached in ~/.cargo/bin)"
  cargo install cargo-fuzz --locked
fi

cd "$fuzz_dir"
if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  mapfile -t targets < <(cargo fuzz list)
fi

echo "building fuzz targets: ${targets[*]}"
build_log="$(mktemp)"
trap 'rm -f "$build_log"' EXIT
for target in "${targets[@]}"; do
  if ! cargo fuzz build "$target" >"$build_log" 2>&1; then
    cat "$build_log" >&2
    echo "fuzz build of $target failed" >&2
    exit 1
  fi
done

# Copies every regular file no larger than max_len under the given directories into
# corpus/<target>, named by source path so files with the same base name do not collide.
# A directory that is not there is reported (when it should be) and skipped.
seed() {
  local target="$1" required="$2"
  shift 2
  local dest="$fuzz_dir/corpus/$target"
  mkdir -p "$dest"
  local dir file name copied skipped note
  for dir in "$@"; do
    if [ ! -d "$dir" ]; then
      [ "$required" = required ] && echo "  $target: no seeds at $dir (skipped)"
      continue
    fi
    copied=0
    skipped=0
    while IFS= read -r -d '' file; do
      if [ "$(stat -c %s "$file")" -gt "$max_len" ]; then
        skipped=$((skipped + 1))
        continue
      fi
      name="seed-$(printf '%s' "${file#"$dir"/}" | tr '/' '_')"
      cp -f "$file" "$dest/$name"
      copied=$((copied + 1))
    done < <(find "$dir" -type f ! -name '*.md' -print0)
    note=""
    [ "$skipped" -gt 0 ] && note=" ($skipped larger than $max_len bytes left out)"
    echo "  $target: $copied seeds from ${dir#"$root"/}$note"
  done
}

echo "preparing seed corpora in fuzz/corpus/"
for target in "${targets[@]}"; do
  seed "$target" optional "$fuzz_dir/seeds/$target"
  case "$target" in
    taxii_message)
      seed "$target" required "$root/taxii1-core/tests/data/corpus/valid" \
        "$root/taxii1-core/tests/data/corpus/invalid" ;;
    eiq_json) seed "$target" required "$shared/corpus/eiq" ;;
    misp_json | misp_incoming) seed "$target" required "$shared/corpus/misp/events" ;;
    mapping) seed "$target" required "$shared/corpus/eiq" ;;
    taxii_http_response)
      # The target's input is a 2-byte status, header lines, an empty line and the body:
      # wrap each valid TAXII message as a 200 response (also a POST request) in its version.
      mkdir -p "$fuzz_dir/corpus/$target"
      for file in "$root"/taxii1-core/tests/data/corpus/valid/*; do
        [ -f "$file" ] && [ "$(stat -c %s "$file")" -le "$max_len" ] || continue
        v=1.1
        grep -q 'taxii_xml_binding-1.0' "$file" && v=1.0
        { printf '\x00\xc8content-type: application/xml\r\nx-taxii-content-type: urn:taxii.mitre.org:message:xml:%s\r\nx-taxii-services: urn:taxii.mitre.org:services:%s\r\n\r\n' "$v" "$v"
          cat "$file"; } >"$fuzz_dir/corpus/$target/seed-http-$(basename "$file")"
        # The same with basic-auth credentials and X-TAXII-Accept, which no peer answer carries.
        { printf '\x00\xc8content-type: application/xml\r\nx-taxii-content-type: urn:taxii.mitre.org:message:xml:%s\r\nx-taxii-services: urn:taxii.mitre.org:services:%s\r\nx-taxii-accept: urn:taxii.mitre.org:message:xml:%s\r\nauthorization: Basic dGF4aWk6c2VjcmV0\r\n\r\n' "$v" "$v" "$v"
          cat "$file"; } >"$fuzz_dir/corpus/$target/seed-http-auth-$(basename "$file")"
      done
      echo "  $target: wrapped taxii1-core/tests/data/corpus/valid as HTTP exchanges (also with credentials and X-TAXII-Accept)" ;;
    feed_config)
      # The target's first byte picks the format (even TOML, odd JSON): the example feed files
      # as written, and the same files as JSON when python3 can convert them.
      dest="$fuzz_dir/corpus/$target"
      mkdir -p "$dest"
      for file in "$root"/examples/feeds/*.toml; do
        [ -f "$file" ] || continue
        { printf '\x00'; cat "$file"; } >"$dest/seed-toml-$(basename "$file")"
        if command -v python3 >/dev/null; then
          { printf '\x01'; python3 -c 'import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], "rb")), indent=2))' "$file" 2>/dev/null; } \
            >"$dest/seed-json-$(basename "$file" .toml).json" || true
        fi
      done
      echo "  $target: examples/feeds/*.toml, as TOML and as JSON" ;;
    misp_feed_rest)
      # The target's first byte picks the input: 0 manifest.json, 1 hashes.csv, 2 a REST
      # answer (then a 2-byte status and the body). Seeds: the shared feed's two index files
      # and the MISP answers recorded in the PyMISP captures.
      dest="$fuzz_dir/corpus/$target"
      mkdir -p "$dest"
      copied=0
      while IFS= read -r -d '' file; do
        case "$(basename "$file")" in
          manifest.json) prefix='\x00' ;;
          hashes.csv) prefix='\x01' ;;
          *) continue ;;
        esac
        [ "$(stat -c %s "$file")" -le "$max_len" ] || continue
        { printf "$prefix"; cat "$file"; } >"$dest/seed-feed-$copied-$(basename "$file")"
        copied=$((copied + 1))
      done < <(find "$shared/corpus/misp/feeds" -type f -print0 2>/dev/null)
      echo "  $target: $copied feed index files from ../shared/corpus/misp/feeds"
      captures="$shared/peers/misp/captures"
      if [ -d "$captures" ] && command -v python3 >/dev/null; then
        python3 - "$captures" "$dest" <<'PY'
import json, pathlib, sys
captures, dest = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
count = 0
for path in sorted(captures.glob("[0-9]*.json")):
    response = json.loads(path.read_text()).get("response") or {}
    if "status" not in response:
        continue
    body = json.dumps(response.get("body_json")).encode()
    (dest / f"seed-rest-{path.stem}").write_bytes(b"\x02" + response["status"].to_bytes(2, "big") + body)
    count += 1
print(f"  misp_feed_rest: {count} recorded MISP answers from ../shared/peers/misp/captures")
PY
      else
        echo "  $target: no PyMISP captures (or no python3) at $captures (skipped)"
      fi ;;
  esac
  # Earlier crashes stay in the corpus so a smoke run re-checks them first.
  seed "$target" optional "$fuzz_dir/regressions/$target"
done

mkdir -p "$fuzz_dir/artifacts"
failed=()
for target in "${targets[@]}"; do
  log="$fuzz_dir/artifacts/smoke-$target.log"
  status=0
  cargo fuzz run "$target" -- \
    -max_total_time="$seconds" -timeout="$timeout" -max_len="$max_len" \
    -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  execs="$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || true)"
  cov_line="$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 || true)"
  cov="$(grep -o 'cov: [0-9]*' <<<"$cov_line" | grep -o '[0-9]*$' || true)"
  ft="$(grep -o 'ft: [0-9]*' <<<"$cov_line" | grep -o '[0-9]*$' || true)"
  corp="$(grep -o 'corp: [0-9]*' <<<"$cov_line" | grep -o '[0-9]*$' || true)"
  if [ "$status" -eq 0 ]; then
    verdict="ok"
  else
    artifact="$(grep -o 'Test unit written to .*' "$log" | tail -n 1 | sed 's/^Test unit written to //' || true)"
    verdict="FAILED (exit $status${artifact:+, reproducer $artifact}; log $log)"
    failed+=("$target")
  fi
  printf '%-14s execs=%s cov=%s ft=%s corpus=%s %ss: %s\n' \
    "$target" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$seconds" "$verdict"
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz smoke failed: ${failed[*]}" >&2
  for target in "${failed[@]}"; do
    echo "--- last lines of fuzz/artifacts/smoke-$target.log" >&2
    tail -n 40 "$fuzz_dir/artifacts/smoke-$target.log" >&2
  done
  exit 1
fi
echo "fuzz smoke passed: ${#targets[@]} targets, ${seconds}s each"
