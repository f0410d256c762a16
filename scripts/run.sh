#!/usr/bin/env bash
# The main job: install what is missing, build (release), run the embedded default scenario.
#   scripts/run.sh [extra marketsim run options...]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
source scripts/compiler.sh
configure_release -DMARKETSIM_BUILD_TESTS=OFF
cmake --build --preset release --target marketsim

mkdir -p out
out="out/default-$(date -u +%Y%m%d-%H%M%S).h5"
./build/release/cli/marketsim run -o "$out" "$@"
