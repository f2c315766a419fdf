#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>

#include "faults/fault_checks.h"
#include "support/edge_fixture.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(daemon_faults)

using namespace std::chrono_literals;

constexpr int kBulk = 1000;

// The bulk's n-th create: its own inbound_ip and gateway_name.
std::string bulk_body(int n) {
  auto ip = "127.3." + std::to_string(n / 250) + "." + std::to_string(n % 250 + 1);
  return R"({"name":"bulk","proxy":"127.0.0.1:9","gateway_name":"bulk-)" + std::to_string(n) +
         R"(","inbound_ip":")" + ip + "\"}";
}

// The trunk id of a complete 201, else "": the kill can cut an answer after its status line, and
// a client that cannot read the body has no answer.
std::string acknowledged_id(const HttpResult& result) {
  if (result.status != 201) return "";
  auto body = json::parse(result.body, nullptr, false);
  return body.is_object() && body["id"].is_string() ? body["id"].get<std::string>() : "";
}

// Verifies the daemon SIGKILLed in the middle of a bulk of 1,000 creates from 8 clients and
// started again leaves nothing half-written: `controlplane fsck` finds the trunks, their indexes
// and Kamailio's rows in Redis consistent, every acknowledged create is there, the edge loads
// exactly the trunks' rows, and the bulk then completes (each create that had landed before the
// crash is refused as a duplicate, not written twice).
BOOST_FIXTURE_TEST_CASE(daemon_killed_mid_bulk_of_1000_creates, EdgeFixture) {
  std::vector<HttpResult> results(kBulk);
  std::atomic<int> next{0};
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&] {
      for (int n = next++; n < kBulk; n = next++) {
        results[n] = daemon.call("POST", "/v1/trunks", key, bulk_body(n));
        if (results[n].status == 201) ++acknowledged;
      }
    });
  }
  BOOST_TEST_REQUIRE(wait_until([&] { return acknowledged >= 300; }, 120s));
  daemon.kill();
  for (auto& client : clients) client.join();
  daemon.start();

  auto fsck = fsck_output(daemon);
  BOOST_TEST(fsck == "consistent\n", fsck);
  auto stored = all_trunk_ids(daemon, key);
  int unanswered = 0;
  for (const auto& result : results) {
    auto id = acknowledged_id(result);
    if (!id.empty()) {
      BOOST_TEST(stored.contains(id), id << " was lost");
    } else {
      // Cut off by the kill (no answer, or a 201 without its body), never an error answer.
      BOOST_TEST((result.status == 0 || result.status == 201), result.status);
      ++unanswered;
    }
  }
  BOOST_TEST(unanswered > 0);
  BOOST_TEST_MESSAGE("killed after " << acknowledged << " acknowledged creates; " << stored.size()
                                     << " trunks in Redis");
  BOOST_TEST_REQUIRE(edge_has_sources(stored.size()));
  BOOST_TEST(drift_clears(daemon, admin_key));

  // The client retries what got no answer: a create that had landed is a duplicate now.
  for (int n = 0; n < kBulk; ++n) {
    if (!acknowledged_id(results[n]).empty()) continue;
    auto retried = daemon.call("POST", "/v1/trunks", key, bulk_body(n));
    BOOST_TEST_CONTEXT("create " << n << ": " << retried.body) {
      BOOST_TEST((retried.status == 201 || retried.status == 409));
    }
  }
  BOOST_TEST(all_trunk_ids(daemon, key).size() == std::size_t{kBulk});
  fsck = fsck_output(daemon);
  BOOST_TEST(fsck == "consistent\n", fsck);
  BOOST_TEST_REQUIRE(edge_has_sources(kBulk));
  BOOST_TEST(drift_clears(daemon, admin_key));
  expect_call_routed(
      "127.3.0.1",
      json::parse(daemon.call("GET", "/v1/trunks?gateway_name=bulk-0", key).body)["data"][0]);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
