#!/usr/bin/env bash
# The benchmark: one run over the real corpus, every figure from the same machine and run.
#   bash scripts/bench.sh [corpus-dir]
# Prints native lint throughput (one thread and all cores), the parse-only floor (granit-parser
# events, no tree), the Wasm module in Node (when built), and Checkov's Kubernetes framework on
# the same files, each with its peak memory, and the ratios the targets are stated in.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-${REALIP_CORPUS:-../shared/corpus}/real}"
[ -d "$corpus" ] || { echo "no corpus at $corpus"; exit 1; }
cores=$(nproc)
venv="${BENCH_VENV:-$PWD/target/bench-venv}"

cargo build --release --locked -q -p realip-lint-bench -p kubectl-realip-lint
bench=target/release/realip-lint-bench

# run <label> <command...>: prints "label seconds peak-KB" using the command's own timing when it
# prints JSON, else wall time.
measure() {
  local label=$1; shift
  local out
  out=$( { /usr/bin/time -f '__TIME__ %e %M' "$@" ; } 2>&1 >/tmp/realip-bench.out ) || true
  local wall peak
  wall=$(echo "$out" | awk '/__TIME__/{print $2}')
  peak=$(echo "$out" | awk '/__TIME__/{print $3}')
  local secs
  secs=$(python3 -c 'import json,sys
try:
    print(json.load(open("/tmp/realip-bench.out"))["seconds"])
except Exception:
    print(sys.argv[1])' "$wall")
  echo "$label $secs $peak"
}

# peak <label> <command...>: the peak memory of one run as a user makes it (no repeated rounds,
# whose freeing and re-reading would leave the allocator's high-water mark above one run's).
peak() {
  local label=$1; shift
  local kb
  # The lint exits 1 when it finds something: only the figure matters here.
  kb=$( { /usr/bin/time -f '__TIME__ %M' "$@" >/dev/null || true; } 2>&1 | awk '/__TIME__/{print $2}')
  echo "$label $kb"
}

results=$(mktemp)
peaks=$(mktemp)
measure parse-1 "$bench" parse "$corpus" 1 5 >>"$results"
peak parse-1 "$bench" parse "$corpus" 1 1 >>"$peaks"
measure lint-1 "$bench" lint "$corpus" 1 5 >>"$results"
measure "lint-$cores" "$bench" lint "$corpus" "$cores" 5 >>"$results"
# The lint's memory is the command's own: kubectl-realip_lint -o json over the corpus.
peak lint-1 target/release/kubectl-realip_lint -f "$corpus" -R -o json --threads 1 >>"$peaks"
peak "lint-$cores" target/release/kubectl-realip_lint -f "$corpus" -R -o json --threads "$cores" >>"$peaks"
if [ -f wasm/bench.mjs ] && [ -d wasm/pkg/node ]; then
  measure wasm node wasm/bench.mjs "$corpus" >>"$results"
  peak wasm node wasm/bench.mjs "$corpus" 1 >>"$peaks"
fi
if [ "${BENCH_CHECKOV:-1}" = 1 ]; then
  if [ ! -x "$venv/bin/checkov" ]; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q checkov
  fi
  measure checkov "$venv/bin/checkov" -d "$corpus" --framework kubernetes --quiet --compact -o json >>"$results"
fi

python3 - "$results" "$corpus" "$cores" "$peaks" <<'PY'
import sys, os
rows = {}
for line in open(sys.argv[1]):
    label, secs, peak = line.split()
    rows[label] = (float(secs), int(peak) / 1024)
for line in open(sys.argv[4]):
    label, peak = line.split()
    rows[label] = (rows[label][0], int(peak) / 1024)
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(sys.argv[2]) for f in fs) / 1e6
cores = sys.argv[3]
print(f"corpus: {sys.argv[2]} ({size:.1f} MB), {cores} cores\n")
print(f"{'run':<14}{'seconds':>9}{'MB/s':>8}{'peak MB':>9}")
for label, (secs, peak) in rows.items():
    print(f"{label:<14}{secs:>9.3f}{size / secs:>8.1f}{peak:>9.0f}")
p1, l1, ln = rows["parse-1"][0], rows["lint-1"][0], rows[f"lint-{cores}"][0]
print(f"\nlint, 1 thread / parse-only:        {l1 / p1:.2f}x  (target <= 1.5)")
print(f"lint, {cores} threads / parse-only 1 thread: {ln / p1:.2f}x  (target <= 1.0)")
if "wasm" in rows:
    print(f"wasm / native 1 thread:             {rows['wasm'][0] / l1:.2f}x  (target <= 2)")
if "checkov" in rows:
    c = rows["checkov"]
    print(f"checkov / lint {cores} threads:           {c[0] / ln:.0f}x faster  (target >= 150)")
    print(f"checkov peak / lint peak:           {c[1] / rows[f'lint-{cores}'][1]:.1f}x less memory  (target >= 20)")
PY
