#!/usr/bin/env bash
# Stops what scripts/dev-run.sh started, by the PIDs it recorded in run/.
set -uo pipefail
cd "$(dirname "$0")/.."
for name in controlplane kamailio redis-replica redis; do
  pid_file=run/$name.pid
  [[ -s $pid_file ]] || continue
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    echo "stopped $name ($pid)"
  fi
  rm -f "$pid_file"
done
