#!/usr/bin/env bash
# Starts, stops and reports a real Docker engine for etcddoctor's tests and demos.
#
# Usage: scripts/docker/engine.sh start|stop|status|compose
#   compose: installs docker-compose (v1) if it is missing.
#
# What we found on this machine kind (Debian 12, root, no systemd, no image registry):
# - The preinstalled docker client is Docker's static 28.x build in /usr/local/bin (not a dpkg
#   package). Debian's docker.io (20.10.24, API 1.41) installs its own client in /usr/bin plus
#   dockerd, containerd 1.6 and runc 1.1. There is no dpkg conflict (docker.io only conflicts
#   with the docker-ce* packages), and /usr/local/bin comes first on PATH, so the 28.x client
#   stays in use and negotiates the API down to 1.41. Both clients work against this engine.
# - dockerd must run with --storage-driver vfs (no overlayfs inside this sandbox),
#   --iptables=false --ip-masq=false --bridge=none (no netfilter); containers therefore use
#   --network host. dockerd starts its own containerd (/var/run/docker/containerd).
# - cgroup v1 hierarchies are mounted; dockerd only warns about blkio weight. vfs copies the
#   whole image per container: an etcd container costs ~40 MB of disk, which is fine.
# - `service docker start` does nothing useful here (policy-rc.d denies it, no systemd), so we
#   run dockerd ourselves, detached with setsid so it outlives the calling shell.
#
# Environment: ETCDDOCTOR_DOCKER_STATE (default /tmp/etcddoctor-docker) holds dockerd.pid and
# dockerd.log; ENGINE_START_TIMEOUT (seconds, default 60).
set -euo pipefail

STATE_DIR="${ETCDDOCTOR_DOCKER_STATE:-/tmp/etcddoctor-docker}"
PID_FILE="$STATE_DIR/dockerd.pid"
LOG_FILE="$STATE_DIR/dockerd.log"
START_TIMEOUT="${ENGINE_START_TIMEOUT:-60}"

log() { printf 'engine: %s\n' "$*" >&2; }
die() { printf 'engine: error: %s\n' "$*" >&2; exit 1; }

engine_answers() {
  command -v docker >/dev/null 2>&1 || return 1
  timeout 10 docker info >/dev/null 2>&1
}

# Prints the pid of the dockerd we started, if our pid file names a live dockerd.
our_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/comm" ]] || return 1
  [[ "$(cat "/proc/$pid/comm")" == dockerd ]] || return 1
  printf '%s\n' "$pid"
}

# Not root: use passwordless sudo (a developer's laptop); as root (CI) run directly.
SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then SUDO=(sudo -n); fi
as_root() { "${SUDO[@]}" "$@"; }

# apt_install PACKAGE...: tries the package lists we have first and refreshes them only when
# that fails (a fresh machine may have none, an old one stale ones).
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get -o DPkg::Lock::Timeout=300 -y -q)
  if ! as_root "${apt[@]}" install --no-install-recommends "$@" </dev/null >/dev/null 2>&1; then
    as_root "${apt[@]}" update </dev/null >/dev/null
    as_root "${apt[@]}" install --no-install-recommends "$@" </dev/null >/dev/null
  fi
}

install_engine() {
  log "dockerd not found: installing Debian's docker.io (dockerd, containerd, runc)"
  # policy-rc.d (or the lack of systemd) may refuse to start the packaged service; that is
  # expected: we start dockerd ourselves.
  apt_install docker.io
  command -v dockerd >/dev/null 2>&1 || die "docker.io installed but dockerd is not on PATH"
}

# docker-compose v1 (Debian's 1.29.2, Python) works against this engine; no compose v2
# plugin is packaged for Debian 12.
cmd_compose() {
  if command -v docker-compose >/dev/null 2>&1; then
    log "docker-compose present: $(docker-compose version --short 2>/dev/null)"
  else
    log "installing Debian's docker-compose (v1)"
    apt_install docker-compose
  fi
}

cmd_start() {
  local pid
  if engine_answers; then
    log "a Docker engine already answers ($(docker info --format '{{.ServerVersion}}' 2>/dev/null)); nothing to do"
    return 0
  fi
  if pid="$(our_pid)"; then
    log "our dockerd (pid $pid) is running but does not answer yet; waiting for it"
  else
    command -v dockerd >/dev/null 2>&1 || install_engine
    mkdir -p "$STATE_DIR"
    log "starting dockerd (vfs, no iptables, no bridge); log: $LOG_FILE"
    # setsid: own session, so that ending the caller's process group leaves the engine up.
    # Run directly (not through a function) so that $! is dockerd's own pid.
    "${SUDO[@]}" setsid dockerd --storage-driver vfs --iptables=false --ip-masq=false --bridge=none \
      </dev/null >>"$LOG_FILE" 2>&1 &
    pid=$!
    printf '%s\n' "$pid" >"$PID_FILE"
  fi
  local waited=0
  until engine_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      tail -n 20 "$LOG_FILE" >&2 || true
      die "dockerd exited during start-up (see $LOG_FILE)"
    fi
    if ((waited >= START_TIMEOUT)); then
      tail -n 20 "$LOG_FILE" >&2 || true
      die "dockerd (pid $pid) did not answer 'docker info' within ${START_TIMEOUT}s (see $LOG_FILE)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "engine up after ${waited}s: $(docker info --format 'server {{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}}' 2>/dev/null)"
}

cmd_stop() {
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "$PID_FILE"
    log "no dockerd started by this script is running; leaving any other engine alone"
    return 0
  fi
  log "stopping our dockerd (pid $pid)"
  as_root kill -TERM "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= 30)); then
      die "dockerd (pid $pid) still running after 30s; not forcing it"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid owner="not started by engine.sh"
  if pid="$(our_pid)"; then owner="started by engine.sh, pid $pid, log $LOG_FILE"; fi
  if engine_answers; then
    printf 'engine: up (%s)\n' "$owner"
    docker version --format 'client {{.Client.Version}} (API {{.Client.APIVersion}}), server {{.Server.Version}} (API {{.Server.APIVersion}})'
    docker info --format 'storage {{.Driver}}, cgroup driver {{.CgroupDriver}} v{{.CgroupVersion}}, containers {{.Containers}} ({{.ContainersRunning}} running), images {{.Images}}'
  else
    printf 'engine: down (%s)\n' "$owner"
    return 1
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  compose) cmd_compose ;;
  *)
    printf 'usage: %s start|stop|status|compose\n' "$0" >&2
    exit 2
    ;;
esac
