#include "metrics/noc_metrics.h"

#include <map>
#include <stdexcept>

namespace mv::metrics {

namespace {

template <typename T>
std::vector<T> or_nothing(const std::function<std::vector<T>()>& view) {
  try {
    return view();
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace

void NocMetrics::collect(MetricsWriter& out) const {
  out.family("mv_edge_drift_rows",
             "Rows that differ between Redis and a node (missing, extra or differing), by table",
             MetricType::gauge);
  for (const auto& drift : or_nothing(drift_)) {
    out.sample("mv_edge_drift_rows", {{"node", drift.node}, {"table", drift.table}},
               static_cast<double>(drift.rows));
  }
  std::map<std::string, std::map<std::string, std::size_t>> by_node;  // node -> state -> count
  for (const auto& entry : or_nothing(destinations_)) {
    auto& states = by_node[entry.node];
    for (const char* state : {"active", "inactive", "disabled", "trying"}) {
      states.try_emplace(state, 0);
    }
    states[entry.state] += entry.count;
  }
  out.family("mv_dispatcher_destinations", "Dispatcher destinations on each node, by state",
             MetricType::gauge);
  for (const auto& [node, states] : by_node) {
    for (const auto& [state, count] : states) {
      out.sample("mv_dispatcher_destinations", {{"node", node}, {"state", state}},
                 static_cast<double>(count));
    }
  }
}

}  // namespace mv::metrics
