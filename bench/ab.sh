#!/usr/bin/env bash
# Compares two builds of bench_market on a 2-vCPU machine whose vCPUs run at different, changing
# speeds: A and B run at the same time, one pinned to each vCPU, then again with the vCPUs
# swapped. The ratio sqrt((B0 / A0) * (B1 / A1)) of each swapped pair cancels the vCPUs' speeds.
#   bash bench/ab.sh BENCH_A BENCH_B [consumers=1000000] [steps=20] [pairs=6]
# Prints each pair's single-thread consumer-steps/s (stepping) and the median ratio B / A.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: bash bench/ab.sh BENCH_A BENCH_B [consumers] [steps] [pairs]" >&2
  exit 2
fi
a=$1 b=$2 consumers=${3:-1000000} steps=${4:-20} pairs=${5:-6}
. "$(dirname "$0")/two_builds.sh"
require_two_builds ab.sh "$a" "$b"
# Runs $1 on vCPU 0 and $2 on vCPU 1 at once; prints their rates.
# (Each in its own temporary directory: older builds name their HDF5 file alike.)
mkdir "$work/t0" "$work/t1"
both() {
  TMPDIR="$work/t0" taskset -c 0 "$1" "$consumers" "$steps" 1 > "$work/0" &
  TMPDIR="$work/t1" taskset -c 1 "$2" "$consumers" "$steps" 1 > "$work/1"
  wait
  for k in 0 1; do
    sed -n 's/.*consumer-steps\/s=\([0-9.e+]*\).*/\1/p' "$work/$k" | head -1
  done
}
for _ in $(seq "$pairs"); do
  echo $(both "$a" "$b") $(both "$b" "$a")
done | /usr/bin/python3 -c '
import math, statistics, sys
ratios = []
for line in sys.stdin:
    a0, b1, b0, a1 = (float(x) / 1e6 for x in line.split())
    r = math.sqrt((b0 / a0) * (b1 / a1))
    ratios.append(r)
    print(f"A {a0:.2f} M (vCPU 0) {a1:.2f} M (vCPU 1)   B {b0:.2f} M {b1:.2f} M   B/A {r:.3f}")
print(f"B/A median {statistics.median(ratios):.3f}, range {min(ratios):.3f} to {max(ratios):.3f}")
'
