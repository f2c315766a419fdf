#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/edge_fixture.h"
#include "support/process.h"
#include "support/stack.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(metrics)

using json = nlohmann::json;
using namespace std::chrono_literals;

std::string scrape(int port) {
  auto result = http_request(port, "GET", "/metrics");
  BOOST_TEST_REQUIRE(result.status == 200);
  return result.body;
}

// The value of one series, written exactly as `name{labels}`; -1 (no series here can be
// negative) when absent.
double series(const std::string& text, const std::string& name_and_labels) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with(name_and_labels + " ")) {
      return std::stod(line.substr(name_and_labels.size() + 1));
    }
  }
  return -1;
}

std::vector<json> log_lines(const ControlPlane& daemon) {
  std::vector<json> lines;
  std::istringstream text(daemon.log_text());
  std::string line;
  while (std::getline(text, line)) {
    auto parsed = json::parse(line, nullptr, false);
    BOOST_TEST(!parsed.is_discarded(), "not a JSON line: " << line);
    if (!parsed.is_discarded()) lines.push_back(parsed);
  }
  return lines;
}

// Verifies API calls move mv_http_requests_total under their route pattern, method and status,
// with latency histograms, and that no trunk or customer id appears in any label.
BOOST_AUTO_TEST_CASE(requests_counted_by_route_pattern) {
  RedisServer redis;
  ControlPlane daemon(redis);
  auto key = daemon.create_key("cust_metrics");
  auto created = daemon.call("POST", "/v1/trunks", key, R"({"name":"m","proxy":"p.example"})");
  BOOST_TEST_REQUIRE(created.status == 201);
  auto id = json::parse(created.body)["id"].get<std::string>();
  BOOST_TEST(daemon.call("GET", "/v1/trunks/" + id, key).status == 200);
  BOOST_TEST(daemon.call("GET", "/v1/trunks/" + id, key).status == 200);
  BOOST_TEST(daemon.call("GET", "/v1/trunks/trunk_none", key).status == 404);
  BOOST_TEST(daemon.call("GET", "/v1/trunks", "").status == 401);

  auto result = http_request(daemon.port(), "GET", "/metrics");
  BOOST_TEST(result.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8");
  const auto& text = result.body;
  BOOST_TEST(
      series(text, R"(mv_http_requests_total{method="POST",route="/v1/trunks",status="201"})") ==
      1);
  BOOST_TEST(
      series(text,
             R"(mv_http_requests_total{method="GET",route="/v1/trunks/{id}",status="200"})") == 2);
  BOOST_TEST(
      series(text,
             R"(mv_http_requests_total{method="GET",route="/v1/trunks/{id}",status="404"})") == 1);
  BOOST_TEST(
      series(text, R"(mv_http_requests_total{method="GET",route="/v1/trunks",status="401"})") == 1);
  BOOST_TEST(
      series(text,
             R"(mv_http_request_duration_seconds_count{method="GET",route="/v1/trunks/{id}"})") ==
      3);
  BOOST_TEST(
      series(
          text,
          R"(mv_http_request_duration_seconds_bucket{method="GET",route="/v1/trunks/{id}",le="+Inf"})") ==
      3);
  BOOST_TEST(series(text, "mv_redis_errors_total") == 0);
  BOOST_TEST(series(text, R"(mv_registrations{state="REGED"})") == 0);
  BOOST_TEST(text.find(id) == std::string::npos);
  BOOST_TEST(text.find("cust_metrics") == std::string::npos);
  // The scrape itself is counted by the next one.
  BOOST_TEST(series(scrape(daemon.port()),
                    R"(mv_http_requests_total{method="GET",route="/metrics",status="200"})") >= 1);
}

// Verifies /readyz turns 503 "not_ready" while Redis is stopped (and the failures are counted in
// mv_redis_errors_total), and 200 "ready" again once it is back.
BOOST_AUTO_TEST_CASE(readiness_follows_redis) {
  RedisServer redis;
  ControlPlane daemon(redis);
  auto key = daemon.create_key("cust_ready");
  auto ready = http_request(daemon.port(), "GET", "/readyz");
  BOOST_TEST(ready.status == 200);
  BOOST_TEST(ready.body == R"({"status":"ready","redis":"ok","nodes":[]})");

  redis.stop();
  auto down = http_request(daemon.port(), "GET", "/readyz");
  BOOST_TEST(down.status == 503);
  BOOST_TEST(json::parse(down.body)["status"] == "not_ready");
  BOOST_TEST(json::parse(down.body)["redis"] == "unavailable");
  BOOST_TEST(daemon.call("GET", "/v1/trunks", key).status == 503);
  BOOST_TEST(series(scrape(daemon.port()), "mv_redis_errors_total") >= 2);
  BOOST_TEST(http_request(daemon.port(), "GET", "/healthz").status == 200);

  redis.start();
  BOOST_TEST(
      wait_until([&] { return http_request(daemon.port(), "GET", "/readyz").status == 200; }, 5s));
}

// Verifies with http.admin_port set, /metrics, /healthz and /readyz answer only there (404 on
// the main port), the API only on the main port, and the admin port counts the main port's calls.
BOOST_AUTO_TEST_CASE(ops_routes_only_on_admin_port) {
  RedisServer redis;
  int admin_port = reserve_port();
  ControlPlane daemon(redis, "", "  admin_port: " + std::to_string(admin_port) + "\n");
  auto key = daemon.create_key("cust_admin");
  const std::string unmatched =
      R"(mv_http_requests_total{method="GET",route="unmatched",status="404"})";
  // Waiting for the daemon to start got 404s from the main port already.
  auto unmatched_before = series(scrape(admin_port), unmatched);
  for (const std::string path : {"/metrics", "/healthz", "/readyz"}) {
    BOOST_TEST_CONTEXT(path) {
      BOOST_TEST(http_request(daemon.port(), "GET", path).status == 404);
      BOOST_TEST(http_request(admin_port, "GET", path).status == 200);
    }
  }
  BOOST_TEST(daemon.call("GET", "/v1/trunks", key).status == 200);
  BOOST_TEST(
      http_request(admin_port, "GET", "/v1/trunks", {{"Authorization", "Bearer " + key}}).status ==
      404);
  auto text = scrape(admin_port);
  BOOST_TEST(
      series(text, R"(mv_http_requests_total{method="GET",route="/v1/trunks",status="200"})") == 1);
  BOOST_TEST(series(text, unmatched) - unmatched_before == 4);
}

// Verifies every daemon log line is one JSON object with ts, level, logger and msg; request
// lines carry request_id (the X-Request-Id answered), method, route, status, duration_ms, and
// customer_id and trunk_id where they apply; no key, Authorization header or password appears.
BOOST_AUTO_TEST_CASE(log_lines_are_json) {
  RedisServer redis;
  ControlPlane daemon(redis);
  auto key = daemon.create_key("cust_logs");
  auto created = daemon.call("POST", "/v1/trunks", key,
                             R"({"name":"logs","proxy":"p.example","username":"u",)"
                             R"("password":"LogCanary-5b4a"})");
  BOOST_TEST_REQUIRE(created.status == 201);
  auto id = json::parse(created.body)["id"].get<std::string>();
  auto got = http_request(daemon.port(), "GET", "/v1/trunks/" + id,
                          {{"Authorization", "Bearer " + key}, {"X-Request-Id", "req-logs-1"}});
  BOOST_TEST(got.status == 200);
  BOOST_TEST(
      daemon.call("GET", "/v1/trunks", "mv_live_000000000000_" + std::string(48, '0')).status ==
      401);
  redis.stop();
  BOOST_TEST(daemon.call("GET", "/v1/trunks", key).status == 503);
  redis.start();

  auto lines = log_lines(daemon);
  BOOST_TEST_REQUIRE(lines.size() >= 5u);
  std::vector<json> requests;
  for (const auto& line : lines) {
    BOOST_TEST_CONTEXT(line.dump()) {
      for (const char* field : {"ts", "level", "logger", "msg"}) BOOST_TEST(line.contains(field));
      if (line["msg"] == "request") {
        requests.push_back(line);
        for (const char* field : {"request_id", "method", "route", "status", "duration_ms"}) {
          BOOST_TEST(line.contains(field));
        }
      }
    }
  }
  BOOST_TEST_REQUIRE(requests.size() >= 4u);
  auto find = [&](const std::string& route, int status) {
    for (const auto& line : requests) {
      if (line["route"] == route && line["status"] == status) return line;
    }
    return json();
  };
  auto create_line = find("/v1/trunks", 201);
  BOOST_TEST(create_line["customer_id"] == "cust_logs");
  BOOST_TEST(create_line["trunk_id"] == id);
  BOOST_TEST(create_line["request_id"] == created.headers["x-request-id"]);
  auto get_line = find("/v1/trunks/{id}", 200);
  BOOST_TEST(get_line["request_id"] == "req-logs-1");
  BOOST_TEST(get_line["trunk_id"] == id);
  BOOST_TEST(!find("/v1/trunks", 401).contains("customer_id"));
  // The storage warning inside the failing request carries its request id too.
  bool warned = false;
  for (const auto& line : lines) {
    warned |= line["level"] == "warn" && line.contains("request_id");
  }
  BOOST_TEST(warned);
  auto text = daemon.log_text();
  BOOST_TEST(text.find("LogCanary") == std::string::npos);
  BOOST_TEST(text.find(key) == std::string::npos);
  BOOST_TEST(text.find(key.substr(key.rfind('_') + 1)) == std::string::npos);
  BOOST_TEST(text.find("Bearer") == std::string::npos);
  BOOST_TEST(text.find("uthorization") == std::string::npos);
}

// Verifies, with a real Kamailio, reloads counted by node, table and result with durations, the
// loaded and expected rows, in-sync and restarts per node, registrations by state, and /readyz
// naming the node in sync; the daemon's log lines stay JSON throughout.
BOOST_FIXTURE_TEST_CASE(edge_families_with_kamailio, EdgeFixture) {
  auto trunk = create(R"({"name":"in","proxy":"127.0.0.1:)" + std::to_string(reserve_port()) +
                      R"(","inbound_ip":"127.0.0.2"})");
  wait_applied(trunk);
  // The trunk's source key and route, its customer's routes, the probe list's entry and count.
  BOOST_TEST_REQUIRE(edge_has_rows(5, "htable"));
  const std::string node = "node=\"" + kamailio.rpc_url() + "\"";
  auto text = scrape(daemon.port());
  BOOST_TEST(
      series(text, "mv_edge_reloads_total{" + node + R"(,result="ok",table="dispatcher"})") >= 1);
  BOOST_TEST(series(text, R"(mv_edge_reload_duration_seconds_count{table="dispatcher"})") >= 1);
  BOOST_TEST(series(text, "mv_edge_loaded_rows{" + node + R"(,table="htable"})") == 5);
  BOOST_TEST(series(text, "mv_edge_expected_rows{" + node + R"(,table="htable"})") == 5);
  BOOST_TEST(series(text, "mv_edge_node_in_sync{" + node + "}") == 1);
  BOOST_TEST(series(text, "mv_edge_restarts_seen_total{" + node + "}") == 0);
  BOOST_TEST(text.find(trunk["id"].get<std::string>()) == std::string::npos);
  BOOST_TEST(text.find("cust_edge") == std::string::npos);

  auto ready = http_request(daemon.port(), "GET", "/readyz");
  BOOST_TEST(ready.status == 200);
  BOOST_TEST(json::parse(ready.body)["nodes"] ==
             json::parse(R"([{"endpoint":")" + kamailio.rpc_url() + R"(","in_sync":true}])"));

  // A trunk that registers with a carrier nobody answers for: counted under its state.
  create(R"({"name":"reg","proxy":"127.0.0.1:)" + std::to_string(reserve_port()) +
         R"(","username":"acct","password":"s3cret"})");
  auto registered = [&] {
    auto scraped = scrape(daemon.port());
    double total = 0;
    for (const char* state : {"REGED", "TRYING", "FAILED", "FAIL_WAIT", "UNREGED", "UNKNOWN"}) {
      total += series(scraped, "mv_registrations{state=\"" + std::string(state) + "\"}");
    }
    return total == 1;
  };
  BOOST_TEST(wait_until(registered, 20s), scrape(daemon.port()));

  // The whole scrape, with trunks and a node behind it, as Prometheus's own linter reads it
  // (issue 18): it prints nothing for a clean exposition.
  auto file =
      std::filesystem::temp_directory_path() / ("mv-metrics-" + std::to_string(getpid()) + ".prom");
  std::ofstream(file) << scrape(daemon.port());
  std::string lint = "(promtool failed)";
  BOOST_CHECK_NO_THROW(
      lint = run_and_capture({"sh", "-c", "promtool check metrics < \"$0\" 2>&1", file.string()}));
  BOOST_TEST(lint == "");
  std::filesystem::remove(file);
  log_lines(daemon);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
