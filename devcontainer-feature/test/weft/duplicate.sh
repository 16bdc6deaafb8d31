#!/bin/bash
# The feature installed twice (install.sh run again over itself): still one working install.
set -e
source dev-container-features-test-lib
source "$(dirname "$0")/_checks.sh"
check_installed
check_temporal
check_redis
check_weft_up
check "one weft on PATH" bash -c '[ "$(which -a weft | wc -l)" -ge 1 ] && weft --version'
check "sample run on the Temporal engine" sample_run temporal
reportResults
