#!/bin/bash
# Submits the array of slices and, once every task succeeded, the merge.
#   CLAWSIM_OUT=/shared/clawsim/leader-crash CLAWSIM_RUNS=1000000 deploy/slurm/submit.sh [--array=1-32]
#   CLAWSIM_JOB=validate CLAWSIM_PLAN=/shared/plan.yaml CLAWSIM_DEPTH=2 CLAWSIM_OUT=/shared/clawsim/sweep \
#     deploy/slurm/submit.sh --array=1-16
set -euo pipefail
here=$(dirname "$0")
: "${CLAWSIM_OUT:?set CLAWSIM_OUT to a directory every node sees}"
case ${CLAWSIM_JOB:-runs} in
  runs) slices=runs.sbatch merge=merge.sbatch ;;
  validate) slices=validate.sbatch merge=validate-merge.sbatch ;;
  *) echo "CLAWSIM_JOB is runs (scenario --runs) or validate" >&2; exit 2 ;;
esac
array=$(sbatch --parsable --export=ALL "$@" "$here/$slices")
sbatch --parsable --export=ALL --dependency="afterok:${array%%;*}" "$here/$merge"
