# Sourced by bench/ab.sh and bench/best_of.sh, which compare two builds of bench_market:
# require_two_builds NAME A B refuses (exit 2) a build that is not an executable, or a machine
# without taskset; then sets $a and $b to the builds' absolute paths (the runs start in scratch
# directories) and makes $work, a scratch directory removed on exit.
require_two_builds() {
  local name=$1 bin
  for bin in "$2" "$3"; do
    [ -x "$bin" ] || { echo "$name: $bin is not an executable" >&2; exit 2; }
  done
  command -v taskset > /dev/null || { echo "$name: taskset not found (apt-get install util-linux)" >&2; exit 2; }
  a=$(realpath "$2") b=$(realpath "$3")
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
}
