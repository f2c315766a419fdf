#include <boost/test/unit_test.hpp>

#include <spdlog/sinks/null_sink.h>
#include <nlohmann/json.hpp>

#include "api/api_service.h"
#include "api/ops_routes.h"
#include "support/fakes.h"

namespace mv::api {

BOOST_AUTO_TEST_SUITE(ops_routes)

// The ops routes alone on a router, as on the admin listener.
struct OpsFixture {
  metrics::Registry metrics;
  metrics::HttpMetrics http_metrics{metrics};
  test::FakeEdgeStatus edge;
  test::FakeApiKeyStore keys;
  bool redis_up = true;
  ApiService api{
      router(), keys,
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_st>()),
      &http_metrics};

  Router router() {
    Router routes;
    add_ops_routes(routes, {metrics, edge, [this] { return redis_up; }});
    return routes;
  }
  HttpResponse get(const std::string& path) { return api.handle({"GET", path, "", {}, ""}); }

  static edge::NodeStatus node(const std::string& endpoint, bool in_sync) {
    edge::NodeStatus status;
    status.endpoint = endpoint;
    status.last_result = in_sync ? "ok" : "mismatch";
    status.tables = {{"address", 2, in_sync ? 2u : 1u, 1}};
    return status;
  }
};

std::optional<std::string> header(const HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

// Verifies /healthz, /readyz and /metrics answer without a key.
BOOST_FIXTURE_TEST_CASE(no_key_needed, OpsFixture) {
  BOOST_TEST(get("/healthz").status == 200);
  BOOST_TEST(get("/healthz").body == R"({"status":"ok"})");
  BOOST_TEST(get("/readyz").status == 200);
  BOOST_TEST(get("/metrics").status == 200);
  for (const auto& route : api.router().routes()) BOOST_TEST((route.access == Access::anyone));
}

// Verifies /readyz is 200 "ready" with Redis answering and every node in sync.
BOOST_FIXTURE_TEST_CASE(ready_when_redis_and_nodes_are, OpsFixture) {
  edge.nodes = {node("http://n1/RPC", true), node("http://n2/RPC", true)};
  auto response = get("/readyz");
  BOOST_TEST(response.status == 200);
  BOOST_TEST(
      response.body ==
      R"({"status":"ready","redis":"ok","nodes":[{"endpoint":"http://n1/RPC","in_sync":true},)"
      R"({"endpoint":"http://n2/RPC","in_sync":true}]})");
}

// Verifies /readyz is 503 "not_ready" when Redis does not answer.
BOOST_FIXTURE_TEST_CASE(not_ready_without_redis, OpsFixture) {
  redis_up = false;
  auto response = get("/readyz");
  BOOST_TEST(response.status == 503);
  auto body = nlohmann::json::parse(response.body);
  BOOST_TEST(body["status"] == "not_ready");
  BOOST_TEST(body["redis"] == "unavailable");
}

// Verifies /readyz is 503 "not_ready" when one node is not in sync, naming it.
BOOST_FIXTURE_TEST_CASE(not_ready_with_a_node_behind, OpsFixture) {
  edge.nodes = {node("http://n1/RPC", true), node("http://n2/RPC", false)};
  auto response = get("/readyz");
  BOOST_TEST(response.status == 503);
  auto body = nlohmann::json::parse(response.body);
  BOOST_TEST(body["status"] == "not_ready");
  BOOST_TEST(body["redis"] == "ok");
  BOOST_TEST(body["nodes"][1]["in_sync"] == false);
}

// Verifies /metrics is the text format 0.0.4 and counts the scrapes themselves.
BOOST_FIXTURE_TEST_CASE(metrics_in_text_format, OpsFixture) {
  get("/healthz");
  auto response = get("/metrics");
  BOOST_TEST(header(response, "Content-Type").value_or("") ==
             "text/plain; version=0.0.4; charset=utf-8");
  BOOST_TEST(response.body.find(
                 R"(mv_http_requests_total{method="GET",route="/healthz",status="200"} 1)") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::api
