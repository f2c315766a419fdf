#!/usr/bin/env bash
# Cost of watching registrations: the daemon's CPU with 10,000 registering trunks while nothing
# changes (the registration poller reading uac.reg_dump every kamailio.registration_poll_ms, plus
# the reloader's per-record registration check every 10 s). Target: under 5 % of one core.
#
# The trunks register with loopback addresses of their own where nobody answers (fill_proxy in
# common.sh), so Kamailio keeps retrying them; that load is Kamailio's, not measured here.
# Usage: bash bench/edge/registration_poll.sh [TRUNKS] [SECONDS]
set -euo pipefail
source "$(dirname "$0")/common.sh"

TRUNKS=${1:-10000}
WINDOW=${2:-60}

start_redis
start_kamailio "$EDGE_CFG" 512 64
start_daemon 9
if [[ -n ${POLL_MS:-} ]]; then  # another poll interval: restart the daemon with it
  stop_pid "$DAEMON_PID"
  sed -i "s/^kamailio:$/&\n  registration_poll_ms: $POLL_MS/" "$CONFIG"
  "$CONTROLPLANE_BIN" -c "$CONFIG" serve >"$WORK/controlplane.log" 2>&1 &
  DAEMON_PID=$!
  STARTED+=("$DAEMON_PID")
  wait_for 15 curl -fsS "$API/healthz" || die "controlplane did not restart"
fi
key=$(make_key cust_reg)

log "creating $TRUNKS registering trunks"
awk -v count="$TRUNKS" -v api="$API" -v key="$key" "$FILL_PROXY_AWK"'BEGIN {
  for (i = 0; i < count; i++) {
    if (i > 0) print "next"
    printf "url = \"%s/v1/trunks\"\n", api
    printf "header = \"Authorization: Bearer %s\"\n", key
    printf "header = \"Content-Type: application/json\"\n"
    printf "data = \"{\\\"name\\\":\\\"reg %d\\\",\\\"proxy\\\":\\\"%s\\\",", i, fill_proxy(i)
    printf "\\\"username\\\":\\\"acct%d\\\",\\\"password\\\":\\\"pw%d\\\"}\"\n", i, i
    printf "silent\nshow-error\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code}\\n\"\n"
  }
}' >"$WORK/reg.curl"
post_requests "$WORK/reg.curl" "$TRUNKS"
wait_edge_applied 120 >/dev/null
loaded=$(rpc uac.reg_dump | jq length)
log "uac has $loaded registrations; letting the first polls write every state"
wait_for 120 bash -c "(( \$(redis-cli -h 127.0.0.1 -p $REDIS_PORT --scan --pattern 'mv:registration:*' | wc -l) >= $TRUNKS ))" ||
  die "the poller did not record every registration"
sleep 10

daemon_ticks() { awk '{print $14 + $15}' "/proc/$DAEMON_PID/stat"; }
before=$(daemon_ticks)
sleep "$WINDOW"
after=$(daemon_ticks)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$DAEMON_PID/status")
percent=$(awk -v t="$((after - before))" -v hz="$HZ" -v s="$WINDOW" 'BEGIN {printf "%.2f", 100 * t / hz / s}')
echo "registrations=$loaded window_s=$WINDOW daemon_cpu_percent_of_one_core=$percent daemon_rss_kib=$rss"
