#include "store/redis_trunk_catalog.h"

#include <cstdlib>

#include "store/redis_keys.h"
#include "store/redis_trunk_store.h"

namespace mv::store {

std::vector<model::Trunk> RedisTrunkCatalog::all_trunks() {
  return read_trunks(pool_, scan_keys(pool_, keys::trunk("*")));
}

std::map<std::string, std::int64_t> RedisTrunkCatalog::customer_sets() {
  std::map<std::string, std::int64_t> sets;
  auto reply = pool_.command({"HGETALL", std::string(keys::kEdgeCustomerSets)});
  for (const auto& [customer, set] : to_field_map(reply)) {
    sets[customer] = std::strtoll(set.c_str(), nullptr, 10);
  }
  return sets;
}

}  // namespace mv::store
