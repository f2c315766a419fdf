#pragma once

#include <string>
#include <vector>

#include "model/trunk.h"

namespace mv::store {

// Every trunk at once, for the NOC views (which rows the trunks call for, which trunk and
// customer a loaded row belongs to). Failures to reach storage throw StoreUnavailable.
class TrunkCatalog {
 public:
  virtual ~TrunkCatalog() = default;
  // With passwords: callers derive rows from them and must not show them.
  virtual std::vector<model::Trunk> all_trunks() = 0;
  // The probe list's destinations in index order (model::probe_rows).
  virtual std::vector<std::string> probe_list() = 0;
};

}  // namespace mv::store
