#!/bin/bash
# Whole-run benchmark of `clawsim validate` on a generated plan (7 managers, then workers; S
# services of R replicas each, no constraints), whole and in N slices (--shard K/N, run one
# after another here, as N machines would run them at once) joined by `clawsim merge`; checks
# that the merge wrote the same JSON as the whole sweep. GNU time's wall, user and peak memory.
#   bench/validate_scale.sh build/release/cli/clawsim NODES SERVICES REPLICAS [SLICES] [SEEDS]
#   bench/validate_scale.sh build/release/cli/clawsim 1000 20 1000 4
set -euo pipefail
clawsim=$(realpath "${1:?usage: validate_scale.sh CLAWSIM NODES SERVICES REPLICAS [SLICES] [SEEDS]}")
nodes=${2:?nodes}
services=${3:?services}
replicas=${4:?replicas}
slices=${5:-4}
seeds=${6:-5}
[[ -x /usr/bin/time ]] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
{
  echo "name: nodes-$nodes"
  echo "nodes:"
  for ((i = 1; i <= nodes; i++)); do
    role=worker
    ((i <= 7)) && role=manager
    echo "  - {name: n$i, address: 10.$((i / 62500)).$((i / 250 % 250)).$((i % 250 + 1)), role: $role}"
  done
  echo "services:"
  for ((s = 1; s <= services; s++)); do echo "  - {name: s$s, image: web:1, replicas: $replicas}"; done
} > plan.yaml

timed() {  # label, command...: one line of wall, user, peak
  local label=$1
  shift
  /usr/bin/time -f '%e %U %M' -o t.txt "$@" > /dev/null || [[ $? -eq 1 ]]  # 1: the plan fails an objective
  read -r wall user kb < t.txt
  printf '%-26s %10s %10s %10.1f\n' "$label" "$wall" "$user" "$(echo "$kb / 1024" | bc -l)"
}
echo "plan: $nodes nodes, $services services x $replicas replicas; validate --seeds $seeds; $slices slices"
printf '%-26s %10s %10s %10s\n' run wall_s user_s peak_MB
timed "whole" "$clawsim" validate --plan plan.yaml --seeds "$seeds" --quiet --json whole.json
for ((k = 1; k <= slices; k++)); do
  timed "slice $k/$slices" "$clawsim" validate --plan plan.yaml --seeds "$seeds" --quiet --shard "$k/$slices" --json "s$k.json"
done
timed "merge" "$clawsim" merge s*.json --plan plan.yaml --quiet --json merged.json
cmp -s whole.json merged.json && echo "merged JSON: the same bytes as the whole sweep's" ||
  { echo "merged JSON differs from the whole sweep's" >&2; exit 1; }
