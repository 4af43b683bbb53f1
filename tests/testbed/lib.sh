# shellcheck shell=bash disable=SC2034
# Common settings and helpers of the testbed scripts (sourced, never run).
# Everything the testbed creates lives in $STATE, in the network namespaces clawsim-*,
# and on the root-namespace veth clawsim0. See README.md.

set -euo pipefail
export LC_ALL=C

TB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${CLAWSIM_TESTBED_DIR:-/tmp/clawsim-testbed}
STATE=${STATE%/}

NODES=(atlanta boston chicago denver)
declare -A ADDR=([atlanta]=10.0.0.1 [boston]=10.0.0.2 [chicago]=10.0.0.3 [denver]=10.0.0.4)
LEADER=atlanta
MANAGERS=(boston chicago)   # join as managers, in this order
WORKERS=(denver)
TRUSTED=chicago
NFS_NODE=denver
PREFIX=24
SUBNET=10.0.0.0/24
ROOT_ADDR=10.0.0.254
BR_NS=clawsim-br
BR_DEV=br0
ROOT_IF=clawsim0            # root-namespace end of the veth into the bridge
SWARM_POOL=10.200.0.0/16    # overlay subnets; the default 10.0.0.0/8 pool would overlap 10.0.0.0/24
DOCKER=/usr/bin/docker      # the apt CLI (a newer one in /usr/local/bin may shadow it)
IMAGE_BASE=clawsim/busybox:latest
IMAGE_TAGS=(img-captain--openclaw:latest tecnativa/docker-socket-proxy:latest ubuntu/squid:latest
  otel/opentelemetry-collector-contrib:latest caprover/caprover:latest)

# TB_TRACE=1: trace every command with a timestamp
if [[ -n ${TB_TRACE:-} ]]; then PS4='+ ${EPOCHREALTIME} '; set -x; fi

log() { printf '[testbed %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

check_state_path() {
  [[ $STATE =~ ^/[A-Za-z0-9._/-]+$ && $STATE != / && $STATE != *..* ]] ||
    die "CLAWSIM_TESTBED_DIR must be an absolute path of [A-Za-z0-9._/-], not '/': got '$STATE'"
  # unix socket paths are limited to 107 bytes: $STATE/nodes/<node>/run/docker.sock
  ((${#STATE} <= 64)) || die "CLAWSIM_TESTBED_DIR is too long (max 64 characters): $STATE"
}
check_state_path

# More hosts than the runbook's four: CLAWSIM_TESTBED_EXTRA_WORKERS=N (up.sh) adds workers
# node5 .. node(4+N) at 10.0.0.5 .. (at most 200).
add_extra_worker() {
  NODES+=("node$1")
  ADDR[node$1]=10.0.0.$1
  WORKERS+=("node$1")
}
EXTRA_WORKERS=${CLAWSIM_TESTBED_EXTRA_WORKERS:-0}
[[ $EXTRA_WORKERS =~ ^[0-9]+$ ]] && ((EXTRA_WORKERS <= 200)) ||
  die "CLAWSIM_TESTBED_EXTRA_WORKERS must be a number from 0 to 200, got '$EXTRA_WORKERS'"
for ((i = 5; i <= 4 + EXTRA_WORKERS; i++)); do add_extra_worker "$i"; done
# down.sh and status.sh also cover extra workers an earlier up.sh made (their namespaces).
include_existing_extra_workers() {
  local ns i
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    [[ $ns =~ ^clawsim-node([0-9]+)$ ]] || continue
    i=${BASH_REMATCH[1]}
    [[ -n ${ADDR[node$i]:-} ]] || add_extra_worker "$i"
  done
}

require_root() { [[ $(id -u) == 0 ]] || die "must run as root"; }

ns_of() { printf 'clawsim-%s' "$1"; }
node_dir() { printf '%s/nodes/%s' "$STATE" "$1"; }
node_sock() { printf '%s/nodes/%s/run/docker.sock' "$STATE" "$1"; }
ns_exists() { [[ -e /run/netns/$1 ]]; }

# docker CLI against a node's daemon, from the root namespace (the socket is a plain file of
# the node's run dir: no need to enter the node). Bounded by TB_DOCKER_TIMEOUT seconds.
ndocker() {
  local n=$1; shift
  timeout -k 5 "${TB_DOCKER_TIMEOUT:-60}" "$DOCKER" -H "unix://$(node_sock "$n")" "$@"
}
docker_up() { TB_DOCKER_TIMEOUT=5 ndocker "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# --- processes -------------------------------------------------------------------------------
read_pid() { # FILE -> pid, if the file holds one
  local p=""
  if [[ -s $1 ]]; then p=$(head -c 32 "$1" 2>/dev/null | tr -dc 0-9) || true; fi
  [[ -n $p ]] && printf '%s' "$p"
}
pid_alive() { [[ -n ${1:-} && -d /proc/$1 ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
pid_exe() { readlink "/proc/$1/exe" 2>/dev/null | sed 's/ (deleted)$//'; }
# pid_is PID EXE: PID is alive and runs EXE (guards against pid reuse before a kill)
pid_is() { pid_alive "$1" && [[ $(pid_exe "$1") == "$2" ]]; }
pid_dead() { ! pid_alive "$1"; }

# all descendants of the given pids (not the pids themselves), from /proc
descendants() {
  local -A kids=()
  local f line rest pid ppid
  local -a fields
  for f in /proc/[0-9]*/stat; do
    { read -r line <"$f"; } 2>/dev/null || continue
    pid=${line%% *}
    rest=${line##*) }
    read -r -a fields <<<"$rest"
    ppid=${fields[1]}
    kids[$ppid]+=" $pid"
  done
  local -a queue=("$@")
  local -A seen=()
  while ((${#queue[@]})); do
    pid=${queue[0]}
    queue=("${queue[@]:1}")
    for k in ${kids[$pid]:-}; do
      [[ -n ${seen[$k]:-} ]] && continue
      seen[$k]=1
      printf '%s\n' "$k"
      queue+=("$k")
    done
  done
}

# every process of a node: those in its network namespace and all their descendants
# (container processes live in their own namespaces under containerd-shim)
ns_procs() {
  local ns=$1
  ns_exists "$ns" || return 0
  local -a in_ns
  mapfile -t in_ns < <(ip netns pids "$ns" 2>/dev/null || true)
  ((${#in_ns[@]})) || return 0
  { printf '%s\n' "${in_ns[@]}"; descendants "${in_ns[@]}"; } | sort -un
}

# wait_until SECONDS CMD...: run CMD every 0.2 s until it succeeds; fail once SECONDS have
# passed (CMD itself must be bounded)
wait_until() {
  local secs=$1; shift
  local end=$((SECONDS + secs))
  while :; do
    "$@" && return 0
    ((SECONDS < end)) || return 1
    sleep 0.2
  done
}
