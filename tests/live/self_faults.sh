#!/usr/bin/env bash
# Live mode under faults of its own, on the project's testbed (tests/testbed), which must be
# up: the SSH connection to a node dropped mid-drill, a node that stops answering, a command
# that hangs past its timeout, a journal that cannot be written, two drills at once, clawsim
# killed between journaling an undo and running the fault; then the modes of the journal and
# audit log, and a search of every file the drills wrote for the swarm's secrets.
# After each: the message, and nothing of the drill left behind (no clawsim-tagged iptables
# rule, no frozen or stopped daemon, no drained node, labels as the plan, the lock free, the
# journal owing nothing).
#
#   self_faults.sh ABS_PATH_TO_CLAWSIM [DIR]
# DIR: where the live suite keeps what its own drills and applies wrote (searched for secrets
# too); a temporary directory when run alone. Exit 0 when every check passed.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
clawsim=${1:?usage: self_faults.sh ABS_PATH_TO_CLAWSIM [DIR]}
suite_dir=${2:-}
state=${CLAWSIM_TESTBED_DIR:-/tmp/clawsim-testbed}
inv=$state/inventory.yaml
plan=$root/tests/live/testbed-plan.yaml
drills=$root/tests/live/drills
lock=$state/nodes/atlanta/tmp/clawsim-drill.lock  # atlanta's /tmp, seen from this machine
work=$(mktemp -d /tmp/clawsim-self-faults.XXXXXX)
passed=0
failed=0
started=$(date +%s)
to_resume=()  # pids this script froze with SIGSTOP: resumed on any exit

cleanup() {
  [ ${#to_resume[@]} -eq 0 ] || kill -CONT "${to_resume[@]}" 2>/dev/null
  mountpoint -q "$work/full" && umount "$work/full"
  mountpoint -q "$work/ro" && umount "$work/ro"
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"  # KEEP_WORK=1: keep the drills' output to read
}
trap cleanup EXIT

[ -s "$inv" ] || { echo "self_faults: the testbed is not up ($inv missing)"; exit 1; }

pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

check() {  # check NAME EXPECTED_RC COMMAND... ; output in $work/out
  local name=$1 want=$2
  shift 2
  "$@" >"$work/out" 2>&1
  local rc=$?
  if [ "$rc" -eq "$want" ]; then
    pass "$name"
    return 0
  fi
  fail "$name: exit $rc, expected $want"
  sed 's/^/     /' "$work/out" | tail -40
  return 1
}

expect_output() {  # expect_output NAME TEXT [FILE]: the output contains TEXT
  if grep -qF -- "$2" "${3:-$work/out}"; then
    pass "$1"
  else
    fail "$1: output lacks '$2'"
    sed 's/^/     /' "${3:-$work/out}" | tail -40
  fi
}

wait_ready() {  # until every node is Ready with a leader and nothing differs from the plan
  for _ in $(seq 1 60); do
    "$clawsim" live status --inventory "$inv" --plan "$plan" >"$work/wait" 2>&1 && return 0
    sleep 3
  done
  echo "     the testbed did not settle:"; sed 's/^/     /' "$work/wait"
  return 1
}

docker_at() {  # docker_at NODE ARGS...: that node's docker CLI, from this machine
  /usr/bin/docker -H "unix://$state/nodes/$1/run/docker.sock" "${@:2}"
}

pid_of() { cat "$state/nodes/$1/run/$2.pid" 2>/dev/null; }  # pid_of NODE docker|sshd

sshd_pids() {  # sshd_pids NODE: its sshd listener and every sshd below it (the connections)
  local todo=() p c
  p=$(pid_of "$1" sshd) || return 0
  todo=("$p")
  while [ ${#todo[@]} -gt 0 ]; do
    p=${todo[0]}
    todo=("${todo[@]:1}")
    [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = /usr/sbin/sshd ] || continue
    echo "$p"
    for c in $(ps -o pid= --ppid "$p"); do todo+=("$c"); done
  done
}

freeze() {  # freeze PID...: SIGSTOP, remembered so that any exit resumes them
  kill -STOP "$@" && to_resume+=("$@")
}

freeze_sshd() {  # freeze_sshd NODE: every sshd of NODE frozen, their pids in ${frozen[@]}
  mapfile -t frozen < <(sshd_pids "$1")
  freeze "${frozen[@]}"
  sleep 0.2
  mapfile -t frozen < <(sshd_pids "$1")  # with the listener frozen, nothing forks any more
  freeze "${frozen[@]}"
}

thaw() {  # thaw PID...
  kill -CONT "$@" 2>/dev/null
  local keep=() p q
  for p in "${to_resume[@]}"; do
    for q in "$@"; do [ "$p" = "$q" ] && continue 2; done
    keep+=("$p")
  done
  to_resume=("${keep[@]}")
}

wait_journal() {  # wait_journal FILE PATTERN [SECONDS]: until a line of FILE matches PATTERN
  for _ in $(seq 1 $((${3:-60} * 5))); do
    grep -qE -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

left_behind() {  # what a drill left behind, one line each; nothing when the cluster is clean
  local n d p st
  for n in atlanta boston chicago denver; do
    p=$(ip netns exec "clawsim-$n" iptables -S 2>/dev/null | grep -c -- '--comment clawsim')
    [ "$p" = 0 ] || echo "$n: $p iptables rule(s) tagged clawsim"
    for d in docker sshd; do
      p=$(pid_of "$n" "$d")
      st=$(awk '{print $3}' "/proc/${p:-0}/stat" 2>/dev/null)
      case $st in "" | Z) echo "$n: $d is not running" ;; T | t) echo "$n: $d is stopped (SIGSTOP)" ;; esac
    done
  done
  docker_at atlanta node ls --format '{{.Hostname}} {{.Availability}}' 2>&1 | grep -v ' Active$' |
    sed 's/^/availability: /'
  [ ! -e "$lock" ] || echo "the drill lock $lock is held"
}

assert_clean() {  # assert_clean NAME [JOURNAL]: the cluster as the plan, nothing left behind
  local name=$1
  if wait_ready; then pass "$name: live status: as the plan"; else fail "$name: live status differs"; fi
  left_behind >"$work/left"
  if [ ! -s "$work/left" ]; then
    pass "$name: nothing left behind"
  else
    fail "$name: left behind:"
    sed 's/^/     /' "$work/left"
  fi
  if [ -n "${2:-}" ]; then
    check "$name: the journal owes nothing" 0 "$clawsim" live recover --journal "$2" --inventory "$inv"
    expect_output "$name: nothing to undo" "nothing to undo"
  fi
}

drill() {  # drill NAME DRILL JOURNAL [ARGS...]: the drill in the background, pid in $drill_pid
  local name=$1 file=$2 journal=$3
  shift 3
  "$clawsim" live drill "$drills/$file.yaml" --inventory "${INVENTORY:-$inv}" --plan "$plan" \
    --journal "$journal" "$@" >"$work/$name.out" 2>&1 &
  drill_pid=$!
}

# Inventories for faults that must time out soon: every command bounded to 10 s; in the second,
# denver's daemon_stop asks the daemon first, as `systemctl stop docker` waits for it to stop.
sed 's/command_timeout: .*/command_timeout: 10s/' "$inv" >"$work/inventory-10s.yaml"
sed "s#daemon_stop: \"$state/bin/daemon-stop denver\"#daemon_stop: \"/usr/bin/docker -H unix:///run/docker.sock info >/dev/null \&\& $state/bin/daemon-stop denver\"#" \
  "$work/inventory-10s.yaml" >"$work/inventory-asks.yaml"
grep -q 'docker.sock info' "$work/inventory-asks.yaml" || { echo "self_faults: cannot derive the inventories"; exit 1; }

if ! "$clawsim" live status --inventory "$inv" --plan "$plan" >/dev/null 2>&1; then  # alone: the plan first
  "$clawsim" live apply --inventory "$inv" --plan "$plan" --execute --journal "$work/apply.journal" >/dev/null 2>&1
  wait_ready || { echo "self_faults: the testbed is not as the plan"; exit 1; }
fi

# 5. Two drills at once: the second is refused by the lock; the first runs to its end.
drill first self-faults-port "$work/first.journal"
first=$drill_pid
drill second self-faults-port "$work/second.journal"
second=$drill_pid
wait "$first"; rc_first=$?
wait "$second"; rc_second=$?
if [ $((rc_first + rc_second)) -eq 1 ] && [ "$rc_first" -le 1 ] && [ "$rc_second" -le 1 ]; then
  pass "two drills at once: one exit 0, one exit 1"
else
  fail "two drills at once: exits $rc_first and $rc_second, expected 0 and 1"
  sed 's/^/     first: /' "$work/first.out" | tail -20; sed 's/^/     second: /' "$work/second.out" | tail -20
fi
winner=first loser=second
[ "$rc_first" -eq 0 ] || { winner=second; loser=first; }
expect_output "the second is refused by the lock" "another drill holds the lock on atlanta" "$work/$loser.out"
expect_output "the refusal names the holder's journal" "holds the lock on atlanta: journal $work/$winner.journal, pid" "$work/$loser.out"
expect_output "the first runs to its end" "cluster restored to its pre-drill state" "$work/$winner.out"
if grep -q '"action":"block-port' "$work/$loser.journal"; then
  fail "the refused drill journaled a fault"
else
  pass "the refused drill journaled no fault"
fi
assert_clean "two drills at once" "$work/$winner.journal"

# 7a. The journal and the audit log are created 0600 (the umask would allow 0644).
check "journal mode 0600" 0 test "$(stat -c %a "$work/$winner.journal")" = 600
check "audit log mode 0600" 0 test "$(stat -c %a "$work/$winner.journal.audit.log")" = 600

# 1. denver's sshd killed mid-drill (the listener and every connection), restarted 5 s later:
# the drill reconnects, the unblock and the rollback run, the cluster is as before.
drill sshd-killed self-faults-port "$work/sshd-killed.journal" -v
wait_journal "$work/sshd-killed.journal" '"status":"done","action":"block-port' 30
sleep 1
mapfile -t killed < <(sshd_pids denver)
kill -KILL "${killed[@]}"
sleep 5
"$state/bin/power-on" denver >/dev/null 2>&1  # starts sshd again; what runs is left alone
wait "$drill_pid"; rc=$?
check "sshd killed mid-drill: the drill still passes" 0 test "$rc" -eq 0
expect_output "the lost connection is in the audit log" "denver (10.0.0.4:22): cannot connect" \
  "$work/sshd-killed.journal.audit.log"
expect_output "the unblock ran after the restart" "unblock-port denver 9999/tcp ok" "$work/sshd-killed.out"
expect_output "the cluster is restored" "cluster restored to its pre-drill state" "$work/sshd-killed.out"
assert_clean "sshd killed mid-drill" "$work/sshd-killed.journal"

# 2. denver stops answering mid-drill (every sshd process of it SIGSTOPped): the drill does not
# hang, it says which node and command, prints what is owed, and `live recover` finishes it
# once denver answers again.
INVENTORY=$work/inventory-10s.yaml drill silent self-faults-port "$work/silent.journal"
wait_journal "$work/silent.journal" '"status":"done","action":"block-port' 30
freeze_sshd denver
t0=$(date +%s)
wait "$drill_pid"; rc=$?
took=$(($(date +%s) - t0))
check "a silent node: the drill fails" 0 test "$rc" -eq 1
check "a silent node: the drill ends within 90 s of it (took $took s)" 0 test "$took" -le 90
expect_output "a silent node: the abort names the node" "ABORTED: unblock-port denver 9999/tcp: denver" "$work/silent.out"
expect_output "a silent node: the undo owed is printed" "on denver: " "$work/silent.out"
expect_output "a silent node: and how to finish" "once the nodes answer: clawsim live recover --journal $work/silent.journal" "$work/silent.out"
thaw "${frozen[@]}"
check "a silent node: recover once it answers" 0 "$clawsim" live recover --journal "$work/silent.journal" --inventory "$inv"
expect_output "a silent node: recover unblocks the port" "undo block-port denver 9999/tcp"
assert_clean "a silent node" "$work/silent.journal"

# 6. clawsim SIGKILLed after journaling a fault's undo and before the fault ran (denver's sshd
# frozen, so the fault's command waits): the undo of a fault that never ran does no harm.
drill killed-before self-faults-port "$work/killed-before.journal"
wait_journal "$work/killed-before.journal" '"status":"done","action":"drill lock"|"action":"drill lock"' 30
freeze_sshd denver
if wait_journal "$work/killed-before.journal" '"status":"planned","action":"block-port' 30 &&
   ! grep -qE '"status":"(done|failed)","action":"block-port' "$work/killed-before.journal"; then
  pass "killed before the fault: the undo is journaled, the fault not done"
else
  fail "killed before the fault: the journal is not at that point"
  sed 's/^/     /' "$work/killed-before.journal"
fi
kill -KILL "$drill_pid"
wait "$drill_pid" 2>/dev/null
thaw "${frozen[@]}"
sleep 1
check "killed before the fault: no rule was added" 0 \
  test "$(ip netns exec clawsim-denver iptables -S | grep -c -- '--comment clawsim')" = 0
check "killed before the fault: recover succeeds" 0 \
  "$clawsim" live recover --journal "$work/killed-before.journal" --inventory "$inv"
expect_output "killed before the fault: recover runs the undo" "undo block-port denver 9999/tcp"
expect_output "killed before the fault: and frees the lock" "undo drill lock"
assert_clean "killed before the fault" "$work/killed-before.journal"

# 3. A command hangs past its timeout: denver's dockerd frozen when the fault (a daemon stop
# that asks the daemon first) runs. The call times out, the drill stops; once the daemon is
# resumed nothing of the hung command runs late (its dockerd is the same process).
INVENTORY=$work/inventory-asks.yaml drill hang self-faults-daemon "$work/hang.journal"
wait_journal "$work/hang.journal" '"action":"drill lock"' 30
dockerd=$(pid_of denver docker)
freeze "$dockerd"
wait "$drill_pid"; rc=$?
check "a hung command: the drill fails" 0 test "$rc" -eq 1
expect_output "a hung command: the abort says it timed out" "ABORTED: stop-daemon denver: denver: timed out after 10 s" "$work/hang.out"
expect_output "a hung command: how to finish" "once the nodes answer: clawsim live recover --journal $work/hang.journal" "$work/hang.out"
thaw "$dockerd"
sleep 12  # the hung command, had it been left running, would have killed the daemon by now
check "a hung command: nothing ran late (denver's dockerd is the same process)" 0 \
  test "$(pid_of denver docker)" = "$dockerd" -a -d "/proc/$dockerd"
check "a hung command: recover" 0 "$clawsim" live recover --journal "$work/hang.journal" --inventory "$inv"
assert_clean "a hung command" "$work/hang.journal"

# 4. The journal cannot be written: on a full tmpfs, in a read-only directory. Nothing is
# injected, the drill lock is not taken, the error names the file and the reason.
mkdir -p "$work/full" "$work/ro"
mount -t tmpfs -o size=64k tmpfs "$work/full"
dd if=/dev/zero of="$work/full/filler" bs=4k 2>/dev/null
check "a full disk: refused" 2 "$clawsim" live drill "$drills/self-faults-port.yaml" --inventory "$inv" \
  --plan "$plan" --journal "$work/full/drill.journal" --log-file "$work/full-audit.log"
expect_output "a full disk: the error names the journal" "$work/full/drill.journal: cannot write the journal: No space left on device"
mount -t tmpfs -o ro,size=64k tmpfs "$work/ro"
check "a read-only directory: refused" 2 "$clawsim" live drill "$drills/self-faults-port.yaml" --inventory "$inv" \
  --plan "$plan" --journal "$work/ro/drill.journal"
expect_output "a read-only directory: the error says why" "Read-only file system"
if grep -q "block-port" "$work/full-audit.log"; then fail "a full disk: a fault was run"; else pass "a full disk: no fault was run"; fi
assert_clean "an unwritable journal"

# 7b. No secret in any file the drills and applies wrote: the swarm's join tokens, the body of
# the private key, the webhook's path (an incoming webhook's secret).
worker=$(docker_at atlanta swarm join-token -q worker)
manager=$(docker_at atlanta swarm join-token -q manager)
key=$(grep -v -- '-----' "$state/client_key" | tr -d '\n')
secrets=("$worker" "$manager" "$key" "${CLAWSIM_WEBHOOK_SECRET:-hook/T0clawsim/B0live/s3cr3t}")
if [ ${#worker} -lt 40 ] || [ ${#manager} -lt 40 ] || [ ${#key} -lt 40 ]; then fail "secrets: cannot read them"; fi
found=0
searched=0
while IFS= read -r -d '' f; do
  searched=$((searched + 1))
  for s in "${secrets[@]}"; do
    if tr -d '\n' <"$f" | grep -qF -- "$s"; then
      echo "     $f holds a secret (${s:0:12}...)"
      found=1
    fi
  done
done < <(find "$work" ${suite_dir:+"$suite_dir"} -type f ! -name '*.yaml' ! -name 'webhook.jsonl' \
  ! -path "$work/full/*" -print0)
check "no secret in the $searched files the drills wrote" 0 test "$found" -eq 0

echo "self faults took $(($(date +%s) - started)) s: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
