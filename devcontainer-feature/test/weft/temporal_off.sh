#!/bin/bash
# temporal false: no Temporal CLI; Weft (embedded engine) and Redis start.
set -e
source dev-container-features-test-lib
source "$(dirname "$0")/_checks.sh"
check_installed
check "no temporal installed" bash -c '! command -v temporal'
check_redis
check_weft_up
check "sample run on the embedded engine" sample_run embedded
reportResults
