#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mv::crypto {

// A key as handed to a customer once: "mv_live_<key id>_<secret>". The key id (48 bits) finds
// the record; the secret (192 bits) is only ever stored as its SHA-256.
struct NewApiKey {
  std::string key_id;
  std::string token;
  std::string secret_sha256_hex;
};

NewApiKey generate_api_key();

struct ApiKeyParts {
  std::string key_id;
  std::string secret;
};
std::optional<ApiKeyParts> split_api_key(std::string_view token);

// `bytes` random bytes from the system generator, as lower-case hex.
std::string random_hex(std::size_t bytes);
std::string sha256_hex(std::string_view data);
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace mv::crypto
