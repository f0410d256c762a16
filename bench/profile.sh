#!/usr/bin/env bash
# Instructions per consumer-step in each part of the consumer kernel, counted by callgrind on the
# standard market (bench/bench_market.cpp), as a Markdown table (bench/kernel_profile.py).
#   bash bench/profile.sh [consumers=50000] [steps=52]
# Valgrind cannot run AVX-512 code, so this builds an x86-64-v3 (AVX2) copy in build/prof.
# Counts are exact and repeatable, unlike timings; they do not weigh stalls or mispredictions.
# Needs valgrind and binutils (apt-get install valgrind binutils).
set -euo pipefail
cd "$(dirname "$0")/.."
consumers=${1:-50000}
steps=${2:-52}
for tool in valgrind addr2line cmake; do
  command -v "$tool" > /dev/null || { echo "profile.sh: $tool not found (apt-get install valgrind binutils)" >&2; exit 2; }
done
build=build/prof
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMARKETSIM_NATIVE=OFF \
    -DCMAKE_CXX_FLAGS="-march=x86-64-v3 -g" > /dev/null
fi
cmake --build "$build" --target bench_market > /dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
valgrind --tool=callgrind --dump-instr=yes --callgrind-out-file="$out" \
  "$build/bench/bench_market" "$consumers" "$steps" 1 > /dev/null 2>&1
echo "Standard market, $consumers consumers x $steps steps, 1 thread, x86-64-v3 build:"
echo
/usr/bin/python3 bench/kernel_profile.py "$out" "$build/bench/bench_market" $((consumers * steps))
