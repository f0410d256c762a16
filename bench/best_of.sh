#!/usr/bin/env bash
# Compares two builds of bench_market by the best of many short single-thread runs, A and B
# alternating on one vCPU. A run that a slow or busy vCPU held back only lowers its own rate, so
# each build's best is its speed when nothing held it back. Steadier than bench/ab.sh when the
# vCPUs' speeds swing within a run (bench/vcpu_speed.sh shows how much); it uses one vCPU, so
# the other stays free.
#   bash bench/best_of.sh BENCH_A BENCH_B [rounds=12] [consumers=300000] [steps=20] [vcpu=0]
# Prints each build's best single-thread consumer-steps/s (stepping) and the ratio B / A.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: bash bench/best_of.sh BENCH_A BENCH_B [rounds] [consumers] [steps] [vcpu]" >&2
  exit 2
fi
a=$1 b=$2 rounds=${3:-12} consumers=${4:-300000} steps=${5:-20} vcpu=${6:-0}
. "$(dirname "$0")/two_builds.sh"
require_two_builds best_of.sh "$a" "$b"
# Prints the stepping rate of one single-thread run of $1 on the chosen vCPU.
rate() {
  (cd "$work" && taskset -c "$vcpu" "$1" "$consumers" "$steps" 1) |
    sed -n 's/.*consumer-steps\/s=\([0-9.e+]*\).*/\1/p' | head -1
}
for _ in $(seq "$rounds"); do
  echo "$(rate "$a") $(rate "$b")"
done | /usr/bin/python3 -c '
import sys
rows = [tuple(float(x) / 1e6 for x in line.split()) for line in sys.stdin]
best_a, best_b = max(r[0] for r in rows), max(r[1] for r in rows)
print(f"{len(rows)} rounds: best A {best_a:.2f} M, best B {best_b:.2f} M, B/A {best_b / best_a:.3f}")
'
