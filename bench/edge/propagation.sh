#!/usr/bin/env bash
# Propagation: from the 201 of POST /v1/trunks to the first call that routes with the new trunk,
# with SIZES trunks already in place (SAMPLES new trunks per size and gap).
#
#   bash bench/edge/propagation.sh
#
# For every sample, after the 201 (time 0), on every edge node (NODES, default 1) at once:
#   inbound   sipp calls (tests/sip/uac-call-completes.xml, -m 1) from the new trunk's inbound_ip
#             (a fresh 127.4.x.y), one after the other, until one is answered: the edge answers
#             403 until htable mv holds the new source key ("s:<ip>", set key by key from the
#             change log mv:edge:htable_log). The figure is when the first answered call was
#             started, on the last node to answer; one attempt takes ~0.1 s, the resolution.
#   outbound  at the same time, sipp calls from the application server naming the new trunk
#             (X-MiniVoice-Trunk-Id; tests/sip/uac-app-server-call-completes.xml), until one is
#             answered: 503 until htable mv holds "t:<trunk>"; the same figure.
#   applied   meanwhile a poller (started before the POST, one kept-alive connection) GETs the
#             trunk every 5 ms until its sync.state is "applied" (every edge node changed and
#             checked).
# The next sample is POSTed GAP seconds after the previous one was applied, for each GAP in GAPS:
# 1.2 isolates the changes; 0 puts a change right behind the previous one, where Kamailio's
# dispatcher reload_delta (whole seconds: a reload in the same second as the last one is refused
# with "ongoing reload") makes the daemon wait for the next second.
#
# Knobs: SAMPLES=20 SIZES="1000 10000" GAPS="1.2 0" SHM_MB=256 PKG_MB=32 APPLY_TIMEOUT=600 (s)
# NODES=1 (edge nodes, all reading one Redis).
# 100000 needs PKG_MB=512 and SHM_MB=1024 (db_redis builds its key list for htable.reload in
# private memory: ~300,000 keys at 100k trunks).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SAMPLES=${SAMPLES:-20}
SIZES=${SIZES:-1000 10000}
GAPS=${GAPS:-1.2 0}
SHM_MB=${SHM_MB:-256}
PKG_MB=${PKG_MB:-32}

UAS_PORT=$(free_port)
start_redis
start_edge_nodes "$SHM_MB" "$PKG_MB"
start_daemon "$UAS_PORT"
start_uas "$UAS_PORT"
make_fill_keys
bench_key=$(make_key cust_bench)
IN_SCENARIO=$(scenario uac-call-completes.xml)

# post_trunk IP: a trunk of cust_bench with that inbound_ip, proxy = the UAS; prints its id.
post_trunk() {
  curl -fsS "$API/v1/trunks" -H "Authorization: Bearer $bench_key" -H 'Content-Type: application/json' \
    -d "{\"name\":\"sample $1\",\"proxy\":\"127.0.0.1:$UAS_PORT\",\"inbound_ip\":\"$1\"}" | jq -r .id
}
post_trunk 127.4.0.1 >/dev/null  # the customer's dispatcher set and htable row exist from here on
trunks=1

# One poller for the whole run (a Python start-up takes ~0.1 s here: it must not be in the
# figure). Each line "T0 ID OUT" written to fd 7 makes it GET the trunk every 5 ms on one
# kept-alive connection until its sync.state is "applied", then write seconds from T0 to OUT.
# (A curl and a jq per GET every 50 ms, as before, took 20-40 ms each on this machine with four
# sipp probes starting: that was the resolution.)
mkfifo "$WORK/applied-in"
python3 - "$API" "$bench_key" "$WORK/applied-in" <<'EOF' &
import http.client, json, os, sys, time, urllib.parse
api, key, fifo = sys.argv[1:4]
url = urllib.parse.urlsplit(api)
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
with open(fifo) as commands:
    for line in iter(commands.readline, ""):
        t0, trunk, out = line.split()
        deadline = time.time() + 60
        while True:
            try:
                conn.request("GET", "/v1/trunks/" + trunk,
                             headers={"Authorization": "Bearer " + key})
                body = conn.getresponse().read()
            except (http.client.HTTPException, OSError):
                # The API closes a connection idle past its timeout (a long top-up): a new one.
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
                continue
            if json.loads(body).get("sync", {}).get("state") == "applied":
                break
            if time.time() > deadline:
                sys.exit("not applied after 60 s")
            time.sleep(0.005)
        with open(out + ".part", "w") as result:
            result.write("%.3f\n" % (time.time() - float(t0)))
        os.rename(out + ".part", out)
EOF
APPLIED_POLLER=$!
exec 7>"$WORK/applied-in"
# until_applied OUT: waits for the poller's figure.
until_applied() {
  until [[ -s $1 ]]; do
    kill -0 "$APPLIED_POLLER" 2>/dev/null || die "the sync poller died"
    sleep 0.01
  done
}

# Each node's inbound and outbound calls run at once: ports of their own.
IN_PORTS=() IN_CONTROL=() OUT_PORTS=() OUT_CONTROL=()
for ((node = 0; node < NODES; node++)); do
  IN_PORTS+=("$(free_port)") IN_CONTROL+=("$(free_port)")
  OUT_PORTS+=("$(free_port)") OUT_CONTROL+=("$(free_port)")
done
# latest FILE...: the largest number in the files (the node that routed last).
latest() { cat "$@" | sort -g | tail -1; }

RESULTS=$WORK/results
: >"$RESULTS"
for size in $SIZES; do
  log "topping up to $size trunks"
  post_fill_trunks "$trunks" $((size - trunks))
  trunks=$size
  wait_edge_applied "${APPLY_TIMEOUT:-600}" >/dev/null
  log "edge: $(loaded_rows)"
  n=0
  for gap in $GAPS; do
    for i in $(seq "$SAMPLES"); do
      n=$((n + 1))
      sleep "$gap"
      ip=127.4.$((size / 1000)).$n
      rm -f "$WORK/applied"
      id=$(post_trunk "$ip")
      t0=$(now)
      echo "$t0 $id $WORK/applied" >&7
      out_scenario=$(scenario uac-app-server-call-completes.xml __CUSTOMER_ID__=cust_bench "__TRUNK_ID__=$id")
      probes=()
      for ((node = 0; node < NODES; node++)); do
        until_passes "$t0" "$IN_SCENARIO" "$ip" "${SIP_PORTS[node]}" "${IN_PORTS[node]}" \
          "${IN_CONTROL[node]}" >"$WORK/inbound-$node" &
        probes+=($!)
        until_passes "$t0" "$out_scenario" 127.0.0.1 "${SIP_PORTS[node]}" "${OUT_PORTS[node]}" \
          "${OUT_CONTROL[node]}" >"$WORK/outbound-$node" &
        probes+=($!)
      done
      for pid in "${probes[@]}"; do wait "$pid"; done  # one that died fails the run
      until_applied "$WORK/applied"
      inbound=$(latest "$WORK"/inbound-*)
      outbound=$(latest "$WORK"/outbound-*)
      echo "$size $gap $inbound $outbound $(cat "$WORK/applied")" >>"$RESULTS"
      log "$size trunks, gap $gap s, sample $i: inbound $inbound s, outbound $outbound s, applied $(cat "$WORK/applied") s"
    done
  done
  trunks=$((trunks + n))
done

echo
echo "### Propagation: 201 of POST /v1/trunks -> first routed call on each of $NODES node(s) ($SAMPLES samples per row; seconds)"
echo
echo "| existing trunks | gap after previous change | inbound p50 | inbound p99 | outbound p50 | outbound p99 | sync applied p50 | sync applied p99 | target (p99) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for size in $SIZES; do
  for gap in $GAPS; do
    col() { awk -v s="$size" -v g="$gap" -v c="$1" '$1 == s && $2 == g {print $c}' "$RESULTS" | percentile "$2"; }
    target="< 0.1 s"  # issue 12, every size
    echo "| $size | $gap s | $(col 3 50) | $(col 3 99) | $(col 4 50) | $(col 4 99) | $(col 5 50) | $(col 5 99) | $target |"
  done
done
echo
echo "p99 of $SAMPLES samples is their maximum. Every sample (inbound/outbound/applied, s):"
for size in $SIZES; do
  for gap in $GAPS; do
    echo "- $size, gap $gap s: $(awk -v s="$size" -v g="$gap" '$1 == s && $2 == g {printf "%s%s/%s/%s", (n++ ? ", " : ""), $3, $4, $5}' "$RESULTS")"
  done
done
