# shellcheck shell=bash
# Shared by the bench/edge/*.sh scripts (sourced, not run): a private redis-server, Kamailio
# (the project's kamailio-cfg/kamailio.cfg or bench/edge/relay.cfg) and controlplane on
# 127.0.0.1, free ports, a temporary directory, and cleanup of everything started here on exit.
# Nothing here sends off this machine: filler trunks' proxies are loopback addresses (FILL_PROXY_AWK
# below), and the edge runs with the loopback guard (kamailio-cfg/loopback-guard.cfg): a run during
# which it refused to send anything fails.
#
# Knobs (environment):
#   CONTROLPLANE_BIN, EDGE_CFG  the daemon and the edge's kamailio.cfg, from the same commit
#                               (default build/controlplane/controlplane, kamailio-cfg/kamailio.cfg)
#   KEEP=1                      keep the temporary directory (logs, sipp output)
#   CHILDREN=4                  Kamailio's UDP workers (MV_CHILDREN), edge and relay alike
#   NODES=1                     edge nodes started by start_edge_nodes (one Redis for all)
#   DS_PING_INTERVAL=3600       MV_DS_PING_INTERVAL: no OPTIONS probes during a benchmark
#   HTTP_THREADS=16             the daemon's http.threads (its request threads)
#   KAMAILIO_ARGS               extra kamailio options, e.g. "-x fm" for another memory manager
#   RPC_TIMEOUT_MS              the daemon's kamailio.rpc_timeout_ms (unset: its default)
#   HEALTH_RELOAD_S             the daemon's kamailio.health_reload_interval_s (unset: its default)
#   FILL_CUSTOMERS=100          customers the filler trunks are spread over
#   TCP_CONN_WQ_MAX             the edge's tcp_conn_wq_max in bytes (unset: kamailio.cfg's 128 MiB;
#                               dispatcher.list at 100k trunks is ~38 MB, and the daemon lists the
#                               dispatcher before and after each of its reloads)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
EDGE_BENCH=$ROOT/bench/edge
CONTROLPLANE_BIN=${CONTROLPLANE_BIN:-$ROOT/build/controlplane/controlplane}
EDGE_CFG=${EDGE_CFG:-$ROOT/kamailio-cfg/kamailio.cfg}
CHILDREN=${CHILDREN:-4}
# shellcheck disable=SC2034  # used by the scripts
HZ=$(getconf CLK_TCK)  # CPU ticks per second

for tool in redis-server redis-cli kamailio sipp curl jq; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is required" >&2; exit 1; }
done
[[ -x $CONTROLPLANE_BIN ]] ||
  { echo "$0: no controlplane at $CONTROLPLANE_BIN (cmake --build build -j2)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/mv-edge-bench.XXXXXX)
STARTED=()  # PIDs of the processes started here, stopped in reverse order on exit

cleanup() {
  local i pid
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    pid=${STARTED[i]}
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED[@]}"; do wait "$pid" 2>/dev/null || true; done
  local guard
  guard=$(grep -h MV-LOOPBACK-GUARD "$WORK"/kamailio-*/kamailio.log 2>/dev/null || true)
  if [[ ${KEEP:-0} == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  if [[ -n $guard ]]; then
    printf '%s: kamailio'"'"'s loopback guard refused to send off this machine:\n%s\n' "$0" "$guard" >&2
    exit 1
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "$0: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

log() { echo "[edge-bench $(date +%H:%M:%S)] $*" >&2; }
die() { echo "$0: $*" >&2; exit 1; }
now() { echo "$EPOCHREALTIME"; }  # seconds, microsecond precision

# A port free for both TCP and UDP on 127.0.0.1, away from the dev stack's ports.
free_port() {
  local port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 12000))  # below the ephemeral range (32768-)
    ss -Htuan "sport = :$port" | grep -q . && continue  # any socket, listening or not
    grep -qx "$port" "$WORK/ports" 2>/dev/null && continue  # handed out already, maybe not bound yet
    echo "$port" | tee -a "$WORK/ports"
    return 0
  done
  die "no free port"
}

wait_for() {  # wait_for SECONDS command...: until the command succeeds
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

stop_pid() {  # stop_pid PID: TERM and reap one process started here
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# --- Redis ------------------------------------------------------------------------------------
start_redis() {
  REDIS_PORT=$(free_port)
  mkdir -p "$WORK/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save '' \
    --appendonly no --logfile "$WORK/redis/redis.log" &
  REDIS_PID=$!
  STARTED+=("$REDIS_PID")
  wait_for 10 rcli ping || die "redis-server did not start"
}
rcli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

# --- Kamailio ---------------------------------------------------------------------------------
# start_kamailio CONFIG SHM_MB PKG_MB [STARTUP_TIMEOUT_S]: CONFIG is $EDGE_CFG or
# bench/edge/relay.cfg, copied with a kamailio-local.cfg of this run's values (the relay config
# reads MV_RELAY_TO too). Sets KAM_DIR SIP_PORT RPC_PORT KAM_PID.
start_kamailio() {
  local config=$1 shm=$2 pkg=$3 timeout=${4:-20}
  SIP_PORT=$(free_port)
  RPC_PORT=$(free_port)
  KAM_DIR=$WORK/kamailio-$SIP_PORT
  mkdir -p "$KAM_DIR"
  cp "$config" "$KAM_DIR/kamailio.cfg"
  [[ -z ${TCP_CONN_WQ_MAX:-} ]] ||
    sed -i "s/^tcp_conn_wq_max=.*/tcp_conn_wq_max=$TCP_CONN_WQ_MAX/" "$KAM_DIR/kamailio.cfg"
  cp "$ROOT/kamailio-cfg/loopback-guard.cfg" "$KAM_DIR/"
  cat >"$KAM_DIR/kamailio-local.cfg" <<EOF
#!define MV_SIP_LISTEN_UDP udp:127.0.0.1:$SIP_PORT
#!define MV_SIP_LISTEN_TCP tcp:127.0.0.1:$SIP_PORT
#!define MV_RPC_LISTEN tcp:127.0.0.1:$RPC_PORT
#!define MV_CTL_SOCKET "unix:$KAM_DIR/kamailio_ctl"
#!define MV_REDIS_URL "redis://127.0.0.1:${REDIS_PORT:-1}/1"
#!define MV_DS_PING_INTERVAL ${DS_PING_INTERVAL:-3600}
#!substdef "!MV_PROBE_STATE_EXPIRE!$((3 * ${DS_PING_INTERVAL:-3600} + 2))!g"
#!define MV_REG_CONTACT "127.0.0.1:$SIP_PORT"
#!define MV_CHILDREN $CHILDREN
#!define MV_RELAY_TO "sip:127.0.0.1:${UAS_PORT:-9}"
#!define MV_LOOPBACK_GUARD
EOF
  kamailio -f "$KAM_DIR/kamailio.cfg" -Y "$KAM_DIR" -DD -E -M "$pkg" -m "$shm" ${KAMAILIO_ARGS:-} \
    >"$KAM_DIR/kamailio.log" 2>&1 &
  KAM_PID=$!
  STARTED+=("$KAM_PID")
  local deadline=$((SECONDS + timeout))
  until rpc core.uptime >/dev/null 2>&1; do
    kill -0 "$KAM_PID" 2>/dev/null || { tail -20 "$KAM_DIR/kamailio.log" >&2; die "kamailio exited"; }
    ((SECONDS < deadline)) || { tail -20 "$KAM_DIR/kamailio.log" >&2; die "kamailio did not start"; }
    sleep 0.1
  done
}

# start_edge_nodes SHM_MB PKG_MB [STARTUP_TIMEOUT_S]: NODES edge Kamailios ($EDGE_CFG), each on
# its own ports. Sets SIP_PORTS RPC_PORTS KAM_PIDS (one entry per node), and SIP_PORT RPC_PORT
# KAM_PID as the first node's.
NODES=${NODES:-1}
SIP_PORTS=() RPC_PORTS=() KAM_PIDS=()
start_edge_nodes() {
  local node
  for ((node = 0; node < NODES; node++)); do
    start_kamailio "$EDGE_CFG" "$@"
    SIP_PORTS+=("$SIP_PORT") RPC_PORTS+=("$RPC_PORT") KAM_PIDS+=("$KAM_PID")
  done
  SIP_PORT=${SIP_PORTS[0]} RPC_PORT=${RPC_PORTS[0]} KAM_PID=${KAM_PIDS[0]}
}

# rpc METHOD [PARAMS_JSON]: Kamailio JSON-RPC over HTTP (the node at $RPC_PORT); prints the result
# (fails on an error).
rpc() {
  curl -fsS --max-time 60 "http://127.0.0.1:$RPC_PORT/RPC" -H 'Content-Type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":${2:-[]}}" |
    jq -c 'if has("result") then .result else error("rpc error: \(.error)") end'
}

# CPU ticks (1/HZ s, user + system) used so far by a Kamailio (main PID) and its children.
kamailio_ticks() {
  local pid total=0 t
  for pid in "$1" $(pgrep -P "$1"); do
    t=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null) && total=$((total + t))
  done
  echo "$total"
}
# The same for every edge node of start_edge_nodes together.
every_node_ticks() {
  local pid total=0
  for pid in "${KAM_PIDS[@]}"; do total=$((total + $(kamailio_ticks "$pid"))); done
  echo "$total"
}
# Machine ticks busy and in all (all cores), for "someone else's load" accounting.
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
# wait_quiet: until the machine (shared) is under QUIET_BUSY_PCT (20) % busy over half a second, at
# most QUIET_WAIT (15) s; other people's load shows in the runs' "other CPU" column anyway.
wait_quiet() {
  local deadline=$((SECONDS + ${QUIET_WAIT:-15})) b0 b1 t0 t1
  while ((SECONDS < deadline)); do
    read -r b0 t0 < <(machine_ticks)
    sleep 0.5
    read -r b1 t1 < <(machine_ticks)
    (((b1 - b0) * 100 < ${QUIET_BUSY_PCT:-20} * (t1 - t0))) && return 0
  done
  log "machine still busy after ${QUIET_WAIT:-15} s of waiting: running anyway"
}
# UDP datagrams dropped for a full socket receive buffer, machine-wide.
udp_drops() { awk '/^Udp:/ && $2 ~ /^[0-9]+$/ {print $6}' /proc/net/snmp; }

# --- controlplane -----------------------------------------------------------------------------
# start_daemon APP_SERVER_PORT: the daemon with Kamailio ($RPC_PORTS, else $RPC_PORT) as its edge
# nodes and
# sip:127.0.0.1:APP_SERVER_PORT as the application server; kamailio.rpc_timeout_ms from
# RPC_TIMEOUT_MS if set (else the daemon's default). Sets API DAEMON_PID CONFIG.
start_daemon() {
  local http_port
  http_port=$(free_port)
  CONFIG=$WORK/controlplane.yaml
  cat >"$CONFIG" <<EOF
http:
  listen: 127.0.0.1:$http_port
  threads: ${HTTP_THREADS:-16}
  # registration_poll.sh creates 10,000 trunks with one key: the per-key limit is not measured.
  rate_limit: {per_second: 1000000, burst: 1000000}
redis:
  host: 127.0.0.1
  port: $REDIS_PORT
  pool_size: 16
  command_timeout_ms: 500
kamailio:
  rpc_endpoints:
$(for port in "${RPC_PORTS[@]:-$RPC_PORT}"; do echo "    - http://127.0.0.1:$port/RPC"; done)
${RPC_TIMEOUT_MS:+  rpc_timeout_ms: $RPC_TIMEOUT_MS}
${HEALTH_RELOAD_S:+  health_reload_interval_s: $HEALTH_RELOAD_S}
  app_servers:
    - sip:127.0.0.1:$1
outbound:
  loopback_only: true
log_level: warn
EOF
  "$CONTROLPLANE_BIN" -c "$CONFIG" serve >"$WORK/controlplane.log" 2>&1 &
  DAEMON_PID=$!
  STARTED+=("$DAEMON_PID")
  API=http://127.0.0.1:$http_port
  wait_for 15 curl -fsS "$API/healthz" || { cat "$WORK/controlplane.log" >&2; die "controlplane did not start"; }
}

make_key() {  # make_key CUSTOMER [ROLE]: prints a new API key
  "$CONTROLPLANE_BIN" -c "$CONFIG" keys create --customer "$1" ${2:+--role "$2"} 2>/dev/null
}

# --- trunks -----------------------------------------------------------------------------------
# Filler trunk N (1..): customer "fill<N % FILL_CUSTOMERS>", inbound_ip a unique /32 from
# 127.16.0.1 up (local, so a call can come from any of them), proxy a documentation address.
FILL_CUSTOMERS=${FILL_CUSTOMERS:-100}
make_fill_keys() {  # one key per filler customer, in $WORK/fill-keys (line c+1 = customer c)
  local c
  for ((c = 0; c < FILL_CUSTOMERS; c++)); do make_key "fill$c"; done >"$WORK/fill-keys"
}

# Filler trunk i's proxy (awk): a loopback address of its own in 127.24.0.0/13 (their inbound
# addresses are 127.16.x.x), port 9: nobody listens there (a socket bound to 0.0.0.0:5060, as
# SIP scanners use, would get 127.x.x.x:5060). Probing them costs what probing hosts elsewhere does.
FILL_PROXY_AWK='function fill_proxy(i) {
  return sprintf("127.%d.%d.%d:9", 24 + int(i / 62500), int(i / 250) % 250, i % 250 + 1)
}'

# fill_requests FIRST COUNT FILE: a curl config POSTing filler trunks FIRST..FIRST+COUNT-1.
fill_requests() {
  awk -v first="$1" -v count="$2" -v api="$API" -v ncust="$FILL_CUSTOMERS" "$FILL_PROXY_AWK"'
    NR == FNR { key[NR - 1] = $0; next }
    END {
      for (i = first; i < first + count; i++) {
        ip = sprintf("127.%d.%d.%d", 16 + int(i / 62500), int(i / 250) % 250, i % 250 + 1)
        if (i > first) print "next"
        printf "url = \"%s/v1/trunks\"\n", api
        printf "header = \"Authorization: Bearer %s\"\n", key[i % ncust]
        printf "header = \"Content-Type: application/json\"\n"
        printf "data = \"{\\\"name\\\":\\\"fill %d\\\",\\\"proxy\\\":\\\"%s\\\",", i, fill_proxy(i)
        printf "\\\"inbound_ip\\\":\\\"%s\\\",\\\"from_domain\\\":\\\"example.net\\\"}\"\n", ip
        printf "silent\nshow-error\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code}\\n\"\n"
      }
    }' "$WORK/fill-keys" /dev/null >"$3"
}

# post_requests FILE COUNT [PARALLEL]: runs a curl config from fill_requests in one curl process,
# PARALLEL (16) requests in flight; fails unless all COUNT answers are 201.
post_requests() {
  local codes
  codes=$(curl -sS --parallel --parallel-immediate --parallel-max "${3:-16}" -K "$1" 2>"$1.err" |
    sort | uniq -c | tr -s ' ' | sed 's/^ //')
  [[ $codes == "$2 201" ]] || die "POST /v1/trunks answered: $codes $(grep -v '^[ -]*[0-9-]' "$1.err" | head -3)"
}

# post_fill_trunks FIRST COUNT [PARALLEL]: POST filler trunks FIRST..FIRST+COUNT-1.
post_fill_trunks() {
  fill_requests "$1" "$2" "$WORK/post-$1.curl"
  post_requests "$WORK/post-$1.curl" "$2" "${3:-16}"
}

# wait_edge_applied TIMEOUT_S: until mv:edge:applied_generation reaches mv:edge:generation (every
# trunk written so far is loaded by the edge and checked). Prints the seconds waited.
wait_edge_applied() {
  local start target
  start=$(now)
  target=$(rcli get mv:edge:generation)
  target=${target:-0}
  until (($(rcli get mv:edge:applied_generation) + 0 >= target)); do
    awk -v s="$start" -v n="$(now)" -v t="$1" 'BEGIN {exit !(n - s > t)}' &&
      die "edge did not apply generation $target in $1 s (last error: $(rcli get mv:edge:last_error))"
    sleep 0.02
  done
  awk -v s="$start" -v n="$(now)" 'BEGIN {printf "%.2f\n", n - s}'
}

# Rows Kamailio has loaded: dispatcher destinations, htable mv items (sources, credentials, sets).
loaded_rows() {
  local dispatcher htable
  dispatcher=$(rpc dispatcher.list | jq '[.RECORDS[]?.SET.TARGETS | length] | add // 0')
  htable=$(rpc htable.stats | jq '.[] | select(.name == "mv") | .all')
  echo "dispatcher=$dispatcher htable=$htable"
}

# --- statistics -------------------------------------------------------------------------------
# percentile P < numbers: nearest-rank percentile
percentile() {
  sort -g | awk -v p="$1" '{v[NR] = $1}
    END {i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1; printf "%s", v[i]}'
}
median() { percentile 50; }

# --- sipp -------------------------------------------------------------------------------------
# start_uas PORT: the benchmark callee (bench/edge/uas.xml) on 127.0.0.1:PORT until exit. Sets UAS_PID.
start_uas() {
  sipp -sf "$EDGE_BENCH/uas.xml" -i 127.0.0.1 -p "$1" -cp "$(free_port)" -nostdin \
    -buff_size "$SIPP_BUFFER" >"$WORK/uas-$1.out" 2>&1 &
  UAS_PID=$!
  STARTED+=("$UAS_PID")
  wait_for 10 udp_bound "$1" || die "sipp UAS did not bind port $1"
}
SIPP_BUFFER=4194304  # socket buffers (sipp's default, 64 KiB, drops datagrams in bursts)
udp_bound() { ss -Huln "sport = :$1" | grep -q .; }

# scenario NAME [__PLACEHOLDER__=value...]: tests/sip/NAME with placeholders filled, into $WORK;
# prints its path.
scenario() {
  local name=$1 out=$WORK/$1 pair
  shift
  cp "$ROOT/tests/sip/$name" "$out"
  for pair in "$@"; do sed -i "s|${pair%%=*}|${pair#*=}|g" "$out"; done
  echo "$out"
}

# sip_call SCENARIO IP [EDGE_SIP_PORT [PORT CONTROL_PORT]]: one sipp call (-m 1) from IP:PORT
# through the Kamailio at EDGE_SIP_PORT ($SIP_PORT); succeeds if it was answered. About 0.1 s.
# Calls made at the same time need ports of their own.
PROBE_PORT=$(free_port)
PROBE_CONTROL_PORT=$(free_port)
sip_call() {
  (cd "$WORK" && sipp "127.0.0.1:${3:-$SIP_PORT}" -sf "$1" -i "$2" -p "${4:-$PROBE_PORT}" \
    -cp "${5:-$PROBE_CONTROL_PORT}" -m 1 -nostdin -timeout 5s -timeout_error >/dev/null 2>&1)
}

# until_passes T0 SCENARIO IP EDGE_SIP_PORT PORT CONTROL_PORT: sip_call through that node, back to
# back, until the scenario passes (30 s at most); prints seconds from T0 to that call's start.
until_passes() {
  local started
  while :; do
    started=$(now)
    sip_call "$2" "$3" "$4" "$5" "$6" && break
    awk -v s="$1" -v n="$(now)" 'BEGIN {exit !(n - s > 30)}' && die "no call passed $2 after 30 s"
  done
  awk -v s="$1" -v n="$started" 'BEGIN {printf "%.3f\n", n - s}'
}

# stat_field CSV NAME: the last value of column NAME in a sipp -trace_stat file.
stat_field() {
  awk -F';' -v name="$2" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == name) col = i; next}
    {v = $col} END {print v}' "$1"
}

# Own CPU ticks of one process, and of this shell's reaped children (sipp runs in the foreground).
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
children_ticks() { awk '{print $16 + $17}' "/proc/$$/stat"; }

# --- rows written straight into Kamailio's database (db 1) ----------------------------------
# fill_ip N: filler trunk N's inbound_ip.
fill_ip() { echo "127.$((16 + $1 / 62500)).$(($1 / 250 % 250)).$(($1 % 250 + 1))"; }

# write_rows COUNT APP_PORT: Kamailio's rows for COUNT filler trunks as the daemon would write them
# (controlplane/src/model/edge_rows.cpp: htable source key "s:<address>" -> "<trunk id>,<customer
# id>", one dispatcher set per customer from 1001 with priority falling with age, htable
# "c:<customer>" -> set), plus the application server's dispatcher row (set 1, ->
# 127.0.0.1:APP_PORT) and, when htable's rows are a multiple of 1,000, the daemon's htable padding
# row (dispatcher then has COUNT + 1 rows, htable COUNT + FILL_CUSTOMERS, + 1 with the padding).
# Much faster than the API for 100k.
write_rows() {
  awk -v n="$1" -v app="$2" -v ncust="$FILL_CUSTOMERS" "$FILL_PROXY_AWK"'
    function cmd(s,   i, k, parts) {  # one RESP command from space-separated words
      k = split(s, parts, " ")
      printf "*%d\r\n", k
      for (i = 1; i <= k; i++) printf "$%d\r\n%s\r\n", length(parts[i]), parts[i]
    }
    BEGIN {
      cmd("SELECT 1")
      for (i = 1; i <= n; i++) {
        trunk = sprintf("trunk_20260101T000000.%09d", i); c = "fill" (i % ncust)
        ip = sprintf("127.%d.%d.%d", 16 + int(i / 62500), int(i / 250) % 250, i % 250 + 1)
        cmd("HSET htable:entry::" 2000000 + i " id " 2000000 + i " key_name s:" ip \
          " key_type 0 value_type 0 key_value " trunk "," c " expires 0")
        cmd("HSET dispatcher:entry::" i " id " i " setid " 1001 + i % ncust " destination sip:" \
          fill_proxy(i) " flags 0 priority " 2000000000 - i " attrs trunk=" trunk ";customer=" c \
          ";from_domain=example.net description " trunk)
      }
      cmd("HSET dispatcher:entry::" n + 1 " id " n + 1 " setid 1 destination sip:127.0.0.1:" app \
        " flags 0 priority 0 attrs app_server=0 description application-server")
      for (c = 0; c < ncust && c < n; c++)
        cmd("HSET htable:entry::" c + 1 " id " c + 1 " key_name c:fill" c \
          " key_type 0 value_type 1 key_value " 1001 + c " expires 0")
      if ((n + (n < ncust ? n : ncust)) % 1000 == 0)
        cmd("HSET htable:entry::1000000000 id 1000000000 key_name padding key_type 0" \
          " value_type 0 key_value 1 expires 0")
    }' | rcli --pipe >/dev/null
}
