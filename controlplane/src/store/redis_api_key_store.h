#pragma once

#include "store/api_key_store.h"
#include "store/redis_client.h"

namespace mv::store {

class RedisApiKeyStore final : public ApiKeyStore {
 public:
  explicit RedisApiKeyStore(RedisPool& pool) : pool_(pool) {}

  std::optional<ApiKeyRecord> find(const std::string& key_id) override;
  void add(const ApiKeyRecord& record) override;
  std::vector<ApiKeyRecord> list() override;
  bool revoke(const std::string& key_id) override;

 private:
  RedisPool& pool_;
};

}  // namespace mv::store
