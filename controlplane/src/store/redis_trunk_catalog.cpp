#include "store/redis_trunk_catalog.h"

#include <cstdlib>

#include "store/redis_keys.h"
#include "store/redis_trunk_store.h"

namespace mv::store {

std::vector<model::Trunk> RedisTrunkCatalog::all_trunks() {
  std::vector<RedisCommand> reads;
  for (const auto& key : scan_keys(pool_, keys::trunk("*"))) reads.push_back({"HGETALL", key});
  std::vector<model::Trunk> trunks;
  if (reads.empty()) return trunks;
  for (const auto& reply : pool_.acquire()->pipeline(reads)) {
    // A trunk deleted between SCAN and HGETALL reads as empty: skipped.
    if (auto trunk = trunk_from_fields(to_field_map(reply))) trunks.push_back(std::move(*trunk));
  }
  return trunks;
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
