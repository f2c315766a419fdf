#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <nlohmann/json.hpp>

#include "support/stack.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(redis_outage)

using json = nlohmann::json;
using namespace std::chrono_literals;

// Verifies Redis stopped mid-test gives 503 within 1 s, and the daemon recovers by itself when
// Redis returns, with every acknowledged write still there.
BOOST_AUTO_TEST_CASE(redis_stopped_then_restarted) {
  RedisServer redis;
  ControlPlane daemon(redis);
  auto key = daemon.create_key("cust_outage");
  auto before = daemon.call("POST", "/v1/trunks", key, R"({"name":"kept","proxy":"p.example"})");
  BOOST_TEST_REQUIRE(before.status == 201);

  redis.stop();
  for (const auto& [method, body] : std::vector<std::pair<std::string, std::string>>{
           {"GET", ""}, {"POST", R"({"name":"lost","proxy":"p.example"})"}, {"GET", ""}}) {
    auto result = daemon.call(method, "/v1/trunks", key, body);
    BOOST_TEST_CONTEXT(method) {
      BOOST_TEST(result.status == 503);
      BOOST_TEST(result.elapsed < 1000ms);
      BOOST_TEST(json::parse(result.body)["error"]["code"] == "service_unavailable");
    }
  }

  redis.start();
  BOOST_TEST(wait_until([&] { return daemon.call("GET", "/v1/trunks", key).status == 200; }, 5s));
  auto list = json::parse(daemon.call("GET", "/v1/trunks", key).body);
  BOOST_TEST(list["count"] == 1);
  BOOST_TEST(list["data"][0]["name"] == "kept");
  BOOST_TEST(
      daemon.call("POST", "/v1/trunks", key, R"({"name":"after","proxy":"p.example"})").status ==
      201);
}

// Verifies a stalled Redis (process stopped, socket still open) gives 503 within 1 s, not a hang.
BOOST_AUTO_TEST_CASE(redis_stalled_answers_503_quickly) {
  RedisServer redis;
  ControlPlane daemon(redis);
  auto key = daemon.create_key("cust_stall");
  BOOST_TEST_REQUIRE(daemon.call("GET", "/v1/trunks", key).status == 200);
  auto pid = std::stoi(
      redis.cli({"INFO", "server"}).substr(redis.cli({"INFO", "server"}).find("process_id:") + 11));
  kill(pid, SIGSTOP);
  auto stalled = daemon.call("GET", "/v1/trunks", key);
  kill(pid, SIGCONT);
  BOOST_TEST(stalled.status == 503);
  BOOST_TEST(stalled.elapsed < 1000ms);
  BOOST_TEST(wait_until([&] { return daemon.call("GET", "/v1/trunks", key).status == 200; }, 5s));
}

// Verifies Redis answering with errors (out of memory, read-only replica) is a 503, not a 401,
// an empty list or a 500.
BOOST_AUTO_TEST_CASE(redis_error_replies_are_503) {
  RedisServer redis;
  ControlPlane daemon(redis);
  auto key = daemon.create_key("cust_oom");
  redis.cli({"CONFIG", "SET", "maxmemory", "1"});
  auto write = daemon.call("POST", "/v1/trunks", key, R"({"name":"a","proxy":"p.example"})");
  BOOST_TEST(write.status == 503);
  redis.cli({"CONFIG", "SET", "maxmemory", "0"});
  BOOST_TEST(daemon.call("POST", "/v1/trunks", key, R"({"name":"a","proxy":"p.example"})").status ==
             201);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
