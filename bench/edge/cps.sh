#!/usr/bin/env bash
# Calls per second through the edge (the project's kamailio.cfg with TRUNKS trunks loaded through
# the API) against the same Kamailio running bench/edge/relay.cfg (record_route + t_relay of every
# INVITE to the callee): same children, listen sockets, tm timers, memory sizes and memory
# manager. Both run side by side and the runs alternate between them, so drift in the machine's
# load hits both alike.
#
#   bash bench/edge/cps.sh
#
# Each run: one sipp UAC (`-r RATE -m RATE*RUN_SECONDS`, INVITE/200/ACK/BYE/200) against one
# long-lived sipp UAS (bench/edge/uas.xml) that plays the carrier (outbound) and the application
# server (inbound). Outbound: tests/sip/uac-app-server-call-completes.xml from 127.0.0.1 (the
# application server's address) with X-MiniVoice-Customer-Id of a customer whose trunk's proxy is
# the UAS. Inbound: tests/sip/uac-call-completes.xml from 127.3.0.1, that trunk's inbound_ip, one
# of TRUNKS source keys in htable mv. The relay gets the same two call flows.
#   cpu:   REPEATS runs per config and direction at CPU_RATE calls/s (nothing saturated): Kamailio's
#          CPU (all its processes) over the run plus DRAIN seconds, per call.
#   sweep: rates SWEEP upwards, per config and direction, until a rate fails twice (a run with a
#          failed call is run once more: one burst of UDP drops should not decide it).
# Both, once per Kamailio memory manager in MEMORY_MANAGERS (`kamailio -x`; qm is the default
# that scripts/dev-run.sh and the Dockerfile run); the sweep only for SWEEP_MEMORY_MANAGERS.
# The daemon is stopped once the edge has loaded the trunks (an edge restarted with another
# memory manager loads them from Redis): its periodic check of the edge is Kamailio CPU that no
# call causes (bench/edge/memory.sh and idle.sh measure it).
#
# Knobs: TRUNKS=10000 CPU_RATE=1000 REPEATS=3 SWEEP="1500 2000 2500 3000 3500" RUN_SECONDS=4
# DRAIN=4 (s after a run before the CPU is read: tm frees finished transactions on timers)
# DIRECTIONS="outbound inbound" MEMORY_MANAGERS="qm fm" SWEEP_MEMORY_MANAGERS="qm"
# SHM_MB=1024 (tm keeps every transaction ~5 s after it ends: shm in use grows with the rate)
# PKG_MB=32 CHILDREN=4 QUIET_WAIT=15 QUIET_BUSY_PCT=20 (before each run, wait up to 15 s for the
# machine to be under 20 % busy)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TRUNKS=${TRUNKS:-10000}
CPU_RATE=${CPU_RATE:-1000}
REPEATS=${REPEATS:-3}
SWEEP=${SWEEP:-1500 2000 2500 3000 3500}
RUN_SECONDS=${RUN_SECONDS:-4}
DRAIN=${DRAIN:-4}
DIRECTIONS=${DIRECTIONS:-outbound inbound}
MEMORY_MANAGERS=${MEMORY_MANAGERS:-qm fm}
SWEEP_MEMORY_MANAGERS=${SWEEP_MEMORY_MANAGERS:-qm}
SHM_MB=${SHM_MB:-1024}
PKG_MB=${PKG_MB:-32}
INBOUND_IP=127.3.0.1

# --- TRUNKS trunks through the API ----------------------------------------------------------
UAS_PORT=$(free_port)
start_redis
read -r first_mm _ <<<"$MEMORY_MANAGERS"
KAMAILIO_ARGS="-x $first_mm" start_kamailio "$EDGE_CFG" "$SHM_MB" "$PKG_MB"
EDGE_PID=$KAM_PID EDGE_SIP=$SIP_PORT EDGE_RPC=$RPC_PORT
start_daemon "$UAS_PORT"
bench_key=$(make_key cust_bench)
curl -fsS -o /dev/null "$API/v1/trunks" -H "Authorization: Bearer $bench_key" \
  -H 'Content-Type: application/json' -d "{\"name\":\"bench\",\"proxy\":\"127.0.0.1:$UAS_PORT\",
  \"inbound_ip\":\"$INBOUND_IP\",\"from_domain\":\"example.net\"}"
log "creating $((TRUNKS - 1)) more trunks ($FILL_CUSTOMERS customers) through the API"
make_fill_keys
post_fill_trunks 1 $((TRUNKS - 1))
wait_edge_applied 120 >/dev/null
EDGE_ROWS=$(loaded_rows)
log "edge loaded: $EDGE_ROWS"
stop_pid "$DAEMON_PID"
start_uas "$UAS_PORT"

OUT_SCENARIO=$(scenario uac-app-server-call-completes.xml __CUSTOMER_ID__=cust_bench __TRUNK_ID__=)
IN_SCENARIO=$(scenario uac-call-completes.xml)

# start_pair MM: the edge (unless it already runs with MM) and a relay, with memory manager MM.
start_pair() {
  if [[ $1 != "$first_mm" ]]; then
    stop_pid "$EDGE_PID"
    KAMAILIO_ARGS="-x $1" start_kamailio "$EDGE_CFG" "$SHM_MB" "$PKG_MB"
    EDGE_PID=$KAM_PID EDGE_SIP=$SIP_PORT EDGE_RPC=$RPC_PORT
    [[ $(loaded_rows) == "$EDGE_ROWS" ]] || die "edge restarted with -x $1 loaded $(loaded_rows)"
  fi
  [[ -z ${RELAY_PID:-} ]] || stop_pid "$RELAY_PID"
  KAMAILIO_ARGS="-x $1" start_kamailio "$EDGE_BENCH/relay.cfg" "$SHM_MB" "$PKG_MB"
  RELAY_PID=$KAM_PID RELAY_SIP=$SIP_PORT
  RPC_PORT=$EDGE_RPC
}

# --- runs -------------------------------------------------------------------------------------
RESULTS=$WORK/results
: >"$RESULTS"

# Datagrams dropped so far by the UDP socket bound to 127.0.0.1:PORT (receive buffer full).
socket_drops() { ss -Huanm "sport = :$1" | grep -o 'd[0-9]*)' | tr -d 'd)' | head -1; }

# run PHASE CONFIG DIRECTION RATE: one sipp UAC run; appends a line to RESULTS; fails if a call
# failed.
run() {
  local phase=$1 config=$2 direction=$3 rate=$4 pid port scenario ip shm=-
  local stat=$WORK/stat-$MM-$phase-$config-$direction-$rate-$RANDOM.csv calls=$((rate * RUN_SECONDS))
  if [[ $config == edge ]]; then pid=$EDGE_PID port=$EDGE_SIP; else pid=$RELAY_PID port=$RELAY_SIP; fi
  if [[ $direction == outbound ]]; then scenario=$OUT_SCENARIO ip=127.0.0.1; else scenario=$IN_SCENARIO ip=$INBOUND_IP; fi
  local k0 u0 c0 m0 d0 kd0 ud0 k1 u1 c1 m1 d1 kd1 ud1 start end
  wait_quiet
  k0=$(kamailio_ticks "$pid"); u0=$(proc_ticks "$UAS_PID"); c0=$(children_ticks)
  read -r m0 _ < <(machine_ticks); d0=$(udp_drops); kd0=$(socket_drops "$port"); ud0=$(socket_drops "$UAS_PORT")
  # The edge's shared memory in use near the end of the run (calls and finished transactions).
  [[ $config == edge ]] && (sleep $((RUN_SECONDS - 1)); rpc core.shmmem | jq .real_used >"$stat.shm") &
  start=$(now)
  (cd "$WORK" && timeout -s INT -k 5 $((RUN_SECONDS * 3 + 30)) sipp "127.0.0.1:$port" -sf "$scenario" \
    -i "$ip" -p "$(free_port)" -cp "$(free_port)" -r "$rate" -m "$calls" -nostdin \
    -buff_size "$SIPP_BUFFER" -trace_stat -stf "$stat" \
    -trace_err -error_file "${stat%.csv}.errors" >/dev/null 2>&1) || true
  end=$(now)
  sleep "$DRAIN"
  k1=$(kamailio_ticks "$pid"); u1=$(proc_ticks "$UAS_PID"); c1=$(children_ticks)
  read -r m1 _ < <(machine_ticks); d1=$(udp_drops); kd1=$(socket_drops "$port"); ud1=$(socket_drops "$UAS_PORT")
  [[ -s $stat.shm ]] && shm=$(($(cat "$stat.shm") >> 20))
  local ok retrans failed
  ok=$(stat_field "$stat" 'SuccessfulCall(C)'); ok=${ok:-0}
  retrans=$(stat_field "$stat" 'Retransmissions(C)')
  failed=$((calls - ok))  # failed, or never finished
  # One line per run: mm phase config direction rate ok failed retrans drops(Kamailio) drops(UAS)
  # drops(all) achieved/s Kamailio-us/call sipp-us/call other-% shm-MB. CPU counts the drain.
  awk -v hz="$HZ" -v t0="$start" -v t1="$end" -v t2="$(now)" -v ok="$ok" -v k=$((k1 - k0)) \
    -v s=$((u1 - u0 + c1 - c0)) -v o=$((m1 - m0 - (k1 - k0) - (u1 - u0) - (c1 - c0))) -v shm="$shm" \
    -v head="$MM $phase $config $direction $rate $ok $failed ${retrans:-0} $((kd1 - kd0)) $((ud1 - ud0)) $((d1 - d0))" \
    'BEGIN {n = ok ? ok : 1; printf "%s %.0f %.0f %.0f %.0f %s\n", head, ok / (t1 - t0),
      1e6 * k / hz / n, 1e6 * s / hz / n, 100 * o / hz / (t2 - t0), shm}' >>"$RESULTS"
  tail -1 "$RESULTS" | awk '{printf "%s %-5s %-5s %-8s %4d/s: %d ok, %d failed, %d retrans, UDP drops %d/%d/%d, %d calls/s, Kamailio %d us/call, sipp %d us/call, other %d%%, shm %s MB\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16}' >&2
  ((failed == 0))
}

passes() {  # passes CONFIG DIRECTION RATE: one clean run, or the second of two
  run sweep "$@" || run sweep "$@"
}

for MM in $MEMORY_MANAGERS; do
  start_pair "$MM"
  for direction in $DIRECTIONS; do
    for _ in $(seq "$REPEATS"); do
      run cpu relay "$direction" "$CPU_RATE" || true
      run cpu edge "$direction" "$CPU_RATE" || true
    done
  done
  [[ " $SWEEP_MEMORY_MANAGERS " == *" $MM "* ]] || continue
  for direction in $DIRECTIONS; do
    relay_ok=1 edge_ok=1
    for rate in $SWEEP; do
      if ((relay_ok)) && ! passes relay "$direction" "$rate"; then relay_ok=0; fi
      if ((edge_ok)) && ! passes edge "$direction" "$rate"; then edge_ok=0; fi
      ((relay_ok || edge_ok)) || break
    done
  done
done

# --- report -----------------------------------------------------------------------------------
echo
echo "### Edge CPS ($(nproc) cores shared by sipp UAC + UAS and Kamailio; children=$CHILDREN, -m $SHM_MB -M $PKG_MB; $TRUNKS trunks; edge rows: $EDGE_ROWS; ${RUN_SECONDS} s runs)"
echo
echo "| -x | phase | config | direction | offered calls/s | ok | failed | sipp retrans | UDP drops (Kamailio / UAS / all) | achieved calls/s | Kamailio CPU us/call | sipp CPU us/call | other CPU % | edge shm MB |"
echo "|---|---|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|"
awk '{printf "| %s | %s | %s | %s | %d | %d | %d | %d | %d / %d / %d | %d | %d | %d | %d | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16}' "$RESULTS"
echo
for MM in $MEMORY_MANAGERS; do
  for direction in $DIRECTIONS; do
    cpu() { awk -v m="$MM" -v c="$1" -v d="$direction" '$1 == m && $2 == "cpu" && $3 == c && $4 == d && $7 == 0 {print $13}' "$RESULTS" | median; }
    awk -v m="$MM" -v d="$direction" -v rc="$(cpu relay)" -v ec="$(cpu edge)" -v rate="$CPU_RATE" -v n="$REPEATS" 'BEGIN {
      printf "-x %s %s: Kamailio CPU per call at %d calls/s (median of %d): edge %d us, relay %d us; relay/edge = %.2f\n",
        m, d, rate, n, ec, rc, (ec ? rc / ec : 0) }'
    [[ " $SWEEP_MEMORY_MANAGERS " == *" $MM "* ]] || continue
    # The highest swept rate that passed (the sweep stops at the first rate that fails twice).
    best() { awk -v m="$MM" -v c="$1" -v d="$direction" '$1 == m && $2 == "sweep" && $3 == c && $4 == d && $7 == 0 {r = $5; a = $12} END {print r + 0, a + 0}' "$RESULTS"; }
    read -r relay_rate relay_achieved < <(best relay)
    read -r edge_rate edge_achieved < <(best edge)
    awk -v m="$MM" -v d="$direction" -v rr="$relay_rate" -v ra="$relay_achieved" -v er="$edge_rate" -v ea="$edge_achieved" 'BEGIN {
      printf "-x %s %s: highest swept rate with 0 failed calls: edge %d (achieved %d/s), relay %d (achieved %d/s); edge/relay = %.2f\n",
        m, d, er, ea, rr, ra, (rr ? er / rr : 0) }'
  done
done
