#!/bin/sh
# Regenerates src/*/README.md from devcontainer-feature.json + NOTES.md (the devcontainer CLI's generator;
# static.test.ts checks the committed README is what it makes). Run from anywhere.
set -eu
cd "$(dirname "$0")/.."
CLI=${DEVCONTAINER_CLI:-.cache/devcontainers-cli/node_modules/@devcontainers/cli/devcontainer.js}
node "$CLI" features generate-docs -p devcontainer-feature/src -n weft-dev/weft --github-owner weft-dev --github-repo weft
