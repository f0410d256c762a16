#!/usr/bin/env bash
# The whole test suite: install what is missing, build everything (release), run ctest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
source scripts/compiler.sh
configure_release -DMARKETSIM_BUILD_TESTS=ON
cmake --build --preset release
ctest --preset release --output-on-failure -j "$(nproc)"
