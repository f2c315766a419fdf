#include "metrics/edge_metrics.h"

namespace mv::metrics {

EdgeReloadMetrics::EdgeReloadMetrics(Registry& registry)
    : reloads_(prometheus::BuildCounter()
                   .Name("mv_edge_reloads_total")
                   .Help("Table reloads asked of Kamailio nodes, by node, table and result")
                   .Register(registry.families())),
      duration_(prometheus::BuildHistogram()
                    .Name("mv_edge_reload_duration_seconds")
                    .Help("Time for a node to reload a table and report what it loaded")
                    .Register(registry.families())) {}

void EdgeReloadMetrics::reloaded(const std::string& node, const std::string& table,
                                 const std::string& result, std::chrono::duration<double> took) {
  reloads_.Add({{"node", node}, {"table", table}, {"result", result}}).Increment();
  duration_.Add({{"table", table}}, buckets_).Observe(took.count());
}

std::vector<prometheus::MetricFamily> EdgeStatusMetrics::Collect() const {
  auto nodes = edge_.status();
  auto loaded =
      gauge_family("mv_edge_loaded_rows", "Rows a Kamailio node reports loaded, by table");
  auto expected =
      gauge_family("mv_edge_expected_rows", "Rows Redis holds for the node to load, by table");
  auto in_sync =
      gauge_family("mv_edge_node_in_sync",
                   "1 when the node's last check succeeded and it loaded every row Redis holds");
  auto restarts = counter_family("mv_edge_restarts_seen_total",
                                 "Kamailio restarts the daemon noticed, by node");
  auto repaired =
      counter_family("mv_edge_audit_repaired_rows_total",
                     "htable keys the background audit found differing on a node and set again");
  for (const auto& node : nodes) {
    for (const auto& table : node.tables) {
      Labels labels{{"node", node.endpoint}, {"table", table.table}};
      add_sample(loaded, labels, static_cast<double>(table.loaded_rows));
      add_sample(expected, labels, static_cast<double>(table.expected_rows));
    }
    add_sample(in_sync, {{"node", node.endpoint}}, node.in_sync() ? 1 : 0);
    add_sample(restarts, {{"node", node.endpoint}}, static_cast<double>(node.restarts_seen));
    add_sample(repaired, {{"node", node.endpoint}}, static_cast<double>(node.audit_repaired_rows));
  }
  return {loaded, expected, in_sync, restarts, repaired};
}

std::vector<prometheus::MetricFamily> RegistrationMetrics::Collect() const {
  auto counts = counts_.count_by_state();
  for (const char* state : {"REGED", "TRYING", "FAILED", "FAIL_WAIT", "UNREGED", "UNKNOWN"}) {
    counts.try_emplace(state, 0);
  }
  auto family = gauge_family("mv_registrations", "Trunk registrations by their last polled state");
  for (const auto& [state, count] : counts) {
    add_sample(family, {{"state", state}}, static_cast<double>(count));
  }
  return {family};
}

std::vector<prometheus::MetricFamily> RedisErrorMetrics::Collect() const {
  std::uint64_t errors = 0;
  for (const auto* pool : pools_) errors += pool->errors();
  auto family = counter_family(
      "mv_redis_errors_total",
      "Redis commands that failed: connection lost, timeout, error reply or pool exhausted");
  add_sample(family, {}, static_cast<double>(errors));
  return {family};
}

}  // namespace mv::metrics
