#pragma once

#include "metrics/registry.h"
#include "service/edge_rows_audit.h"

namespace mv::metrics {

// The rows audit's totals (service::EdgeRowsAudit): trunks checked, rows written again, walks
// through every trunk completed. A scrape reads nothing.
class EdgeRowsAuditMetrics final : public prometheus::Collectable {
 public:
  explicit EdgeRowsAuditMetrics(const service::EdgeRowsAudit& audit) : audit_(audit) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const service::EdgeRowsAudit& audit_;
};

}  // namespace mv::metrics
