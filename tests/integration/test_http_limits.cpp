#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "support/stack.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(http_limits)

using json = nlohmann::json;
using namespace std::chrono_literals;

std::string error_code(const HttpResult& result) {
  auto body = json::parse(result.body, nullptr, false);
  if (body.is_discarded() || !body.contains("error")) return "(not the JSON error shape)";
  return body["error"]["code"];
}

std::string stalled_post(const std::string& key) {
  return "POST /v1/trunks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key +
         "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":";
}

// Verifies the per-key rate limit: beyond its burst a key gets 429 rate_limited with
// Retry-After, another key goes on, admin keys have their own limit, and the key gets through
// again once the bucket refills.
BOOST_AUTO_TEST_CASE(rate_limited_per_api_key_with_retry_after) {
  RedisServer redis;
  ControlPlane daemon(redis, "",
                      "  rate_limit: {per_second: 1, burst: 3}\n"
                      "  admin_rate_limit: {per_second: 1, burst: 5}\n");
  auto key = daemon.create_key("cust_a");
  auto other = daemon.create_key("cust_b");
  auto admin = daemon.run_command({"keys", "create", "--customer", "ops", "--role", "admin"});
  admin = admin.substr(0, admin.find('\n'));

  // One token comes back a second: 10 requests see a 429 unless they take over 6 s.
  HttpResult limited;
  int passed = 0;
  for (int i = 0; i < 10 && limited.status != 429; ++i) {
    auto result = daemon.call("GET", "/v1/trunks", key);
    if (result.status == 200) ++passed;
    if (result.status == 429) limited = result;
  }
  BOOST_TEST(limited.status == 429);
  BOOST_TEST(passed >= 3);
  BOOST_TEST(error_code(limited) == "rate_limited");
  BOOST_TEST(limited.headers["retry-after"] == "1");
  BOOST_TEST(daemon.call("GET", "/v1/trunks", other).status == 200);

  int admin_passed = 0;
  bool admin_limited = false;
  for (int i = 0; i < 15 && !admin_limited; ++i) {
    auto status = daemon.call("GET", "/v1/keys", admin).status;
    admin_passed += status == 200;
    admin_limited = status == 429;
  }
  BOOST_TEST(admin_limited);
  BOOST_TEST(admin_passed >= 5);

  BOOST_TEST(wait_until([&] { return daemon.call("GET", "/v1/trunks", key).status == 200; }, 5s));
}

// Verifies the idle timeout: a connection that stalls in its headers, in its body, or sends
// nothing at all is closed (without an answer) once silent for idle_timeout_s, while a normal
// request is served meanwhile.
BOOST_AUTO_TEST_CASE(stalled_connections_are_closed_after_the_idle_timeout) {
  RedisServer redis;
  ControlPlane daemon(redis, "", "  idle_timeout_s: 1\n");
  auto key = daemon.create_key("cust_a");
  RawConnection silent(daemon.port());
  RawConnection stalled_header(daemon.port());
  RawConnection stalled_body(daemon.port());
  auto started = std::chrono::steady_clock::now();
  BOOST_TEST_REQUIRE(stalled_header.send("GET /v1/trunks HTTP/1.1\r\nHost: x\r\nAuthoriz"));
  BOOST_TEST_REQUIRE(stalled_body.send(stalled_post(key)));
  BOOST_TEST(daemon.call("GET", "/v1/trunks", key).status == 200);

  for (auto* connection : {&silent, &stalled_header, &stalled_body}) {
    BOOST_TEST(connection->closed_by_server(10s));
    BOOST_TEST(connection->received().empty());
  }
  BOOST_TEST((std::chrono::steady_clock::now() - started >= 900ms));
  BOOST_TEST(daemon.call("GET", "/v1/trunks", key).status == 200);
}

// Verifies the in-flight cap: with max_in_flight 2 held by two stalled bodies, a third request
// gets 503 service_unavailable with Retry-After at once (/readyz too); once the idle timeout has
// closed the stalled ones, requests are served again.
BOOST_AUTO_TEST_CASE(requests_beyond_the_in_flight_cap_get_503) {
  RedisServer redis;
  ControlPlane daemon(redis, "", "  max_in_flight: 2\n  idle_timeout_s: 2\n");
  auto key = daemon.create_key("cust_a");
  RawConnection first(daemon.port()), second(daemon.port());
  BOOST_TEST_REQUIRE(first.send(stalled_post(key)));
  BOOST_TEST_REQUIRE(second.send(stalled_post(key)));

  HttpResult refused;
  BOOST_TEST(wait_until(
      [&] {
        refused = daemon.call("GET", "/v1/trunks", key);
        return refused.status == 503;
      },
      5s));
  BOOST_TEST(error_code(refused) == "service_unavailable");
  BOOST_TEST(refused.headers["retry-after"] == "1");
  // /readyz too, before its route: the Error body its 503 documents beside Readiness.
  auto readiness = http_request(daemon.port(), "GET", "/readyz");
  BOOST_TEST(readiness.status == 503);
  BOOST_TEST(error_code(readiness) == "service_unavailable");

  BOOST_TEST(first.closed_by_server(10s));
  BOOST_TEST(second.closed_by_server(10s));
  BOOST_TEST(wait_until([&] { return daemon.call("GET", "/v1/trunks", key).status == 200; }, 5s));
}

// Verifies the connection cap: of 8 idle connections with max_connections 3, the daemon closes
// at least 5 (the idlest), long before the idle timeout, and still serves a new request.
BOOST_AUTO_TEST_CASE(connections_beyond_the_cap_are_closed) {
  RedisServer redis;
  ControlPlane daemon(redis, "", "  max_connections: 3\n");
  auto key = daemon.create_key("cust_a");
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 8; ++i) idle.push_back(std::make_unique<RawConnection>(daemon.port()));

  auto closed = [&] {
    int count = 0;
    for (auto& connection : idle) count += connection->closed_by_server(0ms);
    return count;
  };
  BOOST_TEST(wait_until([&] { return closed() >= 5; }, 10s), "closed: " << closed());
  BOOST_TEST(daemon.call("GET", "/v1/trunks", key).status == 200);
}

// Verifies the header limit: request line and headers over max_header_bytes (16 KiB by default)
// get 431 headers_too_large in the JSON shape; just under it is served.
BOOST_AUTO_TEST_CASE(oversize_headers_get_431) {
  RedisServer redis;
  ControlPlane daemon(redis);
  auto key = daemon.create_key("cust_a");
  auto with_filler = [&](std::size_t bytes) {
    return http_request(
        daemon.port(), "GET", "/v1/trunks",
        {{"Authorization", "Bearer " + key}, {"X-Filler", std::string(bytes, 'a')}});
  };
  auto over = with_filler(17 * 1024);
  BOOST_TEST(over.status == 431);
  BOOST_TEST(error_code(over) == "headers_too_large");
  BOOST_TEST(with_filler(15 * 1024).status == 200);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
