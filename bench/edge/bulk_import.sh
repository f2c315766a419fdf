#!/usr/bin/env bash
# Bulk import: TRUNKS trunks POSTed through the API, PARALLEL requests in flight (one curl
# process, keep-alive connections), into an empty Redis with the edge attached, until every one
# routes: the time from the first POST to the edge having applied the last write
# (mv:edge:applied_generation reaches mv:edge:generation: every change applied on the node, key by
# key or by a whole reload, and its row counts checked against Redis), then until GET
# /v1/edge/status says every node is in sync ("in sync": its dispatcher too, which holds the
# application server and, before edge rows layout 3, every trunk), confirmed by Kamailio's own
# JSON-RPC counts. CPU is counted up to then. REPEATS imports, each on a fresh Redis, Kamailio
# and daemon.
#
#   bash bench/edge/bulk_import.sh
#
# Every trunk has an inbound_ip (a source key in htable mv) and a proxy (a route and a probe list
# entry in htable mv), 100 customers, as in bench/edge/common.sh's filler trunks. The request
# bodies are written before the clock starts.
#
# Knobs: TRUNKS=10000 PARALLEL=16 REPEATS=3 SHM_MB=256 PKG_MB=32 APPLY_TIMEOUT=300 (s after the
# last 201) RPC_TIMEOUT_MS (the daemon's kamailio.rpc_timeout_ms; its default is 2000) NODES=1
# (edge nodes: "all routing" is every node's; Kamailio's CPU is theirs together)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TRUNKS=${TRUNKS:-10000}
PARALLEL=${PARALLEL:-16}
REPEATS=${REPEATS:-3}
SHM_MB=${SHM_MB:-256}
PKG_MB=${PKG_MB:-32}
APPLY_TIMEOUT=${APPLY_TIMEOUT:-300}

RESULTS=$WORK/results
: >"$RESULTS"
for repeat in $(seq "$REPEATS"); do
  start_redis
  SIP_PORTS=() RPC_PORTS=() KAM_PIDS=()
  start_edge_nodes "$SHM_MB" "$PKG_MB"
  start_daemon "$(free_port)"
  make_fill_keys
  admin_key=$(make_key ops admin)
  edge_in_sync() {
    curl -fsS "$API/v1/edge/status" -H "Authorization: Bearer $admin_key" | jq -e '.nodes | all(.in_sync)'
  }
  wait_for 30 edge_in_sync || die "edge not in sync before the import"  # the app server's row
  fill_requests 1 "$TRUNKS" "$WORK/import.curl"
  k0=$(every_node_ticks); d0=$(proc_ticks "$DAEMON_PID"); r0=$(proc_ticks "$REDIS_PID")

  start=$(now)
  post_requests "$WORK/import.curl" "$TRUNKS" "$PARALLEL"
  posted=$(now)
  wait_edge_applied "$APPLY_TIMEOUT" >/dev/null
  applied=$(now)
  # The dispatcher's thread reports too (the application server).
  deadline=$((SECONDS + APPLY_TIMEOUT))
  until edge_in_sync >/dev/null; do
    ((SECONDS < deadline)) || die "edge not in sync $APPLY_TIMEOUT s after applying"
    sleep 0.2
  done
  probed=$(now)

  k1=$(every_node_ticks); d1=$(proc_ticks "$DAEMON_PID"); r1=$(proc_ticks "$REDIS_PID")
  status=$(curl -fsS "$API/v1/edge/status" -H "Authorization: Bearer $admin_key")
  rows=$(loaded_rows)
  htable_rows=${rows#*htable=}
  ((htable_rows >= TRUNKS)) || die "edge loaded $rows"
  reloads=$(jq '[.nodes[].reloads] | add' <<<"$status")
  awk -v n="$TRUNKS" -v a="$start" -v b="$posted" -v c="$applied" -v k=$((k1 - k0)) -v d=$((d1 - d0)) \
    -v r=$((r1 - r0)) -v hz="$HZ" -v reloads="$reloads" -v rows="$rows" -v p="$probed" 'BEGIN {
    printf "%.2f %.2f %.0f %.1f %.1f %.1f %d %s %.2f\n", b - a, c - a, n / (b - a), k / hz, d / hz, r / hz, reloads, rows, p - a}' >>"$RESULTS"
  log "import $repeat: $(tail -1 "$RESULTS")"
  stop_pid "$DAEMON_PID"
  for pid in "${KAM_PIDS[@]}"; do stop_pid "$pid"; done
  stop_pid "$REDIS_PID"
done

echo
echo "### Bulk import: $TRUNKS trunks, $PARALLEL POSTs in flight, until the edge has applied them all"
echo
echo "| run | all 201s (s) | POST/s | all routing (s) | in sync (s) | reloads | Kamailio CPU (s) | daemon CPU (s) | Redis CPU (s) | rows loaded at the end |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
awk '{printf "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s %s |\n", NR, $1, $3, $2, $10, $7, $4, $5, $6, $8, $9}' "$RESULTS"
echo
echo "Median time to all routing: $(awk '{print $2}' "$RESULTS" | median) s (issue 12: < 60 s for 100,000 trunks on 2 nodes)."
