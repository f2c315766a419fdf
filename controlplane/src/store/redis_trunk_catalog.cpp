#include "store/redis_trunk_catalog.h"

#include <cstdlib>

#include "store/redis_keys.h"
#include "store/redis_trunk_store.h"

namespace mv::store {

std::vector<model::Trunk> RedisTrunkCatalog::all_trunks() {
  return read_trunks(pool_, scan_keys(pool_, keys::trunk("*")));
}

std::vector<std::string> RedisTrunkCatalog::probe_list() { return read_probe_list(pool_); }

}  // namespace mv::store
