#include "crypto/digest_ha1.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

namespace mv::crypto {

std::string digest_ha1(std::string_view username, std::string_view realm,
                       std::string_view password) {
  std::string input;
  input.reserve(username.size() + realm.size() + password.size() + 2);
  input.append(username).append(":").append(realm).append(":").append(password);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  bool hashed = EVP_Digest(input.data(), input.size(), digest, &length, EVP_md5(), nullptr) == 1;
  OPENSSL_cleanse(input.data(), input.size());
  if (!hashed) {
    throw std::runtime_error("MD5 is not available from OpenSSL");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0f];
  }
  return hex;
}

}  // namespace mv::crypto
