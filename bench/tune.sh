#!/usr/bin/env bash
# http.threads / redis.pool_size comparison: bench/run.sh once per setting, in interleaved rounds
# (8 16 32, 8 16 32, ...) so that drift in a shared machine's load hits every setting alike, then
# the median over the rounds per setting. One wrk run per round, warn logging, no AOF run, plus the
# low-concurrency probe at 8 connections.
#
#   bash bench/tune.sh                          # THREADS_LIST="8 16 32" ROUNDS=3, ~15 min
#
# Other run.sh knobs pass through (e.g. BUILD=0 CONTROLPLANE_BIN=... to pin one binary).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
THREADS_LIST=${THREADS_LIST:-8 16 32}
ROUNDS=${ROUNDS:-3}
OUT=${TUNE_DIR:-$(mktemp -d /tmp/mv-tune.XXXXXX)}
mkdir -p "$OUT"

build=${BUILD:-1}
for round in $(seq 1 "$ROUNDS"); do
  for threads in $THREADS_LIST; do
    echo "[tune] round $round, http.threads=redis.pool_size=$threads" >&2
    HTTP_THREADS=$threads REDIS_POOL=$threads LOG_LEVELS=warn AOF_FSYNC= REPEATS=1 \
      PROBE_CONNECTIONS=${PROBE_CONNECTIONS-8} BUILD=$build RESULTS_DIR="$OUT/t$threads-r$round" \
      bash "$ROOT/bench/run.sh" >"$OUT/t$threads-r$round.md" ||
      echo "[tune] run failed (threads $threads, round $round); its rows are missing" >&2
    build=0  # build (if asked) once, then keep the same binary for every setting
  done
done

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR) printf "%s", (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
echo
echo "### http.threads = redis.pool_size, median of $ROUNDS interleaved rounds (raw: $OUT)"
echo
echo "| connections | scenario | threads | req/s (median) | req/s (rounds) | p50 ms | p99 ms | daemon CPU |"
echo "|---|---|---:|---:|---|---:|---:|---:|"
for config in log-warn log-warn-c8; do
  conns=$([[ $config == log-warn ]] && echo "${CONNECTIONS:-64}" || echo 8)
  for scenario in get_trunk list_trunks create_trunk; do
    for threads in $THREADS_LIST; do
      rows=$(cat "$OUT"/t"$threads"-r*/results.tsv | grep "^config=$config scenario=$scenario " || true)
      [[ -n $rows ]] || continue
      printf '| %s | %s | %s | %.0f | %s | %.2f | %.2f | %s%% |\n' "$conns" "$scenario" "$threads" \
        "$(field rps <<<"$rows" | median)" \
        "$(field rps <<<"$rows" | awk '{printf "%s%.0f", (NR>1?" / ":""), $1}')" \
        "$(field p50_ms <<<"$rows" | median)" "$(field p99_ms <<<"$rows" | median)" \
        "$(field daemon_cpu_pct <<<"$rows" | median)"
    done
  done
done
