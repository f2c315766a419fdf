#include "metrics/noc_service_metrics.h"

#include <algorithm>

namespace mv::metrics {

NocMetrics noc_service_metrics(const service::NocService& noc) {
  return NocMetrics([&noc] {
    std::vector<DestinationCount> counts;
    for (const auto& node : noc.last_sample().destinations) {
      if (node.error) continue;
      // A mark can outlive its destination until the next dispatcher reload clears it.
      auto down = std::min(node.down, node.loaded);
      counts.push_back({node.endpoint, "inactive", down});
      counts.push_back({node.endpoint, "active", node.loaded - down});
    }
    return counts;
  });
}

}  // namespace mv::metrics
