#!/bin/bash
# Default options: Weft + Temporal + Redis installed and started by the entrypoint.
set -e
source dev-container-features-test-lib
source "$(dirname "$0")/_checks.sh"
check_installed
check_temporal
check_redis
check_weft_up
check "sample run on the Temporal engine" sample_run temporal
check "temporal lists the sample's workflow" bash -c 'temporal workflow list --address "$TEMPORAL_ADDRESS" | grep -q weft'
reportResults
