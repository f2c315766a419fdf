#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mv::store {

// An API key as stored: the secret itself is never kept, only its SHA-256.
struct ApiKeyRecord {
  std::string key_id;
  std::string customer_id;
  std::string role;  // "customer" or "admin"
  std::string secret_sha256_hex;
  std::int64_t created_ns = 0;
};

class ApiKeyStore {
 public:
  virtual ~ApiKeyStore() = default;
  virtual std::optional<ApiKeyRecord> find(const std::string& key_id) = 0;
  virtual void add(const ApiKeyRecord& record) = 0;
  virtual std::vector<ApiKeyRecord> list() = 0;
  virtual bool revoke(const std::string& key_id) = 0;
};

}  // namespace mv::store
