#!/usr/bin/env bash
# The Docker pieces of the stack tests (called by scripts/provision.sh; idempotent, cached in .cache/):
#   - Debian docker.io (dockerd + the docker CLI) and debootstrap
#   - Docker Compose v5.6.0 built from the Go module proxy (Debian bookworm has only Compose 1.29)
#   - one debootstrap bookworm minbase root as a tarball (the base of every test image)
# Writes KEY=VALUE lines to .cache/docker.env (provision.sh copies them into services.env).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="$ROOT/.cache"
COMPOSE_VERSION=v5.6.0
COMPOSE_DIR="$CACHE/compose/$COMPOSE_VERSION"
COMPOSE_BIN="$COMPOSE_DIR/cli-plugins/docker-compose"
ROOTFS_TAR="$CACHE/rootfs/bookworm-minbase.tar"
mkdir -p "$CACHE"

say() { printf '[provision-docker] %s\n' "$*" >&2; }
SUDO=()
[ "$(id -u)" = 0 ] || SUDO=(sudo -n)

apt_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
for p in docker.io debootstrap; do apt_installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install -y ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    { "${SUDO[@]}" apt-get update -q && "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; }
else
  say "apt: already installed: docker.io debootstrap"
fi
DOCKERD_BIN=$(command -v dockerd || echo /usr/sbin/dockerd)
DOCKER_BIN=/usr/bin/docker
[ -x "$DOCKER_BIN" ] || DOCKER_BIN=$(command -v docker)

# Compose: `go install` refuses the module (its go.mod has exclude directives), so build from the
# downloaded module source with the version stamped in (without it Compose reports "dev").
if [ -x "$COMPOSE_BIN" ] && "$COMPOSE_BIN" version 2>/dev/null | grep -q "${COMPOSE_VERSION}"; then
  say "compose: $COMPOSE_VERSION already built: $COMPOSE_BIN"
else
  command -v go >/dev/null 2>&1 || { say "ERROR: go not found (needed to build Docker Compose)"; exit 1; }
  say "compose: building $COMPOSE_VERSION from the Go module proxy (about a minute)"
  src=$(go mod download -json "github.com/docker/compose/v5@$COMPOSE_VERSION" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).Dir))')
  work=$(mktemp -d "$CACHE/compose-src.XXXXXX")
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  mkdir -p "$COMPOSE_DIR/cli-plugins"
  (cd "$work" && go build -trimpath \
    -ldflags "-X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION" \
    -o "$COMPOSE_BIN.tmp" ./cmd)
  mv "$COMPOSE_BIN.tmp" "$COMPOSE_BIN"
  rm -rf "$work"
fi

# One minbase root for every test image (redis, temporal, node + runtime), made once.
if [ -s "$ROOTFS_TAR" ]; then
  say "rootfs: already made: $ROOTFS_TAR"
else
  say "rootfs: debootstrap --variant=minbase bookworm (about 30 s)"
  mkdir -p "$CACHE/rootfs"
  dir=$(mktemp -d "$CACHE/rootfs/bookworm.XXXXXX")
  "${SUDO[@]}" debootstrap --variant=minbase bookworm "$dir" http://deb.debian.org/debian >/dev/null
  "${SUDO[@]}" tar -C "$dir" -cf "$ROOTFS_TAR.tmp" .
  mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  "${SUDO[@]}" rm -rf "$dir"
fi

{
  echo "DOCKERD_BIN=$DOCKERD_BIN"
  echo "DOCKER_BIN=$DOCKER_BIN"
  echo "DOCKER_COMPOSE_PLUGIN_DIR=$COMPOSE_DIR/cli-plugins"
  echo "DEBIAN_ROOTFS_TAR=$ROOTFS_TAR"
} >"$CACHE/docker.env"
say "wrote $CACHE/docker.env"
