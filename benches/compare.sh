#!/usr/bin/env bash
# Runs the Python reference implementations (libtaxii 1.1.119, PyMISP) and our command-line
# tools on the very same generated inputs, in one run, and prints throughput, ratios and peak
# RSS side by side. Installs the Python side in a venv under target/ on first use.
#
# Usage: benches/compare.sh [RUNS]      (default 5 runs per measurement; medians are reported)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
venv=target/bench-venv
work=target/bench-inputs
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import libtaxii, pymisp' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'libtaxii==1.1.119' 'python-dateutil==2.9.0.post0' 'pymisp==2.5.34.4'
  if "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 13))'; then
    "$venv/bin/pip" install -q 'legacy-cgi==2.6.4'
  fi
fi
cargo build --release --locked -q -p benches --bin gen-bench-inputs -p examples --bin taxii --bin misp
target/release/gen-bench-inputs "$work" >/dev/null

# Median wall time of a command over $runs runs, and its peak RSS in KiB.
measure() {
  local best=() rss=0 tmp
  tmp=$(mktemp)
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -o "$tmp" -f '%M' "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    best+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')")
    rss=$(tail -n1 "$tmp")
  done
  rm -f "$tmp"
  printf '%s\n' "${best[@]}" | sort -n | awk -v r="$rss" '{a[NR]=$1} END {print a[int((NR+1)/2)], r}'
}

mbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (s <= 0) s = 0.001; printf "%.1f", b / 1e6 / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) b = 0.001; printf "%.1fx", a / b }'; }

# The libtaxii anchor's own inputs (shared/corpus/taxii/bench_libtaxii.py scenarios a, b, c), when
# the reference material is beside the repository: the issue's libtaxii figures were taken on these.
anchors=()
shared="${SHARED_DIR:-../shared}"
if [ -f "$shared/corpus/taxii/bench_libtaxii.py" ]; then
  "$venv/bin/python" - "$shared/corpus/taxii" "$work" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import bench_libtaxii
for s in "abc":
    path, size, sha, blocks = bench_libtaxii.ensure_input(sys.argv[2], s)
    print(f"anchor {s}: {size} bytes, {blocks} blocks, sha256 {sha}", file=sys.stderr)
PY
  anchors=(poll_response_a poll_response_b poll_response_c)
else
  echo "note: $shared/corpus/taxii/bench_libtaxii.py not found; anchor inputs skipped" >&2
fi

printf '%-28s %10s %12s %10s %12s %8s %14s %14s\n' scenario bytes "python s" "python MB/s" "ours s" "ours MB/s" speedup "RSS py/ours MiB"
for name in taxii-stix-1000x2KB taxii-json-1000x2KB taxii-stix-20MiB "${anchors[@]}"; do
  file="$work/$name.xml"
  bytes=$(stat -c %s "$file")
  py=$("$venv/bin/python" benches/compare_py.py taxii-parse "$file" "$runs")
  py_s=$(echo "$py" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["median_s"])')
  py_rss=$(echo "$py" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["peak_rss_kib"])')
  read -r ours_s ours_rss < <(measure target/release/taxii parse --summary --max-mib 100 "$file")
  printf '%-28s %10s %12.3f %10s %12.3f %8s %14s %14s\n' "$name parse" "$bytes" "$py_s" "$(mbps "$bytes" "$py_s")" \
    "$ours_s" "$(mbps "$bytes" "$ours_s")" "$(ratio "$py_s" "$ours_s")" "$((py_rss / 1024))/$((ours_rss / 1024))"
done
for n in 10k 100k; do
  file="$work/misp-event-$n.json"
  bytes=$(stat -c %s "$file")
  py=$("$venv/bin/python" benches/compare_py.py misp "$file" "$(( runs < 3 ? runs : 3 ))")
  py_s=$(echo "$py" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["median_s"])')
  py_rss=$(echo "$py" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["peak_rss_kib"])')
  read -r ours_s ours_rss < <(measure target/release/misp check --lax --max-mib 100 "$file")
  printf '%-28s %10s %12.3f %10s %12.3f %8s %14s %14s\n' "misp $n load+write" "$bytes" "$py_s" "$(mbps "$bytes" "$py_s")" \
    "$ours_s" "$(mbps "$bytes" "$ours_s")" "$(ratio "$py_s" "$ours_s")" "$((py_rss / 1024))/$((ours_rss / 1024))"
done
echo "ours = whole process (read file, parse, write back/summary); python = in-process, after start-up and file read"
