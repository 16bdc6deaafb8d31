#!/bin/sh
# The feature's entrypoint: runs at every container start, before the user's lifecycle commands.
# Starts the Weft stack in the background (log: /tmp/weft-stack.log) and returns at once; it never
# blocks or fails the container's start. postStartCommand (wait-healthy.sh) waits for the stack.
SHARE=/usr/local/share/weft
LOG=/tmp/weft-stack.log
STATUS=/tmp/weft-stack.status
# shellcheck disable=SC1091
. "$SHARE/feature.env" 2>/dev/null || true

if [ "${WEFT_FEATURE_START_STACK:-false}" = true ] && [ "${WEFT_STACK_AUTOSTART:-true}" != false ]; then
  rm -f "$STATUS" "$LOG" 2>/dev/null
  echo starting >"$STATUS" 2>/dev/null
  user=${WEFT_FEATURE_USER:-root}
  if [ "$(id -u)" = 0 ] && [ "$user" != root ]; then
    chown "$user" "$STATUS" 2>/dev/null
    if command -v runuser >/dev/null 2>&1; then
      (runuser -u "$user" -- "$SHARE/start-stack.sh" >>"$LOG" 2>&1 </dev/null &)
    else
      (su -s /bin/sh "$user" -c "$SHARE/start-stack.sh" >>"$LOG" 2>&1 </dev/null &)
    fi
  else
    ("$SHARE/start-stack.sh" >>"$LOG" 2>&1 </dev/null &)
  fi
else
  rm -f "$STATUS" 2>/dev/null
  echo off >"$STATUS" 2>/dev/null
  # the stack user may start it by hand later and records its state here
  [ "$(id -u)" != 0 ] || chown "${WEFT_FEATURE_USER:-root}" "$STATUS" 2>/dev/null
fi

# when the entrypoint is the container's command wrapper, hand over to the command
[ $# -eq 0 ] || exec "$@"
