#include "service/edge_rows_audit.h"

#include <condition_variable>

#include "store/store_unavailable.h"

namespace mv::service {

EdgeRowsAudit::EdgeRowsAudit(store::EdgeRowsStore& rows, edge::TrunkChangeListener& edge,
                             Settings settings, spdlog::logger& log)
    : rows_(rows), edge_(edge), settings_(settings), log_(log) {}

EdgeRowsAudit::Counts EdgeRowsAudit::step() {
  Counts done;
  for (const auto& trunk : rows_.next_trunks(cursor_, settings_.keys_per_tick)) {
    ++done.trunks_checked;
    // nullopt: written since it was read, and that write made its rows.
    auto changed = rows_.rewrite_edge_rows(trunk);
    if (changed && *changed > 0) {
      done.rows_repaired += *changed;
      log_.warn("edge rows audit: {} rows of trunk {} differed from its model: written again",
                *changed, trunk.id);
    }
  }
  if (cursor_ == "0") done.walks_completed = 1;
  if (done.rows_repaired > 0) edge_.trunks_changed();
  std::lock_guard lock(totals_mutex_);
  totals_.trunks_checked += done.trunks_checked;
  totals_.rows_repaired += done.rows_repaired;
  totals_.walks_completed += done.walks_completed;
  return done;
}

void EdgeRowsAudit::run(std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    try {
      step();
    } catch (const store::StoreUnavailable& e) {
      log_.warn("edge rows audit: redis: {}", e.what());
    } catch (const std::exception& e) {
      log_.error("edge rows audit: {}", e.what());
    }
    std::unique_lock lock(mutex);
    wake.wait_for(lock, stop, settings_.tick, [] { return false; });
  }
}

EdgeRowsAudit::Counts EdgeRowsAudit::totals() const {
  std::lock_guard lock(totals_mutex_);
  return totals_;
}

}  // namespace mv::service
