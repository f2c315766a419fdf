#!/usr/bin/env bash
# Runs every libFuzzer target built in a build-fuzz directory for a bounded time, starting from
# the committed seed corpus in fuzz/corpus/<target>. Fails on any crash, sanitizer report or
# broken invariant; prints the executions each target ran.
#   scripts/run-fuzz.sh [build dir]       FUZZ_SECONDS (per target, default 10)
# Crash inputs go to <build dir>/artifacts; new corpus entries to <build dir>/corpus-new (scratch,
# emptied on every run), never into the committed corpus.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build-fuzz}" && pwd)
seconds=${FUZZ_SECONDS:-10}
artifacts=$build/artifacts
scratch=$build/corpus-new
logs=$build/logs
rm -rf "$scratch" "$logs"
mkdir -p "$artifacts" "$scratch" "$logs"

failed=()
summary=()
while read -r target; do
  [[ -n "$target" ]] || continue
  binary=$build/fuzz/fuzz_$target
  log=$logs/$target.log
  mkdir -p "$scratch/$target"
  echo "== fuzz_$target: ${seconds} s"
  status=0
  # The scratch directory comes first: libFuzzer writes new inputs into the first corpus only.
  "$binary" "$scratch/$target" "$root/fuzz/corpus/$target" \
    -dict="$root/fuzz/trunk.dict" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$artifacts/$target-" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    >"$log" 2>&1 || status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if ((status != 0)) || grep -qE '^SUMMARY: |runtime error:|fuzz invariant broken' "$log"; then
    failed+=("$target")
    grep -E 'ERROR|SUMMARY|runtime error|invariant|Test unit written' "$log" | head -20 || true
  fi
  summary+=("$(printf '%-16s %12s executions in %s s' "$target" "${executions:-?}" "$seconds")")
done <"$build/fuzz_targets.txt"

echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]} > 0)); then
  echo "FAILED: ${failed[*]} (inputs in $artifacts, logs in $logs)" >&2
  exit 1
fi
