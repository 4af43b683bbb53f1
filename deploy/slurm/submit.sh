#!/bin/bash
# Submits the array of slices and, once every task succeeded, the merge.
#   CLAWSIM_OUT=/shared/clawsim/leader-crash CLAWSIM_RUNS=1000000 deploy/slurm/submit.sh [--array=1-32]
set -euo pipefail
here=$(dirname "$0")
: "${CLAWSIM_OUT:?set CLAWSIM_OUT to a directory every node sees}"
array=$(sbatch --parsable --export=ALL "$@" "$here/runs.sbatch")
sbatch --parsable --export=ALL --dependency="afterok:${array%%;*}" "$here/merge.sbatch"
