#!/bin/bash
# install-deps.sh: install (apt-get, Debian 12, as root) what the testbed needs, if missing.
# Daemons that the packages would start on the host (dockerd, sshd, ganesha) are kept from
# starting with a temporary policy-rc.d: the testbed runs its own copies inside namespaces.
set -euo pipefail
PKGS=(docker.io containerd runc tini openssh-server openssh-client busybox-static iptables
  iproute2 util-linux kmod nfs-ganesha nfs-ganesha-vfs libnfs-utils tar coreutils python3)
missing=()
declare -A st=()
while read -r name status; do st[$name]=$status; done < <(dpkg-query -W -f='${Package} ${Status}\n' "${PKGS[@]}" 2>/dev/null || true)
for p in "${PKGS[@]}"; do
  [[ ${st[$p]:-} == "install ok installed" ]] || missing+=("$p")
done
((${#missing[@]})) || exit 0

[[ $(id -u) == 0 ]] || { echo "install-deps.sh: must run as root to install: ${missing[*]}" >&2; exit 1; }
echo "install-deps.sh: installing ${missing[*]}" >&2
policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  made_policy=1
fi
cleanup() { ((made_policy)) && rm -f "$policy"; return 0; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
timeout 600 apt-get update -q
timeout 1200 apt-get install -y -q --no-install-recommends "${missing[@]}"
