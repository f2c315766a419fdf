#include <boost/test/unit_test.hpp>

#include "config/config.h"

namespace mv::config {

BOOST_AUTO_TEST_SUITE(config)

bool mentions(const ConfigLoad& load, const std::string& text) {
  for (const auto& error : load.errors) {
    if (error.find(text) != std::string::npos) return true;
  }
  return false;
}

// Verifies an empty file gives the documented defaults.
BOOST_AUTO_TEST_CASE(empty_file_gives_defaults) {
  auto load = parse_config("");
  BOOST_REQUIRE(load.config.has_value());
  BOOST_TEST(load.config->http.address == "127.0.0.1");
  BOOST_TEST(load.config->http.port == 8080);
  BOOST_TEST(load.config->redis.port == 6379);
  BOOST_TEST(load.config->log_level == "info");
  BOOST_TEST(load.config->log_format == "json");
  BOOST_TEST(load.config->http.admin_port == 0);
}

// Verifies every documented key is read.
BOOST_AUTO_TEST_CASE(full_config_is_read) {
  auto load = parse_config(R"(
http:
  listen: 0.0.0.0:9090
  threads: 32
redis:
  host: 10.1.2.3
  port: 6390
  db: 2
  pool_size: 8
  connect_timeout_ms: 150
  command_timeout_ms: 400
kamailio:
  rpc_endpoints: [http://127.0.0.1:5071/RPC, http://10.0.0.2:5071/RPC]
  redis_db: 3
  rpc_timeout_ms: 1500
  table_rpc_timeout_ms: 90000
  app_servers: [sip:10.0.0.5:5080, "10.0.0.6", "sip:[2001:db8::7]:5080;transport=TCP"]
log_level: debug
)");
  BOOST_REQUIRE_MESSAGE(load.config.has_value(), (load.errors.empty() ? "" : load.errors.front()));
  const auto& c = *load.config;
  BOOST_TEST(c.http.address == "0.0.0.0");
  BOOST_TEST(c.http.port == 9090);
  BOOST_TEST(c.http.threads == 32u);
  BOOST_TEST(c.redis.host == "10.1.2.3");
  BOOST_TEST(c.redis.port == 6390);
  BOOST_TEST(c.redis.db == 2);
  BOOST_TEST(c.redis_pool_size == 8u);
  BOOST_TEST(c.redis.connect_timeout.count() == 150);
  BOOST_TEST(c.redis.command_timeout.count() == 400);
  BOOST_TEST(c.kamailio.rpc_endpoints.size() == 2u);
  BOOST_TEST(c.kamailio.redis_db == 3);
  BOOST_TEST(c.kamailio.rpc_timeout.count() == 1500);
  BOOST_TEST(c.kamailio.table_rpc_timeout.count() == 90000);
  // Kept as dispatcher destinations.
  std::vector<std::string> app_servers{"sip:10.0.0.5:5080", "sip:10.0.0.6",
                                       "sip:[2001:db8::7]:5080;transport=tcp"};
  BOOST_TEST(c.kamailio.app_servers == app_servers, boost::test_tools::per_element());
  BOOST_TEST(c.log_level == "debug");
}

// Verifies the Redis ACL user: username and password from the file, the password from
// MV_REDIS_PASSWORD over the file's, and a username without any password refused without
// repeating a value.
BOOST_AUTO_TEST_CASE(redis_credentials) {
  auto load = parse_config("redis:\n  username: mv-daemon\n  password: file-Secret-1\n");
  BOOST_REQUIRE(load.config.has_value());
  BOOST_TEST(load.config->redis.username == "mv-daemon");
  BOOST_TEST(load.config->redis.password == "file-Secret-1");
  ConfigEnvironment environment;
  environment.redis_password = "env-Secret-2";
  load = parse_config("redis:\n  username: mv-daemon\n  password: file-Secret-1\n", environment);
  BOOST_REQUIRE(load.config.has_value());
  BOOST_TEST(load.config->redis.password == "env-Secret-2");
  load = parse_config("redis:\n  username: mv-daemon\n", environment);
  BOOST_REQUIRE(load.config.has_value());
  BOOST_TEST(load.config->redis.password == "env-Secret-2");
  load = parse_config("redis:\n  username: mv-daemon\n");
  BOOST_TEST(!load.config.has_value());
  BOOST_TEST(load.errors.at(0).starts_with("redis.username: needs redis.password"));
  auto defaults = parse_config("");
  BOOST_TEST(defaults.config->redis.username.empty());
  BOOST_TEST(defaults.config->redis.password.empty());
}

// Verifies an unknown key stops start-up with its full path named.
BOOST_AUTO_TEST_CASE(unknown_keys_are_named) {
  auto load = parse_config("redis:\n  prot: 6390\nlisten: 1\n");
  BOOST_TEST(!load.config.has_value());
  BOOST_TEST(mentions(load, "redis.prot: unknown key"));
  BOOST_TEST(mentions(load, "listen: unknown key"));
}

// Verifies every bad value is reported at once, each naming its key.
BOOST_AUTO_TEST_CASE(all_bad_values_reported_together) {
  auto load = parse_config(
      "http:\n  listen: nowhere\n  threads: 0\nredis:\n  port: 70000\n  db: x\n"
      "kamailio:\n  rpc_endpoints: [ftp://x]\n  app_servers: [sip:a@b.example]\n"
      "log_level: loud\n");
  BOOST_TEST(!load.config.has_value());
  BOOST_TEST(mentions(load, "http.listen"));
  BOOST_TEST(mentions(load, "http.threads"));
  BOOST_TEST(mentions(load, "redis.port"));
  BOOST_TEST(mentions(load, "redis.db"));
  BOOST_TEST(mentions(load, "kamailio.rpc_endpoints[0]"));
  BOOST_TEST(mentions(load, "kamailio.app_servers[0]"));
  BOOST_TEST(mentions(load, "log_level"));
  BOOST_TEST(load.errors.size() == 7u);
}

// Verifies broken YAML and a wrong top-level shape are refused with a message.
BOOST_AUTO_TEST_CASE(malformed_yaml_is_refused) {
  auto broken = parse_config("http: [unclosed");
  BOOST_TEST(!broken.config.has_value());
  BOOST_TEST(mentions(broken, "not valid YAML"));
  auto list = parse_config("- a\n- b\n");
  BOOST_TEST(!list.config.has_value());
  auto section = parse_config("redis: 5\n");
  BOOST_TEST(!section.config.has_value());
  BOOST_TEST(mentions(section, "redis: must be a mapping"));
}

// Verifies a missing file is an error, not defaults.
BOOST_AUTO_TEST_CASE(missing_file_is_an_error) {
  auto load = load_config_file("/nonexistent/controlplane.yaml");
  BOOST_TEST(!load.config.has_value());
  BOOST_TEST(mentions(load, "cannot read config file"));
}

// Verifies Kamailio's database must not be the daemon's (db_redis scans all of it).
BOOST_AUTO_TEST_CASE(kamailio_db_must_differ) {
  auto load = parse_config("redis:\n  db: 1\nkamailio:\n  redis_db: 1\n");
  BOOST_TEST(!load.config.has_value());
  BOOST_TEST(mentions(load, "kamailio.redis_db: must differ from redis.db"));
}

// Verifies the edge replicas the reloader WAITs for: none by default; the count and the wait are
// read; a wait not below the Redis command timeout (WAIT would hit it) is refused.
BOOST_AUTO_TEST_CASE(edge_replicas_are_read) {
  auto defaults = parse_config("");
  BOOST_REQUIRE(defaults.config.has_value());
  BOOST_TEST(defaults.config->kamailio.edge_replicas == 0);
  auto load = parse_config("kamailio:\n  edge_replicas: 2\n  edge_replica_wait_ms: 150\n");
  BOOST_REQUIRE(load.config.has_value());
  BOOST_TEST(load.config->kamailio.edge_replicas == 2);
  BOOST_TEST(load.config->kamailio.edge_replica_wait.count() == 150);
  auto too_long = parse_config(
      "redis:\n  command_timeout_ms: 300\nkamailio:\n  edge_replicas: 1\n"
      "  edge_replica_wait_ms: 300\n");
  BOOST_TEST(!too_long.config.has_value());
  BOOST_TEST(mentions(too_long, "kamailio.edge_replica_wait_ms: must be below"));
}

// Verifies the paced reads of whole tables: the audit every 60 s and the NOC metrics every 60 s
// by default; both read; an audit interval of 0 is refused, a refresh of 0 turns it off.
BOOST_AUTO_TEST_CASE(audit_and_noc_refresh_are_read) {
  auto defaults = parse_config("");
  BOOST_REQUIRE(defaults.config.has_value());
  BOOST_TEST(defaults.config->kamailio.audit_interval.count() == 60);
  BOOST_TEST(defaults.config->kamailio.noc_metrics_refresh.count() == 10);
  BOOST_TEST(defaults.config->kamailio.table_rpc_timeout.count() == 60000);
  BOOST_TEST(defaults.config->kamailio.health_reload_interval.count() == 30);
  BOOST_TEST(defaults.config->kamailio.noc_max_listed_rows == 100000u);
  auto load = parse_config(
      "kamailio:\n  audit_interval_s: 300\n  noc_metrics_refresh_s: 0\n"
      "  health_reload_interval_s: 60\n  noc_max_listed_rows: 0\n");
  BOOST_REQUIRE(load.config.has_value());
  BOOST_TEST(load.config->kamailio.audit_interval.count() == 300);
  BOOST_TEST(load.config->kamailio.noc_metrics_refresh.count() == 0);
  BOOST_TEST(load.config->kamailio.health_reload_interval.count() == 60);
  BOOST_TEST(load.config->kamailio.noc_max_listed_rows == 0u);
  auto negative = parse_config("kamailio:\n  noc_max_listed_rows: -1\n");
  BOOST_TEST(mentions(negative, "kamailio.noc_max_listed_rows"));
  auto zero = parse_config("kamailio:\n  audit_interval_s: 0\n  health_reload_interval_s: 0\n");
  BOOST_TEST(!zero.config.has_value());
  BOOST_TEST(mentions(zero, "kamailio.audit_interval_s"));
  BOOST_TEST(mentions(zero, "kamailio.health_reload_interval_s"));
}

// Verifies the rows audit's pace: 20 keys a second by default, 0 turns it off, a negative or
// huge value is refused.
BOOST_AUTO_TEST_CASE(rows_audit_pace_is_read) {
  auto defaults = parse_config("");
  BOOST_REQUIRE(defaults.config.has_value());
  BOOST_TEST(defaults.config->kamailio.rows_audit_keys_per_s == 20u);
  auto off = parse_config("kamailio:\n  rows_audit_keys_per_s: 0\n");
  BOOST_REQUIRE(off.config.has_value());
  BOOST_TEST(off.config->kamailio.rows_audit_keys_per_s == 0u);
  for (const char* value : {"-1", "1000001"}) {
    auto refused = parse_config(std::string("kamailio:\n  rows_audit_keys_per_s: ") + value + "\n");
    BOOST_TEST(!refused.config.has_value(), value);
    BOOST_TEST(mentions(refused, "kamailio.rows_audit_keys_per_s"), value);
  }
}

// Verifies the admin listener: its own address and port, or the main address by default.
BOOST_AUTO_TEST_CASE(admin_listener_is_read) {
  auto load = parse_config(
      "http:\n  listen: 0.0.0.0:8080\n  admin_address: 127.0.0.1\n  admin_port: 9100\n"
      "log_format: text\n");
  BOOST_REQUIRE_MESSAGE(load.config.has_value(), (load.errors.empty() ? "" : load.errors.front()));
  BOOST_TEST(load.config->http.admin_address == "127.0.0.1");
  BOOST_TEST(load.config->http.admin_port == 9100);
  BOOST_TEST(load.config->log_format == "text");
  auto defaulted = parse_config("http:\n  listen: 10.0.0.1:8080\n  admin_port: 9100\n");
  BOOST_REQUIRE(defaulted.config.has_value());
  BOOST_TEST(defaulted.config->http.admin_address == "10.0.0.1");
}

// Verifies a bad admin listener is refused with its key named: out of range, the main port on
// an overlapping address, an address without a port; and an unknown log format.
BOOST_AUTO_TEST_CASE(bad_admin_listener_is_refused) {
  auto range = parse_config("http:\n  admin_port: 70000\n");
  BOOST_TEST(mentions(range, "http.admin_port: must be an integer from 1 to 65535"));
  auto same = parse_config("http:\n  listen: 127.0.0.1:8080\n  admin_port: 8080\n");
  BOOST_TEST(!same.config.has_value());
  BOOST_TEST(mentions(same, "http.admin_port: must differ from the port of http.listen"));
  auto wildcard = parse_config(
      "http:\n  listen: 0.0.0.0:8080\n  admin_address: 127.0.0.1\n  admin_port: 8080\n");
  BOOST_TEST(mentions(wildcard, "http.admin_port: must differ"));
  auto other_address = parse_config(
      "http:\n  listen: 10.0.0.1:8080\n  admin_address: 127.0.0.1\n  admin_port: 8080\n");
  BOOST_TEST(other_address.config.has_value());
  auto no_port = parse_config("http:\n  admin_address: 127.0.0.1\n");
  BOOST_TEST(mentions(no_port, "http.admin_address: needs http.admin_port"));
  auto empty = parse_config("http:\n  admin_address: ''\n  admin_port: 9100\n");
  BOOST_TEST(mentions(empty, "http.admin_address: must be a non-empty string"));
  auto format = parse_config("log_format: xml\n");
  BOOST_TEST(mentions(format, "log_format: must be json or text"));
}

// Verifies the request limits' defaults, that each is read, and that bad values name their key.
BOOST_AUTO_TEST_CASE(request_limits_are_read) {
  auto defaults = parse_config("");
  BOOST_REQUIRE(defaults.config.has_value());
  const auto& http = defaults.config->http;
  BOOST_TEST(http.rate_limit.per_second == 100);
  BOOST_TEST(http.rate_limit.burst == 200);
  BOOST_TEST(http.admin_rate_limit.per_second == 500);
  BOOST_TEST(http.max_in_flight == 256u);
  BOOST_TEST(http.max_connections == 1024u);
  BOOST_TEST(http.idle_timeout.count() == 60);
  BOOST_TEST(http.max_header_bytes == 16384u);

  auto set = parse_config(
      "http:\n  rate_limit: {per_second: 5, burst: 7}\n  admin_rate_limit: {per_second: 9, burst: "
      "11}\n  max_in_flight: 3\n  max_connections: 4\n  idle_timeout_s: 2\n"
      "  max_header_bytes: 2048\n");
  BOOST_REQUIRE_MESSAGE(set.config.has_value(), (set.errors.empty() ? "" : set.errors.front()));
  BOOST_TEST(set.config->http.rate_limit.per_second == 5);
  BOOST_TEST(set.config->http.rate_limit.burst == 7);
  BOOST_TEST(set.config->http.admin_rate_limit.per_second == 9);
  BOOST_TEST(set.config->http.admin_rate_limit.burst == 11);
  BOOST_TEST(set.config->http.max_in_flight == 3u);
  BOOST_TEST(set.config->http.max_connections == 4u);
  BOOST_TEST(set.config->http.idle_timeout.count() == 2);
  BOOST_TEST(set.config->http.max_header_bytes == 2048u);

  auto bad = parse_config(
      "http:\n  rate_limit: {per_second: 0, burst: -1, rate: 3}\n  max_in_flight: 0\n"
      "  idle_timeout_s: 0\n  max_header_bytes: 10\n  max_connections: x\n");
  BOOST_TEST(!bad.config.has_value());
  BOOST_TEST(mentions(bad, "http.rate_limit.per_second"));
  BOOST_TEST(mentions(bad, "http.rate_limit.burst"));
  BOOST_TEST(mentions(bad, "http.rate_limit.rate: unknown key"));
  BOOST_TEST(mentions(bad, "http.max_in_flight"));
  BOOST_TEST(mentions(bad, "http.idle_timeout_s"));
  BOOST_TEST(mentions(bad, "http.max_header_bytes"));
  BOOST_TEST(mentions(bad, "http.max_connections"));
  BOOST_TEST(bad.errors.size() == 7u);
}

// Verifies outbound.loopback_only refuses every destination that is not a 127.0.0.0/8 or ::1
// literal (names too: resolving them may leave the machine), each error naming its key, while
// loopback ones load; without the switch any host loads.
BOOST_AUTO_TEST_CASE(loopback_only_refuses_destinations_off_this_machine) {
  const std::string destinations = R"(
redis:
  host: 10.1.2.3
kamailio:
  rpc_endpoints: [http://192.0.2.7:5071/RPC, http://edge.example.net/RPC, http://127.0.0.1:5071/RPC,
                  "http://[::1]:5071/RPC", "http://[2001:db8::1]:5071/RPC"]
  app_servers: [sip:198.51.100.9:5080, sip:127.16.0.3:5080, "sip:[::1]:5080", sip:app.example.net]
)";
  BOOST_TEST(parse_config(destinations).config.has_value());

  auto load = parse_config("outbound:\n  loopback_only: true\n" + destinations);
  BOOST_TEST(!load.config.has_value());
  BOOST_TEST(load.errors.size() == 6u);
  const std::string refused =
      ": outbound.loopback_only allows only 127.0.0.0/8 and ::1 literals, not ";
  BOOST_TEST(mentions(load, "redis.host" + refused + "10.1.2.3"));
  BOOST_TEST(mentions(load, "kamailio.rpc_endpoints[0]" + refused + "192.0.2.7"));
  BOOST_TEST(mentions(load, "kamailio.rpc_endpoints[1]" + refused + "edge.example.net"));
  BOOST_TEST(mentions(load, "kamailio.rpc_endpoints[4]" + refused + "[2001:db8::1]"));
  BOOST_TEST(mentions(load, "kamailio.app_servers[0]" + refused + "198.51.100.9"));
  BOOST_TEST(mentions(load, "kamailio.app_servers[3]" + refused + "app.example.net"));

  auto loopback = parse_config(R"(
outbound:
  loopback_only: true
kamailio:
  rpc_endpoints: [http://127.0.0.1:5071/RPC, "http://[::1]:5071/RPC"]
  app_servers: [sip:127.16.0.3:5080, "sip:[::1]:5080"]
)");
  BOOST_TEST_REQUIRE(loopback.config.has_value());
  BOOST_TEST(loopback.config->outbound.loopback_only);
  BOOST_TEST(!parse_config("").config->outbound.loopback_only);
  BOOST_TEST(mentions(parse_config("outbound: {loopback_only: maybe}"),
                      "outbound.loopback_only: must be true or false"));
  BOOST_TEST(mentions(parse_config("outbound: {other: 1}"), "outbound.other: unknown key"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::config
