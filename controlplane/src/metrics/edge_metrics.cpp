#include "metrics/edge_metrics.h"

namespace mv::metrics {

EdgeReloadMetrics::EdgeReloadMetrics(Registry& registry)
    : reloads_(registry.counter("mv_edge_reloads_total",
                                "Table reloads asked of Kamailio nodes, by node, table and result",
                                {"node", "table", "result"})),
      duration_(registry.histogram("mv_edge_reload_duration_seconds",
                                   "Time for a node to reload a table and report what it loaded",
                                   {"table"},
                                   {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30})) {
}

void EdgeReloadMetrics::reloaded(const std::string& node, const std::string& table,
                                 const std::string& result, std::chrono::duration<double> took) {
  reloads_.inc({node, table, result});
  duration_.observe({table}, took.count());
}

void EdgeStatusMetrics::collect(MetricsWriter& out) const {
  auto nodes = edge_.status();
  out.family("mv_edge_loaded_rows", "Rows a Kamailio node reports loaded, by table",
             MetricType::gauge);
  for (const auto& node : nodes) {
    for (const auto& table : node.tables) {
      out.sample("mv_edge_loaded_rows", {{"node", node.endpoint}, {"table", table.table}},
                 static_cast<double>(table.loaded_rows));
    }
  }
  out.family("mv_edge_expected_rows", "Rows Redis holds for the node to load, by table",
             MetricType::gauge);
  for (const auto& node : nodes) {
    for (const auto& table : node.tables) {
      out.sample("mv_edge_expected_rows", {{"node", node.endpoint}, {"table", table.table}},
                 static_cast<double>(table.expected_rows));
    }
  }
  out.family("mv_edge_node_in_sync",
             "1 when the node's last check succeeded and it loaded every row Redis holds",
             MetricType::gauge);
  for (const auto& node : nodes) {
    out.sample("mv_edge_node_in_sync", {{"node", node.endpoint}}, node.in_sync() ? 1 : 0);
  }
  out.family("mv_edge_restarts_seen_total", "Kamailio restarts the daemon noticed, by node",
             MetricType::counter);
  for (const auto& node : nodes) {
    out.sample("mv_edge_restarts_seen_total", {{"node", node.endpoint}},
               static_cast<double>(node.restarts_seen));
  }
  out.family("mv_edge_audit_repaired_rows_total",
             "htable keys the background audit found differing on a node and set again",
             MetricType::counter);
  for (const auto& node : nodes) {
    out.sample("mv_edge_audit_repaired_rows_total", {{"node", node.endpoint}},
               static_cast<double>(node.audit_repaired_rows));
  }
}

void RegistrationMetrics::collect(MetricsWriter& out) const {
  auto counts = counts_.count_by_state();
  for (const char* state : {"REGED", "TRYING", "FAILED", "FAIL_WAIT", "UNREGED", "UNKNOWN"}) {
    counts.try_emplace(state, 0);
  }
  out.family("mv_registrations", "Trunk registrations by their last polled state",
             MetricType::gauge);
  for (const auto& [state, count] : counts) {
    out.sample("mv_registrations", {{"state", state}}, static_cast<double>(count));
  }
}

void RedisErrorMetrics::collect(MetricsWriter& out) const {
  std::uint64_t errors = 0;
  for (const auto* pool : pools_) errors += pool->errors();
  out.family("mv_redis_errors_total",
             "Redis commands that failed: connection lost, timeout, error reply or pool exhausted",
             MetricType::counter);
  out.sample("mv_redis_errors_total", {}, static_cast<double>(errors));
}

}  // namespace mv::metrics
