#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <sstream>
#include <thread>

#include "support/edge_fixture.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(edge_inbound)

using json = nlohmann::json;
using namespace std::chrono_literals;

// Verifies a call from a trunk's inbound_ip reaches the application server with the trunk's ids
// (forged X-MiniVoice headers removed), and any other source gets 403.
BOOST_FIXTURE_TEST_CASE(inbound_call_carries_trunk_ids, EdgeFixture) {
  auto trunk = create(R"({"name":"carrier","proxy":"127.0.0.1:9","inbound_ip":"127.0.0.2"})");
  BOOST_TEST_REQUIRE(edge_has_sources(1));
  auto path = "/v1/trunks/" + trunk["id"].get<std::string>();
  BOOST_TEST(wait_until([&] { return sync_state(path) == "applied"; }, 10s));
  expect_call_routed("127.0.0.2", trunk);
  expect_forbidden("127.0.0.3");
}

// Verifies a trunk shows sync "error" while its edge node is down and "applied" once the node is
// back and has loaded it.
BOOST_FIXTURE_TEST_CASE(sync_state_reports_an_unreachable_edge, EdgeFixture) {
  BOOST_TEST_REQUIRE(edge_has_sources(0));
  kamailio.stop();
  auto trunk = create(R"({"name":"carrier","proxy":"127.0.0.1:9","inbound_ip":"127.0.7.1"})");
  auto path = "/v1/trunks/" + trunk["id"].get<std::string>();
  BOOST_TEST(wait_until([&] { return sync_state(path) == "error"; }, 10s));
  kamailio.start();
  BOOST_TEST(wait_until([&] { return sync_state(path) == "applied"; }, 15s));
  expect_call_routed("127.0.7.1", trunk);
}

// Verifies deactivating and deleting a trunk closes the edge to its carrier, and a CIDR admits
// every address in it.
BOOST_FIXTURE_TEST_CASE(deactivate_and_delete_close_the_door, EdgeFixture) {
  auto trunk = create(R"({"name":"carrier","proxy":"127.0.0.1:9","inbound_ip":"127.0.3.0/24"})");
  BOOST_TEST_REQUIRE(edge_has_sources(1));
  expect_call_routed("127.0.3.77", trunk);
  std::string path = "/v1/trunks/" + trunk["id"].get<std::string>();

  BOOST_TEST(daemon.call("PATCH", path, key, R"({"is_active":false})").status == 200);
  BOOST_TEST_REQUIRE(edge_has_sources(0));
  expect_forbidden("127.0.3.77");

  BOOST_TEST(daemon.call("PATCH", path, key, R"({"is_active":true})").status == 200);
  BOOST_TEST_REQUIRE(edge_has_sources(1));
  BOOST_TEST(daemon.call("DELETE", path, key).status == 204);
  BOOST_TEST_REQUIRE(edge_has_sources(0));
  expect_forbidden("127.0.3.77");
}

// Verifies a burst of 1,000 creates ends with all 1,000 loaded, calls from the first, a middle
// and the last trunk routing, and at most a handful of reloads (the change log keeps up); then a
// whole reload loads all 1,000 again (the table size db_redis would otherwise load as zero).
BOOST_FIXTURE_TEST_CASE(burst_of_1000_creates, EdgeFixture) {
  auto reloads_before = edge_node()["reloads"].get<int>();
  std::vector<json> trunks(1000);
  std::atomic<int> next{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w) {
    writers.emplace_back([&] {
      for (int n = next++; n < 1000; n = next++) {
        auto ip = "127.1." + std::to_string(n / 250) + "." + std::to_string(n % 250 + 1);
        auto result =
            daemon.call("POST", "/v1/trunks", key,
                        R"({"name":"bulk","proxy":"127.0.0.1:9","inbound_ip":")" + ip + "\"}");
        if (result.status == 201) trunks[n] = json::parse(result.body);
      }
    });
  }
  for (auto& writer : writers) writer.join();
  for (const auto& trunk : trunks) BOOST_TEST_REQUIRE(trunk.is_object());

  BOOST_TEST_REQUIRE(edge_has_sources(1000));
  auto reloads = edge_node()["reloads"].get<int>() - reloads_before;
  BOOST_TEST(reloads <= 50);
  BOOST_TEST_MESSAGE("reloads for 1,000 creates: " << reloads);
  BOOST_TEST_REQUIRE(daemon.call("POST", "/v1/edge/nodes/edge-1/resync", admin_key).status == 202);
  BOOST_TEST(wait_until(
      [&] { return edge_node()["reloads"].get<int>() > reloads_before + reloads; }, 20s));
  BOOST_TEST_REQUIRE(edge_has_sources(1000));

  expect_call_routed("127.1.0.1", trunks[0]);
  expect_call_routed("127.1.1.168", trunks[417]);
  expect_call_routed("127.1.3.250", trunks[999]);
}

// Verifies calls on existing trunks complete while Redis is down (Kamailio routes from memory),
// writes get 503 meanwhile, and changes reach the edge again once Redis is back.
BOOST_FIXTURE_TEST_CASE(redis_down_calls_still_complete, EdgeFixture) {
  auto trunk = create(R"({"name":"carrier","proxy":"127.0.0.1:9","inbound_ip":"127.0.4.1"})");
  BOOST_TEST_REQUIRE(edge_has_sources(1));

  redis.stop();
  expect_call_routed("127.0.4.1", trunk);
  auto refused = daemon.call("POST", "/v1/trunks", key, R"({"name":"x","proxy":"127.0.0.1:9"})");
  BOOST_TEST(refused.status == 503);

  redis.start();
  BOOST_TEST_REQUIRE(
      wait_until([&] { return daemon.call("GET", "/v1/trunks", key).status == 200; }, 10s));
  auto second = create(R"({"name":"carrier2","proxy":"127.0.0.1:9","inbound_ip":"127.0.4.2"})");
  BOOST_TEST_REQUIRE(edge_has_sources(2));
  expect_call_routed("127.0.4.2", second);
  expect_call_routed("127.0.4.1", trunk);
}

// Verifies a restarted Kamailio routes every trunk again and the control plane sees it in sync.
BOOST_FIXTURE_TEST_CASE(kamailio_restart_routes_everything, EdgeFixture) {
  auto first = create(R"({"name":"a","proxy":"127.0.0.1:9","inbound_ip":"127.0.5.1"})");
  auto second = create(R"({"name":"b","proxy":"127.0.0.1:9","inbound_ip":"127.0.6.0/24"})");
  BOOST_TEST_REQUIRE(edge_has_sources(2));
  kamailio.restart();
  BOOST_TEST_REQUIRE(edge_has_sources(2));
  expect_call_routed("127.0.5.1", first);
  expect_call_routed("127.0.6.200", second);
}

// An edge whose daemon WAITs at most 100 ms for the edge's Redis replica before each reload.
struct ReplicaWaitFixture : EdgeFixture {
  ReplicaWaitFixture() : EdgeFixture(3600, "always", "  edge_replica_wait_ms: 100\n") {}
};

// Verifies a change reaches the node from the primary while the edge's Redis replica is cut off
// (calls route on htable keys the daemon sets itself), and a whole reload, which the node loads
// from its replica (an operator's resync here), waits until the replica has every write: the
// stale replica would give the node the old destination back.
BOOST_FIXTURE_TEST_CASE(reload_waits_for_the_edge_replica, ReplicaWaitFixture) {
  auto old_port = std::to_string(reserve_port());
  auto new_port = std::to_string(reserve_port());
  auto trunk = create(R"({"name":"carrier","proxy":"127.0.0.1:)" + old_port + "\"}");
  wait_applied(trunk);
  const auto& replica = kamailio.replica();
  replica.cli({"CONFIG", "SET", "masterauth", "not-the-password"});
  replica.cli({"CLIENT", "KILL", "TYPE", "master"});
  BOOST_TEST_REQUIRE(
      wait_until([&] { return !replica.replica_link_up(); }, std::chrono::seconds(5)));

  auto path = "/v1/trunks/" + trunk["id"].get<std::string>();
  auto patched = daemon.call("PATCH", path, key, R"({"proxy":"127.0.0.1:)" + new_port + "\"}");
  BOOST_TEST_REQUIRE(patched.status == 200);
  wait_applied(json::parse(patched.body));
  auto route =
      kamailio.rpc("htable.get", json::array({"mv", "t:" + trunk["id"].get<std::string>()}));
  BOOST_TEST(route.dump().find("127.0.0.1:" + new_port) != std::string::npos, route.dump());
  auto route_now = [&] {
    return kamailio.rpc("htable.get", json::array({"mv", "t:" + trunk["id"].get<std::string>()}))
        .dump();
  };
  auto reloads_before = edge_node()["reloads"].get<int>();
  BOOST_TEST_REQUIRE(daemon.call("POST", "/v1/edge/nodes/edge-1/resync", admin_key).status == 202);
  std::this_thread::sleep_for(std::chrono::seconds(4));
  BOOST_TEST(edge_node()["reloads"].get<int>() == reloads_before);
  BOOST_TEST(route_now().find("127.0.0.1:" + new_port) != std::string::npos, route_now());

  replica.cli({"CONFIG", "SET", "masterauth", RedisServer::kReplicationPassword});
  BOOST_TEST(wait_until([&] { return edge_node()["reloads"].get<int>() > reloads_before; },
                        std::chrono::seconds(20)));
  BOOST_TEST(route_now().find("127.0.0.1:" + new_port) != std::string::npos, route_now());
}

// Verifies a trunk whose rows an older daemon wrote (layout 1: no source, route or route-list
// keys) receives calls again once a daemon of this layout starts: it writes every trunk's rows
// again, once, and records the layout.
BOOST_FIXTURE_TEST_CASE(older_layout_rows_written_again_at_start, EdgeFixture) {
  auto trunk = create(R"({"name":"carrier","proxy":"127.0.0.1:5999","inbound_ip":"127.0.0.62"})");
  auto id = trunk["id"].get<std::string>();
  BOOST_TEST_REQUIRE(edge_has_sources(1));
  BOOST_TEST(first_line(redis.cli({"GET", "mv:edge:rows_layout"})) == "3");

  // What an older daemon left: none of these keys, no route list, no layout; the node loaded
  // that whole table.
  daemon.kill();
  std::istringstream owned(redis.cli({"HGETALL", "mv:edge:htable_rows"}));
  for (std::string owner, row_id; std::getline(owned, owner) && std::getline(owned, row_id);) {
    bool source = owner.starts_with("s") && owner.ends_with(":" + id);
    if (source || owner == "t:" + id || owner == "n:" + id || owner == "o:cust_edge") {
      redis.cli({"-n", "1", "DEL", "htable:entry::" + row_id});
      redis.cli({"HDEL", "mv:edge:htable_rows", owner});
    }
  }
  redis.cli({"DEL", "mv:edge:routes:cust_edge", "mv:edge:source_prefixes", "mv:edge:rows_layout"});
  BOOST_TEST_REQUIRE(wait_until(
      [&] {
        kamailio.rpc("htable.reload", json::array({"mv"}));
        return !kamailio.rpc("htable.get", json::array({"mv", "t:" + id})).contains("item");
      },
      10s));
  expect_forbidden("127.0.0.62");

  daemon.start();
  BOOST_TEST_REQUIRE(edge_has_sources(1));
  BOOST_TEST(kamailio.rpc("htable.get", json::array({"mv", "t:" + id})).contains("item"));
  expect_call_routed("127.0.0.62", trunk);
  BOOST_TEST(first_line(redis.cli({"GET", "mv:edge:rows_layout"})) == "3");
  BOOST_TEST(daemon.log_text().find("writing 1 trunks' rows again") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
