#pragma once

#include <cstdint>
#include <map>
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
  // Customer id -> the customer's dispatcher set.
  virtual std::map<std::string, std::int64_t> customer_sets() = 0;
};

}  // namespace mv::store
