#!/usr/bin/env bash
# Installs what is missing, builds clawsim (release) and runs it with the given arguments.
#   bash cli/run.sh scenario quorum-loss
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/cmake/install-deps.sh"
cmake --preset release -S "$root" >/dev/null
cmake --build "$root/build/release" --target clawsim >/dev/null
exec "$root/build/release/cli/clawsim" "$@"
