#!/usr/bin/env bash
# The benchmark suite of the standard market (bench/bench_market.cpp): 1 M and 10 M consumers for
# 52 steps and 100 M consumers for 10 steps, each at 1 and 2 threads, as one Markdown table.
#   bash bench/suite.sh [build dir=build/release] [sizes="1000000:52 10000000:52 100000000:10"]
# 100 M consumers need about 10 GiB of memory and a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
sizes=${2:-"1000000:52 10000000:52 100000000:10"}
bench="$build/bench/bench_market"
[ -x "$bench" ] || { echo "suite.sh: $bench not found; build first (cmake --build --preset release)" >&2; exit 2; }
rows=$(mktemp)
run=$(mktemp)
trap 'rm -f "$rows" "$run"' EXIT
for size in $sizes; do
  # Each run's report goes to stderr as it stands (not `tee /dev/stderr`: reopening stderr
  # truncates it when it is a file), and its table row to the table.
  "$bench" "${size%%:*}" "${size##*:}" 1,2 > "$run"
  cat "$run" >&2
  sed -n 's/^row: //p' "$run" >> "$rows"
done
echo
echo "| consumers | steps | threads | end to end (s) | consumer-steps/s, stepping | consumer-steps/s, end to end | columns (B/consumer) | peak RSS (B/consumer) | firm decisions % | consumer kernel % | reduction % | recording % | setup % |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
cat "$rows"
