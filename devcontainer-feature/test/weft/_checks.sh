#!/bin/bash
# Checks shared by the scenario scripts (sourced after dev-container-features-test-lib).
ready() { node -e 'fetch(process.argv[1]).then(async r=>{const b=await r.text();console.log(r.status,b);process.exit(r.ok?0:1)},e=>{console.error(e.message);process.exit(1)})' "${WEFT_URL:-http://127.0.0.1:8000}/ready"; }
sample_run() { # ENGINE: the sample workflow runs and succeeds
  weft run "$(dirname "$0")/sample/workflow.yaml" --engine "$1" --input message=hello --json >/tmp/sample-run.json &&
    grep -q '"status": "succeeded"' /tmp/sample-run.json
}
owns_server() { # a process serving weft belongs to this user
  local p
  for p in /proc/[0-9]*; do
    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -Eq 'weft.* (serve|stack)' && [ "$(stat -c %u "$p")" = "$(id -u)" ] && return 0
  done
  return 1
}
check_installed() {
  check "runs as the non-root remote user" test "$(id -u)" != 0
  check "weft --version" weft --version
  check "node >= 20" node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'
  check "feature settings written" test -r /usr/local/share/weft/feature.env
  check "entrypoint installed" test -x /usr/local/share/weft/entrypoint.sh
  check "data folder writable by the remote user" test -w /var/lib/weft/stack
}
check_temporal() {
  check "temporal --version" temporal --version
  check "temporal answers" temporal operator cluster health --address "$TEMPORAL_ADDRESS"
}
check_redis() {
  check "redis-cli ping" bash -c 'redis-cli -u "$REDIS_URL" ping | grep -qx PONG'
}
check_weft_up() {
  check "weft /ready" ready
  check "entrypoint log says healthy" grep -q 'healthy after' /tmp/weft-stack.log
  check "weft server runs as the remote user" owns_server
}
