-- GET /v1/trunks/{id}: one seeded trunk, read over and over (BENCH_TRUNK_ID).
dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local id = os.getenv("BENCH_TRUNK_ID")
if id == nil or id == "" then error("BENCH_TRUNK_ID is not set") end
wrk.method = "GET"
wrk.path = "/v1/trunks/" .. id
