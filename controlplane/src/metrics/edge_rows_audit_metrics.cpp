#include "metrics/edge_rows_audit_metrics.h"

namespace mv::metrics {

void EdgeRowsAuditMetrics::collect(MetricsWriter& out) const {
  auto totals = audit_.totals();
  out.family("mv_edge_rows_audit_trunks_checked_total",
             "Trunks whose Kamailio rows in Redis the rows audit compared with their model",
             MetricType::counter);
  out.sample("mv_edge_rows_audit_trunks_checked_total", {},
             static_cast<double>(totals.trunks_checked));
  out.family(
      "mv_edge_rows_audit_repaired_rows_total",
      "Kamailio rows in Redis the rows audit found differing from their trunk and wrote again",
      MetricType::counter);
  out.sample("mv_edge_rows_audit_repaired_rows_total", {},
             static_cast<double>(totals.rows_repaired));
  out.family("mv_edge_rows_audit_walks_total",
             "Walks of the rows audit through every trunk completed", MetricType::counter);
  out.sample("mv_edge_rows_audit_walks_total", {}, static_cast<double>(totals.walks_completed));
}

}  // namespace mv::metrics
