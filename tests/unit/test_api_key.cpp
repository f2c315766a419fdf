#include <boost/test/unit_test.hpp>

#include <set>

#include "crypto/api_key.h"

namespace mv::crypto {

BOOST_AUTO_TEST_SUITE(api_key)

// Verifies a new key has the documented form and its stored hash is the SHA-256 of its secret.
BOOST_AUTO_TEST_CASE(generated_key_shape_and_hash) {
  auto key = generate_api_key();
  BOOST_TEST(key.token.starts_with("mv_live_" + key.key_id + "_"));
  auto parts = split_api_key(key.token);
  BOOST_REQUIRE(parts.has_value());
  BOOST_TEST(parts->key_id == key.key_id);
  BOOST_TEST(parts->secret.size() == 48u);  // 192 bits as hex
  BOOST_TEST(sha256_hex(parts->secret) == key.secret_sha256_hex);
  BOOST_TEST(key.token.find(key.secret_sha256_hex) == std::string::npos);
}

// Verifies keys do not repeat.
BOOST_AUTO_TEST_CASE(generated_keys_are_unique) {
  std::set<std::string> tokens, ids;
  for (int i = 0; i < 1000; ++i) {
    auto key = generate_api_key();
    tokens.insert(key.token);
    ids.insert(key.key_id);
  }
  BOOST_TEST(tokens.size() == 1000u);
  BOOST_TEST(ids.size() == 1000u);
}

// Verifies malformed tokens are refused before any lookup.
BOOST_AUTO_TEST_CASE(split_rejects_malformed_tokens) {
  auto good = generate_api_key().token;
  std::vector<std::string> bad{"",
                               "mv_live_",
                               "mv_test_" + good.substr(8),
                               good + "0",
                               good.substr(0, good.size() - 1),
                               "mv_live_0123456789ab",
                               "mv_live_0123456789AB_" + std::string(48, 'a'),
                               "mv_live_0123456789ab_" + std::string(48, 'g'),
                               "mv_live_0123456789ab_" + std::string(47, 'a') + "\n"};
  for (const auto& token : bad) {
    BOOST_TEST_CONTEXT(token) { BOOST_TEST(!split_api_key(token).has_value()); }
  }
}

// Verifies the known SHA-256 test vector and the equality helper.
BOOST_AUTO_TEST_CASE(sha256_and_constant_time_equals) {
  BOOST_TEST(sha256_hex("abc") ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(constant_time_equals("abc", "abc"));
  BOOST_TEST(!constant_time_equals("abc", "abd"));
  BOOST_TEST(!constant_time_equals("abc", "abcd"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::crypto
