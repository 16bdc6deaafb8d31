#!/usr/bin/env bash
# Creates the venv for the FastAPI + LangGraph peer (idempotent): .cache/bench-venv at the repo root.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
venv="${BENCH_VENV:-$root/.cache/bench-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import fastapi, uvicorn, langgraph, uvloop, httptools' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi
echo "$venv"
