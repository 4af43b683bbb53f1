# shellcheck shell=bash
# Sourced by the per-node scripts installed in <state dir>/bin. The state dir is found from
# the script's own location, so these scripts work from any shell: in a node's SSH session
# (already inside the node's namespaces) or in the root namespace (they enter the node first).
BIN=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export CLAWSIM_TESTBED_DIR=${BIN%/bin}
# shellcheck source=/dev/null
. "$BIN/lib.sh"
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

# shellcheck disable=SC2153
node_arg() { # validates $1 as a node name
  local n=${1:-}
  [[ -n $n && -n ${ADDR[$n]:-} ]] || die "usage: $(basename "$0") NODE (one of ${NODES[*]})"
  NODE=$n
  ND=$(node_dir "$n")
}

in_node() { [[ $(cat /run/clawsim-node 2>/dev/null) == "$NODE" && $(hostname) == "$NODE" ]]; }

# Run the calling script inside NODE's namespaces: nothing to do in the node's SSH session;
# from the root namespace, re-exec through nsenter into the node's anchor process.
enter_node() {
  in_node && return 0
  local a
  a=$(read_pid "$ND/anchor.pid") || true
  pid_is "$a" "$(command -v sleep)" || die "$NODE is not up (no anchor process)"
  [[ -z ${CLAWSIM_TB_ENTERED:-} ]] || die "cannot enter $NODE's namespaces"
  CLAWSIM_TB_ENTERED=1 exec nsenter -t "$a" -n -m -u -- "$0" "$@"
}
