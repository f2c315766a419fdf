#!/usr/bin/env bash
# Inbound source matching (route SOURCE_TRUNK) on real processes: a private redis-server, the
# project's kamailio.cfg (also on udp:[::1], MV_SIP_LISTEN_UDP6), a sipp application server that
# checks the trunk headers, and sipp carriers calling from 127.0.0.N and ::1. Keys go in the way
# the control plane writes them: two through Redis (loaded at start), the rest with
# `kamcmd htable.sets` / `htable.delete`. Everything is on 127.0.0.1 and ::1.
#
#   bench/edge/source_trunk_live.sh        (KEEP=1 keeps the temporary directory)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/mv-srcmatch-live.XXXXXX)
STARTED=()
FAILED=0

cleanup() {
  local pid
  for pid in "${STARTED[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${STARTED[@]}"; do wait "$pid" 2>/dev/null || true; done
  if grep -q MV-LOOPBACK-GUARD "$WORK/kamailio.log" 2>/dev/null; then
    grep MV-LOOPBACK-GUARD "$WORK/kamailio.log" >&2
    FAILED=1
  fi
  if [[ ${KEEP:-0} == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$FAILED"
}
trap cleanup EXIT

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    ss -Htuan "sport = :$port" | grep -q . || grep -qx "$port" "$WORK/ports" 2>/dev/null || break
  done
  echo "$port" | tee -a "$WORK/ports"
}
SIP_PORT=$(free_port)
RPC_PORT=$(free_port)
REDIS_PORT=$(free_port)
UAS_PORT=$(free_port)

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
  --logfile "$WORK/redis.log" &
STARTED+=($!)
rcli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" -n 1 "$@" >/dev/null; }
for _ in $(seq 50); do rcli ping 2>/dev/null && break; sleep 0.1; done
rcli HSET dispatcher:entry::1 id 1 setid 1 destination "sip:127.0.0.1:$UAS_PORT" flags 0 priority 0 \
  attrs "" description ""
rcli HSET htable:entry::1 id 1 key_name s:127.0.0.2 key_type 0 value_type 0 \
  key_value trunk_exact,cust_a expires 0
rcli HSET htable:entry::2 id 2 key_name s:4 key_type 0 value_type 0 key_value "30|28|24" expires 0

cp "$ROOT/kamailio-cfg/kamailio.cfg" "$ROOT/kamailio-cfg/loopback-guard.cfg" "$WORK/"
cat >"$WORK/kamailio-local.cfg" <<EOF
#!define MV_SIP_LISTEN_UDP udp:127.0.0.1:$SIP_PORT
#!define MV_SIP_LISTEN_TCP tcp:127.0.0.1:$SIP_PORT
#!define MV_SIP_LISTEN_UDP6 udp:[::1]:$SIP_PORT
#!define MV_RPC_LISTEN tcp:127.0.0.1:$RPC_PORT
#!define MV_CTL_SOCKET "unix:$WORK/kamailio_ctl"
#!define MV_REDIS_URL "redis://127.0.0.1:$REDIS_PORT/1"
#!define MV_DS_PING_INTERVAL 3600
#!define MV_CHILDREN 2
#!define MV_LOOPBACK_GUARD
EOF
kamailio -c -f "$WORK/kamailio.cfg" >"$WORK/check.log" 2>&1 || { cat "$WORK/check.log"; exit 1; }
kamailio -f "$WORK/kamailio.cfg" -Y "$WORK" -DD -E -m 128 -M 16 >"$WORK/kamailio.log" 2>&1 &
STARTED+=($!)
# kamcmd reads "s:..." as a type prefix, so a key "s:..." is written "s:s:...".
kam() { kamcmd -s "$WORK/kamailio_ctl" "$@"; }
for _ in $(seq 100); do kam core.uptime >/dev/null 2>&1 && break; sleep 0.1; done
kam core.uptime >/dev/null
ss -Hulpn "sport = :$SIP_PORT" | grep -F '[::1]' | grep -q kamailio ||
  { echo "kamailio does not listen on udp:[::1]:$SIP_PORT (MV_SIP_LISTEN_UDP6)"; exit 1; }
set_key() { kam htable.sets mv "s:s:$1" "s:$2" >/dev/null; }  # set_key 127.30.0.4/30 TAG: key s:127.30.0.4/30
del_key() { kam htable.delete mv "s:s:$1" >/dev/null; }

scenario() {  # scenario NAME TRUNK CUSTOMER: a copy with the ids filled in
  sed -e "s/__TRUNK_ID__/$2/; s/__CUSTOMER_ID__/$3/" "$ROOT/tests/sip/$1" >"$WORK/$1.$2"
  echo "$WORK/$1.$2"
}
sipp_run() {  # sipp_run NAME sipp-arguments...: 0 when sipp succeeded
  local name=$1
  shift
  sipp "$@" -m 1 -cp "$(free_port)" -timeout 10s -timeout_error -nostdin \
    -trace_err -error_file "$WORK/$name.err" >"$WORK/$name.log" 2>&1
}
remote() { [[ $1 == *:* ]] && echo "[::1]:$SIP_PORT" || echo "127.0.0.1:$SIP_PORT"; }

# expect_call NAME SOURCE TRUNK CUSTOMER: a call from SOURCE reaches the application server with
# exactly these ids.
expect_call() {
  local name=$1 source=$2 uas_pid uac=0 uas=0
  sipp -sf "$(scenario uas-app-server-expects-trunk-headers.xml "$3" "$4")" -i 127.0.0.1 \
    -p "$UAS_PORT" -m 1 -cp "$(free_port)" -timeout 15s -timeout_error -nostdin \
    -trace_err -error_file "$WORK/$name.uas.err" >"$WORK/$name.uas.log" 2>&1 &
  uas_pid=$!
  sleep 0.3
  sipp_run "$name" "$(remote "$source")" -sf "$ROOT/tests/sip/uac-call-completes.xml" -i "$source" \
    -p "$(free_port)" || uac=$?
  wait "$uas_pid" || uas=$?
  if ((uac == 0 && uas == 0)); then
    echo "ok    $name: $source -> $3,$4"
  else
    echo "FAIL  $name: $source -> $3,$4 (carrier sipp $uac, app server sipp $uas; $WORK)"
    FAILED=1
  fi
}

# expect_403 NAME SOURCE: the call is refused and relayed nowhere.
expect_403() {
  if sipp_run "$1" "$(remote "$2")" -sf "$ROOT/tests/sip/uac-expect-403.xml" -i "$2" -p "$(free_port)"; then
    echo "ok    $1: $2 -> 403"
  else
    echo "FAIL  $1: $2 -> not 403 ($WORK)"
    FAILED=1
  fi
}

set_key 127.30.0.4/30 trunk_30,cust_b
set_key 127.31.0.16/28 trunk_28,cust_c
set_key 127.32.5.0/24 trunk_24,cust_d

expect_call ipv4-exact 127.0.0.2 trunk_exact cust_a
expect_call ipv4-slash30 127.30.0.5 trunk_30 cust_b
expect_call ipv4-slash30-last 127.30.0.7 trunk_30 cust_b
expect_call ipv4-slash28 127.31.0.30 trunk_28 cust_c
expect_call ipv4-slash24 127.32.5.77 trunk_24 cust_d
expect_403 ipv4-miss 127.9.9.9
expect_403 ipv4-next-to-slash30 127.30.0.8

# ::1 (printed "::1" by Kamailio) is the only IPv6 source on loopback: one network shape at a time.
loopback6=00000000000000000000000000000001
set_key "$loopback6" trunk_v6_exact,cust_e
expect_call ipv6-exact ::1 trunk_v6_exact cust_e
del_key "$loopback6"
expect_403 ipv6-no-keys ::1

# ::/127 rounds up to /128: its two addresses as exact keys, no "s:6" entry.
set_key 00000000000000000000000000000000 trunk_v6_127,cust_f
set_key "$loopback6" trunk_v6_127,cust_f
expect_call ipv6-slash127 ::1 trunk_v6_127 cust_f
del_key 00000000000000000000000000000000
del_key "$loopback6"

set_key 6 "64|48"
set_key 0000000000000000/64 trunk_v6_64,cust_g
expect_call ipv6-slash64 ::1 trunk_v6_64 cust_g
del_key 0000000000000000/64

# ::/45 rounds to /48: 2^3 keys.
for n in 0 1 2 3 4 5 6 7; do set_key "00000000000$n/48" trunk_v6_45,cust_h; done
expect_call ipv6-slash45 ::1 trunk_v6_45 cust_h
for n in 0 1 2 3 4 5 6 7; do del_key "00000000000$n/48"; done

set_key 20010db8000000000000000000000001 trunk_v6_other,cust_i
set_key 20010db800000000/64 trunk_v6_other,cust_i
expect_403 ipv6-miss ::1

exit "$FAILED"
