#include <boost/test/unit_test.hpp>

#include "model/api_key_request.h"
#include "support/printers.h"

namespace mv::model {

BOOST_AUTO_TEST_SUITE(api_key_request)

// Verifies customer ids are 1..64 of [A-Za-z0-9_-] and nothing else.
BOOST_AUTO_TEST_CASE(customer_id_rule) {
  for (const std::string& good :
       std::vector<std::string>{"c", "cust_123", "ACME-eu_2", std::string(64, 'a')}) {
    BOOST_TEST_CONTEXT(good) { BOOST_TEST(is_customer_id(good)); }
  }
  for (std::string bad : {std::string(), std::string(65, 'a'), std::string("a:b"),
                          std::string("a b"), std::string("cust/1"), std::string("caf\xc3\xa9"),
                          std::string("a\nb"), std::string("a\0b", 3), std::string("*")}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!is_customer_id(bad)); }
  }
  for (int c = 0; c < 256; ++c) {
    bool allowed = std::isalnum(c) != 0 || c == '_' || c == '-';
    BOOST_TEST_CONTEXT(c) {
      BOOST_TEST(is_customer_id(std::string(1, static_cast<char>(c))) == allowed);
    }
  }
}

// Verifies the two roles and nothing else.
BOOST_AUTO_TEST_CASE(role_rule) {
  BOOST_TEST(is_api_key_role("customer"));
  BOOST_TEST(is_api_key_role("admin"));
  for (const char* bad : {"", "Admin", "root", "customer ", "admins"}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!is_api_key_role(bad)); }
  }
}

// Verifies a body with a customer id (and optionally a role) parses, role defaulting to customer.
BOOST_AUTO_TEST_CASE(valid_bodies) {
  auto plain = parse_new_api_key(R"({"customer_id":"cust_x"})");
  BOOST_REQUIRE(std::holds_alternative<NewApiKeyRequest>(plain));
  BOOST_TEST(std::get<NewApiKeyRequest>(plain).customer_id == "cust_x");
  BOOST_TEST(std::get<NewApiKeyRequest>(plain).role == "customer");
  auto admin = parse_new_api_key(R"({"role":"admin","customer_id":"ops"})");
  BOOST_REQUIRE(std::holds_alternative<NewApiKeyRequest>(admin));
  BOOST_TEST(std::get<NewApiKeyRequest>(admin).role == "admin");
}

// Verifies every malformed body is a 400 invalid_request naming the problem.
BOOST_AUTO_TEST_CASE(invalid_bodies) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"", "empty"},
      {"{", "not valid JSON"},
      {"[]", "JSON object"},
      {"{}", "customer_id: is required"},
      {R"({"customer_id":""})", "customer_id:"},
      {R"({"customer_id":"a:b"})", "customer_id:"},
      {R"({"customer_id":7})", "customer_id:"},
      {R"({"customer_id":null})", "customer_id:"},
      {R"({"customer_id":"c","role":"root"})", "role:"},
      {R"({"customer_id":"c","role":null})", "role:"},
      {R"({"customer_id":"c","secret":"x"})", "unknown field"},
  };
  for (const auto& [body, expected] : cases) {
    BOOST_TEST_CONTEXT(body) {
      auto parsed = parse_new_api_key(body);
      BOOST_REQUIRE(std::holds_alternative<ApiError>(parsed));
      BOOST_TEST(std::get<ApiError>(parsed).code == ErrorCode::invalid_request);
      BOOST_TEST(std::get<ApiError>(parsed).message.find(expected) != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
