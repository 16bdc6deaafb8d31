#!/bin/sh
# postStartCommand: waits until the stack that entrypoint.sh started is healthy, so the user's own
# lifecycle commands can rely on it. Prints what failed and where the log is; always exits 0 so a
# failed stack never stops the container from starting (WEFT_WAIT_TIMEOUT seconds, default 90).
STATUS=/tmp/weft-stack.status
LOG=/tmp/weft-stack.log
# shellcheck disable=SC1091
. /usr/local/share/weft/feature.env 2>/dev/null || true
# with version none the entrypoint may have run before onCreateCommand built and linked weft: start it now
if [ "$(cat "$STATUS" 2>/dev/null)" = "failed: no weft CLI" ] && command -v weft >/dev/null 2>&1; then
  echo "weft: starting the stack with $(command -v weft)"
  /usr/local/share/weft/start-stack.sh >>"$LOG" 2>&1
fi
tries=$((${WEFT_WAIT_TIMEOUT:-90} * 5))
while [ "$tries" -gt 0 ]; do
  state=$(cat "$STATUS" 2>/dev/null || echo missing)
  case "$state" in
    healthy)
      echo "weft: stack healthy: Weft http://127.0.0.1:${WEFT_STACK_WEFT_PORT:-8000}$([ "${WEFT_FEATURE_TEMPORAL:-}" = true ] && echo ", Temporal 127.0.0.1:${WEFT_STACK_TEMPORAL_PORT:-7233} (UI http://127.0.0.1:${WEFT_STACK_TEMPORAL_UI_PORT:-8233})")$([ "${WEFT_FEATURE_REDIS:-}" = true ] && echo ", Redis redis://127.0.0.1:${WEFT_STACK_REDIS_PORT:-6379}")"
      exit 0
      ;;
    off)
      echo "weft: the stack is not started automatically (startStack is false); start it with /usr/local/share/weft/start-stack.sh"
      exit 0
      ;;
    failed*)
      echo "weft: WARNING: the stack did not start: ${state#failed: }. Log: $LOG" >&2
      tail -n 5 "$LOG" >&2 2>/dev/null
      exit 0
      ;;
  esac
  tries=$((tries - 1))
  sleep 0.2
done
echo "weft: WARNING: the stack is not healthy after ${WEFT_WAIT_TIMEOUT:-90} s (state: $state). Log: $LOG" >&2
tail -n 5 "$LOG" >&2 2>/dev/null
exit 0
