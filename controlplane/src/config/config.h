#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/redis_client.h"

namespace mv::config {

// A token bucket per API key: `burst` requests at once, then `per_second` sustained.
struct KeyRateLimit {
  int per_second;
  int burst;
};

struct HttpConfig {
  std::string address = "127.0.0.1";
  int port = 8080;
  // Handlers block on Redis, so the pool is sized for concurrent requests, not for cores.
  std::size_t threads = 16;
  // When admin_port is set, /metrics, /healthz and /readyz are served only there (and 404 on
  // the main port), so scrapers and load balancers can be kept off the public address.
  std::string admin_address;  // defaults to `address`
  int admin_port = 0;         // 0: no admin listener
  // Per API key; admin keys (operators' tools, mvctl) get their own, larger bucket.
  KeyRateLimit rate_limit{100, 200};
  KeyRateLimit admin_rate_limit{500, 1000};
  // Requests being received or handled at once; beyond it the answer is 503 at once.
  std::size_t max_in_flight = 256;
  // Open connections per listener; beyond it the idlest are closed (cpprestsdk cannot refuse an
  // accept, so this is enforced after the fact, within about a quarter of a second).
  std::size_t max_connections = 1024;
  // A connection that neither sends nor receives a byte for this long is closed: a stalled body or
  // header, or an idle keep-alive. Above the longest request (a test call: up to 30 s).
  std::chrono::seconds idle_timeout{60};
  // The request line and headers together; beyond it 431.
  std::size_t max_header_bytes = 16384;
};

struct KamailioConfig {
  std::vector<std::string> rpc_endpoints;  // JSON-RPC URLs, one per edge node
  int redis_db = 1;  // Kamailio's own database on the same Redis (db_redis scans all of it)
  std::chrono::milliseconds rpc_timeout{2000};
  // The bound on a call that reloads or lists a whole table (kamailio::reloads_or_lists_a_table):
  // at 100k trunks htable.reload and dispatcher.list take seconds.
  std::chrono::milliseconds table_rpc_timeout{60000};
  // The application servers, as dispatcher destinations ("sip:127.0.0.1:5080"): inbound calls go
  // to them, and outbound calls are accepted only from their addresses.
  std::vector<std::string> app_servers;
  // Expires the edge asks carriers for when it registers a trunk, and how often the daemon reads
  // the registrations' state from the edge.
  int registration_expires_s = 600;
  std::chrono::milliseconds registration_poll{5000};
  // The Redis replicas the Kamailio nodes read from (config/redis-edge-replica.conf): before a
  // reload the reloader WAITs up to edge_replica_wait (below redis.command_timeout) for this
  // many to have every write. 0: the nodes read the primary, no wait.
  int edge_replicas = 0;
  std::chrono::milliseconds edge_replica_wait{200};
  // How often each node's row counts are compared with Redis when nothing changed (a full listing
  // of every table on the node: its cost grows with the trunks).
  std::chrono::seconds audit_interval{60};
  // htable mv keys each node round compares with Redis one by one (0: none).
  std::size_t audit_keys_per_round = 100;
  // How often the destination counts /metrics shows are read in the background (one htable.stats
  // per node; a scrape reads nothing); 0: never (no mv_dispatcher_destinations series).
  std::chrono::seconds noc_metrics_refresh{10};
  // A node with more htable mv keys or registrations than this is not listed by the NOC's
  // whole-table views (its error says why); 0: no limit.
  std::size_t noc_max_listed_rows = 100000;
  // The least time between two reloads of a node's dispatcher (the application servers; trunks
  // are probed from htable mv since layout 3, a new one within MV_DS_PING_INTERVAL).
  std::chrono::seconds health_reload_interval{30};
  // Keys of the daemon's database the rows audit looks at per second (service::EdgeRowsAudit):
  // Kamailio's rows in Redis changed behind the daemon's back are written again within one walk
  // (about 2 keys per trunk: 100k trunks in ~2.8 hours at 20). It costs the daemon ~0.4 % of a
  // core at 50 keys/s, ~0.8 % at 200 (BENCHMARKS.md, session 9): 20 keeps an idle daemon at 100k
  // trunks near 1 %. 0: no rows audit.
  std::size_t rows_audit_keys_per_s = 20;
};

// What the daemon may reach. Test and benchmark stacks set loopback_only: every destination the
// daemon connects to or makes the edge send to (redis.host, kamailio.rpc_endpoints,
// kamailio.app_servers) must then be a 127.0.0.0/8 or ::1 literal, or start-up fails.
struct OutboundConfig {
  bool loopback_only = false;
};

struct Config {
  HttpConfig http;
  store::RedisEndpoint redis;
  std::size_t redis_pool_size = 16;
  KamailioConfig kamailio;
  OutboundConfig outbound;
  std::string log_level = "info";
  std::string log_format = "json";  // json: one object per line; text: for people
};

struct ConfigLoad {
  std::optional<Config> config;
  std::vector<std::string> errors;  // every problem at once, each naming its key
};

// Values taken from the process environment rather than the file: MV_REDIS_PASSWORD (so the
// password need not sit in a config file) overrides redis.password.
struct ConfigEnvironment {
  std::optional<std::string> redis_password;
};

ConfigLoad parse_config(std::string_view yaml_text, const ConfigEnvironment& environment = {});
// The file at `path`, with MV_REDIS_PASSWORD from this process's environment.
ConfigLoad load_config_file(const std::string& path);

}  // namespace mv::config
