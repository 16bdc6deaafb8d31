#!/usr/bin/env bash
# Builds the local files that replace the feature's downloads in tests (nothing leaves this machine):
#   weft-runtime-*.tgz  `npm pack` of runtime/ (built first with `npm run build`)
#   node-vX-linux-x64.tar.gz  this machine's node + npm in the nodejs.org tarball layout
# and prints WEFT_PACKAGE=, WEFT_NODE_ARCHIVE=, WEFT_TEMPORAL_ARCHIVE= (the Temporal CLI binary itself).
# usage: local-artifacts.sh OUTDIR
set -euo pipefail
OUT=$(mkdir -p "$1" && cd "$1" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

pkg=$(cd "$ROOT/runtime" && npm pack --silent --pack-destination "$OUT" 2>/dev/null | tail -n1)
echo "WEFT_PACKAGE=$OUT/$pkg"

node_bin=$(command -v node)
v=$(node -p process.version)
arch=$(node -p 'process.arch')
archive=$OUT/node-$v-linux-$arch.tar.gz
if [ ! -s "$archive" ]; then
  npm_dir=$(cd "$(dirname "$(realpath "$(command -v npm)")")/.." && pwd)
  stage=$(mktemp -d)
  d=$stage/node-$v-linux-$arch
  mkdir -p "$d/bin" "$d/lib/node_modules"
  cp "$(realpath "$node_bin")" "$d/bin/node"
  cp -a "$npm_dir" "$d/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$d/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$d/bin/npx"
  tar -C "$stage" -czf "$archive.tmp" "node-$v-linux-$arch"
  mv "$archive.tmp" "$archive"
  rm -rf "$stage"
fi
echo "WEFT_NODE_ARCHIVE=$archive"

temporal=${TEMPORAL_BIN:-}
if [ -z "$temporal" ] && [ -f "$ROOT/.cache/services.env" ]; then
  temporal=$(sed -n 's/^TEMPORAL_BIN=//p' "$ROOT/.cache/services.env")
fi
[ -x "$temporal" ] || { echo "no Temporal CLI (TEMPORAL_BIN); run scripts/provision.sh" >&2; exit 1; }
echo "WEFT_TEMPORAL_ARCHIVE=$temporal"
