#!/usr/bin/env bash
# Many small runs: what experiments and classroom scenarios cost beyond the consumer kernel
# (making files, handling scenarios), as one Markdown table of wall and processor seconds, the
# median of a few repeats (each case runs on all the machine's cores, as marketsim does).
#   bash bench/experiments.sh [build dir=build/release] [repeats=3]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
repeats=${2:-3}
cli="$build/cli/marketsim"
[ -x "$cli" ] || { echo "experiments.sh: $cli not found; build first (cmake --build --preset release)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

budget() { "$cli" run scenarios/planning/budget_stress_test.yaml -o "$out/b.h5" --quiet --force; }
sweep() {
  "$cli" run scenarios/research/segmentation_research.yaml --set experiment.replications=40 \
    --set consumers=5000 -o "$out/s.h5" --quiet --force
}
textbook() {
  for f in scenarios/textbook/*.yaml; do "$cli" run "$f" -o "$out/t.h5" --quiet --force; done
}

# Prints "wall processor" seconds of one call of $1, from bash's own timer.
timed() {
  local TIMEFORMAT='%R %U %S' t
  t=$( { time "$1" > /dev/null; } 2>&1 )
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' <<< "$t"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "| case | runs | wall (s) | processor (s) |"
echo "|---|---|---|---|"
n_textbook=$(ls scenarios/textbook/*.yaml | wc -l)
for case in "budget:budget stress test (30 replications x 4 variants branched at week 26, 5,000 consumers, 104 weeks):120" \
            "sweep:segmentation research, 40 replications of 5,000 consumers x 52 weeks:40" \
            "textbook:every textbook scenario, one run each, as shipped:$n_textbook"; do
  fn=${case%%:*}
  rest=${case#*:}
  label=${rest%:*}
  runs=${rest##*:}
  rm -f "$out/times"
  for ((r = 0; r < repeats; ++r)); do timed "$fn" >> "$out/times"; done
  wall=$(cut -d' ' -f1 "$out/times" | median)
  cpu=$(cut -d' ' -f2 "$out/times" | median)
  echo "| $label | $runs | $wall | $cpu |"
done
