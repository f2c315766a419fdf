-- GET /v1/trunks: the customer's first page (default limit 100; run.sh seeds 100 trunks).
dofile(os.getenv("BENCH_DIR") .. "/common.lua")
wrk.method = "GET"
wrk.path = "/v1/trunks"
