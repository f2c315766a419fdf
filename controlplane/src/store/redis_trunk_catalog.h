#pragma once

#include "store/redis_client.h"
#include "store/trunk_catalog.h"

namespace mv::store {

// Reads every trunk hash by SCAN and one pipelined HGETALL round trip.
class RedisTrunkCatalog final : public TrunkCatalog {
 public:
  explicit RedisTrunkCatalog(RedisPool& pool) : pool_(pool) {}
  std::vector<model::Trunk> all_trunks() override;
  std::vector<std::string> probe_list() override;

 private:
  RedisPool& pool_;
};

}  // namespace mv::store
