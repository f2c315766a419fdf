#include "metrics/edge_rows_audit_metrics.h"

namespace mv::metrics {

std::vector<prometheus::MetricFamily> EdgeRowsAuditMetrics::Collect() const {
  auto totals = audit_.totals();
  auto checked = counter_family(
      "mv_edge_rows_audit_trunks_checked_total",
      "Trunks whose Kamailio rows in Redis the rows audit compared with their model");
  add_sample(checked, {}, static_cast<double>(totals.trunks_checked));
  auto repaired = counter_family(
      "mv_edge_rows_audit_repaired_rows_total",
      "Kamailio rows in Redis the rows audit found differing from their trunk and wrote again");
  add_sample(repaired, {}, static_cast<double>(totals.rows_repaired));
  auto walks = counter_family("mv_edge_rows_audit_walks_total",
                              "Walks of the rows audit through every trunk completed");
  add_sample(walks, {}, static_cast<double>(totals.walks_completed));
  return {checked, repaired, walks};
}

}  // namespace mv::metrics
