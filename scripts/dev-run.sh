#!/usr/bin/env bash
# Starts the dev stack in the foreground: the project's own redis-server (run/redis, port 6390,
# no clash with a system Redis), the edge's read-only replica of it (port 6391, Kamailio reads it),
# Kamailio with kamailio-cfg/ (SIP 127.0.0.1:5060), a dev API key
# if none works yet, and the daemon. Ctrl-C (or `make stop` from another shell) stops what it
# started.
set -euo pipefail
cd "$(dirname "$0")/.."

run_dir=run
config=config/dev.yaml
binary=${MV_BUILD_DIR:-build}/controlplane/controlplane
redis_port=6390
replica_port=6391
api_url=http://127.0.0.1:8080
# kamcmd's control socket: a unix socket only this user may use (ctl "mode" 0600 in kamailio.cfg).
ctl_socket=$PWD/$run_dir/kamailio_ctl
mkdir -p "$run_dir/redis"
# Redis has ACL users (config/redis-dev.conf): this script speaks as the daemon's user, with the
# password from config/dev.yaml (or MV_REDIS_PASSWORD), passed in the environment, not argv.
redis_user=$(sed -n 's/^  username: *//p' "$config")
export REDISCLI_AUTH=${MV_REDIS_PASSWORD:-$(sed -n 's/^  password: *//p' "$config")}
rcli() { redis-cli -p "$redis_port" --user "$redis_user" --no-auth-warning "$@"; }
# Kamailio's read-only `default` user on the replica (config/redis-edge-replica.conf).
replica_password=$(sed -n 's/^user default on >\([^ ]*\) .*/\1/p' config/redis-edge-replica.conf)
replica_cli() { REDISCLI_AUTH=$replica_password redis-cli -p "$replica_port" --no-auth-warning "$@"; }

stop_all() { scripts/dev-stop.sh; }
trap stop_all EXIT
trap 'exit 130' INT TERM

if [[ $(rcli ping 2>/dev/null) != PONG ]]; then
  redis-server config/redis-dev.conf --dir "$PWD/$run_dir/redis" --pidfile "$PWD/$run_dir/redis.pid" \
    --logfile "$PWD/$run_dir/redis.log" --daemonize yes
  for _ in $(seq 50); do [[ $(rcli ping 2>/dev/null) == PONG ]] && break; sleep 0.1; done
fi
[[ $(rcli ping 2>/dev/null) == PONG ]] || { echo "redis did not start (or refused $redis_user): see $run_dir/redis.log"; exit 1; }

# The replica has no files of its own: it full-syncs from the primary at every start. Kamailio
# starts once it holds as many of Kamailio's keys as the primary (a fresh one holds none).
mkdir -p "$run_dir/redis-replica"
if [[ $(replica_cli ping 2>/dev/null) != PONG ]]; then
  rm -f "$run_dir/redis-replica.log"
  redis-server config/redis-edge-replica.conf --dir "$PWD/$run_dir/redis-replica" \
    --pidfile "$PWD/$run_dir/redis-replica.pid" --logfile "$PWD/$run_dir/redis-replica.log" --daemonize yes
fi
synced=
for _ in $(seq 100); do
  primary_keys=$(rcli -n 1 dbsize 2>/dev/null) && replica_keys=$(replica_cli -n 1 dbsize 2>/dev/null) &&
    [[ $primary_keys == "$replica_keys" ]] && grep -q "Finished with success" "$run_dir/redis-replica.log" &&
    { synced=1; break; }
  sleep 0.1
done
[[ -n $synced ]] || { echo "the redis replica did not sync: see $run_dir/redis-replica.log"; exit 1; }

# Kamailio reads its tables from Redis at start-up, so it comes after Redis and before the daemon.
# An old instance would silently share the UDP port: refuse to start over one.
if [[ -s $run_dir/kamailio.pid ]] && kill -0 "$(cat "$run_dir/kamailio.pid")" 2>/dev/null; then
  echo "kamailio from an earlier make run is still running: make stop first"; exit 1
fi
kamailio -f kamailio-cfg/kamailio.cfg -Y "$PWD/$run_dir" -A "MV_CTL_SOCKET=\"unix:$ctl_socket\"" -DD -E \
  -M 32 -m 256 > "$run_dir/kamailio.log" 2>&1 &
echo $! > "$run_dir/kamailio.pid"
for _ in $(seq 50); do
  curl -fs -X POST -d '{"jsonrpc":"2.0","method":"core.uptime","id":1}' http://127.0.0.1:5071/RPC \
    >/dev/null 2>&1 && break
  sleep 0.1
done
kill -0 "$(cat "$run_dir/kamailio.pid")" 2>/dev/null || { echo "kamailio did not start: see $run_dir/kamailio.log"; exit 1; }

# The dev key is kept in run/ (Redis has only its hash); make a new one if it no longer works.
# The same for the NOC's admin key (the NOC page, mvctl's NOC commands).
key_file=$run_dir/dev-api-key
admin_key_file=$run_dir/dev-admin-key
key_id() { sed -E 's/^mv_live_([0-9a-f]{12})_.*/\1/' "$1"; }
ensure_key() {  # file, customer, role
  if [[ ! -s $1 ]] || [[ $(rcli EXISTS "mv:apikey:$(key_id "$1")") != 1 ]]; then
    "$binary" -c "$config" keys create --customer "$2" --role "$3" > "$1" 2>/dev/null
    chmod 600 "$1"
  fi
}
ensure_key "$key_file" cust_dev customer
ensure_key "$admin_key_file" noc admin

"$binary" -c "$config" serve > "$run_dir/controlplane.log" 2>&1 &
echo $! > "$run_dir/controlplane.pid"
for _ in $(seq 50); do curl -fs "$api_url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "$api_url/healthz" >/dev/null || { echo "controlplane did not start: see $run_dir/controlplane.log"; exit 1; }

cat <<TXT
MiniVoice Edge dev stack is up.
  API:    $api_url   (OpenAPI: $api_url/v1/openapi.yaml)
  SIP:    udp/tcp 127.0.0.1:5060 (inbound calls go to the app servers in config/dev.yaml: sip:127.0.0.1:5080,
          which may also place outbound calls with X-MiniVoice-Customer-Id)
  Redis:  127.0.0.1:$redis_port (trunks in db 0, Kamailio's tables in db 1; ACL users: config/redis-dev.conf)
          replica 127.0.0.1:$replica_port, read-only, which Kamailio reads (config/redis-edge-replica.conf)
  kamcmd: kamcmd -s $run_dir/kamailio_ctl htable.dump mv   (keys typed by hand need "s:" doubled: htable.get mv s:s:127.0.0.2)
  Logs:   $run_dir/controlplane.log $run_dir/kamailio.log
  export MINIVOICE_API_KEY=$(cat "$key_file")
  NOC:    $api_url/noc/   (admin key: $(cat "$admin_key_file"))
  mvctl:  MV_API_KEY=\$(cat $admin_key_file) ${binary%/controlplane}/mvctl dispatcher
Ctrl-C (or make stop) stops it.
TXT
wait "$(cat "$run_dir/controlplane.pid")"
