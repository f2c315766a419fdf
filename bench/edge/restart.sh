#!/usr/bin/env bash
# A node restart at TRUNKS trunks (issue 12: a Kamailio node restarted with 100k trunks routes
# completely, verified, within 30 s of its start). TRUNKS filler trunks through the API on NODES
# nodes; then, REPEATS times, the first node is killed (SIGKILL, every process) and started again
# on its ports, timed from that start:
#   answers   its JSON-RPC answers (Kamailio answers nothing before its tables are loaded)
#   routes    a call from the last filler trunk's inbound address is answered by the application
#             server through it
#   verified  GET /v1/edge/status shows the node in sync with restarts_seen raised: the daemon saw
#             the new boot id, brought the node in step and counted its tables
#
# Knobs: TRUNKS=100000 REPEATS=3 SHM_MB=1024 PKG_MB=512 (100k trunks need PKG_MB=512: htable.reload
# builds its key list in pkg memory) APPLY_TIMEOUT=900 (s), and common.sh's (NODES=2).
# Usage: NODES=2 bash bench/edge/restart.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TRUNKS=${TRUNKS:-100000}
REPEATS=${REPEATS:-3}
SHM_MB=${SHM_MB:-1024}
PKG_MB=${PKG_MB:-512}

UAS_PORT=$(free_port)
start_redis
start_edge_nodes "$SHM_MB" "$PKG_MB"
start_daemon "$UAS_PORT"
start_uas "$UAS_PORT"
make_fill_keys
admin=$(make_key ops admin)
log "creating $TRUNKS trunks"
post_fill_trunks 0 "$TRUNKS"
log "edge applied in $(wait_edge_applied "${APPLY_TIMEOUT:-900}") s"

IN_SCENARIO=$(scenario uac-call-completes.xml)
LAST_IP=$(fill_ip $((TRUNKS - 1)))
NODE_DIR=$WORK/kamailio-${SIP_PORTS[0]}
RPC_PORT=${RPC_PORTS[0]}
SIP_PORT=${SIP_PORTS[0]}

node_gone() { ! pgrep -f "kamailio -f $NODE_DIR/kamailio.cfg" >/dev/null; }
first_node() { curl -fsS "$API/v1/edge/status" -H "Authorization: Bearer $admin" | jq -c '.nodes[0]'; }
in_sync_after() {  # in_sync_after RESTARTS: the first node in sync, having seen more restarts
  first_node | jq -e --argjson seen "$1" '.in_sync and .restarts_seen > $seen' >/dev/null
}
wait_for "${APPLY_TIMEOUT:-900}" in_sync_after -1 || die "the first node never got in sync"
sip_call "$IN_SCENARIO" "$LAST_IP" || die "the last trunk does not route before the restart"

RESULTS=$WORK/restart.results
: >"$RESULTS"
for repeat in $(seq "$REPEATS"); do
  seen=$(first_node | jq .restarts_seen)
  pkill -KILL -f "kamailio -f $NODE_DIR/kamailio.cfg" || true
  wait_for 10 node_gone || die "the node survived SIGKILL"
  start=$(now)
  kamailio -f "$NODE_DIR/kamailio.cfg" -Y "$NODE_DIR" -DD -E -M "$PKG_MB" -m "$SHM_MB" \
    >>"$NODE_DIR/kamailio.log" 2>&1 &
  STARTED+=($!)
  until rpc core.uptime >/dev/null 2>&1; do sleep 0.05; done
  answers=$(now)
  until sip_call "$IN_SCENARIO" "$LAST_IP"; do
    awk -v s="$start" -v n="$(now)" 'BEGIN {exit !(n - s > 120)}' && die "no call routed after 120 s"
  done
  routes=$(now)
  wait_for 120 in_sync_after "$seen" || die "the daemon never verified the restarted node"
  verified=$(now)
  awk -v s="$start" -v a="$answers" -v r="$routes" -v v="$verified" \
    'BEGIN {printf "%.2f %.2f %.2f\n", a - s, r - s, v - s}' >>"$RESULTS"
  log "restart $repeat: $(tail -1 "$RESULTS") (answers, routes, verified; s after its start)"
  sleep 5
done

echo
echo "### Node restart at $TRUNKS trunks ($NODES node(s)): seconds after the node's start"
echo
echo "| run | answers JSON-RPC | last trunk routes | verified in sync |"
echo "|---:|---:|---:|---:|"
awk '{printf "| %d | %s | %s | %s |\n", NR, $1, $2, $3}' "$RESULTS"
