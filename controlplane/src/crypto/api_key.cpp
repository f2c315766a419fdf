#include "crypto/api_key.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace mv::crypto {
namespace {

constexpr std::string_view kPrefix = "mv_live_";
constexpr std::size_t kKeyIdBytes = 6;
constexpr std::size_t kSecretBytes = 24;

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0f]);
  }
  return out;
}

}  // namespace

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  if (RAND_bytes(buffer.data(), static_cast<int>(buffer.size())) != 1) {
    throw std::runtime_error("the system random generator failed");
  }
  return hex(buffer.data(), buffer.size());
}

namespace {

bool is_lower_hex(std::string_view s, std::size_t length) {
  return s.size() == length && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

NewApiKey generate_api_key() {
  auto key_id = random_hex(kKeyIdBytes);
  auto secret = random_hex(kSecretBytes);
  return {key_id, std::string(kPrefix) + key_id + "_" + secret, sha256_hex(secret)};
}

std::optional<ApiKeyParts> split_api_key(std::string_view token) {
  if (!token.starts_with(kPrefix)) return std::nullopt;
  token.remove_prefix(kPrefix.size());
  auto separator = token.find('_');
  if (separator == std::string_view::npos) return std::nullopt;
  auto key_id = token.substr(0, separator);
  auto secret = token.substr(separator + 1);
  if (!is_lower_hex(key_id, kKeyIdBytes * 2) || !is_lower_hex(secret, kSecretBytes * 2)) {
    return std::nullopt;
  }
  return ApiKeyParts{std::string(key_id), std::string(secret)};
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return hex(digest, sizeof digest);
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace mv::crypto
