#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "metrics/registry.h"

namespace mv::metrics {

// How many trunk destinations (the probe list) on one node are in one state.
struct DestinationCount {
  std::string node;
  std::string state;  // active, inactive
  std::size_t count = 0;
};

// mv_dispatcher_destinations{node,state} (the name from when the dispatcher probed trunks):
// "inactive" the trunk destinations the probes hold down (calls
// skip them), "active" the others. Only node names and states are labels: no trunk or customer
// ids. The counts should leave out a node that does not answer (no series rather than 0); every
// node named gets both states, at 0 where it has none. A source that throws leaves the family
// empty for that scrape instead of failing the whole scrape.
class NocMetrics final : public prometheus::Collectable {
 public:
  explicit NocMetrics(std::function<std::vector<DestinationCount>()> destinations)
      : destinations_(std::move(destinations)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::function<std::vector<DestinationCount>()> destinations_;
};

}  // namespace mv::metrics
