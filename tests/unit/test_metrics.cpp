#include <boost/test/unit_test.hpp>

#include <cmath>
#include <stdexcept>
#include <thread>

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

// Verifies backslash, double quote and newline are escaped in label values, and invalid UTF-8 is
// replaced, as the text format 0.0.4 requires.
BOOST_AUTO_TEST_CASE(label_values_are_escaped) {
  BOOST_TEST(escape_label_value(R"(a\b)") == R"(a\\b)");
  BOOST_TEST(escape_label_value(R"(say "hi")") == R"(say \"hi\")");
  BOOST_TEST(escape_label_value("two\nlines") == R"(two\nlines)");
  BOOST_TEST(escape_label_value("tab\there") == "tab\there");
  BOOST_TEST(escape_label_value("caf\xC3\xA9") == "caf\xC3\xA9");
  BOOST_TEST(escape_label_value("bad\xFF") == "bad\xEF\xBF\xBD");
  BOOST_TEST(escape_help("a\\b\nc \"q\"") == "a\\\\b\\nc \"q\"");
}

// Verifies values are written as Prometheus reads them: shortest form, +Inf, -Inf, NaN.
BOOST_AUTO_TEST_CASE(values_are_formatted) {
  BOOST_TEST(format_value(0) == "0");
  BOOST_TEST(format_value(42) == "42");
  BOOST_TEST(format_value(0.005) == "0.005");
  BOOST_TEST(format_value(2.5) == "2.5");
  BOOST_TEST(format_value(HUGE_VAL) == "+Inf");
  BOOST_TEST(format_value(-HUGE_VAL) == "-Inf");
  BOOST_TEST(format_value(std::nan("")) == "NaN");
  BOOST_TEST(format_value(1e21) == "1e+21");
}

// Verifies a counter family renders HELP, TYPE and one line per label set, in label order.
BOOST_AUTO_TEST_CASE(counter_renders_text_format) {
  Registry registry;
  auto& requests = registry.counter("mv_test_total", "Things counted", {"route", "status"});
  requests.inc({"/a/{id}", "200"});
  requests.inc({"/a/{id}", "200"});
  requests.inc({"/b", "404"}, 3);
  BOOST_TEST(registry.render() ==
             "# HELP mv_test_total Things counted\n"
             "# TYPE mv_test_total counter\n"
             "mv_test_total{route=\"/a/{id}\",status=\"200\"} 2\n"
             "mv_test_total{route=\"/b\",status=\"404\"} 3\n");
  BOOST_TEST(requests.value({"/a/{id}", "200"}) == 2);
  BOOST_TEST(requests.value({"/c", "200"}) == 0);
}

// Verifies a counter without labels is exposed at 0 before its first increment.
BOOST_AUTO_TEST_CASE(unlabelled_counter_starts_at_zero) {
  Registry registry;
  registry.counter("mv_things_total", "Things", {});
  BOOST_TEST(has_line(registry.render(), "mv_things_total 0"));
}

// Verifies gauges keep the last value set per label set.
BOOST_AUTO_TEST_CASE(gauge_keeps_last_value) {
  Registry registry;
  auto& gauge = registry.gauge("mv_level", "A level", {"node"});
  gauge.set({"n1"}, 5);
  gauge.set({"n1"}, 2);
  auto text = registry.render();
  BOOST_TEST(has_line(text, "# TYPE mv_level gauge"));
  BOOST_TEST(has_line(text, "mv_level{node=\"n1\"} 2"));
}

// Verifies histogram buckets are cumulative, include +Inf, and a value on a bound counts in it.
BOOST_AUTO_TEST_CASE(histogram_buckets_are_cumulative) {
  Registry registry;
  auto& histogram = registry.histogram("mv_took_seconds", "Durations", {"table"}, {0.125, 1});
  histogram.observe({"address"}, 0.0625);
  histogram.observe({"address"}, 0.125);
  histogram.observe({"address"}, 0.5);
  histogram.observe({"address"}, 7);
  BOOST_TEST(registry.render() ==
             "# HELP mv_took_seconds Durations\n"
             "# TYPE mv_took_seconds histogram\n"
             "mv_took_seconds_bucket{table=\"address\",le=\"0.125\"} 2\n"
             "mv_took_seconds_bucket{table=\"address\",le=\"1\"} 3\n"
             "mv_took_seconds_bucket{table=\"address\",le=\"+Inf\"} 4\n"
             "mv_took_seconds_sum{table=\"address\"} 7.6875\n"
             "mv_took_seconds_count{table=\"address\"} 4\n");
  BOOST_TEST(histogram.count({"address"}) == 4u);
}

// Verifies increments from many threads at once are all counted.
BOOST_AUTO_TEST_CASE(increments_are_thread_safe) {
  Registry registry;
  auto& counter = registry.counter("mv_hits_total", "Hits", {"worker"});
  auto& histogram = registry.histogram("mv_hit_seconds", "Hit time", {}, latency_buckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) {
        counter.inc({"shared"});
        histogram.observe({}, 0.002);
      }
    });
  }
  // Scrapes while the increments run must not tear or crash.
  for (int i = 0; i < 20; ++i) BOOST_TEST(!registry.render().empty());
  for (auto& thread : threads) thread.join();
  BOOST_TEST(counter.value({"shared"}) == 40000);
  BOOST_TEST(histogram.count({}) == 40000u);
}

// Verifies misuse is refused: wrong number of label values, bad names, reserved labels, a family
// registered twice, unsorted buckets, a counter going down.
BOOST_AUTO_TEST_CASE(misuse_is_refused) {
  Registry registry;
  auto& counter = registry.counter("mv_a_total", "A", {"x"});
  BOOST_CHECK_THROW(counter.inc({}), std::logic_error);
  BOOST_CHECK_THROW(counter.inc({"1", "2"}), std::logic_error);
  BOOST_CHECK_THROW(counter.inc({"1"}, -1), std::logic_error);
  BOOST_CHECK_THROW(registry.counter("mv_a_total", "again", {}), std::logic_error);
  BOOST_CHECK_THROW(registry.counter("9bad", "bad", {}), std::logic_error);
  BOOST_CHECK_THROW(registry.gauge("mv_b", "bad label", {"bad-label"}), std::logic_error);
  BOOST_CHECK_THROW(registry.histogram("mv_c", "le is reserved", {"le"}, {1}), std::logic_error);
  BOOST_CHECK_THROW(registry.histogram("mv_d", "unsorted", {}, {1, 0.5}), std::logic_error);
  BOOST_CHECK_THROW(registry.histogram("mv_e", "no buckets", {}, {}), std::logic_error);
}

// Verifies the writer refuses a family written twice and a sample outside its family.
BOOST_AUTO_TEST_CASE(writer_keeps_families_whole) {
  MetricsWriter out;
  BOOST_CHECK_THROW(out.sample("mv_x", {}, 1), std::logic_error);
  out.family("mv_x", "X", MetricType::gauge);
  out.sample("mv_x", {}, 1);
  BOOST_CHECK_THROW(out.sample("mv_y", {}, 1), std::logic_error);
  BOOST_CHECK_THROW(out.sample("mv_x_bucket", {}, 1), std::logic_error);
  BOOST_CHECK_THROW(out.family("mv_x", "X again", MetricType::gauge), std::logic_error);
}

// A source whose families are computed at scrape time.
class FixedSource final : public MetricsSource {
 public:
  mutable int scrapes = 0;
  void collect(MetricsWriter& out) const override {
    ++scrapes;
    out.family("mv_fixed", "Fixed", MetricType::gauge);
    out.sample("mv_fixed", {{"kind", "one"}}, scrapes);
  }
};

// Verifies sources are asked at every scrape, after the registry's own families.
BOOST_AUTO_TEST_CASE(sources_are_collected_each_scrape) {
  Registry registry;
  registry.counter("mv_own_total", "Own", {});
  FixedSource source;
  registry.add_source(source);
  registry.render();
  auto text = registry.render();
  BOOST_TEST(source.scrapes == 2);
  BOOST_TEST(text.find("mv_own_total") < text.find("mv_fixed"));
  BOOST_TEST(has_line(text, "mv_fixed{kind=\"one\"} 2"));
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
      text, R"(mv_http_requests_total{route="/v1/trunks/{id}",method="GET",status="200"} 2)"));
  BOOST_TEST(
      has_line(text, R"(mv_http_requests_total{route="unmatched",method="other",status="404"} 1)"));
  BOOST_TEST(has_line(
      text,
      R"(mv_http_request_duration_seconds_bucket{route="/v1/trunks/{id}",method="GET",le="0.005"} 2)"));
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
      text, R"(mv_edge_reloads_total{node="http://n1/RPC",table="address",result="ok"} 1)"));
  BOOST_TEST(has_line(
      text, R"(mv_edge_reloads_total{node="http://n1/RPC",table="address",result="error"} 1)"));
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
  Registry registry;
  registry.counter("mv_own_total", "Own", {});
  registry.add_source(noc);
  auto text = registry.render();
  BOOST_TEST(has_line(text, "mv_own_total 0"));
  BOOST_TEST(has_line(text, "# TYPE mv_dispatcher_destinations gauge"));
  BOOST_TEST(text.find("mv_dispatcher_destinations{") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::metrics
