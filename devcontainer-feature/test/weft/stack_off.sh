#!/bin/bash
# startStack false: everything installed, nothing started; the stack starts by hand.
set -e
source dev-container-features-test-lib
source "$(dirname "$0")/_checks.sh"
check_installed
check "temporal --version" temporal --version
check "redis-server installed" redis-server --version
check "nothing started" bash -c '! ready'
check "entrypoint recorded off" grep -qx off /tmp/weft-stack.status
busy_port() { # the stack refuses a port that is taken, says which option to change, and wait-healthy reports it
  node -e 'require("node:net").createServer().listen(8000, "127.0.0.1"); setTimeout(() => {}, 30000)' &
  local blocker=$!
  sleep 1
  /usr/local/share/weft/start-stack.sh >/tmp/busy.log 2>&1
  kill "$blocker"
  cat /tmp/busy.log
  grep -q 'port 8000 (feature option weftPort) is already in use' /tmp/busy.log &&
    grep -qx 'failed: port 8000 is in use' /tmp/weft-stack.status &&
    /usr/local/share/weft/wait-healthy.sh 2>&1 | grep -q 'did not start: port 8000 is in use'
}
check "port in use: clear message, nothing started" busy_port
check "started by hand" bash -c '/usr/local/share/weft/start-stack.sh >/tmp/by-hand.log 2>&1; grep -qx healthy /tmp/weft-stack.status'
check "weft /ready after the manual start" ready
check_redis
reportResults
