#!/bin/bash
# down.sh [--quiet]: tear the testbed down: services removed (if the leader answers), the
# containers stopped (docker stop -t 1), dockerd sent SIGTERM (bounded wait until no container
# runs), then every process of each node killed by pid (`ip netns pids` plus descendants),
# namespaces and veths deleted, the nodes' docker data, run and tmp dirs wiped. Keys, host keys and
# logs stay in the state dir.
# Idempotent; cleans up after a half-failed up.sh.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
include_existing_extra_workers
quiet=0
[[ ${1:-} == --quiet ]] && quiet=1
require_root
t0=$(date +%s.%N)
[[ -d $STATE ]] || mkdir -p "$STATE"
if [[ -z ${CLAWSIM_TB_LOCKED:-} ]]; then
  exec 9>"$STATE/.lock"
  flock -w 300 9 || die "another up.sh/down.sh holds $STATE/.lock"
fi

root_netns=$(readlink /proc/self/ns/net)
# a pid from a pid file is ours only if it runs EXE outside the root network namespace
ours() { pid_is "$1" "$2" && [[ $(readlink "/proc/$1/ns/net" 2>/dev/null) != "$root_netns" ]]; }

# 1. services, if quick
if [[ -S $(node_sock "$LEADER") ]] && docker_up "$LEADER"; then
  svcs=$(TB_DOCKER_TIMEOUT=5 ndocker "$LEADER" service ls -q 2>/dev/null || true)
  if [[ -n $svcs ]]; then
    # shellcheck disable=SC2086
    TB_DOCKER_TIMEOUT=10 ndocker "$LEADER" service rm $svcs >/dev/null 2>&1 || true
  fi
fi

# 2. stop the containers (docker stop -t 1, every node at once), while the daemons answer
stop_containers() {
  local n=$1 ids
  docker_up "$n" || return 0
  ids=$(TB_DOCKER_TIMEOUT=5 ndocker "$n" ps -q 2>/dev/null) || return 0
  [[ -n $ids ]] || return 0
  # shellcheck disable=SC2086
  TB_DOCKER_TIMEOUT=15 ndocker "$n" stop -t 1 $ids >/dev/null 2>&1 || true
}
for n in "${NODES[@]}"; do
  [[ -S $(node_sock "$n") ]] && stop_containers "$n" &
done
wait

# 3. SIGTERM dockerd (it stops what containers are left), sshd, nfs-ganesha of each node
dockerds=()
for n in "${NODES[@]}"; do
  nd=$(node_dir "$n")
  p=$(read_pid "$nd/run/docker.pid") || true
  if [[ -n $p ]] && ours "$p" /usr/sbin/dockerd; then kill -TERM "$p" 2>/dev/null || true; dockerds+=("$p"); fi
  p=$(read_pid "$nd/run/ganesha.pid") || true
  if [[ -n $p ]] && ours "$p" /usr/bin/ganesha.nfsd; then kill -KILL "$p" 2>/dev/null || true; fi
  p=$(read_pid "$nd/run/sshd.pid") || true
  if [[ -n $p ]] && ours "$p" /usr/sbin/sshd; then kill -TERM "$p" 2>/dev/null || true; fi
done
none_alive() { local p; for p in "$@"; do pid_alive "$p" && return 1; done; return 0; }
containers_left() { # any container process (a child of a containerd-shim) on the nodes?
  local n p
  for n in "${NODES[@]}"; do
    for p in $(ip netns pids "$(ns_of "$n")" 2>/dev/null); do
      [[ $(cat "/proc/$p/comm" 2>/dev/null) == containerd-shim* ]] || continue
      [[ -n $(descendants "$p") ]] && return 0
    done
  done
  return 1
}
if ((${#dockerds[@]})); then
  # dockerd's swarm shutdown takes ~10 s more once its containers are gone (the managers stop
  # together): wait for the containers (at most 15 s), then give the daemons 2 s
  wait_until 15 eval '! containers_left' || log "containers still running after 15 s: SIGKILL"
  wait_until 2 none_alive "${dockerds[@]}" || true
fi

# 4. SIGKILL whatever still runs in the node namespaces (and under them), anchors included
kill_round() {
  local n ns p left=0
  for n in "${NODES[@]}"; do
    ns=$(ns_of "$n")
    for p in $(ns_procs "$ns"); do
      [[ $p == "$$" ]] && continue
      kill -KILL "$p" 2>/dev/null || true
      left=1
    done
    p=$(read_pid "$(node_dir "$n")/anchor.pid") || true
    if [[ -n $p ]] && ours "$p" "$(command -v sleep)"; then kill -KILL "$p" 2>/dev/null || true; left=1; fi
  done
  return $((!left))
}
all_gone() {
  local n
  for n in "${NODES[@]}"; do [[ -z $(ns_procs "$(ns_of "$n")") ]] || return 1; done
}
for _ in 1 2 3; do
  kill_round || break
  wait_until 10 all_gone && break
done
all_gone || log "WARNING: processes left in the node namespaces: $(for n in "${NODES[@]}"; do ns_procs "$(ns_of "$n")"; done | tr '\n' ' ')"

# 5. namespaces and veths (deleting a namespace deletes its veth ends, and their peers)
for n in "${NODES[@]}"; do
  ns=$(ns_of "$n")
  ns_exists "$ns" && { ip netns del "$ns" || log "WARNING: ip netns del $ns failed"; }
done
ns_exists "$BR_NS" && { ip netns del "$BR_NS" || log "WARNING: ip netns del $BR_NS failed"; }
if ip link show "$ROOT_IF" >/dev/null 2>&1; then ip link del "$ROOT_IF" || true; fi

# 6. the nodes' docker data, run and tmp dirs (mounts lived in the nodes' mount namespaces only)
if awk -v s="$STATE/" 'index($5 "/", s) == 1 { f = 1 } END { exit !f }' /proc/self/mountinfo; then
  log "WARNING: something is mounted under $STATE in the root namespace: not wiping node data"
else
  for n in "${NODES[@]}"; do
    nd=$(node_dir "$n")
    [[ -d $nd ]] || continue
    rm -rf "$nd/run" "$nd/tmp" "$nd/docker" "$nd/etc-docker" "$nd/anchor.pid"
  done
fi
rm -f "$STATE/inventory.yaml"
((quiet)) || log "down in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
