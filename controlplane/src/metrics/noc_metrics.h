#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "metrics/metrics_writer.h"

namespace mv::metrics {

// Drift of one table on one node: missing + extra + differing rows (GET /v1/noc/drift).
struct DriftRows {
  std::string node;  // the node's JSON-RPC endpoint
  std::string table;
  std::size_t rows = 0;
};

// How many dispatcher destinations on one node are in one state (GET /v1/noc/dispatcher).
struct DestinationCount {
  std::string node;
  std::string state;  // active, inactive, disabled, trying
  std::size_t count = 0;
};

// mv_edge_drift_rows{node,table} and mv_dispatcher_destinations{node,state}, from the NOC views
// (as last read: see noc_service_metrics). Only node and table names and states are labels: no
// trunk or customer ids. The views should leave out a node that does not answer (no series rather
// than a drift of 0); every node named in `destinations` gets all four states, at 0 where it has
// none (so a node with no destination is passed as one entry with count 0). A view that throws
// (Redis or a node down) leaves its family empty for that scrape instead of failing the whole
// scrape.
class NocMetrics final : public MetricsSource {
 public:
  NocMetrics(std::function<std::vector<DriftRows>()> drift,
             std::function<std::vector<DestinationCount>()> destinations)
      : drift_(std::move(drift)), destinations_(std::move(destinations)) {}
  void collect(MetricsWriter& out) const override;

 private:
  std::function<std::vector<DriftRows>()> drift_;
  std::function<std::vector<DestinationCount>()> destinations_;
};

}  // namespace mv::metrics
