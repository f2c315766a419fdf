#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "faults/fault_checks.h"
#include "faults/write_load.h"
#include "support/edge_fixture.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(redis_faults)

using namespace std::chrono_literals;

// The edge with Redis as in production (AOF, fsync every second) and one inbound trunk at
// 127.0.0.2 whose calls the application server answers.
struct RedisFaultFixture : EdgeFixture {
  RedisFaultFixture() : EdgeFixture(3600, "everysec") {
    calling_trunk = create(R"({"name":"calls","proxy":"127.0.0.1:9","inbound_ip":"127.0.0.2"})");
    wait_applied(calling_trunk);
  }

  // `calls` calls from the trunk's address, 10 a second, each answered by the application
  // server with the trunk's ids.
  std::pair<Sipp, Sipp> start_calls(int calls) {
    auto uas = Sipp::uas(
        "uas-app-server-expects-trunk-headers.xml", app_port,
        {{"__TRUNK_ID__", calling_trunk["id"]}, {"__CUSTOMER_ID__", calling_trunk["customer_id"]}},
        calls);
    auto uac =
        Sipp::uac_loop("uac-call-completes.xml", "127.0.0.2", kamailio.sip_port(), calls, 10);
    return {std::move(uas), std::move(uac)};
  }

  void expect_every_call_completed(std::pair<Sipp, Sipp>& calls) {
    int uac_exit = calls.second.finish(60s);
    int uas_exit = calls.first.finish(20s);
    BOOST_TEST(uac_exit == 0, "failed calls: " << calls.second.log_text());
    BOOST_TEST(uas_exit == 0, "application server: " << calls.first.log_text());
  }

  // The edge holds every trunk in Redis again (one source key each) and routes a new trunk.
  void expect_edge_converged(std::size_t trunks) {
    BOOST_TEST_REQUIRE(edge_has_sources(trunks));
    auto fresh = create(R"({"name":"after","proxy":"127.0.0.1:9","inbound_ip":"127.0.9.1"})");
    wait_applied(fresh);
    expect_call_routed("127.0.9.1", fresh);
    BOOST_TEST(drift_clears(daemon, admin_key));
    auto fsck = fsck_output(daemon);
    BOOST_TEST(fsck == "consistent\n", fsck);
  }

  json calling_trunk;
};

// Verifies Redis SIGKILLed and restarted while calls flow and creates run: no call on the
// existing trunk fails, every write during the outage is a 503 within 1 s, every 201 is in
// Redis afterwards (AOF everysec: Redis writes the AOF before it answers), and the edge loads
// the writes after Redis returns, with nothing restarted but Redis.
BOOST_FIXTURE_TEST_CASE(redis_killed_while_calls_and_writes_flow, RedisFaultFixture) {
  auto calls = start_calls(80);
  WriteLoad load(daemon, key);
  BOOST_TEST_REQUIRE(wait_until([&] { return load.count(201) >= 20; }, 30s));

  redis.kill();
  BOOST_TEST_REQUIRE(wait_until([&] { return load.count(503) >= 20; }, 30s),
                     "answers: 201 " << load.count(201) << ", 503 " << load.count(503) << ", 500 "
                                     << load.count(500) << ", none " << load.count(0) << "; "
                                     << daemon.log_text().substr(0, 3000));
  redis.start();
  auto acknowledged_before = load.count(201);
  BOOST_TEST_REQUIRE(wait_until([&] { return load.count(201) >= acknowledged_before + 20; }, 30s));
  load.stop();
  expect_every_call_completed(calls);

  auto writes = load.writes();
  std::set<std::string> acknowledged;
  int refused = 0;
  for (const auto& write : writes) {
    BOOST_TEST_CONTEXT("create " << write.n << ": " << write.status << " after "
                                 << write.elapsed.count() << " ms") {
      BOOST_TEST((write.status == 201 || write.status == 503));
      if (write.status == 503) BOOST_TEST(write.elapsed < 1000ms);
      if (write.status == 201) acknowledged.insert(write.trunk_id);
      refused += write.status == 503;
    }
  }
  BOOST_TEST(refused >= 20);
  auto stored = all_trunk_ids(daemon, key);
  for (const auto& id : acknowledged) BOOST_TEST(stored.contains(id), id << " was lost");
  BOOST_TEST_MESSAGE(writes.size() << " creates, " << acknowledged.size() << " acknowledged, "
                                   << refused << " refused with 503 during the outage");
  expect_edge_converged(stored.size());
}

// Verifies a Redis stalled for 5 s (SIGSTOP: connections open, no answers) gets every API
// request a 503 within 1 s instead of a hang, while calls on the existing trunk all complete;
// then the API and the edge carry on by themselves.
BOOST_FIXTURE_TEST_CASE(redis_stalled_for_5_seconds, RedisFaultFixture) {
  // 8 s of calls: the stall starts with them and ends before them.
  auto calls = start_calls(80);
  redis.pause();
  auto stall_ends = std::chrono::steady_clock::now() + 5s;
  int answered = 0;
  for (int n = 0; std::chrono::steady_clock::now() < stall_ends; ++n) {
    auto result = n % 2 ? daemon.call("GET", "/v1/trunks", key)
                        : daemon.call("POST", "/v1/trunks", key,
                                      R"({"name":"stalled","proxy":"127.0.0.1:9"})");
    BOOST_TEST_CONTEXT("request " << n << " after " << result.elapsed.count() << " ms") {
      BOOST_TEST(result.status == 503);
      BOOST_TEST(result.elapsed < 1000ms);
    }
    ++answered;
  }
  redis.resume();
  BOOST_TEST(answered >= 5);
  expect_every_call_completed(calls);
  BOOST_TEST_REQUIRE(
      wait_until([&] { return daemon.call("GET", "/v1/trunks", key).status == 200; }, 10s));
  // A create whose command was in Redis's socket when the 503 went out is applied on resume:
  // a 503 says the outcome is unknown, not that nothing happened.
  auto trunks = all_trunk_ids(daemon, key);
  BOOST_TEST_MESSAGE(answered << " requests answered 503 during the stall; " << trunks.size() - 1
                              << " of the creates were applied on resume");
  expect_edge_converged(trunks.size());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
