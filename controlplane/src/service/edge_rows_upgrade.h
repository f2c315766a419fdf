#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <stop_token>

#include <spdlog/logger.h>

#include "store/edge_rows_store.h"
#include "store/trunk_catalog.h"

namespace mv::service {

// After an upgrade that changed the trunks' Kamailio rows (model::kEdgeRowsLayout newer than the
// layout recorded in Redis), writes every trunk's rows again, then records the layout: until then
// a trunk written by an older daemon would neither receive calls nor route any. Writes of the API
// meanwhile make their own rows; a trunk changed under the upgrade is left to that write. Daemon
// replicas may run it at once (a row already right is not touched). `changed` is called every
// 1,000 trunks and at the end, so the edge picks the rows up. Returns how many trunks it went
// through, or nullopt when it had nothing to do or `stop` ended it first (the layout is then not
// recorded: the next start goes on). Throws StoreUnavailable.
std::optional<std::size_t> upgrade_edge_rows(store::TrunkCatalog& catalog,
                                             store::EdgeRowsStore& rows,
                                             const std::function<void()>& changed,
                                             std::stop_token stop, spdlog::logger& log);

}  // namespace mv::service
