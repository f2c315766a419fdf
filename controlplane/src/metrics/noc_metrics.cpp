#include "metrics/noc_metrics.h"

#include <map>
#include <stdexcept>

namespace mv::metrics {

void NocMetrics::collect(MetricsWriter& out) const {
  std::vector<DestinationCount> counts;
  try {
    counts = destinations_();
  } catch (const std::exception&) {
    // No counts this scrape: the family stays, without series.
  }
  std::map<std::string, std::map<std::string, std::size_t>> by_node;  // node -> state -> count
  for (const auto& entry : counts) {
    auto& states = by_node[entry.node];
    for (const char* state : {"active", "inactive"}) states.try_emplace(state, 0);
    states[entry.state] += entry.count;
  }
  out.family("mv_dispatcher_destinations",
             "Trunk destinations each node probes: inactive while the probes hold them down",
             MetricType::gauge);
  for (const auto& [node, states] : by_node) {
    for (const auto& [state, count] : states) {
      out.sample("mv_dispatcher_destinations", {{"node", node}, {"state", state}},
                 static_cast<double>(count));
    }
  }
}

}  // namespace mv::metrics
