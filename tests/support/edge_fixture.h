#pragma once

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <utility>

#include "support/sip_edge.h"
#include "support/stack.h"

namespace mv::test {

using json = nlohmann::json;

// Redis, a real Kamailio reading its tables from it, and the daemon writing them and telling
// Kamailio to reload; sipp plays the carrier (UAC) and the application server (UAS).
struct EdgeFixture {
  RedisServer redis;
  int app_port = reserve_port();
  KamailioEdge kamailio;
  std::string extra_kamailio_yaml;
  ControlPlane daemon{redis, edge_yaml()};
  std::string key = daemon.create_key("cust_edge");
  std::string admin_key =
      first_line(daemon.run_command({"keys", "create", "--customer", "ops", "--role", "admin"}));

  // `ping_interval_s`: how often Kamailio probes each destination (see KamailioEdge);
  // `appendfsync`: Redis's AOF policy (see RedisServer); `extra_kamailio_yaml`: more keys under
  // the daemon's `kamailio:` (indented two spaces).
  explicit EdgeFixture(int ping_interval_s = 3600, const std::string& appendfsync = "always",
                       std::string extra_kamailio_yaml = "")
      : redis(appendfsync),
        kamailio(redis, ping_interval_s),
        extra_kamailio_yaml(std::move(extra_kamailio_yaml)) {}

  // The daemon's config beyond Redis: a replica started with it shares this edge. The edge reads
  // its own Redis replica (KamailioEdge), so reloads wait for it as config/dev.yaml's do.
  std::string edge_yaml() const {
    return "kamailio:\n  rpc_endpoints: [" + kamailio.rpc_url() +
           "]\n  redis_db: 1\n  app_servers: [sip:127.0.0.1:" + std::to_string(app_port) +
           "]\n  registration_expires_s: 60\n  registration_poll_ms: 200\n  edge_replicas: 1\n"
           "  health_reload_interval_s: 5\n" +
           rows_audit_yaml() + extra_kamailio_yaml;
  }

  // The rows audit rewrites rows a test changes in Redis on purpose: off unless a test asks.
  std::string rows_audit_yaml() const {
    if (extra_kamailio_yaml.find("rows_audit_keys_per_s") != std::string::npos) return "";
    return "  rows_audit_keys_per_s: 0\n";
  }

  static std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

  json create(const std::string& body) {
    auto result = daemon.call("POST", "/v1/trunks", key, body);
    BOOST_TEST_REQUIRE(result.status == 201, result.body << daemon.log_text().substr(0, 4000));
    return json::parse(result.body);
  }

  std::string sync_state(const std::string& path) {
    return json::parse(daemon.call("GET", path, key).body)["sync"]["state"];
  }

  json edge_node() {
    return json::parse(daemon.call("GET", "/v1/edge/status", admin_key).body)["nodes"][0];
  }

  // Waits until the node is in step and admits exactly `count` source keys (an IPv4 trunk's
  // inbound_ip is one): htable mv keys "s:..." holding a trunk ("<trunk id>,<customer id>").
  bool edge_has_sources(std::size_t count,
                        std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    std::size_t sources = 0;
    bool done = wait_until(
        [&] {
          if (edge_node()["in_sync"] != true) return false;
          sources = 0;
          for (const auto& item : kamailio.rpc("htable.dump", json::array({"mv"}))) {
            for (const auto& slot : item.value("slot", json::array())) {
              auto name = slot.value("name", "");
              auto value = slot.value("value", json());
              if (name.starts_with("s:") && value.is_string() &&
                  value.get<std::string>().find(',') != std::string::npos) {
                ++sources;
              }
            }
          }
          return sources == count;
        },
        limit);
    if (!done) BOOST_ERROR("edge never had " << count << " source keys, has " << sources);
    return done;
  }

  // Waits until the node has loaded exactly what Redis holds, `rows` rows of `table`.
  bool edge_has_rows(std::size_t rows, const std::string& table,
                     std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    json node;
    bool done = wait_until(
        [&] {
          node = edge_node();
          return node["in_sync"] == true && node["tables"][table]["loaded_rows"] == rows;
        },
        limit);
    if (!done) BOOST_ERROR("edge never had " << rows << " " << table << " rows: " << node.dump());
    return done;
  }

  // Waits until every write so far has reached the edge.
  void wait_applied(const json& trunk) {
    auto path = "/v1/trunks/" + trunk["id"].get<std::string>();
    bool applied =
        wait_until([&] { return sync_state(path) == "applied"; }, std::chrono::seconds(30));
    BOOST_TEST_REQUIRE(applied, "never applied; edge: " << edge_node().dump());
  }

  // One call from `source` that must reach the application server with this trunk's ids.
  void expect_call_routed(const std::string& source, const json& trunk) {
    auto uas =
        Sipp::uas("uas-app-server-expects-trunk-headers.xml", app_port,
                  {{"__TRUNK_ID__", trunk["id"]}, {"__CUSTOMER_ID__", trunk["customer_id"]}});
    auto uac = Sipp::uac("uac-call-completes.xml", source, kamailio.sip_port());
    int uac_exit = uac.finish();
    int uas_exit = uas.finish(std::chrono::seconds(10));
    BOOST_TEST(uac_exit == 0, uac.log_text());
    BOOST_TEST(uas_exit == 0, uas.log_text());
  }

  void expect_forbidden(const std::string& source) {
    auto uac = Sipp::uac("uac-expect-403.xml", source, kamailio.sip_port());
    BOOST_TEST(uac.finish() == 0, uac.log_text());
  }
};

}  // namespace mv::test
