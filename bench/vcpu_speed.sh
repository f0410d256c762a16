#!/usr/bin/env bash
# The speed of each vCPU right now, as the clock rate of a loop of dependent additions (one
# per cycle): "GHz-equivalent". On a virtual machine the vCPUs can differ and change over
# minutes, which moves single-thread benchmark figures; run this before and after them.
#   bash bench/vcpu_speed.sh [rounds=1]
set -euo pipefail
rounds=${1:-1}
for tool in cc taskset nproc; do
  command -v "$tool" > /dev/null || { echo "vcpu_speed.sh: $tool not found" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/loop.c" << 'EOF'
#include <stdint.h>
#include <stdio.h>
#include <time.h>
int main(void) {
  const uint64_t n = 1000000000ULL;
  uint64_t x = 0;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (uint64_t i = 0; i < n; ++i) __asm__ volatile("add $1, %0" : "+r"(x));
  clock_gettime(CLOCK_MONOTONIC, &b);
  const double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
  printf("%.2f", (double)n / s / 1e9);
  return x != n;
}
EOF
cc -O2 "$work/loop.c" -o "$work/loop"
for _ in $(seq "$rounds"); do
  line=""
  for ((cpu = 0; cpu < $(nproc); ++cpu)); do
    line+="vCPU $cpu: $(taskset -c "$cpu" "$work/loop") GHz-equivalent   "
  done
  echo "$line"
done
