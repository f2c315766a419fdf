-- POST /v1/trunks with a gateway_name unique per request: gateway_name is unique per customer,
-- so a repeated one would be answered 409. Unique across runs by BENCH_TAG, across wrk threads
-- by the thread number given in setup(), within a thread by a counter.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local tag = os.getenv("BENCH_TAG") or tostring(os.time())
wrk.method = "POST"
wrk.path = "/v1/trunks"
wrk.headers["Content-Type"] = "application/json"

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local counter = 0
function request()
  counter = counter + 1
  local body = string.format(
    '{"name":"bench trunk","proxy":"sip.example.net","gateway_name":"b-%s-%d-%d"}',
    tag, thread_number, counter)
  return wrk.format(nil, nil, nil, body)
end
