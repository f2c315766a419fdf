#pragma once

#include <string>

#include "crypto/api_key.h"
#include "support/fakes.h"

// Two fixed API keys in a fake key store, so seeds can hold valid tokens and the fuzzer can
// mutate them. The secrets are test values, not anybody's keys.
namespace mv::fuzz {

struct FixedKey {
  std::string key_id;
  std::string secret;
  std::string customer_id;
  std::string role;

  std::string token() const { return "mv_live_" + key_id + "_" + secret; }
};

inline const FixedKey kCustomerKey{"0123456789ab", std::string(47, '1') + "c", "cust_123",
                                   "customer"};
inline const FixedKey kAdminKey{"ba9876543210", std::string(47, '2') + "d", "ops", "admin"};
// A known key id whose stored hash matches no secret: a right id with a wrong secret.
inline const std::string kRevokedLookingKeyId = "aaaaaaaaaaaa";

inline void add_fixed_keys(test::FakeApiKeyStore& keys) {
  for (const auto* key : {&kCustomerKey, &kAdminKey}) {
    keys.add({key->key_id, key->customer_id, key->role, crypto::sha256_hex(key->secret), 0});
  }
  keys.add({kRevokedLookingKeyId, "cust_999", "admin", std::string(64, '0'), 0});
}

}  // namespace mv::fuzz
