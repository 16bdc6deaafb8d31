#!/usr/bin/env bash
# Runs one scenario of the weft feature the way `devcontainer features test` would, without Docker:
# a throwaway overlay on a pristine debootstrap root, install.sh run as root with the CLI's env files
# and wrapper (the image build), then a "container start" in a fresh PID + network namespace: the
# feature's entrypoint (as root), its postStartCommand and the scenario's test script (as the remote
# user). Prints "== figure NAME VALUE" lines for the benchmark.
#
# usage: run-in-rootfs.sh ROOTFS TESTSCRIPT[,TESTSCRIPT...] REMOTE_USER [OPTION=VALUE ...]
# env:   INSTALL_RUNS=2 (install twice), NPM_CACHE=DIR (shared npm cache, bind-mounted),
#        WEFT_PACKAGE / WEFT_TEMPORAL_ARCHIVE / WEFT_NODE_ARCHIVE (local files copied into the root),
#        RESTART_BUSY_PORT=PORT (then start the container again with PORT already taken)
set -euo pipefail
ROOTFS=$(realpath "$1")
TESTSCRIPT=$2
REMOTE_USER=$3
shift 3
HERE=$(cd "$(dirname "$0")" && pwd)
COLLECTION=$(dirname "$HERE")
FEATURE=weft
[ "$(id -u)" = 0 ] || { echo "run-in-rootfs.sh needs root (overlay mounts, unshare)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/weft-feature-test.XXXXXX)
M=$WORK/merged
mkdir -p "$WORK"/{upper,work,merged}
mount -t overlay overlay -o "lowerdir=$ROOTFS,upperdir=$WORK/upper,workdir=$WORK/work" "$M"
cleanup() {
  for d in root/.npm dev/pts dev proc sys; do umount -l "$M/$d" 2>/dev/null || true; done
  umount -l "$M" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mount -t proc proc "$M/proc"
mount -t sysfs sysfs "$M/sys"
mount --rbind /dev "$M/dev"
cp /etc/resolv.conf "$M/etc/resolv.conf"
if [ -n "${NPM_CACHE:-}" ]; then
  mkdir -p "$NPM_CACHE" "$M/root/.npm"
  mount --bind "$NPM_CACHE" "$M/root/.npm"
fi

# the base image's non-root user (as mcr.microsoft.com/devcontainers images have: uid 1000)
if [ "$REMOTE_USER" != root ]; then
  chroot "$M" useradd --create-home --uid 1000 --shell /bin/bash "$REMOTE_USER"
fi

# feature content where the CLI puts it, plus local files for the downloads
FDIR=/tmp/dev-container-features/${FEATURE}_0
mkdir -p "$M$FDIR" "$M/tmp/weft-local"
cp -a "$COLLECTION/src/$FEATURE/." "$M$FDIR/"
LOCAL_ENV=""
for var in WEFT_PACKAGE WEFT_TEMPORAL_ARCHIVE WEFT_NODE_ARCHIVE; do
  src=${!var:-}
  [ -n "$src" ] || continue
  cp "$src" "$M/tmp/weft-local/$(basename "$src")"
  LOCAL_ENV="$LOCAL_ENV export $var=/tmp/weft-local/$(basename "$src");"
done

# this machine reaches registries through its own CA bundle (an intercepting proxy): give it to npm
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt "$M/tmp/weft-local/host-ca.crt"
  LOCAL_ENV="$LOCAL_ENV export NODE_EXTRA_CA_CERTS=/tmp/weft-local/host-ca.crt;"
fi
if [ -n "${NPM_CACHE:-}" ]; then
  LOCAL_ENV="$LOCAL_ENV export WEFT_NPM_CACHE=/root/.npm;"
fi

# devcontainer-features.env: every option (defaults, then overrides) under its safe id
node - "$COLLECTION/src/$FEATURE/devcontainer-feature.json" "$@" >"$M$FDIR/devcontainer-features.env" <<'JS'
const fs = require('node:fs');
const [file, ...over] = process.argv.slice(2);
const meta = JSON.parse(fs.readFileSync(file, 'utf8'));
const safe = (s) => s.replace(/[^\w_]/g, '_').replace(/^[\d_]+/g, '_').toUpperCase();
const vals = {};
for (const [k, o] of Object.entries(meta.options || {})) if (o.default !== undefined) vals[k] = o.default;
for (const kv of over) { const i = kv.indexOf('='); vals[kv.slice(0, i)] = kv.slice(i + 1); }
for (const [k, v] of Object.entries(vals)) console.log(`${safe(k)}="${v}"`);
JS
# containerEnv: image ENV in a real build; here a file every step sources
node -e 'const m=require(process.argv[1]);for(const[k,v]of Object.entries(m.containerEnv||{}))console.log(`export ${k}=${JSON.stringify(v)}`)' \
  "$COLLECTION/src/$FEATURE/devcontainer-feature.json" >"$M/tmp/containerenv.sh"
CENV=". /tmp/containerenv.sh;"

cat >"$M/tmp/dev-container-features/devcontainer-features.builtin.env" <<EOF
_CONTAINER_USER=root
_REMOTE_USER=$REMOTE_USER
EOF
# the wrapper the CLI generates (getFeatureInstallWrapperScript), trimmed of banners
cat >"$M$FDIR/devcontainer-features-install.sh" <<'EOF'
#!/bin/sh
set -e
on_exit () {
	[ $? -eq 0 ] && exit
	echo 'ERROR: Feature "weft" failed to install!'
}
trap on_exit EXIT
set -a
. ../devcontainer-features.builtin.env
. ./devcontainer-features.env
set +a
chmod +x ./install.sh
./install.sh
EOF
cat >>"$M/tmp/dev-container-features/devcontainer-features.builtin.env" <<EOF
_CONTAINER_USER_HOME=/root
_REMOTE_USER_HOME=$(chroot "$M" getent passwd "$REMOTE_USER" | cut -d: -f6)
EOF

SYS_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
echo "== install (remoteUser=$REMOTE_USER, options: $*)"
T0=$(now)
for run in $(seq 1 "${INSTALL_RUNS:-1}"); do
  [ "$run" -gt 1 ] && echo "== install again (run $run)"
  unshare --fork --pid --mount --uts --ipc --mount-proc --root="$M" /usr/bin/env -i PATH=$SYS_PATH HOME=/root \
    /bin/sh -c "$CENV $LOCAL_ENV cd $FDIR && chmod +x ./devcontainer-features-install.sh && ./devcontainer-features-install.sh"
done
echo "== figure install_s $(elapsed "$T0")"
rm -rf "$M$FDIR" "$M/tmp/weft-local"
echo "== figure size_added_mb $(du -sxm "$WORK/upper" | cut -f1)"

# container start: own PID and network namespace (only loopback), entrypoint as root, then the
# postStartCommand and the test as the remote user (su -: a login shell like a terminal).
WS=/workspaces/test
mkdir -p "$M$WS"
cp -a "$COLLECTION/test/$FEATURE/." "$M$WS/"
cp "$HERE/_lib/dev-container-features-test-lib" "$M$WS/"
chmod -R a+rwX "$M/workspaces"
as_user() {
  if [ "$REMOTE_USER" = root ]; then echo "/bin/bash -lc"; else echo "/bin/su - $REMOTE_USER -s /bin/bash -c"; fi
}
echo "== container start; test $TESTSCRIPT as $REMOTE_USER"
unshare --net /bin/sh -c 'ip link set lo up && exec "$@"' - \
  unshare --fork --pid --mount --uts --ipc --mount-proc --root="$M" /usr/bin/env -i PATH=$SYS_PATH HOME=/root \
  /bin/bash -c "
  set -e
  $CENV
  T0=\$(date +%s.%N)
  /usr/local/share/weft/entrypoint.sh
  $(as_user) '$CENV /usr/local/share/weft/wait-healthy.sh'
  echo \"== figure start_to_healthy_s \$(awk -v a=\$T0 -v b=\$(date +%s.%N) 'BEGIN{printf \"%.1f\", b-a}')\"
  echo '== entrypoint log'; cat /tmp/weft-stack.log || true
  for script in ${TESTSCRIPT//,/ }; do
    echo \"== test \$script\"
    $(as_user) \"$CENV cd $WS && ./\$script\"
  done
"

# optional second container start with PORT already taken: the container must still start, and the
# entrypoint's log and the postStartCommand must say which port and option
if [ -n "${RESTART_BUSY_PORT:-}" ]; then
  echo "== container restart with port $RESTART_BUSY_PORT in use"
  unshare --net /bin/sh -c 'ip link set lo up && exec "$@"' - \
    unshare --fork --pid --mount --uts --ipc --mount-proc --root="$M" /usr/bin/env -i PATH=$SYS_PATH HOME=/root \
    /bin/bash -c "
    $CENV
    node -e 'require(\"node:net\").createServer().listen($RESTART_BUSY_PORT,\"127.0.0.1\")' & sleep 1
    /usr/local/share/weft/entrypoint.sh
    $(as_user) '$CENV /usr/local/share/weft/wait-healthy.sh' 2>&1
    echo '== entrypoint log'; cat /tmp/weft-stack.log
    echo '== container running'
  "
fi
