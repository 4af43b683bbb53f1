#!/bin/bash
# status.sh: the testbed's state: namespaces, daemons, and `docker node ls` / `service ls` as
# seen by atlanta (over its docker socket).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
include_existing_extra_workers
require_root
rc=0
for n in "${NODES[@]}"; do
  nd=$(node_dir "$n")
  ns=$(ns_of "$n")
  st="$n ${ADDR[$n]}:"
  if ns_exists "$ns"; then st+=" netns"; else st+=" no-netns"; rc=1; fi
  p=$(read_pid "$nd/run/docker.pid") || true
  if pid_is "$p" /usr/sbin/dockerd; then st+=" dockerd=$p"; else st+=" dockerd=down"; rc=1; fi
  p=$(read_pid "$nd/run/sshd.pid") || true
  if pid_is "$p" /usr/sbin/sshd; then st+=" sshd=$p"; else st+=" sshd=down"; rc=1; fi
  if [[ $n == "$NFS_NODE" ]]; then
    p=$(read_pid "$nd/run/ganesha.pid") || true
    if pid_is "$p" /usr/bin/ganesha.nfsd; then st+=" nfs-ganesha=$p"; else st+=" nfs-ganesha=down"; rc=1; fi
  fi
  echo "$st"
done
if docker_up "$LEADER"; then
  TB_DOCKER_TIMEOUT=15 ndocker "$LEADER" node ls || rc=1
  TB_DOCKER_TIMEOUT=15 ndocker "$LEADER" service ls 2>/dev/null || true
else
  echo "dockerd on $LEADER does not answer"
  rc=1
fi
[[ -s $STATE/inventory.yaml ]] && echo "inventory: $STATE/inventory.yaml"
exit $rc
