#include <boost/test/unit_test.hpp>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "support/contract_check.h"
#include "support/process.h"
#include "support/stack.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(api_contract)

using json = nlohmann::json;

// One Redis, one daemon and two customers' keys for the whole suite: starting them is the slow
// part, and every test uses its own trunk names.
struct Stack {
  RedisServer redis;
  ControlPlane daemon{redis};
  std::string key_a = daemon.create_key("cust_123");
  std::string key_b = daemon.create_key("cust_456");
};

Stack& stack() {
  static Stack instance;
  return instance;
}

HttpResult post(const std::string& key, const std::string& body) {
  return stack().daemon.call("POST", "/v1/trunks", key, body);
}

std::string error_code(const HttpResult& result) {
  try {
    return json::parse(result.body).at("error").at("code");
  } catch (const std::exception&) {
    return "(not the JSON error shape: " + result.body + ")";
  }
}

std::string error_message(const HttpResult& result) {
  return json::parse(result.body)["error"]["message"];
}

// Verifies the seed's full create body gives 201, Location and exactly the seed's response fields.
BOOST_AUTO_TEST_CASE(seed_create_body_gives_seed_response) {
  auto created = post(stack().key_a, R"({
    "name": "primary-outbound", "proxy": "sip.example.net", "username": "user1",
    "password": "secret", "realm": "sip.example.net", "from_domain": "sip.example.net",
    "is_active": true, "gateway_name": "primary"})");
  BOOST_TEST_REQUIRE(created.status == 201);
  auto body = json::parse(created.body);
  for (const char* field : {"id", "customer_id", "name", "direction", "gateway_name", "proxy",
                            "username", "is_active", "created_at", "updated_at"}) {
    BOOST_TEST_CONTEXT(field) { BOOST_TEST(body.contains(field)); }
  }
  BOOST_TEST(body["customer_id"] == "cust_123");
  BOOST_TEST(body["name"] == "primary-outbound");
  BOOST_TEST(body["direction"] == "outbound");
  BOOST_TEST(body["gateway_name"] == "primary");
  BOOST_TEST(body["proxy"] == "sip.example.net");
  BOOST_TEST(body["username"] == "user1");
  BOOST_TEST(body["is_active"] == true);
  BOOST_TEST(!body.contains("password"));
  BOOST_TEST(created.body.find("secret") == std::string::npos);
  std::string id = body["id"];
  BOOST_TEST(std::regex_match(id, std::regex(R"(trunk_\d{8}T\d{6}\.\d{9})")));
  BOOST_TEST(std::regex_match(body["created_at"].get<std::string>(),
                              std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")));
  BOOST_TEST(created.headers["location"] == "/v1/trunks/" + id);
  BOOST_TEST(created.headers["content-type"].starts_with("application/json"));
}

// Verifies the seed's curl example (name, proxy, gateway_name) and the list shape data + count.
BOOST_AUTO_TEST_CASE(seed_curl_example_then_list) {
  auto key = stack().daemon.create_key("cust_curl");
  auto created = post(key, R"({"name": "primary-outbound", "proxy": "sip.example.net",
                               "gateway_name": "primary"})");
  BOOST_TEST_REQUIRE(created.status == 201);
  auto list = stack().daemon.call("GET", "/v1/trunks", key);
  BOOST_TEST_REQUIRE(list.status == 200);
  auto body = json::parse(list.body);
  BOOST_TEST(body["count"] == 1);
  BOOST_TEST_REQUIRE(body["data"].size() == 1u);
  auto trunk = body["data"][0];
  BOOST_TEST(trunk["id"] == json::parse(created.body)["id"]);
  BOOST_TEST(trunk["gateway_name"] == "primary");
  BOOST_TEST(trunk["registration_status"] == "NOREG");
  BOOST_TEST(trunk["username"].is_null());
}

// Verifies GET, PATCH (partial, updated_at moves) and DELETE (204, then 404) on one trunk.
BOOST_AUTO_TEST_CASE(get_patch_delete_lifecycle) {
  auto key = stack().key_a;
  auto created = json::parse(
      post(
          key,
          R"({"name":"life","proxy":"sip:gw.example.net:5070;transport=tcp","gateway_name":"life"})")
          .body);
  std::string path = "/v1/trunks/" + created["id"].get<std::string>();
  auto got = stack().daemon.call("GET", path, key);
  BOOST_TEST(got.status == 200);
  BOOST_TEST(json::parse(got.body) == created);

  auto patched = stack().daemon.call("PATCH", path, key,
                                     R"({"is_active": false, "inbound_ip": "198.51.100.0/28"})");
  BOOST_TEST_REQUIRE(patched.status == 200);
  auto after = json::parse(patched.body);
  BOOST_TEST(after["is_active"] == false);
  BOOST_TEST(after["direction"] == "both");
  BOOST_TEST(after["name"] == "life");
  BOOST_TEST(after["created_at"] == created["created_at"]);
  BOOST_TEST(after["updated_at"] != created["updated_at"]);

  auto deleted = stack().daemon.call("DELETE", path, key);
  BOOST_TEST(deleted.status == 204);
  BOOST_TEST(deleted.body.empty());
  BOOST_TEST(stack().daemon.call("GET", path, key).status == 404);
  BOOST_TEST(stack().daemon.call("DELETE", path, key).status == 404);
  // The freed gateway_name and inbound_ip can be used again.
  BOOST_TEST(
      post(
          key,
          R"({"name":"life2","proxy":"gw.example.net","gateway_name":"life","inbound_ip":"198.51.100.0/28"})")
          .status == 201);
}

// Verifies each kind of bad input gets 400 invalid_request naming the field, and nothing is stored.
BOOST_AUTO_TEST_CASE(bad_input_is_400_naming_the_field) {
  struct Case {
    std::string body;
    std::string field;  // expected at the start of the message; "" for body-level errors
  };
  std::vector<Case> cases{
      {"not json", ""},
      {"{\"name\": \"a\", \"proxy\": ", ""},
      {"[]", ""},
      {R"({"proxy":"sip.example.net"})", "name"},
      {R"({"name":"a"})", "proxy"},
      {R"({"name":"a","proxy":5060})", "proxy"},
      {R"({"name":"a","proxy":"p.example","is_active":"yes"})", "is_active"},
      {R"({"name":"a","proxy":"p.example","colour":"red"})", "unknown field 'colour'"},
      {R"({"name":"a","proxy":"sip.example.net\r\nX-Evil: 1"})", "proxy"},
      {R"({"name":"a","proxy":"p.example","username":"user\r\nVia: x"})", "username"},
      {R"({"name":"a","proxy":"p.example","inbound_ip":"10.0.0.0/33"})", "inbound_ip"},
      {R"({"name":"a","proxy":"p.example","inbound_ip":"10.0.0.1/24"})", "inbound_ip"},
      {R"({"name":"a","proxy":"p.example","inbound_ip":"0.0.0.0/0"})", "inbound_ip"},
      {R"({"name":"a","proxy":"p.example","inbound_ip":"10.0.0.0/8"})", "inbound_ip"},
      {R"({"name":"a","proxy":"p.example","from_domain":"a b"})", "from_domain"},
      {R"({"name":"a","proxy":"p.example","gateway_name":"gw;x"})", "gateway_name"},
      {R"({"name":"a","proxy":"p.example","id":"trunk_x"})", "id"},
  };
  auto key = stack().daemon.create_key("cust_badinput");
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.body) {
      auto result = post(key, c.body);
      BOOST_TEST(result.status == 400);
      BOOST_TEST(error_code(result) == "invalid_request");
      if (!c.field.empty()) BOOST_TEST(error_message(result).starts_with(c.field));
    }
  }
  auto list = json::parse(stack().daemon.call("GET", "/v1/trunks", key).body);
  BOOST_TEST(list["count"] == 0);
}

// Verifies an empty body, a 70 KiB body and a wrong media type through the real HTTP server.
BOOST_AUTO_TEST_CASE(empty_oversized_and_wrong_media_type) {
  auto key = stack().key_a;
  auto empty =
      http_request(stack().daemon.port(), "POST", "/v1/trunks",
                   {{"Authorization", "Bearer " + key}, {"Content-Type", "application/json"}});
  BOOST_TEST(empty.status == 400);
  BOOST_TEST(error_code(empty) == "invalid_request");

  std::string big =
      R"({"name":"big","proxy":"p.example","realm":")" + std::string(70 * 1024, 'a') + "\"}";
  auto oversized = post(key, big);
  BOOST_TEST(oversized.status == 413);
  BOOST_TEST(error_code(oversized) == "payload_too_large");

  auto text = http_request(stack().daemon.port(), "POST", "/v1/trunks",
                           {{"Authorization", "Bearer " + key}, {"Content-Type", "text/plain"}},
                           R"({"name":"a","proxy":"p.example"})");
  BOOST_TEST(text.status == 415);
  BOOST_TEST(error_code(text) == "unsupported_media_type");
}

// Verifies 401 (with WWW-Authenticate), 404 and 405 in the JSON error shape.
BOOST_AUTO_TEST_CASE(auth_route_and_method_errors) {
  auto none = stack().daemon.call("GET", "/v1/trunks", "");
  BOOST_TEST(none.status == 401);
  BOOST_TEST(error_code(none) == "unauthorized");
  BOOST_TEST(none.headers["www-authenticate"] == "Bearer");
  BOOST_TEST(stack()
                 .daemon.call("GET", "/v1/trunks", "mv_live_000000000000_" + std::string(48, '0'))
                 .status == 401);

  auto missing =
      stack().daemon.call("GET", "/v1/trunks/trunk_20000101T000000.000000000", stack().key_a);
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(error_code(missing) == "not_found");
  BOOST_TEST(error_code(stack().daemon.call("GET", "/v2/things", stack().key_a)) == "not_found");

  auto wrong = stack().daemon.call("PUT", "/v1/trunks", stack().key_a, "{}");
  BOOST_TEST(wrong.status == 405);
  BOOST_TEST(error_code(wrong) == "method_not_allowed");
  BOOST_TEST(wrong.headers["allow"] == "POST, GET");
}

// Verifies one customer can neither see nor change another's trunk, and lists never mix.
BOOST_AUTO_TEST_CASE(tenant_isolation) {
  auto created = json::parse(
      post(stack().key_a, R"({"name":"mine","proxy":"p.example","gateway_name":"iso"})").body);
  std::string path = "/v1/trunks/" + created["id"].get<std::string>();
  auto other = stack().key_b;
  BOOST_TEST(stack().daemon.call("GET", path, other).status == 404);
  BOOST_TEST(stack().daemon.call("PATCH", path, other, R"({"name":"theirs"})").status == 404);
  BOOST_TEST(stack().daemon.call("DELETE", path, other).status == 404);
  BOOST_TEST(stack().daemon.call("GET", path, stack().key_a).status == 200);
  auto list = json::parse(stack().daemon.call("GET", "/v1/trunks?limit=1000", other).body);
  for (const auto& trunk : list["data"]) BOOST_TEST(trunk["customer_id"] == "cust_456");
  // gateway_name is unique per customer: the other customer may use the same one.
  BOOST_TEST(post(other, R"({"name":"same","proxy":"p.example","gateway_name":"iso"})").status ==
             201);
  auto again = post(stack().key_a, R"({"name":"dup","proxy":"p.example","gateway_name":"iso"})");
  BOOST_TEST(again.status == 409);
  BOOST_TEST(error_code(again) == "gateway_name_exists");
}

// Verifies inbound_ip is unique across customers, with overlapping CIDRs counting as taken.
BOOST_AUTO_TEST_CASE(inbound_ip_unique_across_customers) {
  BOOST_TEST(
      post(stack().key_a, R"({"name":"in","proxy":"p.example","inbound_ip":"203.0.113.0/24"})")
          .status == 201);
  for (const char* overlapping :
       {"203.0.113.0/24", "203.0.113.77", "203.0.113.128/25", "203.0.0.0/16"}) {
    BOOST_TEST_CONTEXT(overlapping) {
      auto result =
          post(stack().key_b, std::string(R"({"name":"in","proxy":"p.example","inbound_ip":")") +
                                  overlapping + "\"}");
      BOOST_TEST(result.status == 409);
      BOOST_TEST(error_code(result) == "inbound_ip_exists");
    }
  }
  BOOST_TEST(
      post(stack().key_b, R"({"name":"next","proxy":"p.example","inbound_ip":"203.0.114.0/24"})")
          .status == 201);
}

// Verifies cursor pagination, the total count and both filters.
BOOST_AUTO_TEST_CASE(pagination_and_filters) {
  auto key = stack().daemon.create_key("cust_pages");
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    auto body =
        json::parse(post(key, R"({"name":"p)" + std::to_string(i) +
                                  R"(","proxy":"p.example","gateway_name":"g)" + std::to_string(i) +
                                  R"(","is_active":)" + (i % 2 ? "false" : "true") + "}")
                        .body);
    ids.push_back(body["id"]);
  }
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto target = "/v1/trunks?limit=3" + (cursor.empty() ? "" : "&starting_after=" + cursor);
    auto body = json::parse(stack().daemon.call("GET", target, key).body);
    BOOST_TEST(body["count"] == 7);
    for (const auto& trunk : body["data"]) seen.push_back(trunk["id"]);
    if (!body["has_more"].get<bool>()) break;
    cursor = seen.back();
  }
  BOOST_TEST(seen == ids, boost::test_tools::per_element());

  auto active = json::parse(stack().daemon.call("GET", "/v1/trunks?is_active=true", key).body);
  BOOST_TEST(active["count"] == 4);
  for (const auto& trunk : active["data"]) BOOST_TEST(trunk["is_active"] == true);
  auto by_gateway = json::parse(stack().daemon.call("GET", "/v1/trunks?gateway_name=g3", key).body);
  BOOST_TEST(by_gateway["count"] == 1);
  BOOST_TEST(by_gateway["data"][0]["id"] == ids[3]);
  BOOST_TEST(stack().daemon.call("GET", "/v1/trunks?limit=0", key).status == 400);
  BOOST_TEST(stack().daemon.call("GET", "/v1/trunks?limit=1001", key).status == 400);
}

// Verifies the daemon serves the OpenAPI document from schemas/ without a key.
BOOST_AUTO_TEST_CASE(serves_openapi_document) {
  auto doc = http_request(stack().daemon.port(), "GET", "/v1/openapi.yaml");
  BOOST_TEST(doc.status == 200);
  std::ifstream file(std::string(MV_SOURCE_DIR) + "/schemas/openapi.yaml");
  std::stringstream expected;
  expected << file.rdbuf();
  BOOST_TEST(doc.body == expected.str());
}

// Verifies no password from any test in this suite reached the daemon's log.
BOOST_AUTO_TEST_CASE(zz_password_never_logged) {
  post(stack().key_a,
       R"({"name":"pw","proxy":"p.example","username":"u","password":"LogCanary-9f8e7d"})");
  post(stack().key_a,
       R"({"name":"pw","proxy":"p.example","username":"u","password":"LogCanary-9f8e7d\n"})");
  auto log = stack().daemon.log_text();
  BOOST_TEST(log.find(R"("status":201)") != std::string::npos);
  BOOST_TEST(log.find("LogCanary") == std::string::npos);
  BOOST_TEST(log.find("\"secret\"") == std::string::npos);
}

// Verifies the check every http_request() to a daemon's port goes through objects to what the
// document does not describe (an undeclared status, a body member a closed schema forbids), and
// leaves a port no fixture registered alone.
BOOST_AUTO_TEST_CASE(responses_the_document_does_not_describe_are_reported) {
  int port = reserve_port();
  HttpResult teapot{418, {{"content-type", "application/json"}}, R"({"error":{}})", {}};
  BOOST_TEST(contract_problems(port, "GET", "/v1/trunks", teapot).empty());
  check_contract_on_port(port);
  auto problems = contract_problems(port, "GET", "/v1/trunks", teapot);
  stop_checking_port(port);
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(problems[0] == "listTrunks: status 418 is not declared");

  HttpResult extra{404,
                   {{"content-type", "application/json"},
                    {"x-request-id", "r"},
                    {"cache-control", "no-store"},
                    {"x-content-type-options", "nosniff"}},
                   R"({"error":{"code":"not_found","message":"m","hint":"h"}})",
                   {}};
  check_contract_on_port(port);
  problems = contract_problems(port, "GET", "/v1/trunks/trunk_x", extra);
  stop_checking_port(port);
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(problems[0].find("Additional properties") != std::string::npos);
}

// Verifies the answers of the document the other suites do not provoke: a malformed If-Match on
// DELETE, query limits that are no number, a test call's bad body, unknown trunk and content
// type, a key created from text, an edge status asked with a customer's key, the NOC page's
// files. Each is validated against its operation (contract.coverage counts them).
BOOST_AUTO_TEST_CASE(rarer_declared_answers) {
  auto& daemon = stack().daemon;
  const auto& key = stack().key_a;
  auto admin_key = daemon.run_command({"keys", "create", "--customer", "ops", "--role", "admin"});
  admin_key = admin_key.substr(0, admin_key.find('\n'));
  auto created = post(key, R"({"name":"rarer","proxy":"127.0.0.1:9"})");
  BOOST_TEST_REQUIRE(created.status == 201);
  auto path = "/v1/trunks/" + json::parse(created.body)["id"].get<std::string>();
  auto bearer = [](const std::string& k) { return std::pair{"Authorization", "Bearer " + k}; };

  BOOST_TEST(
      http_request(daemon.port(), "DELETE", path, {bearer(key), {"If-Match", "v1"}}).status == 400);
  BOOST_TEST(daemon.call("GET", "/v1/audit?limit=many", admin_key).status == 400);
  BOOST_TEST(daemon.call("GET", path + "/events?limit=many", key).status == 400);
  BOOST_TEST(daemon.call("POST", path + "/test-call", key, "{").status == 400);
  BOOST_TEST(http_request(daemon.port(), "POST", path + "/test-call",
                          {bearer(key), {"Content-Type", "text/plain"}}, "call")
                 .status == 415);
  BOOST_TEST(daemon
                 .call("POST", "/v1/trunks/trunk_20260101T000000.000000000/test-call", key,
                       R"({"to":"+15550100","from":"+15550101"})")
                 .status == 404);
  BOOST_TEST(daemon.call("POST", "/v1/trunks/trunk_20260101T000000.000000000/test", key).status ==
             404);
  BOOST_TEST(http_request(daemon.port(), "POST", "/v1/keys",
                          {bearer(admin_key), {"Content-Type", "text/plain"}}, "cust_x")
                 .status == 415);
  BOOST_TEST(daemon.call("GET", "/v1/edge/status", key).status == 403);
  for (const char* file : {"/noc/", "/noc/noc.js", "/noc/noc.css"}) {
    BOOST_TEST(http_request(daemon.port(), "GET", file).status == 200, file);
  }
}

// Every operation of the document, its path parameters filled with ids nobody has.
struct DocumentOperation {
  std::string method;
  std::string target;
  bool authenticated = true;
};

std::vector<DocumentOperation> document_operations() {
  auto document = YAML::LoadFile(std::string(MV_SOURCE_DIR) + "/schemas/openapi.yaml");
  std::vector<DocumentOperation> operations;
  for (const auto& path : document["paths"]) {
    auto target = std::regex_replace(path.first.as<std::string>(), std::regex(R"(\{id\})"),
                                     "trunk_20260101T000000.000000000");
    target = std::regex_replace(target, std::regex(R"(\{node\})"), "edge-9");
    target = std::regex_replace(target, std::regex(R"(\{key_id\})"), "000000000000");
    for (const char* method : {"get", "post", "put", "patch", "delete"}) {
      auto operation = path.second[method];
      if (!operation) continue;
      std::string upper(method);
      for (auto& c : upper) c = static_cast<char>(std::toupper(c));
      bool open = operation["security"] && operation["security"].size() == 0;
      operations.push_back({upper, target, !open});
    }
  }
  return operations;
}

// Verifies every operation answers the limits the document declares on it, provoked one by one:
// 431 (headers over max_header_bytes), 413 (a body over 64 KiB), 408 (a body cut short), 401 (no
// key, where one is needed), 429 (its key's bucket empty) and 503 (max_in_flight reached); each
// response is validated against the operation like every other (contract.coverage counts them).
BOOST_AUTO_TEST_CASE(every_operation_answers_its_declared_limits) {
  RedisServer redis;
  ControlPlane daemon(redis, "",
                      "  rate_limit: {per_second: 1, burst: 1}\n"
                      "  admin_rate_limit: {per_second: 1, burst: 1}\n");
  auto customer_key = daemon.create_key("cust_limits");
  auto admin_key = daemon.run_command({"keys", "create", "--customer", "ops", "--role", "admin"});
  admin_key = admin_key.substr(0, admin_key.find('\n'));
  auto operations = document_operations();
  BOOST_TEST_REQUIRE(operations.size() >= 26u);

  for (const auto& op : operations) {
    BOOST_TEST_CONTEXT(op.method << " " << op.target) {
      auto big_header = http_request(daemon.port(), op.method, op.target,
                                     {{"X-Padding", std::string(17'000, 'a')}});
      BOOST_TEST(big_header.status == 431);
      auto big_body =
          http_request(daemon.port(), op.method, op.target, {{"Content-Type", "application/json"}},
                       std::string(65'537, ' '));
      BOOST_TEST(big_body.status == 413);
      RawConnection cut(daemon.port());
      cut.send(
          op.method + " " + op.target +
          " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n"
          "{}");
      cut.finish_sending();
      BOOST_TEST(cut.read_response(std::chrono::seconds(10)).status == 408);
      if (!op.authenticated) continue;
      BOOST_TEST(http_request(daemon.port(), op.method, op.target).status == 401);
      // The bucket holds one token: of two requests, the second finds it empty at the latest.
      auto key = customer_key;
      if (daemon.call(op.method, op.target, key).status == 403) key = admin_key;
      HttpResult second;
      for (int i = 0; i < 2; ++i) second = daemon.call(op.method, op.target, key);
      BOOST_TEST(second.status == 429);
    }
  }

  // Every request slot held by a body that never comes: each operation answers 503 first.
  ControlPlane full(redis, "", "  max_in_flight: 1\n  idle_timeout_s: 30\n");
  RawConnection held(full.port());
  BOOST_TEST_REQUIRE(
      held.send("POST /v1/trunks HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"));
  BOOST_TEST_REQUIRE(
      wait_until([&] { return http_request(full.port(), "GET", "/healthz").status == 503; },
                 std::chrono::seconds(5)));
  for (const auto& op : operations) {
    BOOST_TEST(http_request(full.port(), op.method, op.target).status == 503,
               op.method << " " << op.target);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
