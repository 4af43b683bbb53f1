#!/bin/bash
# services.sh [--recreate]: (re)create the plan's services on the testbed swarm, idempotently,
# and wait (at most 60 s) until each runs. A service whose spec differs (e.g. captain-captain
# pinned to an old node ID) is removed and created again; --recreate does that for all.
#   captain-captain  caprover/caprover:latest                     node.id==<atlanta's node ID>
#   docker-proxy     tecnativa/docker-socket-proxy:latest         node.labels.openclaw.trusted==true
#   openclaw-egress  ubuntu/squid:latest                          node.labels.openclaw.trusted==true
#   otel-collector   otel/opentelemetry-collector-contrib:latest  node.labels.openclaw.trusted==true
#   openclaw         img-captain--openclaw:latest                 node.labels.openclaw.trusted==true
# All: endpoint mode dnsrr (no IPVS here), --stop-grace-period 1s, no published ports.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
recreate=0
[[ ${1:-} == --recreate ]] && recreate=1
require_root
docker_up "$LEADER" || die "dockerd on $LEADER does not answer: is the testbed up?"

leader_id=$(ndocker "$LEADER" info --format '{{.Swarm.NodeID}}')
[[ -n $leader_id ]] || die "$LEADER is not in a swarm"
trusted='node.labels.openclaw.trusted==true'

# name|image|constraint|extra args (space-separated, no spaces inside one)
SERVICES=(
  "captain-captain|caprover/caprover:latest|node.id==$leader_id|"
  "docker-proxy|tecnativa/docker-socket-proxy:latest|$trusted|--env CONTAINERS=1 --env IMAGES=1 --env INFO=1 --env VERSION=1 --env PING=1 --env EVENTS=1 --env EXEC=1 --mount type=bind,src=/var/run/docker.sock,dst=/var/run/docker.sock,readonly"
  "openclaw-egress|ubuntu/squid:latest|$trusted|"
  "otel-collector|otel/opentelemetry-collector-contrib:latest|$trusted|"
  "openclaw|img-captain--openclaw:latest|$trusted|--env DOCKER_HOST=tcp://srv-captain--docker-proxy:2375"
)

pids=()
for s in "${SERVICES[@]}"; do
  IFS='|' read -r name image constraint extra <<<"$s"
  if cur=$(ndocker "$LEADER" service inspect "$name" \
    --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}|{{join .Spec.TaskTemplate.Placement.Constraints ","}}' 2>/dev/null); then
    if ((recreate == 0)) && [[ $cur == "$image|$constraint" ]]; then
      continue
    fi
    log "service $name: removing ($cur)"
    ndocker "$LEADER" service rm "$name" >/dev/null
  fi
  log "service $name: creating"
  # shellcheck disable=SC2086
  ndocker "$LEADER" service create --detach --quiet --no-resolve-image --name "$name" \
    --endpoint-mode dnsrr --stop-grace-period 1s --constraint "$constraint" $extra "$image" >/dev/null &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || die "docker service create failed"; done

running() {
  local s name out
  for s in "${SERVICES[@]}"; do
    name=${s%%|*}
    out=$(TB_DOCKER_TIMEOUT=10 ndocker "$LEADER" service ps "$name" --filter desired-state=running \
      --format '{{.CurrentState}}' 2>/dev/null) || return 1
    [[ $out == Running* ]] || return 1
  done
}
wait_until 60 running || die "services not running after 60 s: $(ndocker "$LEADER" service ps "$(printf '%s\n' "${SERVICES[@]}" | cut -d'|' -f1)" 2>&1)"
# shellcheck disable=SC2046
ndocker "$LEADER" service ps --filter desired-state=running \
  --format '{{.Name}} {{.Node}} {{.CurrentState}}' $(printf '%s\n' "${SERVICES[@]}" | cut -d'|' -f1) >&2
