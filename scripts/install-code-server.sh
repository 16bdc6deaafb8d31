#!/usr/bin/env bash
# Install code-server (the real VS Code server, 4.100.3 = VS Code 1.100.3 on Node 20) from npm into DIR,
# with no internet besides the npm registry and Debian. Needs Debian's ripgrep (rg) and libkrb5-dev.
# Adapted from shared/reference/vscode-host/install-code-server.sh.
#
# usage: bash scripts/install-code-server.sh DIR     (CODE_SERVER_VERSION overrides the version)
set -euo pipefail
DIR=${1:?usage: install-code-server.sh DIR}
VERSION=${CODE_SERVER_VERSION:-4.100.3}
command -v rg >/dev/null 2>&1 || { echo "install-code-server: needs rg (apt-get install ripgrep)" >&2; exit 1; }

mkdir -p "$DIR"
cd "$DIR"
rm -f .weft-installed
# a private package.json: this folder is not part of the npm workspaces. npm 11 asks for dependency
# install scripts to be allowed: code-server's postinstall (which installs VS Code's own modules and
# builds node-pty, kerberos, ...) and argon2's need to run.
cat >package.json <<'JSON'
{ "name": "weft-code-server-host", "private": true, "allowScripts": { "code-server": true, "argon2": true } }
JSON

# @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache already holds the tarball:
# seed that cache with Debian's rg.
RGV=1.15.11
RGCACHE="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-$RGV"
RGTAR="$RGCACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$RGTAR" ]; then
  mkdir -p "$RGCACHE"
  tmp=$(mktemp -d)
  cp "$(command -v rg)" "$tmp/rg"
  tar -C "$tmp" -czf "$RGTAR" rg
  rm -rf "$tmp"
fi

export npm_config_yes=true                             # node-pty's postinstall runs `npx node-gyp ...`
export npm_config_nodedir=${npm_config_nodedir:-/usr}  # node-gyp: Debian's Node headers, no download
export npm_config_unsafe_perm=true                     # code-server's postinstall checks this when root
npm install --no-audit --no-fund "code-server@$VERSION"

test -f node_modules/code-server/lib/vscode/out/server-main.js || {
  echo "install-code-server: server-main.js missing after npm install" >&2
  exit 1
}
echo "$VERSION" >.weft-installed
echo "install-code-server: code-server $VERSION in $DIR/node_modules/code-server"
