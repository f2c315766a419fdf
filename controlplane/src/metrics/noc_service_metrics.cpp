#include "metrics/noc_service_metrics.h"

#include <map>

namespace mv::metrics {

NocMetrics noc_service_metrics(const service::NocService& noc) {
  auto drift = [&noc] {
    std::vector<DriftRows> rows;
    for (const auto& node : noc.last_sample().drift) {
      if (node.error) continue;
      for (const auto& table : node.tables) {
        rows.push_back({node.endpoint, table.table, table.drift_rows()});
      }
    }
    return rows;
  };
  auto destinations = [&noc] {
    std::vector<DestinationCount> counts;
    for (const auto& node : noc.last_sample().dispatcher) {
      if (node.error) continue;
      std::map<std::string, std::size_t> by_state;
      for (const auto& set : node.value) {
        for (const auto& destination : set.destinations) ++by_state[destination.state];
      }
      if (by_state.empty()) counts.push_back({node.endpoint, "active", 0});
      for (const auto& [state, count] : by_state) counts.push_back({node.endpoint, state, count});
    }
    return counts;
  };
  return NocMetrics(drift, destinations);
}

}  // namespace mv::metrics
