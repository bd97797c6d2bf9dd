#!/usr/bin/env bash
# Runs real 3-node etcd clusters in Docker containers and breaks them in known ways.
#
# Usage:
#   cluster.sh up [--prefix NAME] [--base-port N] [--format capnslog|zap] [--image IMAGE]
#   cluster.sh break SCENARIO [--prefix NAME]
#   cluster.sh down [--prefix NAME]
#   cluster.sh status [--prefix NAME]
#   cluster.sh scenarios
#
# Containers are ${prefix}1..3 (default prefix etcd), --network host, listening on 127.0.0.1
# only. Port scheme: node N has client port BASE+10*(N-1) and peer port BASE+10*(N-1)+1, so
# with the default base 22379: etcd1 22379/22380, etcd2 22389/22390, etcd3 22399/22400, and
# etcd4 (only ever added as a member, never started) 22409/22410. BASE must lie within
# 22379..22918 so that every port stays within 22379..22949 (compose.yaml uses 22950..22971);
# give clusters that run at once bases 50 apart (22379, 22429, 22479, ...). `up` refuses to
# start when one of its ports already answers.
#
# Each node is configured the way bitnami/etcd and docker compose users do it: ETCD_*
# environment variables, a named volume ${prefix}N_data at /var/lib/etcd (data dir
# /var/lib/etcd/data), and compose labels (com.docker.compose.project=$prefix,
# com.docker.compose.service=${prefix}N, com.docker.compose.container-number=1) so a tool can
# find them as a compose project. Our own labels (dev.etcddoctor.cluster, .format, .base-port)
# let `down` remove only what this script made and let `break` recreate a node alike.
set -euo pipefail

IMAGE="${ETCDDOCTOR_IMAGE:-etcddoctor/etcd:3.4.23}"
PORT_MIN=22379
PORT_MAX=22949 # 22950..22999 belong to compose.yaml
DATA_MOUNT=/var/lib/etcd
DATA_DIR=/var/lib/etcd/data
PROBER_RE='health check for peer .* could not connect|prober detected unhealthy status'

prefix=etcd
base_port=$PORT_MIN
format=capnslog

log() { printf 'cluster: %s\n' "$*" >&2; }
die() { printf 'cluster: error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '4,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

client_port() { echo $((base_port + 10 * ($1 - 1))); }
peer_port() { echo $((base_port + 10 * ($1 - 1) + 1)); }
client_url() { echo "http://127.0.0.1:$(client_port "$1")"; }
peer_url() { echo "http://127.0.0.1:$(peer_port "$1")"; }
node() { echo "${prefix}$1"; }
token() { echo "${prefix}-cluster"; }

initial_cluster() {
  local n out=""
  for n in 1 2 3; do out+="${out:+,}$(node "$n")=$(peer_url "$n")"; done
  echo "$out"
}

require_engine() {
  timeout 10 docker info >/dev/null 2>&1 ||
    die "no Docker engine answers; run scripts/docker/engine.sh start"
  docker image inspect "$IMAGE" >/dev/null 2>&1 ||
    die "image $IMAGE is missing; run scripts/docker/build-image.sh"
}

container_exists() { docker container inspect "$1" >/dev/null 2>&1; }
container_running() {
  [[ "$(docker container inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" == true ]]
}
ours() {
  [[ "$(docker container inspect -f '{{index .Config.Labels "dev.etcddoctor.cluster"}}' "$1" 2>/dev/null)" == "$prefix" ]]
}

# Reads the format and base port that `up` recorded on the first node.
load_cluster() {
  local first
  first="$(node 1)"
  container_exists "$first" || die "no container $first: run 'cluster.sh up --prefix $prefix' first"
  ours "$first" || die "$first was not made by cluster.sh (label dev.etcddoctor.cluster)"
  format="$(docker container inspect -f '{{index .Config.Labels "dev.etcddoctor.format"}}' "$first")"
  base_port="$(docker container inspect -f '{{index .Config.Labels "dev.etcddoctor.base-port"}}' "$first")"
}

create_volume() {
  local n=$1
  docker volume create \
    --label "dev.etcddoctor.cluster=$prefix" \
    --label "com.docker.compose.project=$prefix" \
    --label "com.docker.compose.volume=$(node "$n")_data" \
    "$(node "$n")_data" >/dev/null
}

wipe_volume() {
  local n=$1
  docker volume rm "$(node "$n")_data" >/dev/null
  create_volume "$n"
}

# run_node N [TOKEN] [STATE]: starts node N with bitnami-style ETCD_* variables.
run_node() {
  local n=$1 tok=${2:-$(token)} state=${3:-new}
  local name
  name="$(node "$n")"
  local env=(
    -e "ETCD_NAME=$name"
    -e "ETCD_DATA_DIR=$DATA_DIR"
    -e "ETCD_INITIAL_ADVERTISE_PEER_URLS=$(peer_url "$n")"
    -e "ETCD_LISTEN_PEER_URLS=$(peer_url "$n")"
    -e "ETCD_LISTEN_CLIENT_URLS=$(client_url "$n")"
    -e "ETCD_ADVERTISE_CLIENT_URLS=$(client_url "$n")"
    -e "ETCD_INITIAL_CLUSTER_TOKEN=$tok"
    -e "ETCD_INITIAL_CLUSTER=$(initial_cluster)"
    -e "ETCD_INITIAL_CLUSTER_STATE=$state"
    # Lets `docker exec NODE etcdctl ...` reach this node without --endpoints.
    -e "ETCDCTL_ENDPOINTS=$(client_url "$n")"
  )
  if [[ "$format" == zap ]]; then
    env+=(-e ETCD_LOGGER=zap -e ETCD_LOG_OUTPUTS=stderr)
  fi
  docker volume inspect "${name}_data" >/dev/null 2>&1 || create_volume "$n"
  # --restart no: a crashing member stays exited, so its last lines and exit code show.
  docker run -d --name "$name" --network host --restart no \
    --label "com.docker.compose.project=$prefix" \
    --label "com.docker.compose.service=$name" \
    --label "com.docker.compose.container-number=1" \
    --label "com.docker.compose.oneoff=False" \
    --label "dev.etcddoctor.cluster=$prefix" \
    --label "dev.etcddoctor.format=$format" \
    --label "dev.etcddoctor.base-port=$base_port" \
    -v "${name}_data:$DATA_MOUNT" \
    "${env[@]}" "$IMAGE" >/dev/null
}

ctl() { # ctl N ARGS...: etcdctl inside node N, against node N.
  local n=$1
  shift
  docker exec "$(node "$n")" etcdctl --dial-timeout=2s --command-timeout=3s "$@"
}

# count_lines "CONTAINER..." REGEX: how many log lines of these containers match (ignoring case).
count_lines() {
  local c total=0 k
  for c in $1; do
    k="$(docker logs "$c" 2>&1 | grep -ciE "$2" || true)"
    total=$((total + k))
  done
  echo "$total"
}

# wait_lines "CONTAINER..." REGEX MIN_COUNT TIMEOUT: waits until at least MIN_COUNT lines match.
wait_lines() {
  local c=$1 re=$2 want=$3 limit=$4 waited=0 have
  while true; do
    have="$(count_lines "$c" "$re")"
    if ((have >= want)); then
      log "  $c: $have line(s) matching /$re/ after ${waited}s"
      return 0
    fi
    if ((waited >= limit)); then
      log "  warning: $c: only $have of $want line(s) matching /$re/ after ${limit}s"
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

wait_exited() { # wait_exited CONTAINER TIMEOUT
  local c=$1 limit=$2 waited=0
  while container_running "$c"; do
    if ((waited >= limit)); then
      log "  warning: $c still running after ${limit}s"
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "  $c exited (code $(docker container inspect -f '{{.State.ExitCode}}' "$c")) after ${waited}s"
}

wait_healthy() { # wait_healthy TIMEOUT NODES...
  local limit=$1 waited=0 n
  shift
  for n in "$@"; do
    until ctl "$n" endpoint health >/dev/null 2>&1; do
      if ! container_running "$(node "$n")"; then
        docker logs --tail 20 "$(node "$n")" >&2 || true
        die "$(node "$n") exited while starting"
      fi
      if ((waited >= limit)); then
        docker logs --tail 20 "$(node "$n")" >&2 || true
        die "$(node "$n") not healthy after ${limit}s"
      fi
      sleep 1
      waited=$((waited + 1))
    done
  done
}

# ctl_retry N ARGS...: etcd rejects membership changes ("unhealthy cluster") until every member
# has been active for 5 s (--strict-reconfig-check), so a fresh cluster needs a few tries.
ctl_retry() {
  local waited=0
  until ctl "$@" 2>/dev/null; do
    if ((waited >= 30)); then
      ctl "$@" || die "etcdctl ${*:2} kept failing for 30s"
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

member_id() { # member_id NAME: hex ID of member NAME, asked of node 1.
  ctl 1 member list | awk -F', ' -v name="$1" '$3 == name { print $1 }'
}

cmd_up() {
  require_engine
  [[ "$format" == capnslog || "$format" == zap ]] || die "--format must be capnslog or zap"
  [[ "$base_port" =~ ^[0-9]+$ ]] || die "--base-port must be a number"
  ((base_port >= PORT_MIN && base_port + 31 <= PORT_MAX)) ||
    die "--base-port must be within $PORT_MIN..$((PORT_MAX - 31)) (ports used: BASE..BASE+31)"
  local n
  for n in 1 2 3 4; do
    if container_exists "$(node "$n")"; then
      die "container $(node "$n") exists; run 'cluster.sh down --prefix $prefix' first"
    fi
  done
  local port
  for n in 1 2 3; do
    for port in "$(client_port "$n")" "$(peer_port "$n")"; do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        die "port $port on 127.0.0.1 is in use; pick another --base-port"
      fi
    done
  done
  local start=$SECONDS
  log "starting $(node 1) $(node 2) $(node 3) ($format logs, client ports $(client_port 1) $(client_port 2) $(client_port 3))"
  for n in 1 2 3; do run_node "$n"; done
  wait_healthy 60 1 2 3
  for n in 1 2 3; do ctl 1 put "/etcddoctor/demo/key$n" "value$n" >/dev/null; done
  log "healthy after $((SECONDS - start))s; wrote /etcddoctor/demo/key1..3"
  ctl 1 member list -w table
}

cmd_break() {
  local scenario=$1
  require_engine
  load_cluster
  local n1 n2 n3 start=$SECONDS
  n1="$(node 1)" n2="$(node 2)" n3="$(node 3)"
  case "$scenario" in
    cluster-id-mismatch)
      log "recreating $n3 with a wiped volume, ETCD_INITIAL_CLUSTER_TOKEN=$(token)-other, state new:"
      log "  it bootstraps a cluster of its own, whose ID the others reject"
      docker rm -f "$n3" >/dev/null
      wipe_volume 3
      run_node 3 "$(token)-other" new
      wait_lines "$n1" 'cluster ID mismatch' 1 30 || true
      wait_lines "$n3" 'cluster ID mismatch' 1 30 || true
      ;;
    removed-member-restarted)
      local id
      id="$(member_id "$n3")"
      [[ -n "$id" ]] || die "$n3 is not a member"
      log "removing member $n3 ($id), then starting $n3 again with its old volume"
      ctl_retry 1 member remove "$id"
      wait_exited "$n3" 30 || true
      local before
      before="$(count_lines "$n3" 'permanently removed|removed member')"
      docker start "$n3" >/dev/null
      wait_lines "$n3" 'permanently removed|removed member' $((before + 1)) 30 || true
      wait_lines "$n1" 'rejected (the )?stream from (remote )?peer' 1 30 || true
      wait_exited "$n3" 30 || true
      ;;
    peer-stopped)
      log "stopping $n3 (docker stop)"
      docker stop "$n3" >/dev/null
      wait_lines "$n1" 'lost (the )?TCP streaming connection' 1 30 || true
      # The rafthttp prober checks a healthy peer every 30 s, then every 5 s once it fails
      # ("health check for peer ... could not connect" in capnslog, "prober detected
      # unhealthy status" in zap), so the first such line can take up to ~35 s.
      wait_lines "$n1" "$PROBER_RE" 1 45 || true
      ;;
    quorum-lost)
      log "stopping $n2 and $n3 (docker stop): $n1 alone cannot elect a leader"
      docker stop "$n2" "$n3" >/dev/null
      wait_lines "$n1" 'starting a new election' 3 45 || true
      ;;
    member-wiped)
      log "recreating $n3 with a wiped volume and state new (same token): it refuses to start"
      docker rm -f "$n3" >/dev/null
      wipe_volume 3
      run_node 3 "$(token)" new
      wait_exited "$n3" 60 || true
      wait_lines "$n3" 'has already been bootstrapped' 1 5 || true
      ;;
    member-unstarted)
      local n4
      n4="$(node 4)"
      log "adding member $n4 ($(peer_url 4)) and never starting it"
      ctl_retry 1 member add "$n4" --peer-urls="$(peer_url 4)"
      # Only the leader checks members' versions, so look at every node.
      wait_lines "$n1 $n2 $n3" 'failed to reach the peer ?URL' 1 15 || true
      wait_lines "$n1" "$PROBER_RE" 2 20 || true
      ;;
    *) die "unknown scenario '$scenario' (see: cluster.sh scenarios)" ;;
  esac
  log "$scenario done after $((SECONDS - start))s"
}

cmd_down() {
  timeout 10 docker info >/dev/null 2>&1 || die "no Docker engine answers"
  local ids vols
  ids="$(docker ps -aq --filter "label=dev.etcddoctor.cluster=$prefix")"
  if [[ -n "$ids" ]]; then
    # shellcheck disable=SC2086 # one id per word
    docker rm -f $ids >/dev/null
  fi
  vols="$(docker volume ls -q --filter "label=dev.etcddoctor.cluster=$prefix")"
  if [[ -n "$vols" ]]; then
    # shellcheck disable=SC2086
    docker volume rm $vols >/dev/null
  fi
  log "removed $(wc -w <<<"$ids") container(s) and $(wc -w <<<"$vols") volume(s) of cluster '$prefix'"
}

cmd_status() {
  timeout 10 docker info >/dev/null 2>&1 || die "no Docker engine answers"
  docker ps -a --filter "label=dev.etcddoctor.cluster=$prefix" \
    --format 'table {{.Names}}\t{{.State}}\t{{.Status}}\t{{.Label "dev.etcddoctor.format"}}'
  local c
  for c in $(docker ps --filter "label=dev.etcddoctor.cluster=$prefix" --format '{{.Names}}' | sort); do
    docker exec "$c" etcdctl --dial-timeout=2s --command-timeout=3s endpoint health 2>&1 |
      sed "s/^/$c: /" || true
  done
  for c in $(docker ps --filter "label=dev.etcddoctor.cluster=$prefix" --format '{{.Names}}' | sort); do
    if docker exec "$c" etcdctl --dial-timeout=2s --command-timeout=3s member list -w table 2>/dev/null; then
      break
    fi
  done
}

scenarios() {
  cat <<'EOF'
cluster-id-mismatch       etcd3 recreated: wiped volume, different token, state new
removed-member-restarted  member remove etcd3, then etcd3 started again on its old volume
peer-stopped              docker stop etcd3
quorum-lost               docker stop etcd2 etcd3
member-wiped              etcd3 recreated: wiped volume, same token, state new (exits)
member-unstarted          member add etcd4, never started
EOF
}

cmd="${1:-}"
[[ -n "$cmd" ]] || usage
shift
scenario=""
if [[ "$cmd" == break ]]; then
  scenario="${1:-}"
  [[ -n "$scenario" && "$scenario" != --* ]] || die "break needs a scenario (see: cluster.sh scenarios)"
  shift
fi
while (($#)); do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a value}"; shift 2 ;;
    --base-port) base_port="${2:?--base-port needs a value}"; shift 2 ;;
    --format) format="${2:?--format needs a value}"; shift 2 ;;
    --image) IMAGE="${2:?--image needs a value}"; shift 2 ;;
    *) die "unknown argument '$1'" ;;
  esac
done
[[ "$prefix" =~ ^[a-z][a-z0-9-]{0,30}$ ]] || die "--prefix must be lower-case letters, digits and dashes"

case "$cmd" in
  up) cmd_up ;;
  break) cmd_break "$scenario" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  scenarios) scenarios ;;
  *) usage ;;
esac
