#include "service/edge_rows_upgrade.h"

#include "model/edge_rows.h"

namespace mv::service {

std::optional<std::size_t> upgrade_edge_rows(store::TrunkCatalog& catalog,
                                             store::EdgeRowsStore& rows,
                                             const std::function<void()>& changed,
                                             std::stop_token stop, spdlog::logger& log) {
  auto recorded = rows.edge_rows_layout();
  if (recorded >= model::kEdgeRowsLayout) return std::nullopt;
  auto trunks = catalog.all_trunks();
  log.warn("edge rows: layout {} in Redis, this daemon writes {}: writing {} trunks' rows again",
           recorded, model::kEdgeRowsLayout, trunks.size());
  std::size_t written = 0;
  for (const auto& trunk : trunks) {
    if (stop.stop_requested()) {
      log.warn("edge rows: stopped after {} of {} trunks; the next start goes on", written,
               trunks.size());
      return std::nullopt;
    }
    rows.rewrite_edge_rows(trunk);
    if (++written % 1000 == 0) {
      changed();
      log.info("edge rows: {} of {} trunks written", written, trunks.size());
    }
  }
  changed();
  rows.record_edge_rows_layout(model::kEdgeRowsLayout);
  log.info("edge rows: every trunk's rows written in layout {}", model::kEdgeRowsLayout);
  return written;
}

}  // namespace mv::service
