#!/bin/sh
# Starts the Weft stack as plain processes (no Docker) and records the outcome in /tmp/weft-stack.status:
# "healthy" or "failed: REASON". Started by entrypoint.sh in the background; safe to run again by hand.
# With Temporal and Redis on it runs `weft stack up --backend processes`; with either off (or an older
# weft without `weft stack`) it starts the chosen services itself.
SHARE=/usr/local/share/weft
STATUS=/tmp/weft-stack.status
# shellcheck disable=SC1091
. "$SHARE/feature.env"
export WEFT_STACK_DATA_DIR WEFT_STACK_WEFT_PORT WEFT_STACK_TEMPORAL_PORT WEFT_STACK_TEMPORAL_UI_PORT WEFT_STACK_REDIS_PORT
export PATH="$WEFT_NODE_BIN_DIR:$PATH"
[ -z "$TEMPORAL_BIN" ] || export TEMPORAL_BIN
[ -z "$REDIS_SERVER_BIN" ] || export REDIS_SERVER_BIN
DATA=$WEFT_STACK_DATA_DIR
[ -n "$WEFT_BIN" ] || WEFT_BIN=$(command -v weft || true)
T0=$(date +%s)

log() { printf '%s weft-stack: %s\n' "$(date -u +%H:%M:%S)" "$*"; }
finish() { # STATE MESSAGE
  echo "$1" >"$STATUS"
  log "$2"
  exit 0
}

port_busy() { # PORT: something already listens on 127.0.0.1:PORT
  node -e 'const s=require("node:net").connect(+process.argv[1],"127.0.0.1");s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1))' "$1"
}
check_port() { # PORT OPTION
  if port_busy "$1"; then
    finish "failed: port $1 is in use" "port $1 (feature option $2) is already in use by another process: the stack was not started. Stop that process or choose another port with the option $2, then run $SHARE/start-stack.sh"
  fi
}

[ -n "$WEFT_BIN" ] || finish "failed: no weft CLI" "no weft on PATH (the feature was installed with version none): build and link yours (npm install && npm run build && npm link -w runtime); postStartCommand starts the stack once it is there"
mkdir -p "$DATA" 2>/dev/null || finish "failed: cannot create $DATA" "cannot create the data folder $DATA (owner: $(stat -c %U "$(dirname "$DATA")" 2>/dev/null)); run as $WEFT_FEATURE_USER"
# the folder to serve: the option, else the first folder under /workspaces that holds <name>/workflow.yaml
# (weft serve loads FOLDER/*.yaml and FOLDER/*/workflow.yaml), else the feature's hello workflow
workflows=${WEFT_FEATURE_WORKFLOWS:-}
if [ -z "$workflows" ] && [ -d /workspaces ]; then
  found=$(find /workspaces -maxdepth 5 -name node_modules -prune -o -name .git -prune -o -name workflow.yaml -print 2>/dev/null | sort | head -n1)
  [ -z "$found" ] || workflows=$(dirname "$(dirname "$found")")
fi
[ -n "$workflows" ] || workflows=$SHARE/workflows

check_port "$WEFT_STACK_WEFT_PORT" weftPort
[ "$WEFT_FEATURE_TEMPORAL" != true ] || check_port "$WEFT_STACK_TEMPORAL_PORT" temporalPort
[ "$WEFT_FEATURE_TEMPORAL" != true ] || check_port "$WEFT_STACK_TEMPORAL_UI_PORT" temporalUiPort
[ "$WEFT_FEATURE_REDIS" != true ] || check_port "$WEFT_STACK_REDIS_PORT" redisPort

if [ "$WEFT_FEATURE_TEMPORAL" = true ] && [ "$WEFT_FEATURE_REDIS" = true ] && "$WEFT_BIN" --help 2>/dev/null | grep -Eq "^ +stack( |$)"; then
  log "weft stack up --backend processes (data: $DATA, workflows: $workflows)"
  if "$WEFT_BIN" stack up --backend processes --data-dir "$DATA" --workflows "$workflows" \
    --weft-port "$WEFT_STACK_WEFT_PORT" --temporal-port "$WEFT_STACK_TEMPORAL_PORT" \
    --temporal-ui-port "$WEFT_STACK_TEMPORAL_UI_PORT" --redis-port "$WEFT_STACK_REDIS_PORT"; then
    finish healthy "healthy after $(($(date +%s) - T0)) s"
  fi
  finish "failed: weft stack up failed" "weft stack up failed (see above and weft stack logs --data-dir $DATA)"
fi

# ---- the same services started here (Temporal or Redis off, or a weft without `weft stack`)
wait_for() { # LABEL SECONDS CMD...: retry CMD until it succeeds
  label=$1 tries=$(($2 * 5))
  shift 2
  while [ "$tries" -gt 0 ]; do
    "$@" >/dev/null 2>&1 && return 0
    tries=$((tries - 1))
    sleep 0.2
  done
  finish "failed: $label did not become healthy" "$label did not become healthy in time; its log is in $DATA"
}
if [ "$WEFT_FEATURE_REDIS" = true ]; then
  log "redis-server on 127.0.0.1:$WEFT_STACK_REDIS_PORT"
  mkdir -p "$DATA/redis"
  "$REDIS_SERVER_BIN" --port "$WEFT_STACK_REDIS_PORT" --bind 127.0.0.1 --dir "$DATA/redis" --appendonly yes \
    --daemonize yes --pidfile "$DATA/redis.pid" --logfile "$DATA/redis.log"
  export REDIS_URL="redis://127.0.0.1:$WEFT_STACK_REDIS_PORT"
fi
if [ "$WEFT_FEATURE_TEMPORAL" = true ]; then
  log "temporal server start-dev on 127.0.0.1:$WEFT_STACK_TEMPORAL_PORT (UI $WEFT_STACK_TEMPORAL_UI_PORT)"
  nohup "$TEMPORAL_BIN" server start-dev --ip 127.0.0.1 --port "$WEFT_STACK_TEMPORAL_PORT" \
    --ui-port "$WEFT_STACK_TEMPORAL_UI_PORT" --db-filename "$DATA/temporal.db" --log-level warn \
    >"$DATA/temporal.log" 2>&1 &
  echo $! >"$DATA/temporal.pid"
  export TEMPORAL_ADDRESS="127.0.0.1:$WEFT_STACK_TEMPORAL_PORT"
else
  unset TEMPORAL_ADDRESS
fi
[ "$WEFT_FEATURE_REDIS" = true ] || unset REDIS_URL
[ "$WEFT_FEATURE_REDIS" != true ] || wait_for redis 10 redis-cli -p "$WEFT_STACK_REDIS_PORT" ping
[ "$WEFT_FEATURE_TEMPORAL" != true ] ||
  wait_for temporal 30 "$TEMPORAL_BIN" operator cluster health --address "127.0.0.1:$WEFT_STACK_TEMPORAL_PORT"

log "weft serve on 127.0.0.1:$WEFT_STACK_WEFT_PORT (workflows: $workflows)"
WEFT_DATA_DIR=$DATA/weft nohup "$WEFT_BIN" serve --host 127.0.0.1 --port "$WEFT_STACK_WEFT_PORT" \
  --workflows "$workflows" >"$DATA/weft.log" 2>&1 &
echo $! >"$DATA/weft.pid"
if [ "$WEFT_FEATURE_TEMPORAL" = true ]; then
  log "weft worker on Temporal 127.0.0.1:$WEFT_STACK_TEMPORAL_PORT"
  WEFT_DATA_DIR=$DATA/weft nohup "$WEFT_BIN" worker >"$DATA/worker.log" 2>&1 &
  echo $! >"$DATA/worker.pid"
fi
wait_for weft 30 node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' \
  "http://127.0.0.1:$WEFT_STACK_WEFT_PORT/ready"
finish healthy "healthy after $(($(date +%s) - T0)) s"
