#!/usr/bin/env bash
# Kamailio's memory with 0, 10,000 and 100,000 trunks loaded, and what else grows with the tables:
# start-up and reload times, the JSON-RPC dumps of the tables, and the Kamailio CPU the daemon
# costs while nothing changes.
#
#   bash bench/edge/memory.sh
#
# One Kamailio size (-m SHM_MB -M PKG_MB) for every row, so the figures compare.
#   0        the daemon's application-server row only.
#   10,000   created through the API (the daemon running; it is then left idle for IDLE seconds
#            to measure what its rounds and audit cost Kamailio at rest).
#   100,000  written straight into Redis db 1 in db_redis layout by write_rows (common.sh: rows
#            as the daemon writes them: one htable source key per trunk, one "c:" key per
#            customer, the daemon's padding key when that sum is a multiple of 1,000) and loaded by
#            a fresh Kamailio, without the daemon. Its start-up is timed twice: until it answers
#            JSON-RPC (every table loaded) and until a call from the last trunk's address is routed.
# Per size: shm in use (core.shmmem real_used) after the load and after one whole reload of htable
# mv and dispatcher (max_used: the peak, both copies of a table alive during a reload), RSS of the
# main process, RSS and PSS summed over all Kamailio processes (shm pages count in the RSS of
# every process that touched them; PSS shares them out), Redis used_memory, and the time and size
# of htable.dump mv and dispatcher.list.
#
# Knobs: SHM_MB=512 PKG_MB=128 IDLE=20 DUMP_TIMEOUT=30 (s)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SHM_MB=${SHM_MB:-512}
PKG_MB=${PKG_MB:-128}
IDLE=${IDLE:-20}
DUMP_TIMEOUT=${DUMP_TIMEOUT:-30}

mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }
seconds_since() { awk -v s="$1" -v n="$(now)" 'BEGIN {printf "%.2f", n - s}'; }

# timed_rpc METHOD [PARAMS_JSON]: seconds the call took and the reply's size, ">DUMP_TIMEOUT s" (the RPC worker
# goes on anyway), or "reply cut" (the connection closed before the whole reply was sent).
timed_rpc() {
  local start size rc=0
  start=$(now)
  size=$(curl -fsS -o /dev/null -w '%{size_download}' --max-time "$DUMP_TIMEOUT" \
    "http://127.0.0.1:$RPC_PORT/RPC" -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":${2:-[]}}" 2>/dev/null) || rc=$?
  case $rc in
    0) echo "$(seconds_since "$start") ($(mib "$size") MB)" ;;
    28) echo ">$DUMP_TIMEOUT s" ;;
    18) echo "reply cut at $(mib "$size") MB after $(seconds_since "$start") s" ;;
    *) echo "curl exit $rc" ;;
  esac
}

# measure TRUNKS HOW STARTUP_S ROWS: one result line.
measure() {
  local shm_loaded rss main_rss pss redis reload_htable reload_dispatcher peak start pid
  shm_loaded=$(rpc core.shmmem | jq .real_used)
  main_rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$KAM_PID/status")
  read -r rss pss < <(for pid in "$KAM_PID" $(pgrep -P "$KAM_PID"); do cat "/proc/$pid/smaps_rollup"; done |
    awk '/^Rss:/ {r += $2} /^Pss:/ {p += $2} END {print r, p}')
  redis=$(rcli info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r')
  sleep 1.1  # reload_delta
  start=$(now); rpc htable.reload '["mv"]' >/dev/null; reload_htable=$(seconds_since "$start")
  start=$(now); rpc dispatcher.reload >/dev/null; reload_dispatcher=$(seconds_since "$start")
  peak=$(rpc core.shmmem | jq .max_used)
  echo "$1|$2|$4|$3|$(mib "$shm_loaded")|$(mib "$peak")|$((main_rss / 1024))|$((rss / 1024))|$((pss / 1024))|$(mib "$redis")|$reload_htable|$reload_dispatcher|$(timed_rpc htable.dump '["mv"]')|$(timed_rpc dispatcher.list)" >>"$RESULTS"
  log "$(tail -1 "$RESULTS")"
}

RESULTS=$WORK/results
: >"$RESULTS"
UAS_PORT=$(free_port)
start_uas "$UAS_PORT"
IN_SCENARIO=$(scenario uac-call-completes.xml)
start_redis
start=$(now)
start_kamailio "$EDGE_CFG" "$SHM_MB" "$PKG_MB"
startup=$(seconds_since "$start")
start_daemon "$UAS_PORT"
admin_key=$(make_key ops admin)
edge_in_sync() {
  curl -fsS "$API/v1/edge/status" -H "Authorization: Bearer $admin_key" | jq -e '.nodes | all(.in_sync)'
}
wait_for 30 edge_in_sync || die "edge not in sync"
measure 0 API "$startup" "$(loaded_rows)"

make_fill_keys
post_fill_trunks 1 10000
wait_edge_applied 120 >/dev/null
sip_call "$IN_SCENARIO" "$(fill_ip 10000)" || die "no call from the last trunk's address"
measure 10000 API "-" "$(loaded_rows)"
sleep 2
ticks=$(kamailio_ticks "$KAM_PID")
sleep "$IDLE"
idle_ms=$((($(kamailio_ticks "$KAM_PID") - ticks) * 1000 / HZ))
stop_pid "$DAEMON_PID"

stop_pid "$KAM_PID"
rcli -n 1 flushdb >/dev/null
write_rows 100000 "$UAS_PORT"
start=$(now)
start_kamailio "$EDGE_CFG" "$SHM_MB" "$PKG_MB" 120  # answers RPC once its tables are loaded
startup=$(seconds_since "$start")
# The dispatcher.list reply at this size can be cut (it outgrows tcp_conn_wq_max): a call from the
# last trunk's address instead, matched by its source key and routed to the application server's
# dispatcher set.
sip_call "$IN_SCENARIO" "$(fill_ip 100000)" || die "no call from the last trunk's address"
routed=$(seconds_since "$start")
expected_htable=$((100000 + FILL_CUSTOMERS))
((expected_htable % 1000)) || expected_htable=$((expected_htable + 1))  # the padding key
htable=$(rpc htable.stats | jq '.[] | select(.name == "mv") | .all')
[[ $htable == "$expected_htable" ]] || die "loaded htable=$htable, written $expected_htable"
measure 100000 "rows written" "$startup (routing after $routed)" "htable=$htable loaded (100,000 source keys + $FILL_CUSTOMERS customers + $((htable - 100000 - FILL_CUSTOMERS)) padding), dispatcher=100001 written; call from the last trunk's address routed"

echo
echo "### Kamailio memory and table-size costs (-m $SHM_MB -M $PKG_MB, children=$CHILDREN; MB = MiB)"
echo
echo "| trunks | created by | rows loaded | start-up (s) | shm used (MB) | shm peak after a reload (MB) | RSS main (MB) | RSS all processes (MB) | PSS all (MB) | Redis used_memory (MB) | htable.reload mv (s) | dispatcher.reload (s) | htable.dump mv (s) | dispatcher.list (s) |"
echo "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
awk -F'|' '{printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; print ""}' "$RESULTS"
echo
echo "With 10,000 trunks and nothing changing, the daemon cost Kamailio $((idle_ms / IDLE)) ms of CPU per second ($idle_ms ms over $IDLE s)."
