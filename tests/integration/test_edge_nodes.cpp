#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "edge/edge_reloader.h"
#include "metrics/edge_metrics.h"
#include "metrics/registry.h"
#include "support/instrumented_rpc.h"
#include "support/sip_edge.h"
#include "support/stack.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(edge_nodes)

using json = nlohmann::json;
using namespace std::chrono_literals;

// One Redis primary, two Kamailio nodes (each reading its own replica of it) and the daemon
// keeping both in step: every change must route on both, a node that is down must hold up
// neither the writes nor the other node, and it must catch up alone when it is back.
struct TwoNodeFixture {
  RedisServer redis;
  int app_port = reserve_port();
  KamailioEdge first{redis};
  KamailioEdge second{redis};
  ControlPlane daemon{redis, edge_yaml()};
  std::string key = daemon.create_key("cust_nodes");
  std::string admin_key =
      first_line(daemon.run_command({"keys", "create", "--customer", "ops", "--role", "admin"}));

  std::string edge_yaml() const {
    return "kamailio:\n  rpc_endpoints: [" + first.rpc_url() + ", " + second.rpc_url() +
           "]\n  redis_db: 1\n  app_servers: [sip:127.0.0.1:" + std::to_string(app_port) +
           "]\n  registration_expires_s: 60\n  edge_replicas: 2\n  health_reload_interval_s: 5\n";
  }

  static std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

  json create(const std::string& body) {
    auto result = daemon.call("POST", "/v1/trunks", key, body);
    BOOST_TEST_REQUIRE(result.status == 201, result.body);
    return json::parse(result.body);
  }

  json patch(const json& trunk, const std::string& body) {
    auto result = daemon.call("PATCH", path(trunk), key, body);
    BOOST_TEST_REQUIRE(result.status == 200, result.body);
    return json::parse(result.body);
  }

  static std::string path(const json& trunk) {
    return "/v1/trunks/" + trunk["id"].get<std::string>();
  }

  json sync(const json& trunk) {
    return json::parse(daemon.call("GET", path(trunk), key).body)["sync"];
  }

  // The trunk's sync state on node `name` ("edge-1", "edge-2"), "" when it is not listed.
  static std::string node_state(const json& sync, const std::string& name) {
    for (const auto& node : sync["nodes"]) {
      if (node["node"] == name) return node["state"];
    }
    return "";
  }

  // Waits until every node has the trunk's latest change (or, for a deleted trunk, the
  // generation of the delete: a create afterwards shows it).
  void wait_applied_on_both(const json& trunk) {
    json last;
    bool applied = wait_until(
        [&] {
          last = sync(trunk);
          return last["state"] == "applied" && node_state(last, "edge-1") == "applied" &&
                 node_state(last, "edge-2") == "applied";
        },
        30s);
    BOOST_TEST_REQUIRE(applied, "never applied on both: " << last.dump());
  }

  json edge_nodes() {
    return json::parse(daemon.call("GET", "/v1/edge/status", admin_key).body)["nodes"];
  }

  void expect_inbound_routed(const KamailioEdge& node, const std::string& source,
                             const json& trunk) {
    auto uas =
        Sipp::uas("uas-app-server-expects-trunk-headers.xml", app_port,
                  {{"__TRUNK_ID__", trunk["id"]}, {"__CUSTOMER_ID__", trunk["customer_id"]}});
    auto uac = Sipp::uac("uac-call-completes.xml", source, node.sip_port());
    BOOST_TEST(uac.finish() == 0, "node " << node.sip_port() << ": " << uac.log_text());
    BOOST_TEST(uas.finish(10s) == 0, uas.log_text());
  }

  static void expect_inbound_refused(const KamailioEdge& node, const std::string& source) {
    auto uac = Sipp::uac("uac-expect-403.xml", source, node.sip_port());
    BOOST_TEST(uac.finish() == 0, "node " << node.sip_port() << ": " << uac.log_text());
  }

  // An application server's call for the customer reaches the carrier at 127.0.0.1:carrier_port.
  static void expect_outbound_routed(const KamailioEdge& node, int carrier_port) {
    auto carrier =
        Sipp::uas("uas-carrier-answers.xml", carrier_port,
                  {{"__PROXY_PORT__", std::to_string(carrier_port)}, {"__FROM_HOST_REGEX__", "@"}});
    auto uac = Sipp::uac("uac-app-server-call-completes.xml", "127.0.0.1", node.sip_port(),
                         {{"__CUSTOMER_ID__", "cust_nodes"}, {"__TRUNK_ID__", ""}});
    BOOST_TEST(uac.finish(25s) == 0, "node " << node.sip_port() << ": " << uac.log_text());
    BOOST_TEST(carrier.finish(25s) == 0, carrier.log_text());
  }
};

// Verifies create, a proxy change, deactivation and delete each route on both nodes, and that
// sync, the edge status and each node's own record (htable mvnode) agree on its generation.
BOOST_FIXTURE_TEST_CASE(every_change_routes_on_both_nodes, TwoNodeFixture) {
  int carrier_port = reserve_port();
  auto trunk = create(R"({"name":"carrier","proxy":"127.0.0.1:)" + std::to_string(carrier_port) +
                      R"(","inbound_ip":"127.0.9.1"})");
  wait_applied_on_both(trunk);
  for (const auto* node : {&first, &second}) {
    expect_inbound_routed(*node, "127.0.9.1", trunk);
    expect_outbound_routed(*node, carrier_port);
  }

  auto nodes = edge_nodes();
  BOOST_TEST_REQUIRE(nodes.size() == 2u);
  auto synced = sync(trunk);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& node = i == 0 ? first : second;
    BOOST_TEST(nodes[i]["name"] == "edge-" + std::to_string(i + 1));
    BOOST_TEST(nodes[i]["boot_id"].is_string());
    auto applied = nodes[i]["applied_generation"].get<std::int64_t>();
    BOOST_TEST(applied > 0);
    BOOST_TEST(synced["nodes"][i]["applied_generation"].get<std::int64_t>() >= applied);
    auto recorded = node.rpc("htable.get", json::array({"mvnode", "applied"}));
    BOOST_TEST(recorded["item"]["value"].get<std::int64_t>() >= applied, recorded.dump());
  }

  int moved_port = reserve_port();
  patch(trunk, R"({"proxy":"127.0.0.1:)" + std::to_string(moved_port) + "\"}");
  wait_applied_on_both(trunk);
  for (const auto* node : {&first, &second}) expect_outbound_routed(*node, moved_port);

  patch(trunk, R"({"is_active":false})");
  wait_applied_on_both(trunk);
  for (const auto* node : {&first, &second}) expect_inbound_refused(*node, "127.0.9.1");

  auto other = create(R"({"name":"other","proxy":"127.0.0.1:9","inbound_ip":"127.0.9.2"})");
  wait_applied_on_both(other);
  for (const auto* node : {&first, &second}) expect_inbound_routed(*node, "127.0.9.2", other);
  BOOST_TEST(daemon.call("DELETE", path(other), key).status == 204);
  // The next write's generation is above the delete's: applied on both means the delete is too.
  auto marker = create(R"({"name":"marker","proxy":"127.0.0.1:9"})");
  wait_applied_on_both(marker);
  for (const auto* node : {&first, &second}) expect_inbound_refused(*node, "127.0.9.2");
}

// Verifies a stopped node holds up neither the writes nor the other node: the trunk routes on
// the running node, sync names the node that lags, and the node catches up alone once it is
// started again, the restart noticed by its new boot id.
BOOST_FIXTURE_TEST_CASE(a_stopped_node_lags_alone_and_catches_up, TwoNodeFixture) {
  auto warmup = create(R"({"name":"warmup","proxy":"127.0.0.1:9"})");
  wait_applied_on_both(warmup);
  auto before = edge_nodes()[1];

  second.stop();
  auto trunk = create(R"({"name":"carrier","proxy":"127.0.0.1:9","inbound_ip":"127.0.9.3"})");
  json last;
  bool lagging = wait_until(
      [&] {
        last = sync(trunk);
        return node_state(last, "edge-1") == "applied" && node_state(last, "edge-2") == "pending";
      },
      30s);
  BOOST_TEST_REQUIRE(lagging, last.dump());
  BOOST_TEST(last["state"] == "error", last.dump());
  BOOST_TEST(last["error"].get<std::string>().find(second.rpc_url()) != std::string::npos,
             last.dump());
  expect_inbound_routed(first, "127.0.9.3", trunk);
  auto nodes = edge_nodes();
  BOOST_TEST(nodes[0]["in_sync"] == true, nodes.dump());
  BOOST_TEST(nodes[1]["in_sync"] == false, nodes.dump());

  second.start();
  wait_applied_on_both(trunk);
  expect_inbound_routed(second, "127.0.9.3", trunk);
  auto after = edge_nodes()[1];
  BOOST_TEST(after["boot_id"] != before["boot_id"], after.dump());
  BOOST_TEST(after["restarts_seen"].get<int>() == before["restarts_seen"].get<int>() + 1,
             after.dump());
  BOOST_TEST(sync(trunk).contains("error") == false);
}

// Verifies an operator's resync repairs a node whose memory lost a row behind the daemon's back
// (an htable key deleted over the node's own RPC): the node reloads every table and has the row
// again, the other node is left alone; an unknown node name is 404.
BOOST_FIXTURE_TEST_CASE(resync_repairs_a_node, TwoNodeFixture) {
  auto trunk = create(R"({"name":"carrier","proxy":"127.0.0.1:9","inbound_ip":"127.0.9.4"})");
  wait_applied_on_both(trunk);
  // Both nodes' first rounds published (a round's status follows its recorded generation, after
  // its audit slice): htable and dispatcher loaded once each, before the resync.
  BOOST_TEST_REQUIRE(wait_until(
      [&] {
        auto nodes = edge_nodes();
        return std::all_of(nodes.begin(), nodes.end(), [](const json& node) {
          return node["in_sync"] == true && node["reloads"].get<int>() >= 2 &&
                 node["tables"]["dispatcher"]["loaded_rows"] == 1;
        });
      },
      10s));
  auto key_name = "t:" + trunk["id"].get<std::string>();
  second.rpc("htable.delete", json::array({"mv", key_name}));
  BOOST_TEST_REQUIRE(!second.rpc("htable.get", json::array({"mv", key_name})).contains("item"));
  auto before = edge_nodes();

  auto scheduled = daemon.call("POST", "/v1/edge/nodes/edge-2/resync", admin_key);
  BOOST_TEST(scheduled.status == 202, scheduled.body);
  BOOST_TEST(json::parse(scheduled.body) ==
             json::parse(R"({"node":"edge-2","resync":"scheduled"})"));
  BOOST_TEST(wait_until(
      [&] {
        return second.rpc("htable.get", json::array({"mv", key_name})).contains("item");
      },
      20s));
  // htable and dispatcher (uacreg goes record by record; the dispatcher may wait for the replica).
  json after;
  BOOST_TEST(wait_until(
                 [&] {
                   after = edge_nodes();
                   return after[1]["in_sync"] == true &&
                          after[1]["reloads"].get<int>() >= before[1]["reloads"].get<int>() + 2;
                 },
                 20s),
             before.dump() + " then " + after.dump());
  BOOST_TEST(after[0]["reloads"] == before[0]["reloads"], after.dump());
  expect_inbound_routed(second, "127.0.9.4", trunk);

  auto unknown = daemon.call("POST", "/v1/edge/nodes/edge-3/resync", admin_key);
  BOOST_TEST(unknown.status == 404);
  BOOST_TEST(daemon.call("POST", "/v1/edge/nodes/edge-1/resync", key).status == 403);
}

// Verifies the reloader's rounds without a change read no row: after the first round (which
// counts every table) a node is checked by its boot id alone until the audit is due; the audit
// counts the htable and the registrations (O(1)) and lists the dispatcher (the application servers
// alone); nothing scans Kamailio's database in Redis.
BOOST_AUTO_TEST_CASE(rounds_without_changes_read_no_rows) {
  RedisServer redis;
  KamailioEdge node(redis);
  InstrumentedRpc rpc(node);
  store::RedisPool daemon_db(redis.daemon_endpoint(0), 2);
  store::RedisPool kamailio_db(redis.daemon_endpoint(1), 2);
  metrics::Registry registry;
  metrics::EdgeReloadMetrics reload_metrics(registry);
  edge::EdgeReloader::Timing timing;
  timing.verify_every = 100ms;
  // The dispatcher's thread times its audit from its own first load, up to a couple of seconds
  // before the routing round is in sync: 5 s keeps both audits out of the idle window below.
  timing.audit_every = 5s;
  edge::EdgeReloader reloader(rpc, daemon_db, kamailio_db, {node.rpc_url()}, timing, reload_metrics,
                              quiet_log(), 1);
  BOOST_TEST_REQUIRE(wait_until([&] { return reloader.status()[0].in_sync(); }, 20s));
  // The first round's reloads keep the node's reload lock a while (Kamailio's reload_delta).
  std::this_thread::sleep_for(1500ms);
  auto first = rpc.take_calls();
  BOOST_TEST(first["dispatcher.list"] > 0);

  std::this_thread::sleep_for(1000ms);
  auto idle = rpc.take_calls();
  BOOST_TEST(idle["htable.get"] >= 5);  // the boot id, each round
  for (const char* listing :
       {"dispatcher.list", "htable.stats", "htable.dump", "uac.reg_dump", "stats.get_statistics"}) {
    BOOST_TEST(idle[listing] == 0, listing);
  }

  redis.cli({"CONFIG", "RESETSTAT"});
  std::map<std::string, int> audit;
  BOOST_TEST(wait_until(
                 [&] {
                   for (const auto& [method, count] : rpc.take_calls()) audit[method] += count;
                   return audit["htable.stats"] > 0 && audit["dispatcher.list"] > 0;
                 },
                 10s),
             "the audit never counted the htable and the dispatcher");
  BOOST_TEST(audit["htable.dump"] == 0);
  // Its counts agree: nothing lists Kamailio's database in Redis (a SCAN walks all of it).
  auto stats = redis.cli({"INFO", "commandstats"});
  BOOST_TEST(stats.find("cmdstat_scan:") == std::string::npos, stats);
}

// Verifies a table that fails on a node does not keep its other tables from loading: with every
// dispatcher reload failing, a new htable row still reaches the node, and the node's result
// names the failing table.
BOOST_AUTO_TEST_CASE(a_failing_table_does_not_block_the_others) {
  RedisServer redis;
  KamailioEdge node(redis);
  InstrumentedRpc rpc(node, {"dispatcher.reload"});
  store::RedisPool daemon_db(redis.daemon_endpoint(0), 2);
  store::RedisPool kamailio_db(redis.daemon_endpoint(1), 2);
  metrics::Registry registry;
  metrics::EdgeReloadMetrics reload_metrics(registry);
  edge::EdgeReloader reloader(rpc, daemon_db, kamailio_db, {node.rpc_url()}, {}, reload_metrics,
                              quiet_log(), 1);
  // A row as the trunk scripts write it, and its table's version moved.
  redis.cli({"-n", "1", "HSET", "htable:entry::7", "id", "7", "key_name", "c:cust_isolated",
             "key_type", "0", "value_type", "1", "key_value", "1001", "expires", "0"});
  redis.cli({"HINCRBY", "mv:edge:table_versions", "htable", "1"});
  reloader.trunks_changed();
  BOOST_TEST(wait_until(
      [&] {
        auto item = node.rpc("htable.get", json::array({"mv", "c:cust_isolated"}));
        return item.contains("item");
      },
      20s));
  // The node's status is stored when its round ends.
  std::string result;
  BOOST_TEST(wait_until(
                 [&] {
                   result = reloader.status()[0].last_result;
                   return result.starts_with("dispatcher: dispatcher.reload");
                 },
                 10s),
             result);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
