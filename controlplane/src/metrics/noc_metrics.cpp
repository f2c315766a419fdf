#include "metrics/noc_metrics.h"

#include <map>
#include <stdexcept>

namespace mv::metrics {

std::vector<prometheus::MetricFamily> NocMetrics::Collect() const {
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
  auto family =
      gauge_family("mv_dispatcher_destinations",
                   "Trunk destinations each node probes: inactive while the probes hold them down");
  for (const auto& [node, states] : by_node) {
    for (const auto& [state, count] : states) {
      add_sample(family, {{"node", node}, {"state", state}}, static_cast<double>(count));
    }
  }
  return {family};
}

}  // namespace mv::metrics
