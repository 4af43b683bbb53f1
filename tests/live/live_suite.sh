#!/usr/bin/env bash
# Live mode against the project's real testbed (tests/testbed): four network namespaces, each
# with its own sshd and dockerd, forming a Swarm. Needs root. Brings the testbed up, runs the
# checks, tears it down. Exit 77 (skipped) where namespaces cannot be made.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
clawsim=${1:?usage: live_suite.sh PATH_TO_CLAWSIM}
state=${CLAWSIM_TESTBED_DIR:-/tmp/clawsim-testbed}
inv=$state/inventory.yaml
plan=$root/tests/live/testbed-plan.yaml
drills=$root/tests/live/drills
work=$(mktemp -d)
passed=0
failed=0

if [ "$(id -u)" -ne 0 ] || ! ip netns add clawsim-probe 2>/dev/null; then
  echo "live suite skipped: needs root and network namespaces"
  exit 77
fi
ip netns del clawsim-probe

cleanup() {
  bash "$root/tests/testbed/down.sh" >"$work/down.log" 2>&1 || cat "$work/down.log"
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1  # what a command writes beside itself (apply's default journal) stays here

check() {  # check NAME EXPECTED_RC COMMAND... ; output in $work/out
  local name=$1 want=$2
  shift 2
  "$@" >"$work/out" 2>&1
  local rc=$?
  if [ "$rc" -eq "$want" ]; then
    echo "ok   $name"
    passed=$((passed + 1))
    return 0
  fi
  echo "FAIL $name: exit $rc, expected $want"
  sed 's/^/     /' "$work/out" | tail -40
  failed=$((failed + 1))
  return 1
}

expect_output() {  # expect_output NAME TEXT: the last check's output contains TEXT
  if grep -qF -- "$2" "$work/out"; then
    echo "ok   $1"
    passed=$((passed + 1))
  else
    echo "FAIL $1: output lacks '$2'"
    sed 's/^/     /' "$work/out" | tail -40
    failed=$((failed + 1))
  fi
}

ssh_node() {  # ssh_node ADDR COMMAND
  ssh -i "$state/client_key" -o UserKnownHostsFile="$state/known_hosts" \
      -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=5 root@"$1" "$2"
}

wait_ready() {  # until every node is Ready with a leader and nothing differs from the plan
  for _ in $(seq 1 60); do
    "$clawsim" live status --inventory "$inv" --plan "$plan" >"$work/wait" 2>&1 && return 0
    sleep 3
  done
  echo "     the testbed did not settle:"; sed 's/^/     /' "$work/wait"
  return 1
}

start=$(date +%s)
# A fresh testbed: one left by a killed run may still hold its drill lock or its faults.
bash "$root/tests/testbed/up.sh" --fresh >"$work/up.log" 2>&1 || { cat "$work/up.log"; exit 1; }
echo "testbed up in $(( $(date +%s) - start )) s"

docker_on() {  # docker_on ADDR ARGS: the docker CLI of that node
  ssh_node "$1" "/usr/bin/docker -H unix:///run/docker.sock $2" </dev/null
}

# apply with the default plan: its node.id constraint names atlanta; the cluster holds IDs
default_accepts=(--accept security.proxy-missing-permission --accept firewall.rule-refused
  --accept firewall.nfs-traffic --accept firewall.swarm-traffic
  --accept 'the quorum survives any single fault ("3 managers + 1 worker (tolerates 1 failure)")'
  --accept "the dashboard fails over within 90 s of any single fault but the NFS server's (\"Dashboard HA\")")
check "apply default plan with --accept: the captain's node.id is the cluster's, nothing to do" 0 \
  "$clawsim" live apply --inventory "$inv" --execute --journal "$work/default1.journal" "${default_accepts[@]}"
expect_output "nothing to change" "nothing to do"
check "status (default plan): the dashboard is up, no difference" 0 "$clawsim" live status --inventory "$inv"
atlanta_id=$(docker_on 10.0.0.1 "node inspect atlanta --format '{{.ID}}'")
docker_on 10.0.0.1 "service update --detach --constraint-rm node.id==$atlanta_id --constraint-add 'node.id == atlanta' captain-captain" >/dev/null
check "status: a node.id constraint holding a name is a difference" 1 "$clawsim" live status --inventory "$inv"
expect_output "status names it" "cluster node.id==atlanta (no node has this ID)"
check "apply default plan: the dry run shows the model's prediction" 1 "$clawsim" live apply --inventory "$inv"
expect_output "dry run: the cluster's ID is written" "--constraint-add 'node.id==$atlanta_id'"
expect_output "dry run: the model's answer per step" "model: ok"
check "apply default plan: --execute refused without --accept (6 validate errors)" 1 \
  "$clawsim" live apply --inventory "$inv" --execute --journal "$work/default0.journal"
expect_output "the refusal names the rules" "--accept security.proxy-missing-permission"
check "apply default plan: nothing was changed" 1 "$clawsim" live status --inventory "$inv"
check "apply default plan --execute --accept ... brings the dashboard back" 0 \
  "$clawsim" live apply --inventory "$inv" --execute --journal "$work/default2.journal" "${default_accepts[@]}"
check "status (default plan): the dashboard is up again" 0 "$clawsim" live status --inventory "$inv"

# status and apply
check "status: the testbed differs from the plan (captain pinned by node.id)" 1 \
  "$clawsim" live status --inventory "$inv" --plan "$plan"
expect_output "status names the difference" "service captain-captain: constraints"
check "apply: dry run" 0 "$clawsim" live apply --inventory "$inv" --plan "$plan"
expect_output "apply: dry run prints the command" "step 1  docker service update"
check "apply: a dry run changes nothing" 1 "$clawsim" live status --inventory "$inv" --plan "$plan"
check "apply: execute" 0 "$clawsim" live apply --inventory "$inv" --plan "$plan" --execute
check "apply: the second time is a no-op" 0 "$clawsim" live apply --inventory "$inv" --plan "$plan"
expect_output "apply: nothing to do" "nothing to do"
ssh_node 10.0.0.1 "/usr/bin/docker -H unix:///run/docker.sock node update --label-rm openclaw.trusted chicago" >/dev/null
check "status: a removed label is a difference" 1 "$clawsim" live status --inventory "$inv" --plan "$plan"
expect_output "status names the label" "node chicago: label openclaw.trusted: plan true, cluster (none)"
check "apply: restores the label" 0 "$clawsim" live apply --inventory "$inv" --plan "$plan" --execute
wait_ready && { echo "ok   the testbed converged"; passed=$((passed + 1)); } || failed=$((failed + 1))

# a converge that needs a promote and a demote: promote first, the margin after each step
check "apply: denver promoted, boston demoted" 0 "$clawsim" live apply --inventory "$inv" \
  --plan "$root/tests/live/plans/swapped-manager.yaml" --execute --journal "$work/swap.journal"
expect_output "promote first" "step 1  docker node promote 'denver'"
expect_output "demote last" "step 2  docker node demote 'boston'"
expect_output "the margin after the promotion" "4 healthy, a quorum is 3: margin 1"
check "apply: back to the testbed's plan" 0 "$clawsim" live apply --inventory "$inv" --plan "$plan" \
  --execute --journal "$work/swap-back.journal"
wait_ready && { echo "ok   the testbed converged again"; passed=$((passed + 1)); } || failed=$((failed + 1))

# the cluster leaves the prediction (the proxy's image is missing on boston): stop and undo
docker_on 10.0.0.2 "image rm ubuntu/squid:latest" >/dev/null
check "apply: stops when the cluster leaves the model's prediction" 1 "$clawsim" live apply --inventory "$inv" \
  --plan "$root/tests/live/plans/egress-on-boston.yaml" --execute --journal "$work/egress.journal"
expect_output "it says what differs" "openclaw-egress: no task running where its constraints place it"
expect_output "and undoes the step" "undo apply step 1"
expect_output "the cluster is back" "cluster restored to its state before the apply"
docker_on 10.0.0.2 "tag clawsim/busybox:latest ubuntu/squid:latest" >/dev/null
check "apply: the journal owes nothing after the undo" 0 "$clawsim" live recover --journal "$work/egress.journal" --inventory "$inv"
expect_output "nothing owed" "nothing to undo"
wait_ready && { echo "ok   the testbed is as before"; passed=$((passed + 1)); } || failed=$((failed + 1))

# check-change's answers beside Docker's own, for commands the swarm refuses
address_of() { case $1 in atlanta) echo 10.0.0.1;; boston) echo 10.0.0.2;; chicago) echo 10.0.0.3;; denver) echo 10.0.0.4;; esac; }
refusals=$root/tests/live/refusals.change
"$clawsim" check-change "$refusals" --plan "$plan" >"$work/model.out" 2>&1
sed -nE 's/^        (REFUSED|answer): //p' "$work/model.out" >"$work/model.answers"
ids=$(ssh_node 10.0.0.1 "/usr/bin/docker -H unix:///run/docker.sock node ls --format '{{.ID}} {{.Hostname}}'")
: >"$work/real.answers"
grep -vE '^[[:space:]]*(#|$)' "$refusals" | while IFS= read -r line; do
  node=${line%%\$ *}
  command=${line#*\$ docker }
  answer=$(ssh_node "$(address_of "$node")" "/usr/bin/docker -H unix:///run/docker.sock $command" 2>&1 >/dev/null </dev/null)
  while read -r id name; do answer=${answer//$id/$name}; done <<<"$ids"
  echo "${answer:-ok}" >>"$work/real.answers"
done
check "check-change answers as the real swarm does" 0 diff "$work/model.answers" "$work/real.answers"
sed 's/^/     /' "$work/real.answers"
wait_ready || true

# refusals and errors
sed "s#$state/known_hosts#$work/known_hosts#" "$inv" >"$work/bad-key.yaml"
awk '$1=="10.0.0.1"{print; next} {print}' "$state/known_hosts" >"$work/known_hosts"
other=$(awk '$1=="10.0.0.2"{print $3}' "$state/known_hosts")
sed -i "s#^10.0.0.1 \([^ ]*\) .*#10.0.0.1 \1 $other#" "$work/known_hosts"
check "a changed host key is refused" 2 "$clawsim" live status --inventory "$work/bad-key.yaml" --plan "$plan"
expect_output "the refusal says why" "HOST KEY MISMATCH"
sed 's#    host: 10.0.0.4#    host: 10.0.0.4\n    port: 2222#' "$inv" >"$work/unreachable.yaml"
check "an unreachable node is reported" 1 "$clawsim" live status --inventory "$work/unreachable.yaml" --plan "$plan"
expect_output "the report names it" "denver (10.0.0.4:2222): cannot connect"
check "quorum-loss drill refused by preflight" 1 \
  "$clawsim" live drill "$drills/quorum-loss.yaml" --inventory "$inv" --plan "$plan" --journal "$work/q.journal"
expect_output "preflight says why" "predicts quorum loss"

# drills: predicted beside observed
for drill in worker-daemon-kill leader-daemon-kill leader-partition trusted-node-drain leader-demotion trusted-node-crash; do
  wait_ready || true
  check "drill $drill" 0 "$clawsim" live drill "$drills/$drill.yaml" --inventory "$inv" --plan "$plan" \
    --journal "$work/$drill.journal" --json "$work/$drill.json"
  expect_output "drill $drill: restored" "cluster restored to its pre-drill state"
  grep -E "observed .* predicted" "$work/out" | sed "s/^/     $drill: /"
done

# two trials of a drill recorded; fidelity predicts each again from the cluster it met, with the
# drill's own 1,000 seeds: the same windows the drill judged them by
wait_ready || true
check "live measure: two trials" 0 "$clawsim" live measure "$drills/worker-daemon-kill.yaml" --trials 2 \
  --inventory "$inv" --plan "$plan" --output "$work/measure.jsonl" --journal "$work/measure.journal"
[ "$(grep -c recording_version "$work/measure.jsonl")" = 2 ] && { echo "ok   two lines"; passed=$((passed + 1)); } ||
  { echo "FAIL two lines"; failed=$((failed + 1)); }
check "fidelity on the recording" 0 "$clawsim" fidelity "$work/measure.jsonl" --seeds 1000
expect_output "fidelity reads both trials" "worker-daemon-kill: 2 trials"

# a guard breach aborts and rolls back
wait_ready || true
check "guard breach aborts" 1 "$clawsim" live drill "$drills/guard-breach.yaml" --inventory "$inv" --plan "$plan" \
  --journal "$work/guard.journal"
expect_output "the abort names the guard" "ABORTED: guard: "
expect_output "and the cluster is restored" "cluster restored to its pre-drill state"

# the quorum-loss drill runs with --allow and the cluster comes back
wait_ready || true
check "quorum-loss drill with --allow" 0 "$clawsim" live drill "$drills/quorum-loss.yaml" --inventory "$inv" \
  --plan "$plan" --allow quorum-loss --journal "$work/q2.journal"
expect_output "quorum-loss: restored" "cluster restored to its pre-drill state"

# clawsim SIGKILLed mid-drill once ACTION is done; then `live recover` reads the journal
kill_mid_drill() {  # kill_mid_drill DRILL JOURNAL ACTION
  wait_ready || true
  "$clawsim" live drill "$drills/$1.yaml" --inventory "$inv" --plan "$plan" --journal "$2" \
    >"$work/$1.killed.out" 2>&1 &
  local pid=$!
  for _ in $(seq 1 60); do grep -q "\"status\":\"done\",\"action\":\"$3" "$2" 2>/dev/null && break; sleep 1; done
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
}

kill_mid_drill worker-daemon-kill "$work/killed.journal" stop-daemon
check "recover after SIGKILL" 0 "$clawsim" live recover --journal "$work/killed.journal" --inventory "$inv"
expect_output "recover restarts the daemon" "undo stop-daemon denver"
wait_ready && { echo "ok   the cluster is back after recover"; passed=$((passed + 1)); } || failed=$((failed + 1))
check "recover twice is a no-op" 0 "$clawsim" live recover --journal "$work/killed.journal" --inventory "$inv"
expect_output "nothing left" "nothing to undo"

# killed while a node it powered off is down: recover powers it on, from this machine
kill_mid_drill leader-crash "$work/crashed.journal" crash-node
check "recover after SIGKILL mid-crash" 0 "$clawsim" live recover --journal "$work/crashed.journal" --inventory "$inv"
expect_output "recover powers the node on" "undo crash-node @leader: $state/bin/power-on"
wait_ready && { echo "ok   the cluster is back after the power-on"; passed=$((passed + 1)); } || failed=$((failed + 1))

# a game day of three drills (the last a leader crash through power_off), run twice live: the
# history keeps both, the trend compares them, and a local webhook receiver gets each summary
wait_ready || true
sed -e "s#@PLAN@#$plan#g" -e "s#@INVENTORY@#$inv#g" -e "s#@DRILLS@#$drills#g" -e "s#@WORK@#$work#g" \
  "$root/tests/live/gameday.yaml.in" >"$work/gameday.yaml"
/usr/bin/python3 "$root/tests/live/webhook_receiver.py" 18089 "$work/webhook.jsonl" 2 1500 &
receiver=$!
for n in 1 2; do
  wait_ready || true
  check "game day run $n (live)" 0 "$clawsim" gameday run "$work/gameday.yaml" --now --report "$work/gameday-report-$n"
  expect_output "game day run $n: every drill passed" "game day testbed-gameday: pass"
done
check "game day history shows both runs" 0 "$clawsim" gameday history "$work/gameday.yaml"
expect_output "two runs" "game day testbed-gameday: 2 run(s)"
expect_output "the cluster's Docker version" "docker 20.10"
expect_output "the trend beside the runs before" ", before "
sed -n '/^trend/,$p' "$work/out" | sed 's/^/     /'
wait "$receiver"
check "the webhook received both summaries" 0 test "$(grep -c '"text": *"clawsim game day testbed-gameday' "$work/webhook.jsonl" 2>/dev/null)" = 2

# live mode under faults of its own, and no secret in any file the drills above wrote
wait_ready || true
if bash "$root/tests/live/self_faults.sh" "$clawsim" "$work"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

# a worker leaves and rejoins: the model's answers beside Docker's (last: it leaves a Down entry)
wait_ready || true
"$clawsim" check-change "$root/tests/live/leave-rejoin.change" --plan "$plan" >"$work/model.out" 2>&1
sed -nE 's/^        (REFUSED|answer): //p' "$work/model.out" >"$work/model.answers"
token=$(ssh_node 10.0.0.1 "/usr/bin/docker -H unix:///run/docker.sock swarm join-token -q worker" </dev/null)
left=$(date +%s%N)
ssh_node 10.0.0.4 "/usr/bin/docker -H unix:///run/docker.sock swarm leave" >"$work/real.answers" 2>&1 </dev/null
# The model marks a worker that left Down 9-16.5 s later (3 heartbeat periods of 5 s +- 0.5 s
# after its last heartbeat); the polls below are about a second apart.
down_s=""
for _ in $(seq 1 40); do
  if ssh_node 10.0.0.1 "/usr/bin/docker -H unix:///run/docker.sock node ls --format '{{.Hostname}} {{.Status}}'" \
       </dev/null | grep -q "^denver Down"; then
    down_s=$(( ($(date +%s%N) - left) / 1000000 ))
    break
  fi
  sleep 0.5
done
ssh_node 10.0.0.4 "/usr/bin/docker -H unix:///run/docker.sock swarm join --token $token 10.0.0.1:2377" \
  >>"$work/real.answers" 2>&1 </dev/null
check "leave and rejoin answer as the real swarm does" 0 diff "$work/model.answers" "$work/real.answers"
sed 's/^/     /' "$work/real.answers"
echo "     denver Down ${down_s:-never} ms after its leave (model: 9000..16500 ms)"
check "a worker that left is Down when the model says" 0 test -n "$down_s" -a "${down_s:-0}" -ge 8000 -a "${down_s:-0}" -le 18000

echo "live suite took $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
