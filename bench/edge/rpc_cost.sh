#!/usr/bin/env bash
# What one htable change costs a node over JSON-RPC, by how many requests are written before
# their replies are read (the daemon's client wrote 8 before its changes went in batches), and in
# kamailio.cfg's /mv/htable batches, as the daemon sends them now (BATCH lines a request, ~7 KB at
# 64); and what `htable.dump mv` (the NOC's whole-table views) costs by table size. One Kamailio
# on loopback, keys written straight with htable.sets (bench/edge/rpc_pipeline.py) or curl, no
# daemon.
#
#   bash bench/edge/rpc_cost.sh
#
# Knobs: CALLS=20000 DEPTHS="1 50 64 200" BATCH=64 SIZES="25000 50000 100000 200000"
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CALLS=${CALLS:-20000}
DEPTHS=${DEPTHS:-1 50 64 200}
BATCH=${BATCH:-64}
SIZES=${SIZES:-25000 50000 100000 200000}
NODES=1
start_redis
start_edge_nodes 1024 512
pipeline=$(dirname "${BASH_SOURCE[0]}")/rpc_pipeline.py

echo "### One htable.sets, by requests in flight ($CALLS calls each)"
echo
echo "| requests written before reading | wall per call | Kamailio CPU per call |"
echo "|---:|---:|---:|"
for depth in $DEPTHS; do
  k0=$(every_node_ticks)
  wall=$(python3 "$pipeline" "$RPC_PORT" 0 "$CALLS" "$depth")
  k1=$(every_node_ticks)
  awk -v d="$depth" -v w="$wall" -v k=$((k1 - k0)) -v hz="$HZ" -v n="$CALLS" \
    'BEGIN {printf "| %d | %.0f us | %.0f us |\n", d, w / n * 1e6, k / hz / n * 1e6}'
done
rpc htable.flush '["mv"]' >/dev/null

# CALLS changes as a bulk import makes them ("t:<trunk>" -> "<customer>|<domain>|<uri>"), BATCH
# lines to a request, every request on one kept-alive connection.
python3 - "$CALLS" "$BATCH" "$RPC_PORT" >"$WORK/batches.curl" <<'PY'
import sys
calls, batch, port = (int(a) for a in sys.argv[1:])
hexed = lambda text: text.encode().hex()
requests = []
for first in range(0, calls, batch):
    lines = "".join(f"S {hexed(f't:trunk_{i:08d}')} {hexed(f'fill{i % 100}|example.net|sip:127.24.0.{i % 250 + 1}:9')}\\n"
                    for i in range(first, min(first + batch, calls)))
    requests.append(f'url = "http://127.0.0.1:{port}/mv/htable"\nheader = "Expect:"\ndata-binary = "{lines}"\n')
print("next\n".join(requests), end="")
PY
k0=$(every_node_ticks)
started=$(now)
applied=$(curl -fsS -K "$WORK/batches.curl" | awk '{n += $1} END {print n}')
ended=$(now)
k1=$(every_node_ticks)
((applied == CALLS)) || die "/mv/htable applied $applied of $CALLS changes"
echo
echo "### One htable change in /mv/htable batches of $BATCH ($CALLS changes)"
echo
echo "| wall per change | Kamailio CPU per change |"
echo "|---:|---:|"
awk -v a="$started" -v b="$ended" -v k=$((k1 - k0)) -v hz="$HZ" -v n="$CALLS" \
  'BEGIN {printf "| %.1f us | %.1f us |\n", (b - a) / n * 1e6, k / hz / n * 1e6}'
rpc htable.flush '["mv"]' >/dev/null

echo
echo "### htable.dump mv by table size"
echo
echo "| keys | htable.dump | Kamailio CPU | reply |"
echo "|---:|---:|---:|---:|"
written=0
for size in $SIZES; do
  python3 "$pipeline" "$RPC_PORT" "$written" $((size - written)) 64 >/dev/null
  written=$size
  k0=$(every_node_ticks)
  started=$(now)
  curl -fsS --max-time 600 "http://127.0.0.1:$RPC_PORT/RPC" -o "$WORK/dump.json" \
    -d '{"jsonrpc":"2.0","id":1,"method":"htable.dump","params":["mv"]}'
  ended=$(now)
  k1=$(every_node_ticks)
  awk -v n="$size" -v a="$started" -v b="$ended" -v k=$((k1 - k0)) -v hz="$HZ" \
    -v bytes="$(stat -c %s "$WORK/dump.json")" \
    'BEGIN {printf "| %d | %.2f s | %.2f s | %.1f MB |\n", n, b - a, k / hz, bytes / 1e6}'
done
