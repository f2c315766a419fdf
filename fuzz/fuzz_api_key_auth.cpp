// The Authorization header: authenticate() and the API key token format (split_api_key) against
// a fake key store. The input is the header's value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <strings.h>

#include "api/auth.h"
#include "crypto/api_key.h"
#include "fuzz_checks.h"
#include "fuzz_keys.h"

namespace {

using namespace mv;
using fuzz::require;

// "Bearer " in any case, then exactly one of the fixed tokens: the only headers that pass.
const fuzz::FixedKey* expected_key(std::string_view header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() < kScheme.size() ||
      strncasecmp(header.data(), kScheme.data(), kScheme.size()) != 0) {
    return nullptr;
  }
  auto token = header.substr(kScheme.size());
  for (const auto* key : {&fuzz::kCustomerKey, &fuzz::kAdminKey}) {
    if (token == key->token()) return key;
  }
  return nullptr;
}

void check_split(std::string_view token) {
  auto parts = crypto::split_api_key(token);
  if (!parts) return;
  require(parts->key_id.size() == 12 && parts->secret.size() == 48, "key id and secret sizes");
  require("mv_live_" + parts->key_id + "_" + parts->secret == token, "the parts are the token");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static test::FakeApiKeyStore keys = [] {
    test::FakeApiKeyStore store;
    fuzz::add_fixed_keys(store);
    return store;
  }();
  std::string_view header(reinterpret_cast<const char*>(data), size);
  check_split(header);
  if (header.size() > 7) check_split(header.substr(7));

  auto principal = api::authenticate(header, keys);
  const auto* expected = expected_key(header);
  require(principal.has_value() == (expected != nullptr), "only a fixed key authenticates");
  if (principal) {
    require(principal->key_id == expected->key_id && principal->role == expected->role &&
                principal->customer_id == expected->customer_id,
            "the principal is the key's");
  }
  require(!api::authenticate(std::nullopt, keys), "no header, no principal");
  return 0;
}
