#!/usr/bin/env bash
# The cost of an edge at rest: TRUNKS filler trunks through the API, then, while nothing changes,
# the daemon's and Kamailio's CPU over WINDOW seconds, and the time of a /metrics scrape against
# the time of the NOC reads an earlier daemon made at every scrape (GET /v1/noc/drift and
# /v1/noc/dispatcher).
#
# Knobs: AUDIT_S (kamailio.audit_interval_s, default the daemon's 60), NOC_REFRESH_S
# (kamailio.noc_metrics_refresh_s, default 10), ROWS_AUDIT_KEYS_PER_S
# (kamailio.rows_audit_keys_per_s, default 20; 0: off), SCRAPES (20), NOC_READS (5; 0: none, so the window
# is not spent on what Kamailio still builds for them), SHM_MB=512 PKG_MB=64 (100k trunks need
# PKG_MB=512: htable.reload builds its key list in pkg memory), APPLY_TIMEOUT=600 (s), and
# common.sh's (NODES=2: two edge nodes; Kamailio's CPU is then theirs together).
# Usage: bash bench/edge/idle.sh [TRUNKS] [WINDOW_S]
set -euo pipefail
source "$(dirname "$0")/common.sh"

TRUNKS=${1:-10000}
WINDOW=${2:-60}
SCRAPES=${SCRAPES:-20}

start_redis
start_edge_nodes "${SHM_MB:-512}" "${PKG_MB:-64}"
start_daemon 9
if [[ -n ${AUDIT_S:-} || -n ${NOC_REFRESH_S:-} || -n ${ROWS_AUDIT_KEYS_PER_S:-} ]]; then  # restart the daemon with them
  stop_pid "$DAEMON_PID"
  [[ -n ${AUDIT_S:-} ]] && sed -i "s/^kamailio:$/&\n  audit_interval_s: $AUDIT_S/" "$CONFIG"
  [[ -n ${NOC_REFRESH_S:-} ]] && sed -i "s/^kamailio:$/&\n  noc_metrics_refresh_s: $NOC_REFRESH_S/" "$CONFIG"
  [[ -n ${ROWS_AUDIT_KEYS_PER_S:-} ]] &&
    sed -i "s/^kamailio:$/&\n  rows_audit_keys_per_s: $ROWS_AUDIT_KEYS_PER_S/" "$CONFIG"
  "$CONTROLPLANE_BIN" -c "$CONFIG" serve >"$WORK/controlplane.log" 2>&1 &
  DAEMON_PID=$!
  STARTED+=("$DAEMON_PID")
  wait_for 15 curl -fsS "$API/healthz" || die "controlplane did not restart"
fi
make_fill_keys
admin=$(make_key ops admin)

log "creating $TRUNKS trunks"
post_fill_trunks 0 "$TRUNKS"
log "edge applied in $(wait_edge_applied "${APPLY_TIMEOUT:-600}") s; $(loaded_rows)"
# At rest: every node in sync (its routing tables, and its dispatcher: the application server).
edge_in_sync() {
  curl -fsS "$API/v1/edge/status" -H "Authorization: Bearer $admin" | jq -e '.nodes | all(.in_sync)'
}
wait_for "${APPLY_TIMEOUT:-600}" edge_in_sync >/dev/null || die "the edge did not get in sync"
log "every node in sync"
sleep 5  # the rounds that follow the last writes

# time_get PATH [KEY]: seconds one GET takes (fails on an error status).
time_get() {
  curl -fsS -o /dev/null -w '%{time_total}\n' ${2:+-H "Authorization: Bearer $2"} "$API$1"
}
scrape_times=$(for _ in $(seq "$SCRAPES"); do time_get /metrics; done)
noc_times=$(for _ in $(seq "${NOC_READS:-5}"); do
  awk -v a="$(time_get /v1/noc/drift "$admin")" -v b="$(time_get /v1/noc/dispatcher "$admin")" \
    'BEGIN {print a + b}'
done)

wait_quiet
daemon_before=$(proc_ticks "$DAEMON_PID")
kamailio_before=$(every_node_ticks)
sleep "$WINDOW"
daemon_after=$(proc_ticks "$DAEMON_PID")
kamailio_after=$(every_node_ticks)
percent() { awk -v t="$1" -v hz="$HZ" -v s="$WINDOW" 'BEGIN {printf "%.2f", 100 * t / hz / s}'; }
ms() { awk '{printf "%.1f", $1 * 1000}'; }

echo "trunks=$TRUNKS nodes=$NODES window_s=$WINDOW" \
  "daemon_cpu_pct=$(percent $((daemon_after - daemon_before)))" \
  "kamailio_cpu_pct=$(percent $((kamailio_after - kamailio_before)))" \
  "scrape_ms_median=$(median <<<"$scrape_times" | ms)" \
  "scrape_ms_max=$(percentile 100 <<<"$scrape_times" | ms)" \
  "noc_reads_ms_median=$(median <<<"$noc_times" | ms)"
