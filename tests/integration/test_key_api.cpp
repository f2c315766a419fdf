#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "support/stack.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(key_api)

using json = nlohmann::json;

// One Redis and one daemon for the suite, with an admin key and a customer key.
struct Stack {
  RedisServer redis;
  ControlPlane daemon{redis};
  std::string admin_key = admin_token();
  std::string customer_key = daemon.create_key("cust_keys");

  std::string admin_token() const {
    auto out = daemon.run_command({"keys", "create", "--customer", "ops", "--role", "admin"});
    return out.substr(0, out.find('\n'));
  }
};

Stack& stack() {
  static Stack instance;
  return instance;
}

HttpResult call(const std::string& method, const std::string& target, const std::string& body = {},
                const std::string& key = stack().admin_key) {
  return stack().daemon.call(method, target, key, body);
}

std::string error_code(const HttpResult& result) {
  try {
    return json::parse(result.body).at("error").at("code");
  } catch (const std::exception&) {
    return "(not the JSON error shape: " + result.body + ")";
  }
}

// Verifies POST creates a working key shown once, GET lists it without secret or hash, DELETE
// revokes it at once and a second DELETE is 404 key_not_found.
BOOST_AUTO_TEST_CASE(create_list_revoke) {
  auto created = call("POST", "/v1/keys", R"({"customer_id":"cust_new","role":"customer"})");
  BOOST_TEST_REQUIRE(created.status == 201);
  auto body = json::parse(created.body);
  std::string token = body["token"], key_id = body["key_id"];
  BOOST_TEST(token.starts_with("mv_live_" + key_id + "_"));
  BOOST_TEST(body["customer_id"] == "cust_new");
  BOOST_TEST(body["role"] == "customer");
  BOOST_TEST(stack().daemon.call("GET", "/v1/trunks", token).status == 200);

  auto listed = call("GET", "/v1/keys");
  BOOST_TEST_REQUIRE(listed.status == 200);
  auto secret = token.substr(token.rfind('_') + 1);
  BOOST_TEST(listed.body.find(secret) == std::string::npos);
  BOOST_TEST(listed.body.find("sha256") == std::string::npos);
  bool found = false;
  auto listed_body = json::parse(listed.body);
  for (const auto& key : listed_body["data"]) {
    std::vector<std::string> members;
    for (const auto& [name, value] : key.items()) members.push_back(name);
    BOOST_TEST(members == (std::vector<std::string>{"created_at", "customer_id", "key_id", "role"}),
               boost::test_tools::per_element());
    if (key["key_id"] == key_id) {
      found = true;
      BOOST_TEST(key["customer_id"] == "cust_new");
    }
  }
  BOOST_TEST(found);
  BOOST_TEST(stack().daemon.log_text().find(secret) == std::string::npos);

  BOOST_TEST(call("DELETE", "/v1/keys/" + key_id).status == 204);
  BOOST_TEST(stack().daemon.call("GET", "/v1/trunks", token).status == 401);
  auto again = call("DELETE", "/v1/keys/" + key_id);
  BOOST_TEST(again.status == 404);
  BOOST_TEST(error_code(again) == "key_not_found");
}

// Verifies an admin key made over HTTP is an admin key.
BOOST_AUTO_TEST_CASE(admin_role_over_http) {
  auto created = call("POST", "/v1/keys", R"({"customer_id":"ops2","role":"admin"})");
  BOOST_TEST_REQUIRE(created.status == 201);
  std::string token = json::parse(created.body)["token"];
  BOOST_TEST(stack().daemon.call("GET", "/v1/keys", token).status == 200);
  BOOST_TEST(stack().daemon.call("GET", "/v1/edge/status", token).status == 200);
}

// Verifies customer keys get 403 forbidden and no key gets 401 on all three routes.
BOOST_AUTO_TEST_CASE(admin_only) {
  for (auto [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/keys"}, {"POST", "/v1/keys"}, {"DELETE", "/v1/keys/0123456789ab"}}) {
    BOOST_TEST_CONTEXT(method << " " << target) {
      std::string body = method == "POST" ? R"({"customer_id":"x"})" : "";
      auto refused = call(method, target, body, stack().customer_key);
      BOOST_TEST(refused.status == 403);
      BOOST_TEST(error_code(refused) == "forbidden");
      BOOST_TEST(call(method, target, body, "").status == 401);
    }
  }
}

// Verifies bad bodies are 400 invalid_request and create nothing.
BOOST_AUTO_TEST_CASE(invalid_bodies) {
  auto before = json::parse(call("GET", "/v1/keys").body)["data"].size();
  for (const std::string body :
       {"{}", R"({"customer_id":"a:b"})", R"({"customer_id":"x","role":"root"})",
        R"({"customer_id":"x","extra":1})", "[]", "{"}) {
    BOOST_TEST_CONTEXT(body) {
      auto refused = call("POST", "/v1/keys", body);
      BOOST_TEST(refused.status == 400);
      BOOST_TEST(error_code(refused) == "invalid_request");
    }
  }
  BOOST_TEST(json::parse(call("GET", "/v1/keys").body)["data"].size() == before);
}

// Verifies an unknown key id is 404 key_not_found.
BOOST_AUTO_TEST_CASE(unknown_key_not_found) {
  auto missing = call("DELETE", "/v1/keys/ffffffffffff");
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(error_code(missing) == "key_not_found");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
