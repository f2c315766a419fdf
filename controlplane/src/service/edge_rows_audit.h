#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <stop_token>
#include <string>

#include <spdlog/logger.h>

#include "edge/edge_ports.h"
#include "store/edge_rows_store.h"

namespace mv::service {

// Kamailio's rows in Redis checked against what the trunks call for, one bounded step per tick:
// a row changed or deleted in Kamailio's database behind the daemon's back (by hand, a restored
// backup, another tool) is written again, and the nodes pick it up like any change (htable mv key
// by key through its change log, the dispatcher at its next reload). Each step looks at about
// `keys_per_tick` keys of the daemon's database and rewrites the trunks among them
// (lua/trunk_edge_rewrite.lua: rows already right are not touched), so its cost does not grow
// with the table; the whole walk takes (keys in the database / keys_per_tick) ticks. Rows no
// trunk owns (a stray row) are left to the NOC's drift view. Replicas of the daemon each walk on
// their own: a row is repaired by whichever comes first, the other finds it right.
class EdgeRowsAudit {
 public:
  struct Settings {
    std::chrono::milliseconds tick{1000};
    std::size_t keys_per_tick = 20;
  };
  struct Counts {
    std::size_t trunks_checked = 0;
    std::size_t rows_repaired = 0;
    std::size_t walks_completed = 0;  // every trunk checked once more
  };

  EdgeRowsAudit(store::EdgeRowsStore& rows, edge::TrunkChangeListener& edge, Settings settings,
                spdlog::logger& log);

  // One step of the walk: returns what it did. Throws StoreUnavailable.
  Counts step();
  // Steps every tick until `stop`; a step that fails is logged and the walk goes on next tick.
  void run(std::stop_token stop);
  // Since the daemon started.
  Counts totals() const;

 private:
  store::EdgeRowsStore& rows_;
  edge::TrunkChangeListener& edge_;
  Settings settings_;
  spdlog::logger& log_;
  std::string cursor_ = "0";
  mutable std::mutex totals_mutex_;
  Counts totals_;
};

}  // namespace mv::service
