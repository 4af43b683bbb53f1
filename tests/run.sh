#!/usr/bin/env bash
# Installs what is missing, builds everything with warnings as errors under AddressSanitizer
# and UBSan (the `ci` preset), and runs every test with ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/cmake/install-deps.sh"
cmake --preset ci -S "$root"
cmake --build "$root/build/ci" -j "$(nproc)"
ctest --test-dir "$root/build/ci" --output-on-failure -j "$(nproc)"
