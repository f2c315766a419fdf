#pragma once

#include "metrics/registry.h"
#include "service/edge_rows_audit.h"

namespace mv::metrics {

// The rows audit's totals (service::EdgeRowsAudit): trunks checked, rows written again, walks
// through every trunk completed. A scrape reads nothing.
class EdgeRowsAuditMetrics final : public MetricsSource {
 public:
  explicit EdgeRowsAuditMetrics(const service::EdgeRowsAudit& audit) : audit_(audit) {}
  void collect(MetricsWriter& out) const override;

 private:
  const service::EdgeRowsAudit& audit_;
};

}  // namespace mv::metrics
