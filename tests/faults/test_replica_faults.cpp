#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <thread>

#include "faults/fault_checks.h"
#include "store/redis_keys.h"
#include "store/redis_lock.h"
#include "support/edge_fixture.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(replica_faults)

using namespace std::chrono_literals;

// The edge with a second daemon replica: same Redis, same Kamailio node, same config.
struct ReplicaFixture : EdgeFixture {
  ControlPlane replica{redis, edge_yaml()};

  // Sends every (daemon, body) create at once, each from its own thread.
  std::vector<HttpResult> race(
      const std::vector<std::pair<const ControlPlane*, std::string>>& sends) {
    std::vector<HttpResult> results(sends.size());
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < sends.size(); ++i) {
      threads.emplace_back([&, i] {
        while (!go.load()) std::this_thread::yield();
        results[i] = sends[i].first->call("POST", "/v1/trunks", key, sends[i].second);
      });
    }
    go = true;
    for (auto& thread : threads) thread.join();
    return results;
  }

  static int count_status(const std::vector<HttpResult>& results, int status) {
    return static_cast<int>(std::count_if(results.begin(), results.end(),
                                          [&](const auto& r) { return r.status == status; }));
  }

  json node_of(const ControlPlane& replica_daemon) {
    return json::parse(replica_daemon.call("GET", "/v1/edge/status", admin_key).body)["nodes"][0];
  }
};

// Verifies racing creates split over two replicas keep every rule (one gateway_name per
// customer, no overlapping inbound_ip), both replicas see the node in step afterwards, and no
// reload was refused by Kamailio as "ongoing reload" (the replicas took turns on the node).
BOOST_FIXTURE_TEST_CASE(racing_writes_on_two_replicas_keep_every_rule, ReplicaFixture) {
  std::vector<std::pair<const ControlPlane*, std::string>> same_gateway, overlapping, distinct;
  const std::vector<std::string> networks{"192.0.2.0/24", "192.0.2.64/26", "192.0.2.64",
                                          "192.0.0.0/16"};
  for (int i = 0; i < 100; ++i) {
    const ControlPlane* target = i % 2 ? &daemon : &replica;
    same_gateway.emplace_back(target,
                              R"({"name":"g","proxy":"127.0.0.1:9","gateway_name":"contested"})");
    overlapping.emplace_back(target, R"({"name":"ip","proxy":"127.0.0.1:9","inbound_ip":")" +
                                         networks[i % networks.size()] + "\"}");
    distinct.emplace_back(target, R"({"name":"d","proxy":"127.0.0.1:9","inbound_ip":"127.4.0.)" +
                                      std::to_string(i + 1) + "\"}");
  }
  auto gateway_results = race(same_gateway);
  BOOST_TEST(count_status(gateway_results, 201) == 1);
  BOOST_TEST(count_status(gateway_results, 409) == 99);
  auto ip_results = race(overlapping);
  BOOST_TEST(count_status(ip_results, 201) == 1);
  BOOST_TEST(count_status(ip_results, 409) == 99);
  BOOST_TEST(count_status(race(distinct), 201) == 100);

  auto fsck = fsck_output(daemon);
  BOOST_TEST(fsck == "consistent\n", fsck);
  // 101 source keys: the 100 distinct trunks and the one overlapping winner.
  BOOST_TEST_REQUIRE(edge_has_sources(101));
  // The other replica knows the node is in step too (it may have applied nothing itself).
  json node;
  BOOST_TEST(wait_until(
                 [&] {
                   node = node_of(replica);
                   auto htable = node["tables"]["htable"];
                   return node["in_sync"] == true && htable["loaded_rows"] >= 101 &&
                          htable["loaded_rows"] == htable["expected_rows"];
                 },
                 30s),
             node.dump());
  BOOST_TEST(drift_clears(replica, admin_key));
  for (const auto& log : {daemon.log_text(), replica.log_text(), kamailio.log_text()}) {
    auto refused = log.find("ongoing reload");
    BOOST_TEST(refused == std::string::npos,
               "a reload was refused: " << log.substr(log.rfind('\n', refused) + 1, 300));
  }
}

// Verifies a node's reload lock held by another replica makes the daemon wait: a new trunk
// stays pending and unloaded while the lock is held (and the daemon does not take or release
// the other's lock), and is applied once the lock is gone.
BOOST_FIXTURE_TEST_CASE(held_reload_lock_makes_the_daemon_wait, EdgeFixture) {
  auto first = create(R"({"name":"a","proxy":"127.0.0.1:9","inbound_ip":"127.5.0.1"})");
  wait_applied(first);
  auto lock_key = store::keys::edge_reload_lock(kamailio.rpc_url());
  // Taken as another replica would (once this daemon's own lock from the last reload is gone).
  BOOST_TEST_REQUIRE(wait_until(
      [&] {
        return redis.cli({"SET", lock_key, "another-replica", "NX", "PX", "60000"}) == "OK\n";
      },
      10s));

  auto second = create(R"({"name":"b","proxy":"127.0.0.1:9","inbound_ip":"127.5.0.2"})");
  BOOST_TEST_REQUIRE(
      wait_until([&] { return edge_node()["last_result"] == "waiting for the reload lock"; }, 10s));
  BOOST_TEST(sync_state("/v1/trunks/" + second["id"].get<std::string>()) == "pending");
  auto admits = [&](const char* source) {
    return kamailio.rpc("htable.get", nlohmann::json::array({"mv", std::string("s:") + source}))
        .contains("item");
  };
  BOOST_TEST(admits("127.5.0.1"));
  BOOST_TEST(!admits("127.5.0.2"));
  BOOST_TEST(redis.cli({"GET", lock_key}) == "another-replica\n");

  redis.cli({"DEL", lock_key});
  wait_applied(second);
  BOOST_TEST(admits("127.5.0.2"));
  expect_call_routed("127.5.0.2", second);
}

// Verifies the lock itself on a real Redis: one holder at a time, only the holder's token
// extends or releases it, a release can leave it to expire after a while, and it expires by itself.
BOOST_AUTO_TEST_CASE(reload_lock_semantics) {
  RedisServer redis;
  store::RedisPool pool(redis.daemon_endpoint(0), 2);
  store::RedisLock lock(pool, store::keys::edge_reload_lock("http://node-1/RPC"));
  store::RedisLock other(pool, store::keys::edge_reload_lock("http://node-2/RPC"));

  auto token = lock.try_acquire(60s);
  BOOST_TEST_REQUIRE(token.has_value());
  BOOST_TEST(!lock.try_acquire(60s).has_value());
  BOOST_TEST(other.try_acquire(60s).has_value());  // one lock per node
  BOOST_TEST(!lock.release("not-the-holder"));
  BOOST_TEST(!lock.extend("not-the-holder", 60s));
  BOOST_TEST(lock.extend(*token, 90s));
  BOOST_TEST(std::stoi(redis.cli({"PTTL", lock.key()})) > 60000);
  BOOST_TEST(!lock.try_acquire(60s).has_value());
  BOOST_TEST(lock.release(*token));
  BOOST_TEST(!lock.release(*token));  // released already

  auto lingering = lock.try_acquire(60s);
  BOOST_TEST_REQUIRE(lingering.has_value());
  BOOST_TEST(lock.release(*lingering, 300ms));
  auto ttl = std::stoi(redis.cli({"PTTL", lock.key()}));
  BOOST_TEST((ttl > 0 && ttl <= 300));
  BOOST_TEST(wait_until([&] { return lock.try_acquire(60s).has_value(); }, 5s));

  store::RedisLock short_lived(pool, store::keys::edge_reload_lock("http://node-3/RPC"));
  BOOST_TEST_REQUIRE(short_lived.try_acquire(200ms).has_value());
  BOOST_TEST(!short_lived.try_acquire(200ms).has_value());
  BOOST_TEST(wait_until([&] { return short_lived.try_acquire(200ms).has_value(); }, 5s));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
