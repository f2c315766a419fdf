#include <boost/test/unit_test.hpp>

#include <spdlog/logger.h>

#include "api/api_service.h"
#include "api/audit_handlers.h"
#include "api/routes.h"
#include "crypto/api_key.h"
#include "model/audit.h"
#include "model/etag.h"
#include "model/idempotency.h"
#include "model/trunk_validation.h"
#include "service/trunk_service.h"
#include "support/fakes.h"

namespace mv::model {

BOOST_AUTO_TEST_SUITE(safe_writes)

using service::CreatedTrunk;
using service::IdempotencyRequest;
using service::TrunkService;

TrunkPatch patch_of(const std::string& json) {
  return std::get<TrunkPatch>(parse_trunk_patch(json));
}

Trunk sample_trunk() {
  Trunk trunk;
  trunk.id = "trunk_20260529T120000.000000000";
  trunk.customer_id = "cust_1";
  trunk.name = "primary";
  trunk.proxy = "sip.example.net";
  trunk.username = "user1";
  trunk.password = "s3cret-pass";
  trunk.gateway_name = "gw";
  trunk.created_ns = trunk.updated_ns = 1'780'056'000'000'000'000;
  return trunk;
}

const Actor kActor{"key_abc", "cust_1"};

// Verifies the ETag is a strong tag of the trunk's version: equal versions, equal tags.
BOOST_AUTO_TEST_CASE(etag_is_strong_and_follows_the_version) {
  auto trunk = sample_trunk();
  BOOST_TEST(trunk_etag(trunk) == "\"1780056000000000000\"");
  auto renamed = trunk;
  renamed.name = "other";  // same version: same tag (the version is what writes compare)
  BOOST_TEST(trunk_etag(renamed) == trunk_etag(trunk));
  renamed.updated_ns += 1;
  BOOST_TEST(trunk_etag(renamed) != trunk_etag(trunk));
  BOOST_TEST(!trunk_etag(trunk).starts_with("W/"));
}

// Verifies If-Match values RFC 9110 allows parse to the strong tags they list.
BOOST_AUTO_TEST_CASE(if_match_valid_values) {
  struct Case {
    std::string value;
    bool any;
    std::vector<std::string> tags;
  };
  std::vector<Case> cases{
      {"*", true, {}},
      {"  *\t", true, {}},
      {"\"a\"", false, {"\"a\""}},
      {"\"a\", \"b\"", false, {"\"a\"", "\"b\""}},
      {"\"a\",\"b\"", false, {"\"a\"", "\"b\""}},
      {"W/\"a\"", false, {}},
      {"W/\"a\", \"b\"", false, {"\"b\""}},
      {"\"a\",,\"b\",", false, {"\"a\"", "\"b\""}},
      {", \"a\"", false, {"\"a\""}},
      {"\"\"", false, {"\"\""}},
      {"\"a,b\"", false, {"\"a,b\""}},
      {"\"1780056000000000000\"", false, {"\"1780056000000000000\""}},
      {"\"\x80\xff\"", false, {"\"\x80\xff\""}},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.value) {
      auto parsed = parse_if_match(c.value);
      BOOST_TEST_REQUIRE(std::holds_alternative<IfMatch>(parsed));
      BOOST_TEST(std::get<IfMatch>(parsed).any == c.any);
      BOOST_TEST(std::get<IfMatch>(parsed).strong_tags == c.tags, boost::test_tools::per_element());
    }
  }
}

// Verifies malformed If-Match values are a 400 naming the header, never a silent pass.
BOOST_AUTO_TEST_CASE(if_match_malformed_values) {
  for (std::string value :
       {"",          " ",           ",",        ", ,",        "a",        "\"a",
        "a\"",       "\"a\" \"b\"", "*, \"a\"", "\"a\", *",   "**",       "W/a",
        "W/",        "w/\"a\"",     "\"a\"x",   "\"a b\"",    "\"a\tb\"", "\"a\x7f\"",
        "\"a\x01\"", "\"a\"\"b\"",  "W/ \"a\"", "\"a\";\"b\""}) {
    BOOST_TEST_CONTEXT(value) {
      auto parsed = parse_if_match(value);
      BOOST_TEST_REQUIRE(std::holds_alternative<ApiError>(parsed));
      BOOST_TEST((std::get<ApiError>(parsed).code == ErrorCode::invalid_request));
      BOOST_TEST(std::get<ApiError>(parsed).message.starts_with("If-Match:"));
    }
  }
}

// Verifies If-Match compares strongly: * passes, a listed current tag passes, weak never does.
BOOST_AUTO_TEST_CASE(if_match_evaluation) {
  auto check = [](const std::string& value, const std::string& current) {
    return if_match_passes(std::get<IfMatch>(parse_if_match(value)), current);
  };
  BOOST_TEST(check("*", "\"1\""));
  BOOST_TEST(check("\"1\"", "\"1\""));
  BOOST_TEST(check("\"0\", \"1\"", "\"1\""));
  BOOST_TEST(!check("\"0\"", "\"1\""));
  BOOST_TEST(!check("W/\"1\"", "\"1\""));
  BOOST_TEST(!check("\"10\"", "\"1\""));
  BOOST_TEST(!check("\"\"", "\"1\""));
}

// Verifies the Idempotency-Key syntax: bare or quoted, 1 to 255 of the allowed characters.
BOOST_AUTO_TEST_CASE(idempotency_key_syntax) {
  auto key = [](const std::string& value) { return parse_idempotency_key(value); };
  for (const std::string& good :
       std::vector<std::string>{"a", "8e03978e-40d5-43e8-bc93-6894a57f9324",
                                "a.b_c:d~e+f/g=", std::string(255, 'k'), "order-2026-05-29"}) {
    BOOST_TEST_CONTEXT(good) {
      BOOST_TEST_REQUIRE(std::holds_alternative<std::string>(key(good)));
      BOOST_TEST(std::get<std::string>(key(good)) == good);
      BOOST_TEST(std::get<std::string>(key("\"" + good + "\"")) == good);
    }
  }
  for (const std::string& bad : std::vector<std::string>{"",
                                                         "\"\"",
                                                         "\"",
                                                         std::string(256, 'k'),
                                                         "\"" + std::string(256, 'k') + "\"",
                                                         "a b",
                                                         "a\tb",
                                                         "a\nb",
                                                         "a\r\nX-Injected: 1",
                                                         "a;b",
                                                         "a,b",
                                                         "a\"b",
                                                         "\"ab",
                                                         "ab\"",
                                                         "a\\b",
                                                         "caf\xc3\xa9",
                                                         std::string("a\0b", 3),
                                                         "a*",
                                                         "a%20b",
                                                         "{a}"}) {
    BOOST_TEST_CONTEXT(bad) {
      auto parsed = key(bad);
      BOOST_TEST_REQUIRE(std::holds_alternative<ApiError>(parsed));
      BOOST_TEST((std::get<ApiError>(parsed).code == ErrorCode::invalid_request));
      BOOST_TEST(std::get<ApiError>(parsed).message.starts_with("Idempotency-Key:"));
    }
  }
}

// Verifies the canonical request ignores member order, spacing and case the validators fold,
// and tells apart every difference in what would be created.
BOOST_AUTO_TEST_CASE(canonical_request_is_the_request_not_the_bytes) {
  auto canonical = [](const std::string& json) { return canonical_trunk_request(patch_of(json)); };
  auto base = canonical(R"({"name":"a","proxy":"sip.example.net","username":"u","password":"p"})");
  BOOST_TEST(base == canonical(R"({ "password":"p", "username":"u","proxy":"SIP.Example.NET",
                                   "name":"a" })"));
  for (
      std::string other :
      {R"({"name":"b","proxy":"sip.example.net","username":"u","password":"p"})",
       R"({"name":"a","proxy":"sip.example.net","username":"u","password":"q"})",
       R"({"name":"a","proxy":"sip.example.net","username":"u","password":"p","is_active":true})",
       R"({"name":"a","proxy":"sip.example.net","username":"u","password":"p","realm":null})",
       R"({"name":"a","proxy":"sip.example.net:5060","username":"u","password":"p"})",
       R"({"name":"a","proxy":"sip.example.net","username":"u","password":"p","register":false})"}) {
    BOOST_TEST_CONTEXT(other) { BOOST_TEST(canonical(other) != base); }
  }
}

// Verifies a create's audit entry lists the fields set, the password masked and never in clear.
BOOST_AUTO_TEST_CASE(audit_create_masks_the_password) {
  auto trunk = sample_trunk();
  auto entry = audit_create(kActor, trunk, trunk.created_ns);
  BOOST_TEST(entry.operation == "create");
  BOOST_TEST(entry.trunk_id == trunk.id);
  BOOST_TEST(entry.key_id == "key_abc");
  BOOST_TEST(entry.customer_id == "cust_1");
  BOOST_TEST(entry.changes.dump() ==
             R"({"name":"primary","gateway_name":"gw","proxy":"sip.example.net",)"
             R"("username":"user1","password":"***","is_active":true})");
  for (const auto& [name, value] : audit_fields(entry)) {
    BOOST_TEST(value.find("s3cret-pass") == std::string::npos);
  }
}

// Verifies an update's entry holds exactly the changed fields with their new values.
BOOST_AUTO_TEST_CASE(audit_update_lists_only_changes) {
  auto before = sample_trunk();
  auto after = before;
  after.name = "renamed";
  after.inbound_ip = "192.0.2.0/24";
  after.is_active = false;
  auto entry = audit_update(kActor, before, after, 5);
  BOOST_TEST(entry.changes.dump() ==
             R"({"name":"renamed","inbound_ip":"192.0.2.0/24","is_active":false})");

  auto new_password = before;
  new_password.password = "another-pass";
  BOOST_TEST(audit_update(kActor, before, new_password, 5).changes.dump() ==
             R"({"password":"***"})");
  auto cleared = before;
  cleared.password.reset();
  cleared.register_requested = false;
  BOOST_TEST(audit_update(kActor, before, cleared, 5).changes.dump() ==
             R"({"password":null,"register":false})");
  BOOST_TEST(audit_update(kActor, before, before, 5).changes.empty());
}

// Verifies a delete's entry names the trunk and changes nothing.
BOOST_AUTO_TEST_CASE(audit_delete_has_no_changes) {
  auto entry = audit_delete(kActor, sample_trunk(), 7);
  BOOST_TEST(entry.operation == "delete");
  BOOST_TEST(entry.changes.dump() == "{}");
}

// Verifies stream fields come back as the API entry, and damaged storage reads as nulls.
BOOST_AUTO_TEST_CASE(audit_fields_round_trip) {
  auto trunk = sample_trunk();
  std::map<std::string, std::string> fields;
  for (const auto& [name, value] : audit_fields(audit_create(kActor, trunk, trunk.created_ns)))
    fields[name] = value;
  auto shown = audit_entry_json("1780056000000-0", fields);
  BOOST_TEST(shown["id"] == "1780056000000-0");
  BOOST_TEST(shown["at"] == "2026-05-29T12:00:00.000Z");
  BOOST_TEST(shown["operation"] == "create");
  BOOST_TEST(shown["trunk_id"] == trunk.id);
  BOOST_TEST(shown["key_id"] == "key_abc");
  BOOST_TEST(shown["changes"]["password"] == "***");
  fields["changes"] = "{not json";
  fields.erase("key_id");
  shown = audit_entry_json("1-0", fields);
  BOOST_TEST(shown["changes"].is_null());
  BOOST_TEST(shown["key_id"].is_null());
}

// Verifies stream ids: both parts present, digits only, within 64 bits.
BOOST_AUTO_TEST_CASE(stream_id_syntax) {
  for (std::string good : {"0-0", "1780056000000-5", "18446744073709551615-18446744073709551615"})
    BOOST_TEST(is_stream_id(good), good);
  for (std::string bad :
       {"", "-", "1", "1-", "-1", "a-1", "1-a", "1-1-1", "18446744073709551616-0",
        "0-18446744073709551616", "+1-0", " 1-0", "1-0 ", "1.5-0", "(1-0", "+", "-1-0"})
    BOOST_TEST(!is_stream_id(bad), bad);
}

struct ServiceFixture {
  test::FakeTrunkStore store;
  test::ManualClock clock{1'780'056'000'000'000'000};
  test::CountingChangeListener changes;
  TrunkService service{store, clock, changes};
  const std::string body = R"({"name":"a","proxy":"p.example","gateway_name":"g",)"
                           R"("username":"u","password":"pw-123"})";

  Actor as(const std::string& customer) { return {"key_" + customer, customer}; }
  service::Outcome<CreatedTrunk> create(const std::string& customer, const std::string& json,
                                        const std::string& key) {
    return service.create(as(customer), patch_of(json),
                          IdempotencyRequest{key, canonical_trunk_request(patch_of(json))});
  }
  Trunk only_trunk() {
    BOOST_TEST_REQUIRE(store.trunks.size() == 1u);
    return store.trunks.begin()->second;
  }
};

template <typename T>
ErrorCode error_code(const service::Outcome<T>& outcome) {
  return std::get<ApiError>(outcome).code;
}

// Verifies a retried create answers the first response and writes nothing more, even though
// the request would now meet its own gateway_name.
BOOST_FIXTURE_TEST_CASE(idempotent_retry_replays_the_first_response, ServiceFixture) {
  auto first = std::get<CreatedTrunk>(create("c", body, "k1"));
  clock.advance_ns(1'000'000'000);
  auto again = std::get<CreatedTrunk>(create("c", body, "k1"));
  BOOST_TEST(!first.replayed);
  BOOST_TEST(again.replayed);
  BOOST_TEST(again.response.trunk_id == first.response.trunk_id);
  BOOST_TEST(again.response.etag == first.response.etag);
  BOOST_TEST(again.response.body == first.response.body);
  BOOST_TEST(store.trunks.size() == 1u);
  BOOST_TEST(store.audit_trail.size() == 1u);
  BOOST_TEST(changes.changes == 1);
  BOOST_TEST(first.response.body.find("pw-123") == std::string::npos);
  // Without a key the same body is an ordinary second create: 409 on its gateway_name.
  BOOST_TEST(error_code(service.create(as("c"), patch_of(body))) == ErrorCode::gateway_name_exists);
}

// Verifies the same key with another request is refused and creates nothing.
BOOST_FIXTURE_TEST_CASE(idempotency_key_reused_for_another_request, ServiceFixture) {
  create("c", body, "k1");
  auto other = R"({"name":"b","proxy":"p.example"})";
  BOOST_TEST(error_code(create("c", other, "k1")) == ErrorCode::idempotency_mismatch);
  auto other_password = R"({"name":"a","proxy":"p.example","gateway_name":"g",)"
                        R"("username":"u","password":"pw-124"})";
  BOOST_TEST(error_code(create("c", other_password, "k1")) == ErrorCode::idempotency_mismatch);
  BOOST_TEST(store.trunks.size() == 1u);
  // Another key for the other request creates it.
  BOOST_TEST(std::holds_alternative<CreatedTrunk>(create("c", other, "k2")));
  BOOST_TEST(store.trunks.size() == 2u);
}

// Verifies keys are per customer: another customer's equal key creates that customer's trunk.
BOOST_FIXTURE_TEST_CASE(idempotency_keys_are_per_customer, ServiceFixture) {
  auto mine = std::get<CreatedTrunk>(create("c1", body, "shared"));
  auto theirs = std::get<CreatedTrunk>(create("c2", body, "shared"));
  BOOST_TEST(!theirs.replayed);
  BOOST_TEST(theirs.response.trunk_id != mine.response.trunk_id);
  BOOST_TEST(store.trunks.size() == 2u);
}

// Verifies the first response is the create's own answer: ETag and body of the stored trunk.
BOOST_FIXTURE_TEST_CASE(created_response_describes_the_trunk, ServiceFixture) {
  auto created = std::get<CreatedTrunk>(create("c", body, "k1"));
  auto trunk = only_trunk();
  BOOST_TEST(created.response.trunk_id == trunk.id);
  BOOST_TEST(created.response.etag == trunk_etag(trunk));
  auto shown = nlohmann::json::parse(created.response.body);
  BOOST_TEST(shown["id"] == trunk.id);
  BOOST_TEST(shown["sync"]["state"] == "pending");
}

// Verifies a stale If-Match is 412 for update and delete, and nothing is written.
BOOST_FIXTURE_TEST_CASE(stale_if_match_is_412, ServiceFixture) {
  create("c", body, "k1");
  auto trunk = only_trunk();
  auto stale = std::get<IfMatch>(parse_if_match("\"1\""));
  auto writes = store.writes;
  BOOST_TEST(error_code(service.update(as("c"), trunk.id, patch_of(R"({"name":"b"})"), stale)) ==
             ErrorCode::precondition_failed);
  BOOST_TEST(error_code(service.remove(as("c"), trunk.id, stale)) ==
             ErrorCode::precondition_failed);
  BOOST_TEST(store.writes == writes);
  BOOST_TEST(only_trunk() == trunk);
  // Another customer still gets 404, not 412: preconditions never reveal a trunk.
  BOOST_TEST(error_code(service.update(as("x"), trunk.id, patch_of(R"({"name":"b"})"), stale)) ==
             ErrorCode::not_found);
}

// Verifies a current If-Match and * let the write through; the new ETag follows the version.
BOOST_FIXTURE_TEST_CASE(current_if_match_writes, ServiceFixture) {
  create("c", body, "k1");
  auto trunk = only_trunk();
  auto current = std::get<IfMatch>(parse_if_match(trunk_etag(trunk)));
  auto updated =
      std::get<Trunk>(service.update(as("c"), trunk.id, patch_of(R"({"name":"b"})"), current));
  BOOST_TEST(trunk_etag(updated) != trunk_etag(trunk));
  // The old tag is now stale.
  BOOST_TEST(error_code(service.update(as("c"), trunk.id, patch_of(R"({"name":"c"})"), current)) ==
             ErrorCode::precondition_failed);
  auto any = std::get<IfMatch>(parse_if_match("*"));
  BOOST_TEST(std::holds_alternative<Trunk>(
      service.update(as("c"), trunk.id, patch_of(R"({"name":"c"})"), any)));
  BOOST_TEST(std::holds_alternative<std::monostate>(service.remove(as("c"), trunk.id, any)));
  BOOST_TEST(store.trunks.empty());
}

// Verifies the precondition holds at the write: a change landing between the read and the
// write (the store's conflict) makes the retry 412 instead of writing over it.
BOOST_FIXTURE_TEST_CASE(if_match_is_checked_again_after_a_conflict, ServiceFixture) {
  create("c", body, "k1");
  auto trunk = only_trunk();
  auto current = std::get<IfMatch>(parse_if_match(trunk_etag(trunk)));
  auto concurrent_write = [&] {
    auto& stored = store.trunks.at(trunk.id);
    stored.name = "theirs";
    stored.updated_ns += 1'000'000;
  };
  store.before_write = concurrent_write;
  BOOST_TEST(error_code(service.update(as("c"), trunk.id, patch_of(R"({"name":"mine"})"),
                                       current)) == ErrorCode::precondition_failed);
  BOOST_TEST(store.trunks.at(trunk.id).name == "theirs");
  current = std::get<IfMatch>(parse_if_match(trunk_etag(store.trunks.at(trunk.id))));
  store.before_write = concurrent_write;
  BOOST_TEST(error_code(service.remove(as("c"), trunk.id, current)) ==
             ErrorCode::precondition_failed);
  BOOST_TEST(store.trunks.size() == 1u);
}

// Verifies every write leaves one audit entry naming the key, and refusals and no-ops none.
BOOST_FIXTURE_TEST_CASE(writes_are_audited, ServiceFixture) {
  auto created = std::get<CreatedTrunk>(create("c", body, "k1"));
  const auto& id = created.response.trunk_id;
  service.update(as("c"), id, patch_of(R"({"name":"b","password":"pw-999"})"));
  service.update(as("c"), id, patch_of(R"({"name":"b"})"));       // no change
  service.update(as("c"), id, patch_of(R"({"username":null})"));  // 400: password left
  service.create(as("c"), patch_of(body));                        // 409
  service.remove(as("c"), id);
  BOOST_TEST_REQUIRE(store.audit_trail.size() == 3u);
  const auto& [create_id, create_entry] = store.audit_trail[0];
  const auto& update_entry = store.audit_trail[1].second;
  const auto& delete_entry = store.audit_trail[2].second;
  BOOST_TEST(create_entry.operation == "create");
  BOOST_TEST(create_entry.key_id == "key_c");
  BOOST_TEST(update_entry.operation == "update");
  BOOST_TEST(update_entry.changes.dump() == R"({"name":"b","password":"***"})");
  BOOST_TEST(delete_entry.operation == "delete");
  BOOST_TEST(delete_entry.trunk_id == id);
}

// Verifies a trunk's events are its owner's alone, also once the trunk is deleted.
BOOST_FIXTURE_TEST_CASE(trunk_events_for_the_owner_only, ServiceFixture) {
  auto mine = std::get<CreatedTrunk>(create("c", body, "k1")).response.trunk_id;
  auto other = std::get<CreatedTrunk>(create("x", body, "k1")).response.trunk_id;
  service.update(as("c"), mine, patch_of(R"({"name":"b"})"));
  auto page = std::get<store::AuditPage>(service.events("c", mine, {}));
  BOOST_TEST_REQUIRE(page.records.size() == 2u);
  BOOST_TEST(page.records[0].fields["operation"] == "update");  // newest first
  BOOST_TEST(page.records[1].fields["operation"] == "create");
  BOOST_TEST(error_code(service.events("c", other, {})) == ErrorCode::not_found);
  BOOST_TEST(error_code(service.events("x", mine, {})) == ErrorCode::not_found);
  BOOST_TEST(error_code(service.events("c", "trunk_20990101T000000.000000000", {})) ==
             ErrorCode::not_found);
  BOOST_TEST(error_code(service.events("c", "../x", {})) == ErrorCode::not_found);
  service.remove(as("c"), mine);
  page = std::get<store::AuditPage>(service.events("c", mine, {}));
  BOOST_TEST(page.records.size() == 3u);
  BOOST_TEST(error_code(service.events("x", mine, {})) == ErrorCode::not_found);
}

// The whole API over fakes, with a customer key, another customer's key and an admin key.
struct ApiFixture : ServiceFixture {
  test::FakeApiKeyStore keys;
  test::FakeEdgeStatus edge;
  test::FakeSipProbe probe;
  RateLimiter check_limiter{2, 10'000'000'000};
  test::FakeTestCaller caller;
  service::TrunkCheckService checks{service, probe, caller, clock, check_limiter};
  test::FakeKamailioRpc rpc;
  test::FakeTrunkCatalog catalog;
  service::NocService noc{rpc, catalog, edge, clock, {}};
  api::ApiService api{api::build_router({service, checks, edge, edge, noc, keys, clock}, ""), keys,
                      std::make_shared<spdlog::logger>("test")};
  std::string customer, intruder, admin;

  ApiFixture() {
    customer = add_key("cust_1", "customer");
    intruder = add_key("cust_2", "customer");
    admin = add_key("ops", "admin");
  }
  std::string add_key(const std::string& customer_id, const std::string& role) {
    auto key = crypto::generate_api_key();
    keys.add({key.key_id, customer_id, role, key.secret_sha256_hex, 0});
    return key.token;
  }
  api::HttpResponse call(const std::string& method, const std::string& target,
                         const std::string& body = "",
                         std::vector<std::pair<std::string, std::string>> headers = {},
                         const std::string& token = "") {
    auto question = target.find('?');
    api::HttpRequest request{method, target.substr(0, question),
                             question == std::string::npos ? "" : target.substr(question + 1),
                             std::move(headers), body};
    request.headers.emplace_back("authorization", "Bearer " + (token.empty() ? customer : token));
    request.headers.emplace_back("content-type", "application/json");
    return api.handle(request);
  }
};

std::string header_of(const api::HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

std::string code_of(const api::HttpResponse& response) {
  return nlohmann::json::parse(response.body)["error"]["code"];
}

// Verifies a retried POST with the same Idempotency-Key answers the first 201 byte for byte,
// marked as a replay, and a different body under it is 409 idempotency_mismatch.
BOOST_FIXTURE_TEST_CASE(http_idempotent_create, ApiFixture) {
  auto first = call("POST", "/v1/trunks", body, {{"idempotency-key", "\"req-1\""}});
  BOOST_TEST_REQUIRE(first.status == 201);
  clock.advance_ns(2'000'000'000);
  auto again = call("POST", "/v1/trunks", body, {{"idempotency-key", "req-1"}});
  BOOST_TEST(again.status == 201);
  BOOST_TEST(again.body == first.body);
  BOOST_TEST(header_of(again, "Location") == header_of(first, "Location"));
  BOOST_TEST(header_of(again, "ETag") == header_of(first, "ETag"));
  BOOST_TEST(header_of(first, "Idempotent-Replayed") == "");
  BOOST_TEST(header_of(again, "Idempotent-Replayed") == "true");
  auto mismatch = call("POST", "/v1/trunks", R"({"name":"z","proxy":"p.example"})",
                       {{"idempotency-key", "req-1"}});
  BOOST_TEST(mismatch.status == 409);
  BOOST_TEST(code_of(mismatch) == "idempotency_mismatch");
  auto bad = call("POST", "/v1/trunks", R"({"name":"z","proxy":"p.example"})",
                  {{"idempotency-key", "has space"}});
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(store.trunks.size() == 1u);
}

// Verifies GET, POST and PATCH carry the trunk's ETag, and If-Match on PATCH and DELETE is
// 412 when stale, 400 when malformed, and lets a current version through.
BOOST_FIXTURE_TEST_CASE(http_etag_and_if_match, ApiFixture) {
  auto created = call("POST", "/v1/trunks", body);
  auto path = header_of(created, "Location");
  auto etag = header_of(created, "ETag");
  BOOST_TEST(etag == trunk_etag(only_trunk()));
  BOOST_TEST(header_of(call("GET", path), "ETag") == etag);
  auto stale = call("PATCH", path, R"({"name":"b"})", {{"if-match", "\"1\""}});
  BOOST_TEST(stale.status == 412);
  BOOST_TEST(code_of(stale) == "precondition_failed");
  BOOST_TEST(call("PATCH", path, R"({"name":"b"})", {{"if-match", "nope"}}).status == 400);
  BOOST_TEST(call("DELETE", path, "", {{"if-match", "\"1\""}}).status == 412);
  auto patched = call("PATCH", path, R"({"name":"b"})", {{"if-match", etag}});
  BOOST_TEST(patched.status == 200);
  auto new_etag = header_of(patched, "ETag");
  BOOST_TEST(new_etag != etag);
  BOOST_TEST(header_of(call("GET", path), "ETag") == new_etag);
  BOOST_TEST(call("DELETE", path, "", {{"if-match", etag}}).status == 412);
  BOOST_TEST(call("DELETE", path, "", {{"if-match", new_etag}}).status == 204);
  // A missing trunk is 404 whatever If-Match says.
  BOOST_TEST(call("DELETE", path, "", {{"if-match", "*"}}).status == 404);
}

// Verifies GET /v1/audit is for admin keys, pages newest first with before / after, and shows
// passwords masked.
BOOST_FIXTURE_TEST_CASE(http_audit_pages, ApiFixture) {
  auto path = header_of(call("POST", "/v1/trunks", body), "Location");
  for (int i = 0; i < 4; ++i) call("PATCH", path, R"({"name":"n)" + std::to_string(i) + R"("})");
  BOOST_TEST(call("GET", "/v1/audit").status == 403);
  auto all = nlohmann::json::parse(call("GET", "/v1/audit", "", {}, admin).body);
  BOOST_TEST_REQUIRE(all["data"].size() == 5u);
  BOOST_TEST(all["has_more"] == false);
  BOOST_TEST(all["data"][0]["changes"]["name"] == "n3");
  BOOST_TEST(all["data"][4]["changes"]["password"] == "***");
  BOOST_TEST(all.dump().find("pw-123") == std::string::npos);
  auto first = nlohmann::json::parse(call("GET", "/v1/audit?limit=2", "", {}, admin).body);
  BOOST_TEST(first["data"].size() == 2u);
  BOOST_TEST(first["has_more"] == true);
  auto older = nlohmann::json::parse(
      call("GET", "/v1/audit?limit=2&before=" + first["data"][1]["id"].get<std::string>(), "", {},
           admin)
          .body);
  BOOST_TEST(older["data"][0]["id"] == all["data"][2]["id"]);
  BOOST_TEST(older["has_more"] == true);
  auto newer = nlohmann::json::parse(
      call("GET", "/v1/audit?limit=2&after=" + all["data"][4]["id"].get<std::string>(), "", {},
           admin)
          .body);
  BOOST_TEST(newer["data"][0]["id"] == all["data"][2]["id"]);
  BOOST_TEST(newer["data"][1]["id"] == all["data"][3]["id"]);
  BOOST_TEST(newer["has_more"] == true);
  for (std::string query : {"limit=0", "limit=1001", "before=x", "after=1", "before=1-0&after=2-0",
                            "cursor=1-0", "limit=%zz"}) {
    BOOST_TEST_CONTEXT(query) {
      BOOST_TEST(call("GET", "/v1/audit?" + query, "", {}, admin).status == 400);
    }
  }
}

// Verifies /v1/trunks/{id}/events shows the owner that trunk's entries and others a 404.
BOOST_FIXTURE_TEST_CASE(http_trunk_events, ApiFixture) {
  auto path = header_of(call("POST", "/v1/trunks", body), "Location");
  call("POST", "/v1/trunks", R"({"name":"other","proxy":"p.example"})");
  call("PATCH", path, R"({"is_active":false})");
  auto events = call("GET", path + "/events");
  BOOST_TEST(events.status == 200);
  auto shown = nlohmann::json::parse(events.body);
  BOOST_TEST_REQUIRE(shown["data"].size() == 2u);
  BOOST_TEST(shown["data"][0]["changes"].dump() == R"({"is_active":false})");
  BOOST_TEST(call("GET", path + "/events", "", {}, intruder).status == 404);
  BOOST_TEST(call("GET", path + "/events?limit=x").status == 400);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
