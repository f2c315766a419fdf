-- Shared by the scenario scripts (loaded with dofile): the API key header and a summary line
-- that bench/run.sh parses. Every wrk thread and the main state load this file.
local key = os.getenv("BENCH_KEY")
if key == nil or key == "" then error("BENCH_KEY is not set") end
wrk.headers["Authorization"] = "Bearer " .. key

-- How many requests took at least `ms` milliseconds: wrk exposes only percentiles, so bisect
-- for the smallest percentile at or above `ms` (a ~40 ms Nagle/delayed-ACK mode shows up here).
local function count_at_least(latency, total, ms)
  if latency.max < ms * 1000 then return 0 end
  local lo, hi = 0, 100
  for _ = 1, 40 do
    local mid = (lo + hi) / 2
    if latency:percentile(mid) >= ms * 1000 then hi = mid else lo = mid end
  end
  return math.floor(total * (100 - hi) / 100 + 0.5)
end

-- wrk calls done() once, in the main state, after the run. Latencies are in microseconds.
function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "BENCH_RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f " ..
    "max_ms=%.3f ge30ms=%d non2xx=%d sock_connect=%d sock_read=%d sock_write=%d sock_timeout=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, count_at_least(latency, summary.requests, 30),
    e.status, e.connect, e.read, e.write, e.timeout))
end
