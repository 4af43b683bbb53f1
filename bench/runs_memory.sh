#!/bin/bash
# Peak memory and time of `clawsim scenario SCENARIO --runs N` as N grows (issue: memory flat in
# the number of runs). GNU time's maximum resident set size, one line per N.
#   bench/runs_memory.sh build/release/cli/clawsim [SCENARIO] [N...]   (default: 10^4 10^5 10^6)
set -euo pipefail
clawsim=${1:?usage: runs_memory.sh CLAWSIM [SCENARIO] [N...]}
scenario=${2:-leader-crash}
shift $(($# < 2 ? $# : 2))
counts=("$@")
((${#counts[@]})) || counts=(10000 100000 1000000)
[[ -x /usr/bin/time ]] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
printf '%-10s %10s %10s %12s\n' runs wall_s user_s peak_MB
for n in "${counts[@]}"; do
  out=$(mktemp)
  /usr/bin/time -f '%e %U %M' -o "$out" "$clawsim" scenario "$scenario" --runs "$n" --seed 1 --quiet >/dev/null || true
  read -r wall user kb < <(tail -n 1 "$out")
  rm -f "$out"
  printf '%-10s %10s %10s %12.1f\n' "$n" "$wall" "$user" "$(echo "$kb / 1024" | bc -l)"
done
