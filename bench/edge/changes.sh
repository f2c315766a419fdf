#!/usr/bin/env bash
# Propagation of changes other than a create (issue 12: "same for PATCH (proxy change,
# deactivate) and DELETE (the next call is refused)"), on every node, at each size in SIZES:
#   proxy     PATCH of the proxy, from a carrier that answers 486 to one that answers 200: seconds
#             from the 200 of the PATCH until an outbound call naming the trunk is answered
#   deactivate PATCH is_active false: until a call from its inbound address gets 403 and an
#             outbound call naming it gets 503 no_active_trunk, on every node
#   delete    DELETE of an active trunk: the same
# Calls are retried back to back through every node at once (sipp, ~10-20 ms each), as in
# propagation.sh; the figure is the start of the first call that saw the change, the slowest node's
# (a call reaches the edge some 10 ms after its start: a figure near 0 means the first call saw it).
# Before each change one call checks that the change is not seen yet.
# Each sample uses a trunk of its own, created (and applied) before its clock starts.
#
# Knobs: SIZES="1000 10000" SAMPLES=20 SHM_MB=256 PKG_MB=32 APPLY_TIMEOUT=600 and common.sh's
# (NODES=1). 100000 needs PKG_MB=512 and SHM_MB=1024.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SAMPLES=${SAMPLES:-20}
SIZES=${SIZES:-1000 10000}
SHM_MB=${SHM_MB:-256}
PKG_MB=${PKG_MB:-32}

UAS_PORT=$(free_port)
BUSY_PORT=$(free_port)
start_redis
start_edge_nodes "$SHM_MB" "$PKG_MB"
start_daemon "$UAS_PORT"
start_uas "$UAS_PORT"
busy=$(scenario uas-carrier-rejects.xml __STATUS__=486)
sipp -sf "$busy" -i 127.0.0.1 -p "$BUSY_PORT" -cp "$(free_port)" -m 100000000 -nostdin \
  -buff_size "$SIPP_BUFFER" >"$WORK/busy.out" 2>&1 &
STARTED+=($!)
wait_for 10 udp_bound "$BUSY_PORT" || die "the busy carrier did not bind port $BUSY_PORT"
make_fill_keys
bench_key=$(make_key cust_bench)
INBOUND_REFUSED=$(scenario uac-expect-403.xml)

PORTS=() CONTROL=()
for ((slot = 0; slot < 2 * NODES; slot++)); do PORTS+=("$(free_port)") CONTROL+=("$(free_port)"); done

# api METHOD PATH [BODY]: one request as cust_bench; prints the body (fails on an error status).
api() {
  curl -fsS -X "$1" "$API$2" -H "Authorization: Bearer $bench_key" \
    ${3:+-H 'Content-Type: application/json' -d "$3"}
}
# applied PATH: until the trunk's sync.state is "applied".
applied() { [[ $(api GET "$1" | jq -r .sync.state) == applied ]]; }

# on_every_node T0 [SCENARIO IP]...: until_passes for each scenario on each node, all at once; prints
# the slowest.
on_every_node() {
  local t0=$1 pids=() node slot=0 out
  shift
  rm -f "$WORK"/seen-*
  while (($# > 0)); do
    for ((node = 0; node < NODES; node++)); do
      until_passes "$t0" "$1" "$2" "${SIP_PORTS[node]}" "${PORTS[slot]}" "${CONTROL[slot]}" \
        >"$WORK/seen-$slot" &
      pids+=($!)
      slot=$((slot + 1))
    done
    shift 2
  done
  for out in "${pids[@]}"; do wait "$out"; done
  cat "$WORK"/seen-* | sort -g | tail -1
}

RESULTS=$WORK/changes.results
: >"$RESULTS"
trunks=0
for size in $SIZES; do
  log "topping up to $size trunks"
  post_fill_trunks "$trunks" $((size - trunks))
  trunks=$size
  wait_edge_applied "${APPLY_TIMEOUT:-600}" >/dev/null
  for i in $(seq "$SAMPLES"); do
    ip=127.5.$((size / 1000)).$i
    id=$(api POST /v1/trunks "{\"name\":\"change $ip\",\"proxy\":\"127.0.0.1:$BUSY_PORT\",\"inbound_ip\":\"$ip\"}" |
      jq -r .id)
    path=/v1/trunks/$id
    wait_for 30 applied "$path" || die "$id never applied"
    outbound_ok=$(scenario uac-app-server-call-completes.xml __CUSTOMER_ID__=cust_bench "__TRUNK_ID__=$id")
    outbound_refused=$(scenario uac-app-server-expects-no-active-trunk.xml __CUSTOMER_ID__=cust_bench \
      "__TRUNK_ID__=$id")

    # Each change is timed from a state in which the call it waits for fails.
    sip_call "$outbound_ok" 127.0.0.1 && die "an outbound call was answered before the proxy changed"
    api PATCH "$path" "{\"proxy\":\"127.0.0.1:$UAS_PORT\"}" >/dev/null
    t0=$(now)
    proxy=$(on_every_node "$t0" "$outbound_ok" 127.0.0.1)

    sip_call "$INBOUND_REFUSED" "$ip" && die "a call from an active trunk was refused"
    api PATCH "$path" '{"is_active":false}' >/dev/null
    t0=$(now)
    deactivate=$(on_every_node "$t0" "$INBOUND_REFUSED" "$ip" "$outbound_refused" 127.0.0.1)

    api PATCH "$path" '{"is_active":true}' >/dev/null
    wait_for 30 applied "$path" || die "$id never applied again"
    on_every_node "$(now)" "$outbound_ok" 127.0.0.1 >/dev/null  # routes again everywhere
    sip_call "$INBOUND_REFUSED" "$ip" && die "a call from an active trunk was refused"
    api DELETE "$path" >/dev/null
    t0=$(now)
    delete=$(on_every_node "$t0" "$INBOUND_REFUSED" "$ip" "$outbound_refused" 127.0.0.1)

    echo "$size $proxy $deactivate $delete" >>"$RESULTS"
    log "$size trunks, sample $i: proxy $proxy s, deactivate $deactivate s, delete $delete s"
  done
done

echo
echo "### Changes: PATCH / DELETE -> first call that sees the change on each of $NODES node(s) ($SAMPLES samples per row; seconds)"
echo
echo "| existing trunks | proxy p50 | proxy p99 | deactivate p50 | deactivate p99 | delete p50 | delete p99 | target (p99) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---|"
for size in $SIZES; do
  col() { awk -v s="$size" -v c="$1" '$1 == s {print $c}' "$RESULTS" | percentile "$2"; }
  echo "| $size | $(col 2 50) | $(col 2 99) | $(col 3 50) | $(col 3 99) | $(col 4 50) | $(col 4 99) | < 0.1 s |"
done
echo
echo "p99 of $SAMPLES samples is their maximum. Every sample (proxy/deactivate/delete, s):"
for size in $SIZES; do
  echo "- $size: $(awk -v s="$size" '$1 == s {printf "%s%s/%s/%s", (n++ ? ", " : ""), $2, $3, $4}' "$RESULTS")"
done
