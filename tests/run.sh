#!/usr/bin/env bash
# Installs what is missing, builds everything with warnings as errors under AddressSanitizer
# and UBSan (the `ci` preset), and runs every test with ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/cmake/install-deps.sh"
# Tools the tests use as a person or a CI system would: a real browser for the HTML reports,
# an XML parser for JUnit, systemd-analyze for the game-day units, lintian and debootstrap for
# the .deb and the fresh root it is installed into.
test_tools=(chromium libxml2-utils systemd python3 python3-yaml python3-jsonschema lintian debootstrap)
missing=()
for p in "${test_tools[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})) && [ "$(id -u)" -eq 0 ]; then
  echo "installing for the tests: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
cmake --preset ci -S "$root"
cmake --build "$root/build/ci" -j "$(nproc)"
ctest --test-dir "$root/build/ci" --output-on-failure -j "$(nproc)"
bash "$root/tests/tsan.sh"
