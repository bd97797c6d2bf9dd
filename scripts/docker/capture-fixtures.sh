#!/usr/bin/env bash
# Captures real docker-format etcd logs and `docker inspect` output into fixtures/docker/.
#
# Usage: scripts/docker/capture-fixtures.sh [--no-compose]
#
# For each log format (capnslog, zap) and scenario (healthy, cluster-id-mismatch,
# peer-stopped) it brings up a fresh cluster with cluster.sh (prefix etcd, base port 22379),
# breaks it, and saves per node:
#   etcdN.ts.log       docker logs --timestamps etcdN
#   etcdN.log          docker logs etcdN
#   etcdN.inspect.json docker inspect etcdN
# Then, unless --no-compose, it runs compose.yaml with docker-compose (v1) and saves
# fixtures/docker/<format>/compose-healthy/: compose.log, compose.ts.log, compose.no-color.log
# and etcdN.inspect.json.
# Needs a running engine and the image (engine.sh start; build-image.sh). Everything it starts
# it removes again.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out_root="$repo/fixtures/docker"
cluster="$here/cluster.sh"
settle="${CAPTURE_SETTLE:-3}"
compose=true
[[ "${1:-}" == --no-compose ]] && compose=false

log() { printf 'capture: %s\n' "$*" >&2; }

save_node() { # save_node CONTAINER DIR FILE_STEM
  local c=$1 dir=$2 stem=$3
  docker logs --timestamps "$c" >"$dir/$stem.ts.log" 2>&1
  docker logs "$c" >"$dir/$stem.log" 2>&1
  docker inspect "$c" >"$dir/$stem.inspect.json"
}

capture_scenario() { # capture_scenario FORMAT SCENARIO
  local fmt=$1 scenario=$2 dir n
  dir="$out_root/$fmt/$scenario"
  log "$fmt/$scenario"
  "$cluster" down --prefix etcd >/dev/null 2>&1
  "$cluster" up --prefix etcd --format "$fmt" >/dev/null
  if [[ "$scenario" != healthy ]]; then "$cluster" break "$scenario" --prefix etcd; fi
  sleep "$settle"
  rm -rf "$dir"
  mkdir -p "$dir"
  for n in 1 2 3; do save_node "etcd$n" "$dir" "etcd$n"; done
}

capture_compose() { # capture_compose FORMAT
  local fmt=$1 dir n waited=0
  dir="$out_root/$fmt/compose-healthy"
  local dc=(docker-compose -p etcdcompose -f "$here/compose.yaml")
  log "$fmt/compose-healthy"
  ETCD_LOGGER="$fmt" "${dc[@]}" down -v >/dev/null 2>&1 || true
  ETCD_LOGGER="$fmt" "${dc[@]}" up -d 2>/dev/null
  for n in 1 2 3; do
    until docker exec "etcdcompose_etcd${n}_1" etcdctl --dial-timeout=2s endpoint health >/dev/null 2>&1; do
      ((waited < 60)) || { log "compose etcd$n not healthy after 60s"; exit 1; }
      sleep 1
      waited=$((waited + 1))
    done
  done
  docker exec etcdcompose_etcd1_1 etcdctl put /etcddoctor/demo/compose yes >/dev/null
  sleep "$settle"
  rm -rf "$dir"
  mkdir -p "$dir"
  # docker-compose 1.29 colours its "etcd1_1  | " prefixes even when writing to a file, so
  # compose.log is what a user's `docker-compose logs > file` really holds; --no-color too.
  "${dc[@]}" logs >"$dir/compose.log" 2>&1
  "${dc[@]}" logs -t >"$dir/compose.ts.log" 2>&1
  "${dc[@]}" logs --no-color >"$dir/compose.no-color.log" 2>&1
  for n in 1 2 3; do docker inspect "etcdcompose_etcd${n}_1" >"$dir/etcd$n.inspect.json"; done
  ETCD_LOGGER="$fmt" "${dc[@]}" down -v >/dev/null 2>&1
}

for fmt in capnslog zap; do
  for scenario in healthy cluster-id-mismatch peer-stopped; do
    capture_scenario "$fmt" "$scenario"
  done
  if $compose; then capture_compose "$fmt"; fi
done
"$cluster" down --prefix etcd >/dev/null
log "done: $out_root"
