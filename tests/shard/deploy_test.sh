#!/bin/bash
# The Slurm and Kubernetes files in deploy/ do what they say, without Slurm or Kubernetes: each
# array task's script and each Job's command run here as their scheduler would run them (the
# environment it sets, /out and /plan directories of the test's), and the merged JSON is the
# bytes of one process's --runs, or of one validate. Usage: deploy_test.sh CLAWSIM SOURCE_DIR WORK_DIR
set -euo pipefail
clawsim=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work/bin"
ln -s "$clawsim" "$work/bin/clawsim"
export PATH="$work/bin:$PATH"
fail() { echo "FAIL: $*" >&2; exit 1; }

clawsim scenario leader-crash --runs 40 --seed 3 --json "$work/whole.json" --quiet >/dev/null || [[ $? -eq 3 ]]
mkdir -p "$work/plan"
cp "$src/scenarios/plans/corrected-firewall.yaml" "$work/plan/plan.yaml"
sweep=(--plan "$work/plan/plan.yaml" --depth 1 --seeds 2)
clawsim validate "${sweep[@]}" --json "$work/validate.json" --quiet >/dev/null || [[ $? -eq 1 ]]

# Slurm: three array tasks, then the merge.
for k in 1 2 3; do
  SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=3 SLURM_CPUS_PER_TASK=1 CLAWSIM_OUT="$work/slurm" \
    CLAWSIM_RUNS=40 CLAWSIM_SEED=3 bash "$src/deploy/slurm/runs.sbatch" >/dev/null
done
CLAWSIM_OUT="$work/slurm" bash "$src/deploy/slurm/merge.sbatch" >/dev/null
cmp "$work/whole.json" "$work/slurm/runs.json" || fail "Slurm: the merged slices differ from one process"
for k in 1 2 3; do
  SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=3 SLURM_CPUS_PER_TASK=1 CLAWSIM_OUT="$work/slurm-v" \
    CLAWSIM_PLAN="$work/plan/plan.yaml" CLAWSIM_SEEDS=2 bash "$src/deploy/slurm/validate.sbatch" >/dev/null
done
CLAWSIM_OUT="$work/slurm-v" CLAWSIM_PLAN="$work/plan/plan.yaml" bash "$src/deploy/slurm/validate-merge.sbatch"
cmp "$work/validate.json" "$work/slurm-v/validate.json" || fail "Slurm: the merged sweep differs from one validate"
grep -q "^verdict: " "$work/slurm-v/validate.txt" || fail "Slurm: no verdict in validate.txt"
bash -n "$src/deploy/slurm/submit.sh" || fail "submit.sh does not parse"

# Kubernetes: the Indexed Job's command once per completion index, then the merge Job's.
/usr/bin/python3 - "$src/deploy/kubernetes" "$work/k8s" "$work/plan" <<'PY' || fail "Kubernetes"
import os, subprocess, sys, yaml
kdir, out = sys.argv[1], sys.argv[2]
os.makedirs(out)
def container(name):
    job = yaml.safe_load(open(os.path.join(kdir, name)))
    assert job["kind"] == "Job", name
    return job, job["spec"]["template"]["spec"]["containers"][0]
def run(c, env):
    script = c["args"][0].replace("/out", out).replace("/plan/", sys.argv[3] + "/")
    subprocess.run(c["command"] + [script], env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL)
job, c = container("runs-job.yaml")
spec = job["spec"]
assert spec["completionMode"] == "Indexed"
env = {e["name"]: e["value"] for e in c["env"]}
assert env["SLICES"] == str(spec["completions"]), "completions and SLICES differ"
env.update(RUNS="40", SEED="3", SLICES="3")
for i in range(3):
    run(c, {**env, "JOB_COMPLETION_INDEX": str(i)})
_, m = container("merge-job.yaml")
run(m, {})
job, c = container("validate-job.yaml")
spec = job["spec"]
assert spec["completionMode"] == "Indexed"
env = {e["name"]: e["value"] for e in c["env"]}
assert env["SLICES"] == str(spec["completions"]), "completions and SLICES differ"
env.update(SEEDS="2", SLICES="3")
for i in range(3):
    run(c, {**env, "JOB_COMPLETION_INDEX": str(i)})
_, m = container("validate-merge-job.yaml")
run(m, {})
PY
cmp "$work/whole.json" "$work/k8s/runs.json" || fail "Kubernetes: the merged slices differ from one process"
cmp "$work/validate.json" "$work/k8s/validate.json" || fail "Kubernetes: the merged sweep differs from one validate"
echo "deploy files: Slurm and Kubernetes slices merge to one process's bytes, for --runs and validate"
