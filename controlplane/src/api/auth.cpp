#include "api/auth.h"

#include <strings.h>

#include "crypto/api_key.h"

namespace mv::api {

std::optional<Principal> authenticate(std::optional<std::string_view> authorization,
                                      store::ApiKeyStore& keys) {
  constexpr std::string_view kScheme = "Bearer ";
  if (!authorization || authorization->size() <= kScheme.size() ||
      strncasecmp(authorization->data(), kScheme.data(), kScheme.size()) != 0) {
    return std::nullopt;
  }
  auto parts = crypto::split_api_key(authorization->substr(kScheme.size()));
  if (!parts) return std::nullopt;
  auto record = keys.find(parts->key_id);
  if (!record) return std::nullopt;
  if (!crypto::constant_time_equals(crypto::sha256_hex(parts->secret), record->secret_sha256_hex)) {
    return std::nullopt;
  }
  return Principal{record->key_id, record->customer_id, record->role};
}

}  // namespace mv::api
