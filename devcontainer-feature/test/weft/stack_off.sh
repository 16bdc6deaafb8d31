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
check "started by hand" bash -c '/usr/local/share/weft/start-stack.sh >/tmp/by-hand.log 2>&1; grep -qx healthy /tmp/weft-stack.status'
check "weft /ready after the manual start" ready
check_redis
reportResults
