#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include "metrics/edge_metrics.h"
#include "metrics/http_metrics.h"
#include "metrics/noc_metrics.h"
#include "metrics/registry.h"
#include "support/fakes.h"

namespace mv::metrics {

BOOST_AUTO_TEST_SUITE(metrics)

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

// A source whose families are computed at scrape time.
class FixedSource final : public prometheus::Collectable {
 public:
  mutable int scrapes = 0;
  std::vector<prometheus::MetricFamily> Collect() const override {
    ++scrapes;
    auto family = gauge_family("mv_fixed", "Fixed");
    add_sample(family, {{"kind", "one"}}, scrapes);
    return {family};
  }
};

// Verifies a scrape is the text format 0.0.4 (HELP, TYPE, a line per series, label values
// escaped), the registry's own families first, then every source asked again at each scrape.
BOOST_AUTO_TEST_CASE(sources_are_collected_each_scrape) {
  Registry registry;
  prometheus::BuildCounter()
      .Name("mv_own_total")
      .Help("Own")
      .Register(registry.families())
      .Add({{"route", "/a/\"b\""}})
      .Increment(2);
  FixedSource source;
  registry.add_source(source);
  registry.render();
  BOOST_TEST(registry.render() ==
             "# HELP mv_own_total Own\n"
             "# TYPE mv_own_total counter\n"
             "mv_own_total{route=\"/a/\\\"b\\\"\"} 2\n"
             "# HELP mv_fixed Fixed\n"
             "# TYPE mv_fixed gauge\n"
             "mv_fixed{kind=\"one\"} 2\n");
  BOOST_TEST(source.scrapes == 2);
}

// Verifies requests are counted by route pattern, method and status, unknown methods and routes
// folded into bounded labels.
BOOST_AUTO_TEST_CASE(http_metrics_bound_their_labels) {
  Registry registry;
  HttpMetrics http(registry);
  http.observe("/v1/trunks/{id}", "GET", 200, 0.003);
  http.observe("/v1/trunks/{id}", "GET", 200, 0.004);
  http.observe("", "BREW", 404, 0.001);
  auto text = registry.render();
  BOOST_TEST(has_line(
      text, R"(mv_http_requests_total{method="GET",route="/v1/trunks/{id}",status="200"} 2)"));
  BOOST_TEST(
      has_line(text, R"(mv_http_requests_total{method="other",route="unmatched",status="404"} 1)"));
  BOOST_TEST(has_line(
      text,
      R"(mv_http_request_duration_seconds_bucket{method="GET",route="/v1/trunks/{id}",le="0.005"} 2)"));
  BOOST_TEST(HttpMetrics::method_label("DELETE") == "DELETE");
  BOOST_TEST(HttpMetrics::method_label("get") == "other");
}

// Verifies reloads are counted by node, table and result and timed by table.
BOOST_AUTO_TEST_CASE(reload_metrics_count_and_time) {
  Registry registry;
  EdgeReloadMetrics reloads(registry);
  reloads.reloaded("http://n1/RPC", "address", "ok", std::chrono::milliseconds(20));
  reloads.reloaded("http://n1/RPC", "address", "error", std::chrono::milliseconds(2));
  auto text = registry.render();
  BOOST_TEST(has_line(
      text, R"(mv_edge_reloads_total{node="http://n1/RPC",result="ok",table="address"} 1)"));
  BOOST_TEST(has_line(
      text, R"(mv_edge_reloads_total{node="http://n1/RPC",result="error",table="address"} 1)"));
  BOOST_TEST(has_line(text, R"(mv_edge_reload_duration_seconds_count{table="address"} 2)"));
}

// Verifies the edge status becomes per node and table row gauges, in-sync and restarts.
BOOST_AUTO_TEST_CASE(edge_status_is_exposed) {
  test::FakeEdgeStatus edge;
  edge::NodeStatus node;
  node.endpoint = "http://127.0.0.1:5071/RPC";
  node.last_result = "ok";
  node.restarts_seen = 2;
  node.tables = {{"address", 3, 2, 7}, {"dispatcher", 4, 4, 7}};
  edge.nodes = {node};
  Registry registry;
  EdgeStatusMetrics source(edge);
  registry.add_source(source);
  auto text = registry.render();
  const std::string n = R"(node="http://127.0.0.1:5071/RPC")";
  BOOST_TEST(has_line(text, "mv_edge_loaded_rows{" + n + R"(,table="address"} 2)"));
  BOOST_TEST(has_line(text, "mv_edge_expected_rows{" + n + R"(,table="address"} 3)"));
  BOOST_TEST(has_line(text, "mv_edge_loaded_rows{" + n + R"(,table="dispatcher"} 4)"));
  BOOST_TEST(has_line(text, "mv_edge_node_in_sync{" + n + "} 0"));
  BOOST_TEST(has_line(text, "# TYPE mv_edge_restarts_seen_total counter"));
  BOOST_TEST(has_line(text, "mv_edge_restarts_seen_total{" + n + "} 2"));
  edge.nodes[0].tables[0].loaded_rows = 3;
  BOOST_TEST(has_line(registry.render(), "mv_edge_node_in_sync{" + n + "} 1"));
}

class FakeRegistrationCounts final : public edge::RegistrationCounts {
 public:
  std::map<std::string, std::size_t> counts;
  std::map<std::string, std::size_t> count_by_state() const override { return counts; }
};

// Verifies registrations are counted by state, every state present even at 0.
BOOST_AUTO_TEST_CASE(registrations_by_state) {
  FakeRegistrationCounts counts;
  counts.counts = {{"REGED", 3}, {"FAILED", 1}};
  Registry registry;
  RegistrationMetrics source(counts);
  registry.add_source(source);
  auto text = registry.render();
  BOOST_TEST(has_line(text, R"(mv_registrations{state="REGED"} 3)"));
  BOOST_TEST(has_line(text, R"(mv_registrations{state="FAILED"} 1)"));
  BOOST_TEST(has_line(text, R"(mv_registrations{state="FAIL_WAIT"} 0)"));
  BOOST_TEST(has_line(text, R"(mv_registrations{state="UNKNOWN"} 0)"));
}

// Verifies the NOC hook: destinations per node and state with the state a node has none in at
// 0, and no trunk or customer id anywhere.
BOOST_AUTO_TEST_CASE(noc_families_from_the_hook) {
  std::vector<DestinationCount> destinations{{"http://n1/RPC", "inactive", 1},
                                             {"http://n2/RPC", "active", 2}};
  NocMetrics noc([&] { return destinations; });
  Registry registry;
  registry.add_source(noc);
  auto text = registry.render();
  BOOST_TEST(has_line(text, "# TYPE mv_dispatcher_destinations gauge"));
  BOOST_TEST(
      has_line(text, R"(mv_dispatcher_destinations{node="http://n1/RPC",state="active"} 0)"));
  BOOST_TEST(
      has_line(text, R"(mv_dispatcher_destinations{node="http://n1/RPC",state="inactive"} 1)"));
  BOOST_TEST(
      has_line(text, R"(mv_dispatcher_destinations{node="http://n2/RPC",state="active"} 2)"));
  BOOST_TEST(
      has_line(text, R"(mv_dispatcher_destinations{node="http://n2/RPC",state="inactive"} 0)"));
  destinations[0].count = 4;
  BOOST_TEST(has_line(registry.render(),
                      R"(mv_dispatcher_destinations{node="http://n1/RPC",state="inactive"} 4)"));
}

// Verifies counts that cannot be read (a node down) empty the family, not the scrape.
BOOST_AUTO_TEST_CASE(noc_failure_keeps_the_scrape) {
  NocMetrics noc([]() -> std::vector<DestinationCount> { throw std::runtime_error("down"); });
  RedisErrorMetrics redis_errors({});
  Registry registry;
  registry.add_source(noc);
  registry.add_source(redis_errors);
  auto text = registry.render();
  BOOST_TEST(has_line(text, "mv_redis_errors_total 0"));
  BOOST_TEST(has_line(text, "# TYPE mv_dispatcher_destinations gauge"));
  BOOST_TEST(text.find("mv_dispatcher_destinations{") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::metrics
