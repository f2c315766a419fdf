#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "model/ip_network.h"
#include "store/redis_consistency.h"
#include "support/stack.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(api_races)

using json = nlohmann::json;

struct RaceFixture {
  RedisServer redis;
  ControlPlane daemon{redis};

  // Sends every body at once from its own thread and connection; returns the statuses and codes.
  std::vector<HttpResult> race(
      const std::vector<std::pair<std::string, std::string>>& key_and_body) {
    std::vector<HttpResult> results(key_and_body.size());
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < key_and_body.size(); ++i) {
      threads.emplace_back([&, i] {
        while (!go.load()) std::this_thread::yield();
        results[i] =
            daemon.call("POST", "/v1/trunks", key_and_body[i].first, key_and_body[i].second);
      });
    }
    go = true;
    for (auto& thread : threads) thread.join();
    return results;
  }

  std::vector<std::string> consistency_problems() {
    store::RedisPool pool(redis.daemon_endpoint(0), 1);
    store::RedisPool kamailio_db(redis.daemon_endpoint(1), 1);
    return store::check_trunk_consistency(pool, kamailio_db);
  }
};

int count_status(const std::vector<HttpResult>& results, int status) {
  return static_cast<int>(std::count_if(results.begin(), results.end(),
                                        [&](const auto& r) { return r.status == status; }));
}

std::string code_of(const HttpResult& result) { return json::parse(result.body)["error"]["code"]; }

// Verifies 200 concurrent creates with one gateway_name give exactly one 201 and 199 409s.
BOOST_FIXTURE_TEST_CASE(gateway_name_race, RaceFixture) {
  auto key = daemon.create_key("cust_race");
  std::vector<std::pair<std::string, std::string>> requests;
  for (int i = 0; i < 200; ++i) {
    requests.emplace_back(key, R"({"name":"r)" + std::to_string(i) +
                                   R"(","proxy":"p.example","gateway_name":"contested"})");
  }
  auto results = race(requests);
  BOOST_TEST(count_status(results, 201) == 1);
  BOOST_TEST(count_status(results, 409) == 199);
  for (const auto& result : results) {
    if (result.status == 409) BOOST_TEST(code_of(result) == "gateway_name_exists");
  }
  auto list = json::parse(daemon.call("GET", "/v1/trunks", key).body);
  BOOST_TEST(list["count"] == 1);
  auto problems = consistency_problems();
  BOOST_TEST(problems.empty(), (problems.empty() ? "" : problems.front()));
}

// Verifies 200 concurrent creates by many customers with overlapping inbound_ip give one 201.
BOOST_FIXTURE_TEST_CASE(overlapping_inbound_ip_race, RaceFixture) {
  std::vector<std::string> keys;
  for (int c = 0; c < 4; ++c) keys.push_back(daemon.create_key("cust_ip" + std::to_string(c)));
  // Every one of these overlaps every other: all lie in 192.0.2.0/24 and contain 192.0.2.64.
  const std::vector<std::string> networks{"192.0.2.0/24", "192.0.2.64/26", "192.0.2.64",
                                          "192.0.0.0/16", "192.0.2.0/25"};
  std::vector<std::pair<std::string, std::string>> requests;
  for (int i = 0; i < 200; ++i) {
    requests.emplace_back(keys[i % keys.size()],
                          R"({"name":"ip","proxy":"p.example","inbound_ip":")" +
                              networks[i % networks.size()] + "\"}");
  }
  auto results = race(requests);
  BOOST_TEST(count_status(results, 201) == 1);
  BOOST_TEST(count_status(results, 409) == 199);
  for (const auto& result : results) {
    if (result.status == 409) BOOST_TEST(code_of(result) == "inbound_ip_exists");
  }
  BOOST_TEST(redis.cli({"ZCARD", "mv:inbound_ranges"}) == "1\n");
  auto problems = consistency_problems();
  BOOST_TEST(problems.empty(), (problems.empty() ? "" : problems.front()));
}

// Verifies concurrent creates, renames and deletes leave every index consistent with the trunks.
BOOST_FIXTURE_TEST_CASE(mixed_writes_keep_indexes_consistent, RaceFixture) {
  auto key = daemon.create_key("cust_mixed");
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    auto created =
        daemon.call("POST", "/v1/trunks", key,
                    R"({"name":"m","proxy":"p.example","gateway_name":"gw)" + std::to_string(i) +
                        R"(","inbound_ip":"198.18.)" + std::to_string(i) + R"(.0/24"})");
    BOOST_TEST_REQUIRE(created.status == 201);
    ids.push_back(json::parse(created.body)["id"]);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 15; ++round) {
        const auto& id = ids[(t * 7 + round) % ids.size()];
        auto n = std::to_string((t + round) % 25);
        switch ((t + round) % 3) {
          case 0:
            daemon.call(
                "PATCH", "/v1/trunks/" + id, key,
                R"({"gateway_name":"gw)" + n + R"(","inbound_ip":"198.18.)" + n + R"(.0/24"})");
            break;
          case 1:
            daemon.call("DELETE", "/v1/trunks/" + id, key);
            break;
          default:
            daemon.call("POST", "/v1/trunks", key,
                        R"({"name":"m","proxy":"p.example","gateway_name":"gw)" + n +
                            R"(","inbound_ip":"198.18.)" + n + R"(.128/25"})");
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto problems = consistency_problems();
  BOOST_TEST(problems.empty(), (problems.empty() ? "" : problems.front()));
  // No two trunks ended with one gateway_name or overlapping inbound ranges.
  auto list = json::parse(daemon.call("GET", "/v1/trunks?limit=1000", key).body);
  std::set<std::string> gateways;
  std::vector<model::IpNetwork> networks;
  for (const auto& trunk : list["data"]) {
    if (trunk["gateway_name"].is_string())
      BOOST_TEST(gateways.insert(trunk["gateway_name"]).second);
    if (!trunk["inbound_ip"].is_string()) continue;
    auto network = *model::parse_ip_network(trunk["inbound_ip"].get<std::string>()).network;
    for (const auto& other : networks) BOOST_TEST(!network.overlaps(other));
    networks.push_back(network);
  }
}

// Verifies two daemon replicas on one Redis create 200 trunks at once with 200 distinct ids.
BOOST_FIXTURE_TEST_CASE(two_replicas_never_share_an_id, RaceFixture) {
  ControlPlane replica(redis);
  auto key = daemon.create_key("cust_replicas");
  std::vector<HttpResult> results(200);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      const auto& target = i % 2 ? daemon : replica;
      results[i] = target.call("POST", "/v1/trunks", key, R"({"name":"r","proxy":"p.example"})");
    });
  }
  go = true;
  for (auto& thread : threads) thread.join();
  BOOST_TEST(count_status(results, 201) == 200);
  std::set<std::string> ids;
  for (const auto& result : results) ids.insert(json::parse(result.body)["id"].get<std::string>());
  BOOST_TEST(ids.size() == 200u);
  BOOST_TEST(json::parse(replica.call("GET", "/v1/trunks", key).body)["count"] == 200);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
