#!/usr/bin/env bash
# Builds the local etcd image (etcddoctor/etcd:<version> and :latest) without any registry.
#
# Usage: scripts/docker/build-image.sh [--force]
#
# No image registry is reachable here, so there is no FROM image to build on: we lay out a
# minimal root file system from Debian's etcd-server/etcd-client packages (etcd and etcdctl,
# plus exactly the shared libraries `ldd` names) and `docker import` it. The image has no
# shell. CMD is `etcd` (no ENTRYPOINT), so `docker run IMAGE` starts etcd configured through
# ETCD_* variables, `docker run IMAGE etcd --name ...` works, and so does
# `docker exec C etcdctl ...`.
set -euo pipefail

IMAGE_REPO="${ETCDDOCTOR_IMAGE_REPO:-etcddoctor/etcd}"
EXPECTED_VERSION="3.4.23"

log() { printf 'build-image: %s\n' "$*" >&2; }
die() { printf 'build-image: error: %s\n' "$*" >&2; exit 1; }

force=false
case "${1:-}" in
  --force) force=true ;;
  "") ;;
  *)
    printf 'usage: %s [--force]\n' "$0" >&2
    exit 2
    ;;
esac

timeout 10 docker info >/dev/null 2>&1 ||
  die "no Docker engine answers; run scripts/docker/engine.sh start first"

if [[ ! -x /usr/bin/etcd || ! -x /usr/bin/etcdctl ]]; then
  log "installing Debian's etcd-server and etcd-client for their binaries"
  SUDO=()
  if [[ "$(id -u)" -ne 0 ]]; then SUDO=(sudo -n); fi
  export DEBIAN_FRONTEND=noninteractive
  apt=("${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=300 -y -q)
  # Try the package lists we have; refresh them only if that fails. policy-rc.d (or the lack
  # of systemd) keeps the packaged etcd service from starting.
  if ! "${apt[@]}" install --no-install-recommends etcd-server etcd-client </dev/null >/dev/null 2>&1; then
    "${apt[@]}" update </dev/null >/dev/null
    "${apt[@]}" install --no-install-recommends etcd-server etcd-client </dev/null >/dev/null
  fi
fi

version="$(/usr/bin/etcd --version | sed -n 's/^etcd Version: //p')"
[[ -n "$version" ]] || die "could not read the version of /usr/bin/etcd"
if [[ "$version" != "$EXPECTED_VERSION" ]]; then
  log "warning: /usr/bin/etcd is $version, not $EXPECTED_VERSION; tagging it as $version"
fi
image="$IMAGE_REPO:$version"

if ! $force && docker image inspect "$image" >/dev/null 2>&1; then
  log "$image already exists; skipping (use --force to rebuild)"
  docker tag "$image" "$IMAGE_REPO:latest"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"

mkdir -p "$root"/{usr/bin,usr/local/bin,bin,etc,tmp,var/lib/etcd,root}
chmod 1777 "$root/tmp"
chmod 0700 "$root/var/lib/etcd"
cp /usr/bin/etcd /usr/bin/etcdctl "$root/usr/bin/"

# Copy each library to the path ldd names (the loader's path is baked into the binaries).
libs="$(ldd /usr/bin/etcd /usr/bin/etcdctl | grep -oE '/[^ ]+' | grep -v ':$' | sort -u)"
for lib in $libs; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/false
etcd:x:1001:1001:etcd:/var/lib/etcd:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
etcd:x:1001:
nogroup:x:65534:
EOF
# cgo's resolver reads these; docker bind-mounts its own hosts and resolv.conf over them.
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
: >"$root/etc/resolv.conf"

start=$SECONDS
tar --numeric-owner --owner=0 --group=0 -C "$root" -cf - . |
  docker import \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    --change 'ENV ETCDCTL_API=3' \
    --change 'CMD ["etcd"]' \
    --change 'WORKDIR /' \
    --change 'EXPOSE 2379 2380' \
    --change "LABEL org.opencontainers.image.title=etcd org.opencontainers.image.version=$version dev.etcddoctor.source=debian-etcd-server" \
    --message "etcd $version from Debian's etcd-server/etcd-client, built by scripts/docker/build-image.sh" \
    - "$image" >/dev/null
docker tag "$image" "$IMAGE_REPO:latest"

# Smoke test: both binaries run inside the image.
docker run --rm "$image" etcd --version | head -n 1 >&2
docker run --rm "$image" etcdctl version | head -n 1 >&2
log "built $image and $IMAGE_REPO:latest in $((SECONDS - start))s"
