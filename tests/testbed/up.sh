#!/bin/bash
# up.sh [--services|--no-services] [--fresh]: bring up the 4-host Docker Swarm testbed (see README.md).
# Idempotent: a healthy testbed is left as it is (services and inventory refreshed); anything
# else, or any testbed with --fresh, is torn down first (down.sh) and brought up afresh.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

services=1
fresh=0
for a in "$@"; do
  case $a in
    --services) services=1 ;;
    --no-services) services=0 ;;
    --fresh) fresh=1 ;;
    -h | --help) sed -n '2,4s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die "unknown argument '$a' (usage: up.sh [--services|--no-services] [--fresh])" ;;
  esac
done
require_root
t0=$(date +%s.%N)

bash "$TB_SRC/install-deps.sh"

ssh_node() { # NODE CMD...: ssh from the root namespace, as live mode does
  timeout -k 2 20 ssh -F /dev/null -i "$STATE/client_key" -o IdentitiesOnly=yes -o BatchMode=yes \
    -o UserKnownHostsFile="$STATE/known_hosts" -o GlobalKnownHostsFile=/dev/null \
    -o StrictHostKeyChecking=yes -o ConnectTimeout=5 "root@${ADDR[$1]}" "${@:2}"
}

# --- safety: 10.0.0.0/24 must not be routed anywhere but our veth ------------------------------
check_routes() {
  local a dev
  for a in "${ADDR[@]}"; do
    dev=$(ip -o route get "$a" 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p')
    [[ $dev == "$ROOT_IF" ]] || die "route to $a goes via '$dev', not $ROOT_IF: refusing to go on"
  done
}
preflight() {
  local line dst
  # a route as specific as our /24 (or more) would compete with clawsim0; wider ones lose to it
  while read -r line; do
    dst=${line%% *}
    [[ $dst == */* ]] || dst+=/32
    ((${dst#*/} >= PREFIX)) || continue
    [[ $line == *" dev $ROOT_IF "* || $line == *" dev $ROOT_IF" ]] && continue
    die "the root namespace already routes $SUBNET elsewhere: $line"
  done < <(for a in "${ADDR[@]}" "$ROOT_ADDR"; do ip -o route show table all to match "$a"; done | grep -v '^default\|^local\|^broadcast\|^unreachable\|^multicast' || true)
  for c in ip unshare nsenter setsid ssh ssh-keygen /usr/sbin/sshd /usr/sbin/dockerd "$DOCKER" \
    /usr/bin/ganesha.nfsd /bin/busybox; do
    command -v "$c" >/dev/null || die "missing $c (install-deps.sh failed?)"
  done
}

healthy() {
  local n a
  for n in "${NODES[@]}"; do
    ns_exists "$(ns_of "$n")" || return 1
    a=$(read_pid "$(node_dir "$n")/anchor.pid") || return 1
    pid_alive "$a" || return 1
    [[ $(TB_DOCKER_TIMEOUT=5 ndocker "$n" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null) == active ]] || return 1
  done
  [[ -s $STATE/known_hosts && -s $STATE/client_key ]] || return 1
  ip link show "$ROOT_IF" >/dev/null 2>&1 || return 1
  [[ $(TB_DOCKER_TIMEOUT=10 ndocker "$LEADER" node ls --format '{{.Status}}' 2>/dev/null | grep -c '^Ready$') == "${#NODES[@]}" ]] || return 1
  a=$(read_pid "$(node_dir "$NFS_NODE")/run/ganesha.pid") || return 1
  pid_alive "$a" || return 1
  ssh_all_ok 2>/dev/null
}
ssh_all_ok() { # every node answers over SSH with its hostname (in parallel)
  local n rc=0 d
  d=$(mktemp -d)
  for n in "${NODES[@]}"; do ssh_node "$n" hostname >"$d/$n" 2>"$d/$n.err" </dev/null & done
  wait
  for n in "${NODES[@]}"; do
    [[ $(cat "$d/$n") == "$n" ]] || { log "ssh to $n (${ADDR[$n]}) failed: $(cat "$d/$n.err")"; rc=1; }
  done
  rm -rf "$d"
  return $rc
}

# --- files ------------------------------------------------------------------------------------
prepare_files() { # [fresh]: also start new logs
  local fresh=0
  [[ ${1:-} == fresh ]] && fresh=1
  mkdir -p "$STATE/bin" "$STATE/images" "$STATE/nodes"
  chmod 755 "$STATE"
  install -m 644 "$TB_SRC/lib.sh" "$STATE/bin/lib.sh"
  local f
  for f in "$TB_SRC"/node/*; do install -m 755 "$f" "$STATE/bin/"; done
  chmod 644 "$STATE/bin/node-lib.sh"

  [[ -s $STATE/client_key && -s $STATE/client_key.pub ]] ||
    { rm -f "$STATE/client_key" "$STATE/client_key.pub"; ssh-keygen -q -t ed25519 -N '' -C clawsim-testbed -f "$STATE/client_key"; }
  chmod 600 "$STATE/client_key"

  # the host's cgroup mounts, re-created inside each node (ip netns exec hides them)
  awk '($3 == "cgroup" || $3 == "cgroup2") && $2 ~ "^/sys/fs/cgroup" { print $3, $2, $4 }' /proc/self/mounts >"$STATE/cgroup-mounts"

  # overlay2 unless the state dir sits on overlayfs (then vfs)
  local fstype driver
  fstype=$(stat -f -c %T "$STATE")
  driver=${CLAWSIM_TESTBED_STORAGE_DRIVER:-overlay2}
  [[ $fstype == overlayfs && -z ${CLAWSIM_TESTBED_STORAGE_DRIVER:-} ]] && driver=vfs
  echo "$driver" >"$STATE/storage-driver"

  readlink /proc/self/ns/mnt >"$STATE/root-mntns"
  readlink /proc/self/ns/uts >"$STATE/root-utsns"
  mkdir -p /var/lib/docker /etc/docker   # mount points for the per-node bind mounts

  local n nd p i=0
  : >"$STATE/known_hosts.new"
  for n in "${NODES[@]}"; do
    nd=$(node_dir "$n")
    ((fresh)) && rm -rf "$nd/log"
    mkdir -p "$nd/run" "$nd/tmp" "$nd/docker" "$nd/etc-docker" "$nd/log"
    chmod 1777 "$nd/tmp"
    chmod 711 "$nd/docker"
    [[ -s $nd/ssh_host_ed25519_key && -s $nd/ssh_host_ed25519_key.pub ]] ||
      { rm -f "$nd"/ssh_host_ed25519_key*; ssh-keygen -q -t ed25519 -N '' -C "$n" -f "$nd/ssh_host_ed25519_key"; }
    chmod 600 "$nd/ssh_host_ed25519_key"
    printf '%s %s\n' "${ADDR[$n]}" "$(cut -d' ' -f1,2 "$nd/ssh_host_ed25519_key.pub")" >>"$STATE/known_hosts.new"
    {
      printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
      for i in "${NODES[@]}"; do printf '%s\t%s\n' "${ADDR[$i]}" "$i"; done
    } >"$nd/hosts"
    # the node's own address, where nothing serves DNS: a lookup stays inside the testbed
    # (with only localhost here, dockerd would give containers 8.8.8.8)
    echo "nameserver ${ADDR[$n]}" >"$nd/resolv.conf"
    cat >"$nd/sshd_config.new" <<CONF
# sshd of testbed node $n (generated by tests/testbed/up.sh)
ListenAddress ${ADDR[$n]}:22
HostKey $nd/ssh_host_ed25519_key
PidFile /run/sshd.pid
AuthorizedKeysFile $STATE/client_key.pub
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
MaxStartups 100:30:200
MaxSessions 64
LoginGraceTime 30
Subsystem sftp internal-sftp
# The nodes share the host's /root: keep bash from sourcing its ~/.bashrc (a developer's
# pyenv set-up there costs ~0.6 s per command). PATH is sshd's default.
SetEnv SHLVL=1
CONF
    if cmp -s "$nd/sshd_config.new" "$nd/sshd_config"; then
      rm -f "$nd/sshd_config.new"
    else
      mv "$nd/sshd_config.new" "$nd/sshd_config"
      p=$(read_pid "$nd/run/sshd.pid") || true
      if pid_is "$p" /usr/sbin/sshd; then kill -HUP "$p"; fi   # a running node: reload
    fi
  done
  mv "$STATE/known_hosts.new" "$STATE/known_hosts"

  nd=$(node_dir "$NFS_NODE")
  mkdir -p "$nd/nfs/captain-data" "$nd/nfs/recovery"
  [[ -e $nd/nfs/captain-data/README ]] || echo "clawsim testbed: /captain/data exported by $NFS_NODE" >"$nd/nfs/captain-data/README"
  cat >"$nd/ganesha.conf" <<CONF
# nfs-ganesha of testbed node $NFS_NODE (generated by tests/testbed/up.sh)
NFS_CORE_PARAM {
    Protocols = 4;
    NFS_Port = 2049;
    Bind_addr = ${ADDR[$NFS_NODE]};
    Enable_NLM = false;
    Enable_RQUOTA = false;
}
NFSV4 {
    Graceless = true;
    RecoveryBackend = fs;
    RecoveryRoot = "$nd/nfs/recovery";
}
EXPORT {
    Export_Id = 1;
    Path = "$nd/nfs/captain-data";
    Pseudo = "/captain/data";
    Access_Type = RW;
    Squash = No_Root_Squash;
    Protocols = 4;
    Transports = TCP;
    SecType = sys;
    FSAL { Name = VFS; }
}
LOG { Default_Log_Level = EVENT; }
CONF
}

# --- network ----------------------------------------------------------------------------------
no_ipv6() { ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; }
net_up() {
  local n ns
  ip netns add "$BR_NS"
  no_ipv6 "$BR_NS"
  ip -n "$BR_NS" link set lo up
  ip -n "$BR_NS" link add "$BR_DEV" type bridge stp_state 0
  ip -n "$BR_NS" link set "$BR_DEV" up
  for n in "${NODES[@]}"; do
    ns=$(ns_of "$n")
    ip netns add "$ns"
    no_ipv6 "$ns"
    ip -n "$ns" link set lo up
    ip link add name eth0 netns "$ns" type veth peer name "veth-$n" netns "$BR_NS"
    ip -n "$BR_NS" link set "veth-$n" master "$BR_DEV" up
    ip -n "$ns" addr add "${ADDR[$n]}/$PREFIX" dev eth0
    ip -n "$ns" link set eth0 up
  done
  # the test client's way in: root namespace <-> bridge; link down until IPv6 is off on it
  ip link add name "$ROOT_IF" type veth peer name veth-root netns "$BR_NS"
  sysctl -qw "net.ipv6.conf.$ROOT_IF.disable_ipv6=1"
  ip addr add "$ROOT_ADDR/$PREFIX" dev "$ROOT_IF"
  ip -n "$BR_NS" link set veth-root master "$BR_DEV" up
  ip link set "$ROOT_IF" up
  check_routes
  for n in "${NODES[@]}"; do
    [[ -z $(ip netns exec "$(ns_of "$n")" ip -o route show default) ]] || die "default route in $(ns_of "$n")"
  done
}

# --- nodes ------------------------------------------------------------------------------------
nodes_up() {
  local n pids=() rc=0
  for n in "${NODES[@]}"; do
    ip netns exec "$(ns_of "$n")" unshare --uts --mount --propagation private -- \
      "$STATE/bin/node-init" "$n" >>"$(node_dir "$n")/log/init.log" 2>&1 </dev/null 9>&- &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { log "node-init ${NODES[$i]} failed: $(tail -n 5 "$(node_dir "${NODES[$i]}")/log/init.log")"; rc=1; }
  done
  ((rc == 0)) || die "node-init failed"
  for n in "${NODES[@]}"; do
    wait_until 60 docker_up "$n" || die "dockerd on $n does not answer (see $(node_dir "$n")/log/dockerd.log)"
  done
}

# --- swarm ------------------------------------------------------------------------------------
swarm_ready() {
  local out
  out=$(TB_DOCKER_TIMEOUT=10 ndocker "$LEADER" node ls --format '{{.Status}} {{.ManagerStatus}}' 2>/dev/null) || return 1
  [[ $(grep -c '^Ready' <<<"$out") == "${#NODES[@]}" ]] &&
    [[ $(grep -cE '^Ready (Leader|Reachable)$' <<<"$out") == $((1 + ${#MANAGERS[@]})) ]]
}
swarm_up() {
  local mt wt n
  ndocker "$LEADER" swarm init --advertise-addr "${ADDR[$LEADER]}" --listen-addr "${ADDR[$LEADER]}:2377" \
    --default-addr-pool "$SWARM_POOL" >/dev/null
  mt=$(ndocker "$LEADER" swarm join-token -q manager)
  wt=$(ndocker "$LEADER" swarm join-token -q worker)
  for n in "${MANAGERS[@]}"; do
    ndocker "$n" swarm join --token "$mt" --advertise-addr "${ADDR[$n]}" --listen-addr "${ADDR[$n]}:2377" "${ADDR[$LEADER]}:2377" >/dev/null
  done
  for n in "${WORKERS[@]}"; do
    ndocker "$n" swarm join --token "$wt" --advertise-addr "${ADDR[$n]}" --listen-addr "${ADDR[$n]}:2377" "${ADDR[$LEADER]}:2377" >/dev/null
  done
  wait_until 60 swarm_ready || die "swarm not ready after 60 s: $(ndocker "$LEADER" node ls 2>&1)"
  ndocker "$LEADER" node update --label-add openclaw.trusted=true \
    "$(ndocker "$TRUSTED" info --format '{{.Swarm.NodeID}}')" >/dev/null
}

# --- images -----------------------------------------------------------------------------------
build_rootfs() {
  local tar=$STATE/images/rootfs.tar r=$STATE/images/rootfs
  [[ -s $tar && $tar -nt /bin/busybox ]] && return 0
  rm -rf "$r"
  mkdir -p "$r"/{bin,etc,tmp,proc,sys,dev,root,var/run}
  chmod 1777 "$r/tmp"
  cp /bin/busybox "$r/bin/busybox"
  local a
  for a in $("$r/bin/busybox" --list); do [[ $a == busybox ]] || ln -sf busybox "$r/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
  tar --numeric-owner --owner=0 --group=0 -C "$r" -cf "$tar.tmp" .
  mv "$tar.tmp" "$tar"
}
images_up() {
  build_rootfs
  # sleep as PID 1 would ignore SIGTERM: this one exits at once on docker stop
  ndocker "$LEADER" import \
    --change 'ENV PATH=/bin' \
    --change "CMD [\"/bin/sh\", \"-c\", \"trap 'exit 0' TERM INT; sleep 1000000 & wait\"]" \
    "$STATE/images/rootfs.tar" "$IMAGE_BASE" >/dev/null
  local n t p pids=()
  for t in "${IMAGE_TAGS[@]}"; do ndocker "$LEADER" tag "$IMAGE_BASE" "$t"; done
  # one archive with every tag: `docker load` gives the other nodes the same image ID and tags
  ndocker "$LEADER" save -o "$STATE/images/image.tar" "$IMAGE_BASE" "${IMAGE_TAGS[@]}"
  for n in "${NODES[@]}"; do
    [[ $n == "$LEADER" ]] && continue
    ndocker "$n" load -q -i "$STATE/images/image.tar" >/dev/null &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || return 1; done
}

# --- NFS check, SSH check, inventory ----------------------------------------------------------
nfs_check() {
  local from=$LEADER
  timeout 10 ip netns exec "$(ns_of "$from")" nfs-ls "nfs://${ADDR[$NFS_NODE]}/captain/data?version=4" 2>&1 | grep -q README
}
write_inventory() {
  local n f=$STATE/inventory.yaml.new
  {
    echo "known_hosts: $STATE/known_hosts"
    echo "defaults:"
    echo "  user: root"
    echo "  port: 22"
    echo "  key: $STATE/client_key"
    echo "  command_timeout: 30s"
    echo "nodes:"
    for n in "${NODES[@]}"; do
      echo "  - name: $n"
      echo "    host: ${ADDR[$n]}"
      echo "    commands:"
      echo "      daemon_stop: \"$STATE/bin/daemon-stop $n\""
      echo "      daemon_start: \"$STATE/bin/daemon-start $n\""
      echo "      power_off: \"$STATE/bin/power-off $n\""
      echo "      power_on: \"$STATE/bin/power-on $n\""
      if [[ $n == "$NFS_NODE" ]]; then
        echo "      nfs_stop: \"$STATE/bin/nfs-stop $n\""
        echo "      nfs_start: \"$STATE/bin/nfs-start $n\""
      fi
      echo "      docker: \"$DOCKER -H unix:///run/docker.sock\""
    done
  } >"$f"
  mv "$f" "$STATE/inventory.yaml"
}

# ----------------------------------------------------------------------------------------------
trap 'rc=$?; ((rc == 0)) || log "up.sh failed (exit $rc): the testbed is left as it is for a look; down.sh cleans up"' EXIT
mkdir -p "$STATE"
exec 9>"$STATE/.lock"
flock -w 300 9 || die "another up.sh/down.sh holds $STATE/.lock"

if ((!fresh)) && healthy; then
  log "testbed already up"
  prepare_files
else
  CLAWSIM_TB_LOCKED=1 bash "$TB_SRC/down.sh" --quiet
  preflight
  prepare_files fresh
  log "network"
  net_up
  log "nodes (dockerd, sshd, nfs-ganesha)"
  nodes_up
  log "swarm and images"
  images_up >"$STATE/images/images.log" 2>&1 9>&- &
  images_pid=$!
  swarm_up
  wait "$images_pid" || die "loading the images failed: $(tail -n 5 "$STATE/images/images.log")"
fi
ssh_all_ok || die "ssh to the nodes failed"
if wait_until 20 nfs_check; then
  log "NFS: nfs://${ADDR[$NFS_NODE]}/captain/data answers"
else
  log "WARNING: nfs-ls nfs://${ADDR[$NFS_NODE]}/captain/data failed (see $(node_dir "$NFS_NODE")/log/ganesha.log)"
fi
write_inventory
if ((services)); then
  log "services"
  CLAWSIM_TB_LOCKED=1 bash "$TB_SRC/services.sh"
fi
log "up in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s; inventory: $STATE/inventory.yaml"
