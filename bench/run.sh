#!/usr/bin/env bash
# Trunk API benchmark: wrk against a private redis-server and controlplane on 127.0.0.1.
#
#   bash bench/run.sh                      # from the repo root; see BENCHMARKS.md
#
# Knobs (environment):
#   HTTP_THREADS=16 REDIS_POOL=$HTTP_THREADS   daemon http.threads / redis.pool_size (16: see
#                                              BENCHMARKS.md, tuning; 8 is better at ~8 conns)
#   CONNECTIONS=64 WRK_THREADS=2 DURATION=10 WARMUP=2 REPEATS=3
#   LOG_LEVELS="warn info"    one daemon (and a fresh Redis) per level, all scenarios each
#   SCENARIOS="get_trunk list_trunks create_trunk"
#   AOF_FSYNC="everysec"      extra single POST run per mode on a Redis with appendonly yes;
#                             "" skips it, "everysec always" adds fsync-per-write
#   PROBE_CONNECTIONS="1 8"   extra single runs (wrk -t1, PROBE_DURATION=5 s) at low concurrency,
#                             CPU not saturated: a 40 ms Nagle/delayed-ACK stall would show here
#   SEED_TRUNKS=100  BUILD=1 (0: use the existing binary)  CONTROLPLANE_BIN=path
#   QUIET_WAIT=180 QUIET_BUSY_PCT=15  before each run, wait for the (shared) machine to be idle
#   OTHER_MAX_PCT=25 RETRIES=2  redo a run during which other processes took > 25 % of a core
#   RESULTS_DIR=dir           raw wrk output and results.tsv (default: a new /tmp dir, kept)
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=$ROOT/bench
HTTP_THREADS=${HTTP_THREADS:-16}
REDIS_POOL=${REDIS_POOL:-$HTTP_THREADS}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
REPEATS=${REPEATS:-3}
LOG_LEVELS=${LOG_LEVELS:-warn info}
SCENARIOS=${SCENARIOS:-get_trunk list_trunks create_trunk}
AOF_FSYNC=${AOF_FSYNC-everysec}
PROBE_CONNECTIONS=${PROBE_CONNECTIONS-1 8}
PROBE_DURATION=${PROBE_DURATION:-5}
SEED_TRUNKS=${SEED_TRUNKS:-100}
BUILD=${BUILD:-1}
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
CONTROLPLANE_BIN=${CONTROLPLANE_BIN:-$BUILD_DIR/controlplane/controlplane}
CUSTOMER=cust_bench

for tool in wrk redis-server redis-cli curl jq; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/mv-bench-work.XXXXXX)
RESULTS_DIR=${RESULTS_DIR:-$(mktemp -d /tmp/mv-bench-results.XXXXXX)}
mkdir -p "$RESULTS_DIR"
RESULTS=$RESULTS_DIR/results.tsv
RSS_LOG=$RESULTS_DIR/rss.tsv
: >"$RESULTS"
: >"$RSS_LOG"

REDIS_PID="" DAEMON_PID=""
cleanup() {
  local pid
  for pid in $DAEMON_PID $REDIS_PID; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "run.sh: stopped by a signal" >&2; exit 130' INT TERM
trap 'echo "run.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

# A port nothing listens on (checked against ss, then by a refused connect).
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    if ! ss -Htln "sport = :$port" | grep -q . && ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "run.sh: no free port found" >&2
  return 1
}

wait_for() {  # wait_for SECONDS command...
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# --- build ----------------------------------------------------------------------------------
if [[ $BUILD == 1 ]]; then
  if [[ ! -f $BUILD_DIR/CMakeCache.txt ]]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMV_BUILD_TESTS=OFF >&2
  fi
  log "building controlplane (incremental)"
  cmake --build "$BUILD_DIR" -j2 --target controlplane >"$RESULTS_DIR/build.log" 2>&1 ||
    { tail -30 "$RESULTS_DIR/build.log" >&2; exit 1; }
fi
[[ -x $CONTROLPLANE_BIN ]] || { echo "run.sh: no binary at $CONTROLPLANE_BIN" >&2; exit 1; }

# --- processes ------------------------------------------------------------------------------
start_redis() {  # start_redis [extra redis-server args...]
  REDIS_PORT=$(free_port)
  local dir=$WORK/redis-$REDIS_PORT
  mkdir -p "$dir"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$dir" --save '' \
    --protected-mode no --logfile "$dir/redis.log" "$@" &
  REDIS_PID=$!
  wait_for 10 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping ||
    { echo "run.sh: redis-server did not start" >&2; exit 1; }
}

stop_pid() {  # stop_pid PID: TERM and reap a child this script started
  [[ -n $1 ]] || return 0
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

rcli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

start_daemon() {  # start_daemon LOG_LEVEL
  HTTP_PORT=$(free_port)
  CONFIG=$WORK/controlplane-$HTTP_PORT.yaml
  cat >"$CONFIG" <<EOF
http:
  listen: 127.0.0.1:$HTTP_PORT
  threads: $HTTP_THREADS
  # One key drives every request here: the per-key limit would be the measurement.
  rate_limit: {per_second: 1000000, burst: 1000000}
redis:
  host: 127.0.0.1
  port: $REDIS_PORT
  pool_size: $REDIS_POOL
  command_timeout_ms: 500
  connect_timeout_ms: 200
outbound:
  loopback_only: true
log_level: $1
EOF
  DAEMON_LOG=$WORK/controlplane-$HTTP_PORT.log
  "$CONTROLPLANE_BIN" -c "$CONFIG" serve >"$DAEMON_LOG" 2>&1 &
  DAEMON_PID=$!
  BASE=http://127.0.0.1:$HTTP_PORT
  wait_for 15 curl -fsS "$BASE/healthz" ||
    { echo "run.sh: controlplane did not start:" >&2; cat "$DAEMON_LOG" >&2; exit 1; }
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

seed() {  # a key for $CUSTOMER and SEED_TRUNKS trunks; sets BENCH_KEY and BENCH_TRUNK_ID
  BENCH_KEY=$("$CONTROLPLANE_BIN" -c "$CONFIG" keys create --customer "$CUSTOMER" 2>/dev/null)
  local i code
  for i in $(seq 1 "$SEED_TRUNKS"); do
    code=$(curl -sS -o "$WORK/seed.json" -w '%{http_code}' -X POST "$BASE/v1/trunks" \
      -H "Authorization: Bearer $BENCH_KEY" -H 'Content-Type: application/json' \
      -d "{\"name\":\"seed $i\",\"proxy\":\"sip.example.net\",\"gateway_name\":\"seed-$i\"}")
    [[ $code == 201 ]] || { echo "run.sh: seeding got $code: $(cat "$WORK/seed.json")" >&2; exit 1; }
  done
  BENCH_TRUNK_ID=$(jq -r .id "$WORK/seed.json")
  # Sanity: the list scenario really returns SEED_TRUNKS trunks (up to the default limit 100).
  local listed
  listed=$(curl -fsS "$BASE/v1/trunks" -H "Authorization: Bearer $BENCH_KEY" | jq '.data | length')
  [[ $listed == $((SEED_TRUNKS < 100 ? SEED_TRUNKS : 100)) ]] ||
    { echo "run.sh: list returned $listed trunks" >&2; exit 1; }
  curl -fsS -o /dev/null "$BASE/v1/trunks/$BENCH_TRUNK_ID" -H "Authorization: Bearer $BENCH_KEY"
}

# CPU accounting around a run, in clock ticks: the machine (all cores), the daemon, Redis, and
# wrk (reaped children of this shell: cutime+cstime of $$). What is left is someone else's load:
# the machine is shared, so every row reports it and run.sh first waits for a quiet machine.
cpu_total() { awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat; }
cpu_proc() { awk '{print $14+$15}' "/proc/$1/stat"; }
cpu_children() { awk '{print $16+$17}' "/proc/$$/stat"; }
HZ=$(getconf CLK_TCK)
NCPU=$(nproc)
QUIET_WAIT=${QUIET_WAIT:-180}
QUIET_BUSY_PCT=${QUIET_BUSY_PCT:-15}
OTHER_MAX_PCT=${OTHER_MAX_PCT:-25}
RETRIES=${RETRIES:-2}

# Wait (up to QUIET_WAIT s) until the machine is under QUIET_BUSY_PCT % busy over one second.
wait_quiet() {
  local waited=0 t0 i0 t1 i1 busy
  while :; do
    read -r t0 i0 < <(cpu_total); sleep 1; read -r t1 i1 < <(cpu_total)
    busy=$(( t1 > t0 ? 100 * ((t1 - t0) - (i1 - i0)) / (t1 - t0) : 0 ))
    ((busy < QUIET_BUSY_PCT)) && return 0
    if ((waited >= QUIET_WAIT)); then
      log "machine still ${busy}% busy after ${waited}s of waiting: running anyway (see 'other CPU')"
      return 0
    fi
    ((waited % 30 == 0)) && log "machine ${busy}% busy with other work; waiting for it to quieten"
    waited=$((waited + 1))
  done
}

trunk_count() { rcli zcard "mv:customer:$CUSTOMER:trunks"; }

# measure CONFIG SCENARIO RUN SECONDS [CONNECTIONS WRK_THREADS]: a recorded run, repeated (up
# to RETRIES times) when other processes took more than OTHER_MAX_PCT % of a core during it.
measure() {
  local attempt
  for attempt in $(seq 0 "$RETRIES"); do
    wait_quiet
    RETRY_LEFT=$((RETRIES - attempt))
    run_wrk "$@" && return 0
  done
}

# run_wrk CONFIG SCENARIO RUN SECONDS [CONNECTIONS WRK_THREADS]: one wrk run; RUN=warmup is
# not recorded. Returns 3, recording nothing, when the run was disturbed and RETRY_LEFT > 0.
RETRY_LEFT=0
run_wrk() {
  local config=$1 scenario=$2 run=$3 seconds=$4 conns=${5:-$CONNECTIONS} wthreads=${6:-$WRK_THREADS}
  local out=$RESULTS_DIR/$config.$scenario.$run.txt
  local t0 i0 t1 i1 d0 d1 r0 r1 w0 w1 n0 n1
  n0=$(trunk_count)
  d0=$(cpu_proc "$DAEMON_PID"); r0=$(cpu_proc "$REDIS_PID"); w0=$(cpu_children)
  read -r t0 i0 < <(cpu_total)
  BENCH_DIR=$BENCH_DIR BENCH_KEY=$BENCH_KEY BENCH_TRUNK_ID=$BENCH_TRUNK_ID \
    BENCH_TAG="$config-$run-$RANDOM" \
    wrk --latency -t "$wthreads" -c "$conns" -d "${seconds}s" \
    -s "$BENCH_DIR/$scenario.lua" "$BASE" >"$out" 2>&1 ||
    { echo "run.sh: wrk failed:" >&2; cat "$out" >&2; exit 1; }
  read -r t1 i1 < <(cpu_total)
  d1=$(cpu_proc "$DAEMON_PID"); r1=$(cpu_proc "$REDIS_PID"); w1=$(cpu_children)
  n1=$(trunk_count)
  kill -0 "$DAEMON_PID" 2>/dev/null || { echo "run.sh: controlplane died" >&2; exit 1; }
  [[ $run == warmup ]] && return 0
  local line busy pct
  line=$(grep '^BENCH_RESULT' "$out") || { echo "run.sh: no result in $out" >&2; exit 1; }
  # Percent of one core over the run's wall time (wrk reports it; ticks are 1/HZ s).
  pct() { awk -v t="$1" -v hz="$HZ" -v s="$seconds" 'BEGIN {v = 100*t/hz/s; printf "%.0f", v < 0 ? 0 : v}'; }
  busy=$(awk -v a="$t0" -v b="$t1" -v i="$i0" -v j="$i1" 'BEGIN {printf "%.0f", 100*(1-(j-i)/(b-a))}')
  local daemon_cpu redis_cpu wrk_cpu other_cpu
  daemon_cpu=$(pct $((d1 - d0))); redis_cpu=$(pct $((r1 - r0))); wrk_cpu=$(pct $((w1 - w0)))
  other_cpu=$(pct $(( (t1 - t0) - (i1 - i0) - (d1 - d0) - (r1 - r0) - (w1 - w0) )))
  if ((other_cpu > OTHER_MAX_PCT && RETRY_LEFT > 0)); then
    log "$config $scenario #$run: discarded, other processes used ${other_cpu}% CPU; again"
    return 3
  fi
  echo "config=$config scenario=$scenario run=$run ${line#BENCH_RESULT } created=$((n1 - n0))" \
    "busy_pct=$busy daemon_cpu_pct=$daemon_cpu redis_cpu_pct=$redis_cpu wrk_cpu_pct=$wrk_cpu" \
    "other_cpu_pct=$other_cpu" >>"$RESULTS"
  log "$config $scenario #$run: $(sed 's/ p90_ms.*//' <<<"${line#BENCH_RESULT }") p99_ms=$(sed 's/.*p99_ms=\([0-9.]*\).*/\1/' <<<"$line") non2xx=$(sed 's/.*non2xx=\([0-9]*\).*/\1/' <<<"$line") created=$((n1 - n0)) CPU: daemon ${daemon_cpu}% redis ${redis_cpu}% wrk ${wrk_cpu}% other ${other_cpu}%"
}

run_config() {  # run_config NAME LOG_LEVEL REPEATS "SCENARIOS" [redis args...]
  local name=$1 level=$2 repeats=$3 scenarios=$4
  shift 4
  start_redis "$@"
  start_daemon "$level"
  seed
  echo -e "$name\tbefore\t$(rss_kib "$DAEMON_PID")" >>"$RSS_LOG"
  local scenario run
  for scenario in $scenarios; do
    wait_quiet
    run_wrk "$name" "$scenario" warmup "$WARMUP"
    for run in $(seq 1 "$repeats"); do measure "$name" "$scenario" "$run" "$DURATION"; done
  done
  if [[ $name == log-* ]]; then
    local conns
    for conns in $PROBE_CONNECTIONS; do
      for scenario in $scenarios; do
        measure "$name-c$conns" "$scenario" 1 "$PROBE_DURATION" "$conns" 1
      done
    done
  fi
  echo -e "$name\tafter\t$(rss_kib "$DAEMON_PID")" >>"$RSS_LOG"
  echo -e "$name\ttrunks\t$(trunk_count)" >>"$RSS_LOG"
  stop_pid "$DAEMON_PID"; DAEMON_PID=""
  stop_pid "$REDIS_PID"; REDIS_PID=""
}

# --- runs -----------------------------------------------------------------------------------
log "threads=$HTTP_THREADS pool=$REDIS_POOL wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s x$REPEATS; results in $RESULTS_DIR"
for level in $LOG_LEVELS; do
  run_config "log-$level" "$level" "$REPEATS" "$SCENARIOS" --appendonly no
done
for fsync in $AOF_FSYNC; do
  run_config "aof-$fsync" warn 1 create_trunk --appendonly yes --appendfsync "$fsync"
done

# --- report ---------------------------------------------------------------------------------
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }  # field NAME < lines
median() { sort -g | awk '{v[NR]=$1} END {if (NR) printf "%s", (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
sum() { awk '{s+=$1} END {printf "%d", s}'; }

commit=$(git -C "$ROOT" --no-optional-locks rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$ROOT" --no-optional-locks status --porcelain --untracked-files=no 2>/dev/null | wc -l)
echo
echo "### Trunk API benchmark ($(date -u +%Y-%m-%dT%H:%MZ), commit $commit$([[ $dirty != 0 ]] && echo ", $dirty modified files"))"
echo
echo "$NCPU cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')), http.threads=$HTTP_THREADS," \
  "redis.pool_size=$REDIS_POOL, wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency," \
  "median of $REPEATS runs; AOF rows and the low-concurrency probes (config suffix -cN: wrk -t1 -cN" \
  "-d${PROBE_DURATION}s) are 1 run; raw output in $RESULTS_DIR"
echo
echo "| config | scenario | req/s (median) | req/s (runs) | p50 ms | p90 ms | p99 ms (median) | p99 ms (runs) | max ms | >=30 ms | non-2xx | socket errors | created | CPU daemon | CPU redis | CPU wrk | CPU other |"
echo "|---|---|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for config in $(awk '{print $1}' "$RESULTS" | cut -d= -f2 | awk '!seen[$0]++'); do
  for scenario in $(grep "^config=$config " "$RESULTS" | field scenario | awk '!seen[$0]++'); do
    rows=$(grep "^config=$config scenario=$scenario " "$RESULTS")
    m() { field "$1" <<<"$rows" | median; }
    runs() { field "$1" <<<"$rows" | awk '{printf "%s%.0f", (NR>1?" / ":""), $1}'; }
    runs_ms() { field "$1" <<<"$rows" | awk '{printf "%s%.1f", (NR>1?" / ":""), $1}'; }
    sock=$(for k in sock_connect sock_read sock_write sock_timeout; do field $k <<<"$rows"; done | sum)
    created=$([[ $scenario == create_trunk ]] && field created <<<"$rows" | sum || echo "-")
    printf '| %s | %s | %.0f | %s | %.2f | %.2f | %.2f | %s | %.1f | %s | %s | %s | %s | %s%% | %s%% | %s%% | %s%% |\n' \
      "$config" "$scenario" "$(m rps)" "$(runs rps)" "$(m p50_ms)" "$(m p90_ms)" "$(m p99_ms)" \
      "$(runs_ms p99_ms)" "$(field max_ms <<<"$rows" | sort -g | tail -1)" "$(field ge30ms <<<"$rows" | sum)" \
      "$(field non2xx <<<"$rows" | sum)" "$sock" "$created" "$(m daemon_cpu_pct)" \
      "$(m redis_cpu_pct)" "$(m wrk_cpu_pct)" "$(field other_cpu_pct <<<"$rows" | sort -g | tail -1)"
  done
done
echo
echo "\">=30 ms\" = requests (all runs) slower than 30 ms: where a 40 ms Nagle/delayed-ACK stall would land."
echo "\"created\" = growth of the customer's trunk index during the POST runs (>= wrk's count: requests"
echo "in flight when wrk stops still complete). CPU columns: median % of ONE core over the run (the"
echo "machine has $NCPU, i.e. $((NCPU * 100))%); \"other\" is the worst run's CPU used by processes this script"
echo "did not start (a shared machine): figures of a row with much \"other\" are depressed."
echo
echo "| config | daemon VmRSS before runs | after runs | trunks in Redis after |"
echo "|---|---:|---:|---:|"
awk -F'\t' '{v[$1,$2]=$3; if (!seen[$1]++) order[++n]=$1}
  END {for (i=1;i<=n;i++) printf "| %s | %d MiB | %d MiB | %s |\n", order[i], v[order[i],"before"]/1024, v[order[i],"after"]/1024, v[order[i],"trunks"]}' "$RSS_LOG"
