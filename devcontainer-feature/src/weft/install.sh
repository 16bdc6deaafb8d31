#!/bin/sh
# Dev Container Feature "weft": installs Node (when missing), the weft CLI, the Temporal CLI and
# redis-server, and the scripts that start the Weft stack when the container starts.
# POSIX sh, idempotent, run as root by the devcontainer CLI (options arrive as upper-case variables).
# Every download can be replaced by a local file: options package / temporalArchive / nodeArchive,
# or the environment variables WEFT_PACKAGE, WEFT_TEMPORAL_ARCHIVE, WEFT_NODE_ARCHIVE.
set -eu

FEATURE_DIR=$(cd "$(dirname "$0")" && pwd)
SHARE=/usr/local/share/weft
DATA_ROOT=/var/lib/weft

WEFT_VERSION=${VERSION:-latest}
WEFT_PACKAGE=${PACKAGE:-${WEFT_PACKAGE:-}}
NODE_MAJOR=${NODEVERSION:-20}
NODE_ARCHIVE=${NODEARCHIVE:-${WEFT_NODE_ARCHIVE:-}}
WITH_TEMPORAL=${TEMPORAL:-true}
TEMPORAL_VERSION=${TEMPORALVERSION:-latest}
TEMPORAL_ARCHIVE=${TEMPORALARCHIVE:-${WEFT_TEMPORAL_ARCHIVE:-}}
WITH_REDIS=${REDIS:-true}
START_STACK=${STARTSTACK:-true}
WEFT_PORT=${WEFTPORT:-8000}
TEMPORAL_PORT=${TEMPORALPORT:-7233}
TEMPORAL_UI_PORT=${TEMPORALUIPORT:-8233}
REDIS_PORT=${REDISPORT:-6379}
WORKFLOWS_DIR=${WORKFLOWS:-}
USERNAME=${_REMOTE_USER:-automatic}

say() { printf '[weft feature] %s %s\n' "$(date +%T)" "$*"; }
die() {
  printf '[weft feature] ERROR: %s\n' "$*" >&2
  exit 1
}

# ------------------------------------------------------------------ checks (before changing anything)
[ "$(id -u)" = 0 ] || die "install.sh must run as root (the devcontainer CLI does this; with docker build add USER root)"

if [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  . /etc/os-release
fi
case " ${ID:-} ${ID_LIKE:-} " in
  *" debian "* | *" ubuntu "*) ;;
  *) die "unsupported distribution '${ID:-unknown}': this feature supports Debian and Ubuntu images (apt-get). Use a Debian or Ubuntu base image, e.g. mcr.microsoft.com/devcontainers/base:bookworm." ;;
esac

check_bool() { # NAME VALUE
  case "$2" in true | false) ;; *) die "option $1: '$2' is not a boolean (use true or false)" ;; esac
}
check_port() { # NAME VALUE
  case "$2" in '' | *[!0-9]*) die "option $1: '$2' is not a port number (1-65535)" ;; esac
  if [ "$2" -lt 1 ] || [ "$2" -gt 65535 ]; then die "option $1: '$2' is not a port number (1-65535)"; fi
}
check_version() { # NAME VALUE
  case "$2" in
    latest) ;;
    [0-9]*) printf '%s' "$2" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$' ||
      die "option $1: '$2' is not a version (use latest, a semver such as 1.2.3$([ "$1" = version ] && echo ', or none'))" ;;
    *) die "option $1: '$2' is not a version (use latest, a semver such as 1.2.3$([ "$1" = version ] && echo ', or none'))" ;;
  esac
}
check_bool temporal "$WITH_TEMPORAL"
check_bool redis "$WITH_REDIS"
check_bool startStack "$START_STACK"
check_port weftPort "$WEFT_PORT"
check_port temporalPort "$TEMPORAL_PORT"
check_port temporalUiPort "$TEMPORAL_UI_PORT"
check_port redisPort "$REDIS_PORT"
[ "$WEFT_VERSION" = none ] || check_version version "$WEFT_VERSION"
check_version temporalVersion "$TEMPORAL_VERSION"
case "$NODE_MAJOR" in
  none | 20 | 22 | 24) ;;
  *) die "option nodeVersion: '$NODE_MAJOR' is not supported (use 20, 22, 24 or none)" ;;
esac

# the user who works in the container and runs the stack (vscode, node, codespace or uid 1000)
if [ "$USERNAME" = auto ] || [ "$USERNAME" = automatic ]; then
  USERNAME=""
  for candidate in vscode node codespace "$(awk -F: '$3==1000{print $1}' /etc/passwd)"; do
    if [ -n "$candidate" ] && id -u "$candidate" >/dev/null 2>&1; then
      USERNAME=$candidate
      break
    fi
  done
  [ -n "$USERNAME" ] || USERNAME=root
elif ! id -u "$USERNAME" >/dev/null 2>&1; then
  say "remote user '$USERNAME' does not exist (yet): the stack will run as root"
  USERNAME=root
fi

# ------------------------------------------------------------------ apt helpers
APT_UPDATED=""
apt_install() { # install the packages that are not installed yet
  missing=""
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
  done
  [ -n "$missing" ] || return 0
  if [ -z "$APT_UPDATED" ]; then
    say "apt-get update"
    apt-get update -q >/dev/null || die "apt-get update failed: the image cannot reach its Debian/Ubuntu mirror"
    APT_UPDATED=1
  fi
  say "apt-get install$missing"
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null ||
    die "apt-get install$missing failed"
}

# fetch SOURCE DEST: SOURCE is a local path or an http(s) URL
fetch() {
  case "$1" in
    http://* | https://*)
      apt_install curl ca-certificates
      curl -fsSL --retry 2 --connect-timeout 20 -o "$2" "$1" ||
        die "could not download $1 (no network or no such release). Give a local file instead: $3"
      ;;
    *)
      [ -f "$1" ] || die "$1 does not exist (set by $3); give an existing file or leave it empty to download"
      cp "$1" "$2"
      ;;
  esac
}

ARCH=$(uname -m)
case "$ARCH" in
  x86_64 | amd64) NODE_ARCH=x64 GO_ARCH=amd64 ;;
  aarch64 | arm64) NODE_ARCH=arm64 GO_ARCH=arm64 ;;
  *) die "unsupported CPU architecture '$ARCH' (x86_64 and aarch64 are supported)" ;;
esac

TMP=$(mktemp -d)
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT

# policy-rc.d keeps apt from starting redis-server during the image build (we start it ourselves)
POLICY_CREATED=""
if [ "$WITH_REDIS" = true ] && [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  POLICY_CREATED=1
fi

# ------------------------------------------------------------------ downloads first
# A missing local file or an unreachable URL stops the install here, before anything is replaced.
node_ok() { # a node >= 20 with npm on PATH
  command -v node >/dev/null 2>&1 || return 1
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  [ "$major" -ge 20 ] && command -v npm >/dev/null 2>&1
}
NODE_SRC=""
if ! node_ok; then
  [ "$NODE_MAJOR" != none ] ||
    die "no node >= 20 on PATH and nodeVersion is none: add the Node feature (ghcr.io/devcontainers/features/node) or set nodeVersion"
  if [ -n "$NODE_ARCHIVE" ]; then
    NODE_SRC=$NODE_ARCHIVE
  else
    apt_install curl ca-certificates
    index="https://nodejs.org/dist/latest-v$NODE_MAJOR.x"
    name=$(curl -fsSL "$index/SHASUMS256.txt" | awk -v a="linux-$NODE_ARCH.tar.xz" '$2 ~ a"$" {print $2}') ||
      die "could not reach $index. Give a local Node archive: option nodeArchive or WEFT_NODE_ARCHIVE"
    NODE_SRC="$index/$name"
  fi
  fetch "$NODE_SRC" "$TMP/node.tar" "option nodeArchive or WEFT_NODE_ARCHIVE (a nodejs.org linux tarball)"
fi

mkdir -p "$SHARE"
if [ -n "$WEFT_PACKAGE" ]; then
  fetch "$WEFT_PACKAGE" "$TMP/weft.tgz" "option package or WEFT_PACKAGE (an npm pack tarball of runtime/)"
  WEFT_WANT="file:$(sha256sum "$TMP/weft.tgz" | cut -d' ' -f1)"
  WEFT_SPEC=$TMP/weft.tgz
else
  WEFT_WANT="npm:@weft/runtime@$WEFT_VERSION"
  WEFT_SPEC="@weft/runtime@$WEFT_VERSION"
fi

TEMPORAL_BIN=""
TEMPORAL_SRC=""
if [ "$WITH_TEMPORAL" = true ]; then
  TEMPORAL_BIN=/usr/local/bin/temporal
  if [ -n "$TEMPORAL_ARCHIVE" ]; then
    TEMPORAL_SRC=$TEMPORAL_ARCHIVE
  else
    v=$TEMPORAL_VERSION
    [ "$v" = latest ] || v="v$v"
    TEMPORAL_SRC="https://temporal.download/cli/archive/$v?platform=linux&arch=$GO_ARCH"
  fi
  TEMPORAL_WANT="$TEMPORAL_SRC"
  [ -z "$TEMPORAL_ARCHIVE" ] || [ ! -f "$TEMPORAL_ARCHIVE" ] ||
    TEMPORAL_WANT="file:$(sha256sum "$TEMPORAL_ARCHIVE" | cut -d' ' -f1)"
  if [ "$TEMPORAL_VERSION" != latest ] || [ -n "$TEMPORAL_ARCHIVE" ]; then
    if [ -x "$TEMPORAL_BIN" ] && [ "$(cat "$SHARE/installed-temporal" 2>/dev/null || true)" = "$TEMPORAL_WANT" ]; then
      TEMPORAL_SRC=""
    fi
  fi
  [ -z "$TEMPORAL_SRC" ] ||
    fetch "$TEMPORAL_SRC" "$TMP/temporal.download" "option temporalArchive or WEFT_TEMPORAL_ARCHIVE (a temporal CLI .tar.gz or binary)"
fi

# ------------------------------------------------------------------ Node
if [ -z "$NODE_SRC" ]; then
  say "node $(node --version) already installed"
else
  apt_install xz-utils
  rm -rf /usr/local/lib/weft-node && mkdir -p /usr/local/lib/weft-node
  tar -xf "$TMP/node.tar" -C /usr/local/lib/weft-node --strip-components=1 ||
    die "$NODE_SRC is not a Node tarball (expected node-vX-linux-$NODE_ARCH/bin/node)"
  for tool in node npm npx; do ln -sf "/usr/local/lib/weft-node/bin/$tool" "/usr/local/bin/$tool"; done
  node_ok || die "the Node archive $NODE_SRC did not give a working node >= 20 with npm"
  say "installed node $(node --version)"
fi

# ------------------------------------------------------------------ weft CLI
skip_weft=""
WEFT_BIN=""
if [ "$WEFT_VERSION" = none ] && [ -z "$WEFT_PACKAGE" ]; then
  skip_weft=none
  say "version none: weft is not installed; the stack uses the weft on PATH when it starts (e.g. npm link of your build)"
elif [ "$WEFT_VERSION" != latest ] || [ -n "$WEFT_PACKAGE" ]; then
  [ "$(cat "$SHARE/installed-weft" 2>/dev/null || true)" = "$WEFT_WANT" ] && command -v weft >/dev/null 2>&1 && skip_weft=1
fi
if [ "$skip_weft" = none ]; then
  :
elif [ -n "$skip_weft" ]; then
  say "weft $(weft --version) already installed ($WEFT_WANT)"
else
  say "npm install -g $WEFT_SPEC"
  # a cache of our own (deleted at exit) keeps ~100 MB of tarballs out of the image; WEFT_NPM_CACHE reuses one
  npm install -g --no-audit --no-fund --prefer-offline --loglevel=error --cache "${WEFT_NPM_CACHE:-$TMP/npm-cache}" \
    "$WEFT_SPEC" >"$TMP/npm.log" 2>&1 || {
    cat "$TMP/npm.log" >&2
    die "npm install -g $WEFT_SPEC failed (no registry? give a local tarball: option package or WEFT_PACKAGE)"
  }
  # the Temporal SDK ships its native bridge for five platforms: keep this one (saves ~110 MB)
  bridge="$(npm root -g)/@weft/runtime/node_modules/@temporalio/core-bridge/releases"
  if [ -d "$bridge/$ARCH-unknown-linux-gnu" ]; then
    find "$bridge" -mindepth 1 -maxdepth 1 -type d ! -name "$ARCH-unknown-linux-gnu" -exec rm -rf {} +
  fi
  printf '%s\n' "$WEFT_WANT" >"$SHARE/installed-weft"
fi
NODE_BIN_DIR=$(dirname "$(command -v node)")
if [ "$skip_weft" != none ]; then
  WEFT_BIN=$(command -v weft || true)
  if [ -z "$WEFT_BIN" ]; then
    WEFT_BIN="$(npm prefix -g)/bin/weft"
    ln -sf "$WEFT_BIN" /usr/local/bin/weft
  fi
  weft --version >/dev/null || die "weft was installed but 'weft --version' fails"
fi

# ------------------------------------------------------------------ Temporal CLI
if [ "$WITH_TEMPORAL" = true ]; then
  if [ -z "$TEMPORAL_SRC" ]; then
    say "temporal already installed ($TEMPORAL_WANT)"
  else
    if gzip -t "$TMP/temporal.download" 2>/dev/null; then
      mkdir -p "$TMP/temporal" && tar -xzf "$TMP/temporal.download" -C "$TMP/temporal"
      found=$(find "$TMP/temporal" -type f -name temporal | head -n1)
      [ -n "$found" ] || die "$TEMPORAL_SRC holds no 'temporal' binary"
      install -m 0755 "$found" "$TEMPORAL_BIN"
    else
      install -m 0755 "$TMP/temporal.download" "$TEMPORAL_BIN"
    fi
    "$TEMPORAL_BIN" --version >/dev/null 2>&1 || die "$TEMPORAL_SRC did not give a working temporal binary"
    printf '%s\n' "$TEMPORAL_WANT" >"$SHARE/installed-temporal"
  fi
  say "$("$TEMPORAL_BIN" --version)"
fi

# ------------------------------------------------------------------ redis-server
REDIS_SERVER_BIN=""
if [ "$WITH_REDIS" = true ]; then
  apt_install redis-server
  REDIS_SERVER_BIN=$(command -v redis-server)
  say "$("$REDIS_SERVER_BIN" --version | cut -d' ' -f1-3)"
fi
if [ -n "$POLICY_CREATED" ]; then rm -f /usr/sbin/policy-rc.d; fi

# ------------------------------------------------------------------ start-up scripts and settings
cp "$FEATURE_DIR/scripts/entrypoint.sh" "$FEATURE_DIR/scripts/start-stack.sh" "$FEATURE_DIR/scripts/wait-healthy.sh" "$SHARE/"
chmod 0755 "$SHARE/entrypoint.sh" "$SHARE/start-stack.sh" "$SHARE/wait-healthy.sh"
rm -rf "$SHARE/workflows" && cp -R "$FEATURE_DIR/workflows" "$SHARE/workflows" && chmod -R a+rX "$SHARE/workflows"
cat >"$SHARE/feature.env" <<EOF
# written by the weft Dev Container Feature's install.sh; read by start-stack.sh and wait-healthy.sh
WEFT_FEATURE_USER=$USERNAME
WEFT_FEATURE_START_STACK=$START_STACK
WEFT_FEATURE_TEMPORAL=$WITH_TEMPORAL
WEFT_FEATURE_REDIS=$WITH_REDIS
WEFT_FEATURE_WORKFLOWS=$WORKFLOWS_DIR
WEFT_BIN=$WEFT_BIN
WEFT_NODE_BIN_DIR=$NODE_BIN_DIR
TEMPORAL_BIN=$TEMPORAL_BIN
REDIS_SERVER_BIN=$REDIS_SERVER_BIN
WEFT_STACK_WEFT_PORT=$WEFT_PORT
WEFT_STACK_TEMPORAL_PORT=$TEMPORAL_PORT
WEFT_STACK_TEMPORAL_UI_PORT=$TEMPORAL_UI_PORT
WEFT_STACK_REDIS_PORT=$REDIS_PORT
WEFT_STACK_DATA_DIR=$DATA_ROOT/stack
EOF
mkdir -p "$DATA_ROOT/stack"
chown -R "$USERNAME:" "$DATA_ROOT"

rm -rf /var/lib/apt/lists/*
say "done: weft $(weft --version 2>/dev/null || echo '(from PATH at start)'), stack user $USERNAME, start at container start: $START_STACK"
