#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <set>
#include <thread>

#include "store/redis_consistency.h"
#include "support/stack.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(safe_writes)

using json = nlohmann::json;

// The daemon on a real Redis, with one customer key and one admin key.
struct SafeWritesFixture {
  RedisServer redis;
  ControlPlane daemon{redis};
  std::string key = daemon.create_key("cust_safe");
  std::string admin = [this] {
    auto out = daemon.run_command({"keys", "create", "--customer", "ops", "--role", "admin"});
    return out.substr(0, out.find('\n'));
  }();

  HttpResult send(const std::string& method, const std::string& target, const std::string& body,
                  std::vector<std::pair<std::string, std::string>> headers,
                  const std::string& token = "") {
    headers.emplace_back("Authorization", "Bearer " + (token.empty() ? key : token));
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return http_request(daemon.port(), method, target, headers, body);
  }

  // `requests` calls of `request(i)`, released together from one thread each.
  static std::vector<HttpResult> at_once(int requests,
                                         const std::function<HttpResult(int)>& request) {
    std::vector<HttpResult> results(requests);
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < requests; ++i) {
      threads.emplace_back([&, i] {
        while (!go.load()) std::this_thread::yield();
        results[i] = request(i);
      });
    }
    go = true;
    for (auto& thread : threads) thread.join();
    return results;
  }
};

const std::string kBody = R"({"name":"safe","proxy":"sip.example.net","gateway_name":"g1",)"
                          R"("username":"u1","password":"Pw-Secret-77"})";

std::string header_of(const HttpResult& result, const std::string& name) {
  auto it = result.headers.find(name);
  return it == result.headers.end() ? "" : it->second;
}

// Verifies 20 concurrent POSTs with one Idempotency-Key create exactly one trunk and all answer
// its 201 (same Location, ETag and body); the audit trail has one create.
BOOST_FIXTURE_TEST_CASE(concurrent_creates_with_one_key_make_one_trunk, SafeWritesFixture) {
  auto results = at_once(20, [&](int) {
    return send("POST", "/v1/trunks", kBody, {{"Idempotency-Key", "race-key-1"}});
  });
  int replayed = 0;
  for (const auto& result : results) {
    BOOST_TEST(result.status == 201);
    BOOST_TEST(result.body == results[0].body);
    BOOST_TEST(header_of(result, "location") == header_of(results[0], "location"));
    BOOST_TEST(header_of(result, "etag") == header_of(results[0], "etag"));
    replayed += header_of(result, "idempotent-replayed") == "true";
  }
  BOOST_TEST(replayed == 19);
  BOOST_TEST(json::parse(daemon.call("GET", "/v1/trunks", key).body)["count"] == 1);
  auto audit = json::parse(send("GET", "/v1/audit", "", {}, admin).body);
  BOOST_TEST(audit["data"].size() == 1u);
  store::RedisPool pool(redis.daemon_endpoint(0), 1);
  store::RedisPool kamailio_db(redis.daemon_endpoint(1), 1);
  auto problems = store::check_trunk_consistency(pool, kamailio_db);
  BOOST_TEST(problems.empty(), (problems.empty() ? "" : problems.front()));
}

// Verifies a retry after the trunk was changed still answers the first response, the key is
// kept 24 h with a hash of the request and no password, and another body under it is 409.
BOOST_FIXTURE_TEST_CASE(retry_and_mismatch, SafeWritesFixture) {
  auto first = send("POST", "/v1/trunks", kBody, {{"Idempotency-Key", "k-2"}});
  BOOST_TEST_REQUIRE(first.status == 201);
  auto path = header_of(first, "location");
  BOOST_TEST(daemon.call("PATCH", path, key, R"({"name":"changed"})").status == 200);
  auto retry = send("POST", "/v1/trunks", kBody, {{"Idempotency-Key", "k-2"}});
  BOOST_TEST(retry.status == 201);
  BOOST_TEST(retry.body == first.body);
  auto other = send("POST", "/v1/trunks", R"({"name":"x","proxy":"sip.example.net"})",
                    {{"Idempotency-Key", "k-2"}});
  BOOST_TEST(other.status == 409);
  BOOST_TEST(json::parse(other.body)["error"]["code"] == "idempotency_mismatch");
  BOOST_TEST(send("POST", "/v1/trunks", kBody, {{"Idempotency-Key", "bad key"}}).status == 400);
  BOOST_TEST(json::parse(daemon.call("GET", "/v1/trunks", key).body)["count"] == 1);

  auto record = redis.cli({"HGETALL", "mv:idempotency:cust_safe:k-2"});
  BOOST_TEST(record.find("request_sha256") != std::string::npos);
  BOOST_TEST(record.find("Pw-Secret-77") == std::string::npos);
  auto ttl = std::stoi(redis.cli({"TTL", "mv:idempotency:cust_safe:k-2"}));
  BOOST_TEST(ttl > 86'000);
  BOOST_TEST(ttl <= 86'400);
}

// Verifies a stale If-Match is 412 on PATCH and DELETE and changes nothing, and the current
// ETag (from GET) lets the write through.
BOOST_FIXTURE_TEST_CASE(stale_if_match_is_412, SafeWritesFixture) {
  auto created = send("POST", "/v1/trunks", kBody, {});
  auto path = header_of(created, "location");
  auto etag = header_of(created, "etag");
  BOOST_TEST(header_of(daemon.call("GET", path, key), "etag") == etag);
  auto changed = send("PATCH", path, R"({"name":"first writer"})", {{"If-Match", etag}});
  BOOST_TEST_REQUIRE(changed.status == 200);
  auto stale = send("PATCH", path, R"({"name":"second writer"})", {{"If-Match", etag}});
  BOOST_TEST(stale.status == 412);
  BOOST_TEST(json::parse(stale.body)["error"]["code"] == "precondition_failed");
  BOOST_TEST(send("DELETE", path, "", {{"If-Match", etag}}).status == 412);
  auto now = json::parse(daemon.call("GET", path, key).body);
  BOOST_TEST(now["name"] == "first writer");
  BOOST_TEST(send("DELETE", path, "", {{"If-Match", header_of(changed, "etag")}}).status == 204);
}

// Verifies concurrent PATCHes that all name one ETag: exactly one wins, the rest are 412.
BOOST_FIXTURE_TEST_CASE(concurrent_if_match_patches_one_wins, SafeWritesFixture) {
  auto created = send("POST", "/v1/trunks", kBody, {});
  auto path = header_of(created, "location");
  auto etag = header_of(created, "etag");
  auto results = at_once(20, [&](int i) {
    return send("PATCH", path, R"({"name":"w)" + std::to_string(i) + R"("})", {{"If-Match", etag}});
  });
  int ok = 0, refused = 0;
  for (const auto& result : results) {
    ok += result.status == 200;
    refused += result.status == 412;
  }
  BOOST_TEST(ok == 1);
  BOOST_TEST(refused == 19);
}

// Verifies create, update and delete reach the audit trail (who, what, when; passwords masked
// in the API and in Redis) and the owner's per-trunk view; others get 404.
BOOST_FIXTURE_TEST_CASE(audit_trail, SafeWritesFixture) {
  auto path = header_of(send("POST", "/v1/trunks", kBody, {}), "location");
  auto id = path.substr(path.rfind('/') + 1);
  send("PATCH", path, R"({"password":"Other-Secret-88","is_active":false})", {});
  BOOST_TEST(send("DELETE", path, "", {}).status == 204);

  auto audit = send("GET", "/v1/audit?limit=10", "", {}, admin);
  BOOST_TEST_REQUIRE(audit.status == 200);
  auto entries = json::parse(audit.body)["data"];
  BOOST_TEST_REQUIRE(entries.size() == 3u);
  BOOST_TEST(entries[0]["operation"] == "delete");
  BOOST_TEST(entries[1]["operation"] == "update");
  BOOST_TEST(entries[1]["changes"] == json({{"password", "***"}, {"is_active", false}}));
  BOOST_TEST(entries[2]["operation"] == "create");
  BOOST_TEST(entries[2]["customer_id"] == "cust_safe");
  BOOST_TEST(entries[2]["trunk_id"] == id);
  BOOST_TEST(entries[2]["key_id"] == key.substr(8, key.find('_', 8) - 8));
  BOOST_TEST(entries[2]["at"].get<std::string>().ends_with("Z"));
  BOOST_TEST(send("GET", "/v1/audit", "", {}).status == 403);

  // The owner still reads a deleted trunk's events; another customer gets 404.
  auto events = send("GET", path + "/events", "", {});
  BOOST_TEST(events.status == 200);
  BOOST_TEST(json::parse(events.body)["data"].size() == 3u);
  auto other = daemon.create_key("cust_other");
  BOOST_TEST(send("GET", path + "/events", "", {}, other).status == 404);

  auto stream = redis.cli({"XRANGE", "mv:audit", "-", "+"});
  BOOST_TEST(stream.find("Pw-Secret-77") == std::string::npos);
  BOOST_TEST(stream.find("Other-Secret-88") == std::string::npos);
  BOOST_TEST(daemon.log_text().find("Secret") == std::string::npos);
  BOOST_TEST(std::stoi(redis.cli({"TTL", "mv:audit:trunk:" + id})) > 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
