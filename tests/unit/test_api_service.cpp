#include <boost/test/unit_test.hpp>

#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

#include "api/api_service.h"
#include "api/routes.h"
#include "crypto/api_key.h"
#include "logging/log_formatter.h"
#include "support/fake_api.h"

namespace mv::api {

BOOST_AUTO_TEST_SUITE(api_service)

std::shared_ptr<spdlog::logger> json_logger(std::ostringstream& out) {
  auto log = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  log->set_formatter(std::make_unique<logging::LineFormatter>(logging::LogFormat::json));
  return log;
}

// The whole API over fakes: routes, wrapper, service; logs captured in `log_text` (JSON lines),
// requests counted in `metrics`.
struct ApiFixture : test::FakeApiServices {
  std::ostringstream log_text;
  metrics::Registry metrics;
  metrics::HttpMetrics http_metrics{metrics};
  ApiService api{build_router(targets(), "openapi: 3.1.0\n"), keys, json_logger(log_text),
                 &http_metrics};
  std::string token;

  ApiFixture() {
    auto key = crypto::generate_api_key();
    keys.add({key.key_id, "cust_123", "customer", key.secret_sha256_hex, 0});
    token = key.token;
  }

  HttpResponse call(const std::string& method, const std::string& path,
                    const std::string& body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest request{method, path, "", std::move(headers), body};
    if (!request.header("authorization"))
      request.headers.emplace_back("authorization", "Bearer " + token);
    if (!request.header("content-type"))
      request.headers.emplace_back("content-type", "application/json");
    return api.handle(request);
  }
};

std::optional<std::string> header(const HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string code_of(const HttpResponse& response) {
  return nlohmann::json::parse(response.body)["error"]["code"];
}

// Verifies the seed's create body gives 201, a Location header and the trunk.
BOOST_FIXTURE_TEST_CASE(create_answers_201_with_location, ApiFixture) {
  auto response =
      call("POST", "/v1/trunks", R"({"name":"primary-outbound","proxy":"sip.example.net"})");
  BOOST_TEST(response.status == 201);
  auto body = nlohmann::json::parse(response.body);
  BOOST_TEST(header(response, "Location").value_or("") ==
             "/v1/trunks/" + body["id"].get<std::string>());
  BOOST_TEST(body["customer_id"] == "cust_123");
}

// Verifies missing, malformed, unknown and non-Bearer credentials all give 401 + WWW-Authenticate.
BOOST_FIXTURE_TEST_CASE(bad_credentials_are_401, ApiFixture) {
  auto other = crypto::generate_api_key().token;
  std::vector<std::string> refused{"",
                                   "Bearer",
                                   "Bearer ",
                                   "Basic dXNlcjpwYXNz",
                                   "Bearer " + other,
                                   "Bearer " + token + "x",
                                   "Token " + token};
  for (const auto& authorization : refused) {
    BOOST_TEST_CONTEXT(authorization) {
      auto response = call("GET", "/v1/trunks", "", {{"authorization", authorization}});
      BOOST_TEST(response.status == 401);
      BOOST_TEST(code_of(response) == "unauthorized");
      BOOST_TEST(header(response, "WWW-Authenticate").value_or("") == "Bearer");
    }
  }
  BOOST_TEST(call("GET", "/v1/trunks", "", {{"authorization", "bearer " + token}}).status == 200);
}

// Verifies a key whose stored hash does not match is refused (the secret is what is checked).
BOOST_FIXTURE_TEST_CASE(wrong_secret_for_known_key_id_is_401, ApiFixture) {
  auto parts = crypto::split_api_key(token);
  auto forged = "mv_live_" + parts->key_id + "_" + std::string(48, 'a');
  BOOST_TEST(call("GET", "/v1/trunks", "", {{"authorization", "Bearer " + forged}}).status == 401);
}

// Verifies POST/PATCH without a JSON content type get 415.
BOOST_FIXTURE_TEST_CASE(non_json_content_type_is_415, ApiFixture) {
  auto response = call("POST", "/v1/trunks", R"({"name":"a","proxy":"b.example"})",
                       {{"content-type", "text/plain"}});
  BOOST_TEST(response.status == 415);
  BOOST_TEST(code_of(response) == "unsupported_media_type");
  auto with_charset = call("POST", "/v1/trunks", R"({"name":"a","proxy":"b.example"})",
                           {{"content-type", "Application/JSON; charset=utf-8"}});
  BOOST_TEST(with_charset.status == 201);
}

// Verifies an oversized body is 413, whether announced or actually read.
BOOST_FIXTURE_TEST_CASE(oversized_body_is_413, ApiFixture) {
  auto big = call("POST", "/v1/trunks", std::string(70 * 1024, ' '));
  BOOST_TEST(big.status == 413);
  BOOST_TEST(code_of(big) == "payload_too_large");
  HttpRequest announced{"POST", "/v1/trunks", "", {{"authorization", "Bearer " + token}}, ""};
  announced.body_over_limit = true;
  BOOST_TEST(api.handle(announced).status == 413);
}

// Verifies unknown paths are 404 and wrong methods 405 with Allow, both in the JSON error shape.
BOOST_FIXTURE_TEST_CASE(unknown_route_and_method, ApiFixture) {
  auto missing = call("GET", "/v1/nothing");
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(code_of(missing) == "not_found");
  auto wrong = call("PUT", "/v1/trunks/trunk_20260529T120000.000000000");
  BOOST_TEST(wrong.status == 405);
  BOOST_TEST(code_of(wrong) == "method_not_allowed");
  BOOST_TEST(header(wrong, "Allow").value_or("") == "GET, PATCH, DELETE");
}

// Verifies storage failures become 503 with Retry-After, never a crash or a 500.
BOOST_FIXTURE_TEST_CASE(storage_down_is_503, ApiFixture) {
  trunk_store.unavailable = true;
  auto response = call("GET", "/v1/trunks");
  BOOST_TEST(response.status == 503);
  BOOST_TEST(code_of(response) == "service_unavailable");
  BOOST_TEST(header(response, "Retry-After").value_or("") == "1");
  keys.unavailable = true;
  BOOST_TEST(call("GET", "/v1/trunks").status == 503);
}

// Verifies every answer carries the security headers and a request id; a safe client id is kept.
BOOST_FIXTURE_TEST_CASE(security_headers_and_request_id, ApiFixture) {
  auto response = call("GET", "/v1/trunks", "", {{"x-request-id", "abc-123"}});
  BOOST_TEST(header(response, "Cache-Control").value_or("") == "no-store");
  BOOST_TEST(header(response, "X-Content-Type-Options").value_or("") == "nosniff");
  BOOST_TEST(header(response, "X-Request-Id").value_or("") == "abc-123");
  auto unsafe = call("GET", "/v1/trunks", "", {{"x-request-id", "a\r\nSet-Cookie: x"}});
  BOOST_TEST(header(unsafe, "X-Request-Id").value_or("").find('\n') == std::string::npos);
  BOOST_TEST(header(unsafe, "X-Request-Id").value_or("").size() == 16u);
}

// Verifies the password never reaches a response or a log line, on success or on error.
BOOST_FIXTURE_TEST_CASE(password_never_in_response_or_log, ApiFixture) {
  const std::string password = "Pw-1234567-unique";
  auto created =
      call("POST", "/v1/trunks",
           R"({"name":"a","proxy":"b.example","username":"u","password":")" + password + R"("})");
  BOOST_TEST(created.status == 201);
  auto id = nlohmann::json::parse(created.body)["id"].get<std::string>();
  auto bad = call("POST", "/v1/trunks",
                  R"({"name":"a","proxy":"b.example","password":")" + password + R"(\n"})");
  BOOST_TEST(bad.status == 400);
  auto patched = call("PATCH", "/v1/trunks/" + id, R"({"password":")" + password + R"(x"})");
  BOOST_TEST(patched.status == 200);
  for (const auto* body : {&created.body, &bad.body, &patched.body}) {
    BOOST_TEST(body->find(password) == std::string::npos);
  }
  BOOST_TEST(call("GET", "/v1/trunks/" + id).body.find(password) == std::string::npos);
  BOOST_TEST(call("GET", "/v1/trunks").body.find(password) == std::string::npos);
  BOOST_TEST(log_text.str().find(password) == std::string::npos);
  BOOST_TEST(log_text.str().find(R"("status":201)") != std::string::npos);
}

// Verifies the OpenAPI document needs no key (the ops routes: see the ops_routes suite).
BOOST_FIXTURE_TEST_CASE(public_routes_need_no_key, ApiFixture) {
  HttpRequest doc{"GET", "/v1/openapi.yaml", "", {}, ""};
  auto response = api.handle(doc);
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.body == "openapi: 3.1.0\n");
}

// Verifies requests are counted under the route pattern, never the path with its ids, and
// paths no route matches under "unmatched".
BOOST_FIXTURE_TEST_CASE(requests_counted_by_route_pattern, ApiFixture) {
  auto created = call("POST", "/v1/trunks", R"({"name":"a","proxy":"b.example"})");
  auto id = nlohmann::json::parse(created.body)["id"].get<std::string>();
  call("GET", "/v1/trunks/" + id);
  call("GET", "/v1/trunks/" + id);
  call("GET", "/v1/trunks/trunk_missing");
  call("GET", "/v1/nothing/here");
  auto text = metrics.render();
  BOOST_TEST(
      text.find(R"(mv_http_requests_total{method="POST",route="/v1/trunks",status="201"} 1)") !=
      std::string::npos);
  BOOST_TEST(
      text.find(R"(mv_http_requests_total{method="GET",route="/v1/trunks/{id}",status="200"} 2)") !=
      std::string::npos);
  BOOST_TEST(
      text.find(R"(mv_http_requests_total{method="GET",route="/v1/trunks/{id}",status="404"} 1)") !=
      std::string::npos);
  BOOST_TEST(
      text.find(R"(mv_http_requests_total{method="GET",route="unmatched",status="404"} 1)") !=
      std::string::npos);
  BOOST_TEST(
      text.find(
          R"(mv_http_request_duration_seconds_count{method="GET",route="/v1/trunks/{id}"} 3)") !=
      std::string::npos);
  BOOST_TEST(text.find(id) == std::string::npos);
  BOOST_TEST(text.find("cust_123") == std::string::npos);
}

std::vector<nlohmann::json> log_lines(const std::ostringstream& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream text(out.str());
  std::string line;
  while (std::getline(text, line)) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

// Verifies the request line carries request_id, customer_id, trunk_id (from the path, or from
// the Location of a create), method, route, status and duration_ms, and never the key.
BOOST_FIXTURE_TEST_CASE(request_line_has_its_fields, ApiFixture) {
  auto created = call("POST", "/v1/trunks", R"({"name":"a","proxy":"b.example"})",
                      {{"x-request-id", "req-create"}});
  auto id = nlohmann::json::parse(created.body)["id"].get<std::string>();
  call("GET", "/v1/trunks/" + id, "", {{"x-request-id", "req-get"}});
  call("GET", "/v1/trunks", "", {{"authorization", "Bearer mv_live_000000000000_bad"}});
  auto lines = log_lines(log_text);
  BOOST_TEST_REQUIRE(lines.size() == 3u);
  BOOST_TEST(lines[0]["msg"] == "request");
  BOOST_TEST(lines[0]["request_id"] == "req-create");
  BOOST_TEST(lines[0]["customer_id"] == "cust_123");
  BOOST_TEST(lines[0]["trunk_id"] == id);
  BOOST_TEST(lines[0]["method"] == "POST");
  BOOST_TEST(lines[0]["route"] == "/v1/trunks");
  BOOST_TEST(lines[0]["status"] == 201);
  BOOST_TEST(lines[0]["duration_ms"].is_number());
  BOOST_TEST(lines[1]["request_id"] == "req-get");
  BOOST_TEST(lines[1]["trunk_id"] == id);
  BOOST_TEST(lines[1]["route"] == "/v1/trunks/{id}");
  BOOST_TEST(lines[2]["status"] == 401);
  BOOST_TEST(!lines[2].contains("customer_id"));
  BOOST_TEST(lines[2]["request_id"].get<std::string>().size() == 16u);
  BOOST_TEST(log_text.str().find(token) == std::string::npos);
  BOOST_TEST(log_text.str().find("mv_live_") == std::string::npos);
  BOOST_TEST(log_text.str().find("Bearer") == std::string::npos);
}

// Verifies a line logged while a request runs (here: storage down) carries its request_id.
BOOST_FIXTURE_TEST_CASE(lines_inside_a_request_carry_its_id, ApiFixture) {
  trunk_store.unavailable = true;
  call("GET", "/v1/trunks", "", {{"x-request-id", "req-down"}});
  auto lines = log_lines(log_text);
  BOOST_TEST_REQUIRE(lines.size() == 2u);
  BOOST_TEST(lines[0]["level"] == "warn");
  BOOST_TEST(lines[0]["request_id"] == "req-down");
  BOOST_TEST(lines[0]["customer_id"] == "cust_123");
  BOOST_TEST(lines[1]["status"] == 503);
}

// Verifies every 503, also the one after endless write conflicts, tells the client when to retry.
BOOST_FIXTURE_TEST_CASE(every_503_has_retry_after, ApiFixture) {
  auto created = call("POST", "/v1/trunks", R"({"name":"a","proxy":"b.example"})");
  auto id = nlohmann::json::parse(created.body)["id"].get<std::string>();
  trunk_store.scripted.assign(100, store::WriteResult::conflict);
  auto response = call("PATCH", "/v1/trunks/" + id, R"({"name":"b"})");
  BOOST_TEST(response.status == 503);
  BOOST_TEST(header(response, "Retry-After").value_or("") == "1");
}

// Verifies the edge status needs an admin key: a customer key is 403 forbidden.
BOOST_FIXTURE_TEST_CASE(edge_status_is_admin_only, ApiFixture) {
  edge::NodeStatus status;
  status.endpoint = "http://127.0.0.1:5071/RPC";
  status.last_result = "ok";
  status.last_reload_unix_ns = 1'780'056'000'000'000'000;
  status.reloads = 2;
  status.tables = {{"address", 3, 3, 1}, {"dispatcher", 2, 1, 1}};
  edge.nodes = {status};
  auto refused = call("GET", "/v1/edge/status");
  BOOST_TEST(refused.status == 403);
  BOOST_TEST(code_of(refused) == "forbidden");

  auto admin = crypto::generate_api_key();
  keys.add({admin.key_id, "ops", "admin", admin.secret_sha256_hex, 0});
  auto allowed = call("GET", "/v1/edge/status", "", {{"authorization", "Bearer " + admin.token}});
  BOOST_TEST(allowed.status == 200);
  auto node = nlohmann::json::parse(allowed.body)["nodes"][0];
  BOOST_TEST(node["endpoint"] == "http://127.0.0.1:5071/RPC");
  // One dispatcher row is not loaded: the node is not in step, and the table says which.
  BOOST_TEST(node["in_sync"] == false);
  BOOST_TEST(node["expected_rows"] == 5);
  BOOST_TEST(node["loaded_rows"] == 4);
  BOOST_TEST(node["tables"]["dispatcher"]["expected_rows"] == 2);
  BOOST_TEST(node["tables"]["dispatcher"]["loaded_rows"] == 1);
  BOOST_TEST(node["reloads"] == 2);
  BOOST_TEST(node["last_reload_at"] == "2026-05-29T12:00:00.000Z");
}

// Verifies an operator's resync: admin only, 202 for a configured node's name (the reloader is
// asked for it), 404 not_found for any other name.
BOOST_FIXTURE_TEST_CASE(edge_resync_for_a_named_node, ApiFixture) {
  edge::NodeStatus status;
  status.endpoint = "http://127.0.0.1:5071/RPC";
  status.name = "edge-1";
  edge.nodes = {status};
  auto refused = call("POST", "/v1/edge/nodes/edge-1/resync");
  BOOST_TEST(refused.status == 403);
  BOOST_TEST(edge.resyncs.empty());

  auto admin = crypto::generate_api_key();
  keys.add({admin.key_id, "ops", "admin", admin.secret_sha256_hex, 0});
  std::vector<std::pair<std::string, std::string>> as_admin{
      {"authorization", "Bearer " + admin.token}};
  auto scheduled = call("POST", "/v1/edge/nodes/edge-1/resync", "", as_admin);
  BOOST_TEST(scheduled.status == 202);
  BOOST_TEST(scheduled.body == R"({"node":"edge-1","resync":"scheduled"})");
  BOOST_TEST(edge.resyncs == std::vector<std::string>{"edge-1"});
  auto unknown = call("POST", "/v1/edge/nodes/edge-9/resync", "", as_admin);
  BOOST_TEST(unknown.status == 404);
  BOOST_TEST(code_of(unknown) == "not_found");
  BOOST_TEST(edge.resyncs.size() == 1u);
}

// Verifies a committed create is answered 201 (sync pending) even when the sync read fails.
BOOST_FIXTURE_TEST_CASE(write_answered_even_if_sync_unreadable, ApiFixture) {
  trunk_store.progress_unavailable = true;
  auto created = call("POST", "/v1/trunks", R"({"name":"a","proxy":"b.example"})");
  BOOST_TEST(created.status == 201);
  BOOST_TEST(nlohmann::json::parse(created.body)["sync"]["state"] == "pending");
  BOOST_TEST(trunk_store.trunks.size() == 1u);
}

// Verifies the sync state in responses follows the edge's progress.
BOOST_FIXTURE_TEST_CASE(sync_state_in_responses, ApiFixture) {
  auto created =
      nlohmann::json::parse(call("POST", "/v1/trunks", R"({"name":"a","proxy":"b.example"})").body);
  BOOST_TEST(created["sync"]["state"] == "pending");
  trunk_store.progress = {1, std::nullopt};
  auto path = "/v1/trunks/" + created["id"].get<std::string>();
  BOOST_TEST(nlohmann::json::parse(call("GET", path).body)["sync"]["state"] == "applied");
  auto patched = nlohmann::json::parse(call("PATCH", path, R"({"name":"b"})").body);
  BOOST_TEST(patched["sync"]["state"] == "pending");
}

// Verifies POST /v1/trunks/{id}/test sends an OPTIONS to the trunk's proxy (From domain =
// from_domain, else the proxy host) and reports status, latency, result and registration state.
BOOST_FIXTURE_TEST_CASE(trunk_test_probes_the_proxy, ApiFixture) {
  auto created = call("POST", "/v1/trunks",
                      R"({"name":"a","proxy":"sip:sip.carrier.example:5070;transport=tcp"})");
  auto id = nlohmann::json::parse(created.body)["id"].get<std::string>();
  auto answered = call("POST", "/v1/trunks/" + id + "/test");
  BOOST_TEST(answered.status == 200);
  auto body = nlohmann::json::parse(answered.body);
  BOOST_TEST(body["sip_status"] == 200);
  BOOST_TEST(body["reason"] == "OK");
  BOOST_TEST(body["latency_ms"] == 12);
  BOOST_TEST(body["result"] == "answered");
  BOOST_TEST(body["registration_status"] == "NOREG");
  BOOST_TEST_REQUIRE(probe.sent.size() == 1u);
  BOOST_TEST(probe.sent[0].first == "sip:sip.carrier.example:5070;transport=tcp");
  BOOST_TEST(probe.sent[0].second == "sip.carrier.example");

  probe.answer = {408, "Request Timeout", 5003};
  auto silent = nlohmann::json::parse(call("POST", "/v1/trunks/" + id + "/test").body);
  BOOST_TEST(silent["result"] == "timeout");
  BOOST_TEST(silent["sip_status"] == 408);
}

// Verifies the check is per customer's own trunks (404 otherwise), rate-limited with 429 and
// Retry-After, and 503 when no edge node answers.
BOOST_FIXTURE_TEST_CASE(trunk_test_limits_and_failures, ApiFixture) {
  BOOST_TEST(call("POST", "/v1/trunks/trunk_20260529T120000.000000000/test").status == 404);
  auto created = call("POST", "/v1/trunks", R"({"name":"a","proxy":"sip.carrier.example"})");
  auto path =
      "/v1/trunks/" + nlohmann::json::parse(created.body)["id"].get<std::string>() + "/test";
  BOOST_TEST(call("POST", path).status == 200);
  probe.unavailable = true;
  auto down = call("POST", path);
  BOOST_TEST(down.status == 503);
  BOOST_TEST(code_of(down) == "service_unavailable");
  probe.unavailable = false;
  auto limited = call("POST", path);
  BOOST_TEST(limited.status == 429);
  BOOST_TEST(code_of(limited) == "rate_limited");
  BOOST_TEST(header(limited, "Retry-After").value_or("") == "10");
  BOOST_TEST(probe.sent.size() == 1u);  // the refused check sent nothing
  clock.advance_ns(10'000'000'000);
  BOOST_TEST(call("POST", path).status == 200);
}

// Verifies POST /v1/trunks/{id}/test-call places the call on that trunk with the numbers asked
// for and reports the first final answer, its call id and whether it was hung up.
BOOST_FIXTURE_TEST_CASE(test_call_reports_the_final_answer, ApiFixture) {
  auto created = call("POST", "/v1/trunks", R"({"name":"a","proxy":"sip.carrier.example"})");
  auto id = nlohmann::json::parse(created.body)["id"].get<std::string>();
  auto path = "/v1/trunks/" + id + "/test-call";
  auto answered = call("POST", path, R"({"to":"+15551230002","from":"+15551230001"})");
  BOOST_TEST(answered.status == 200);
  auto body = nlohmann::json::parse(answered.body);
  BOOST_TEST(body["sip_status"] == 200);
  BOOST_TEST(body["reason"] == "OK");
  BOOST_TEST(body["latency_ms"] == 40);
  BOOST_TEST(body["call_id"] == "mvtest-1");
  BOOST_TEST(body["result"] == "answered");
  BOOST_TEST(body["ended"] == true);
  BOOST_TEST_REQUIRE(caller.placed.size() == 1u);
  BOOST_TEST(caller.placed[0].first == id);
  BOOST_TEST(caller.placed[0].second.to == "+15551230002");
  BOOST_TEST(caller.placed[0].second.from == "+15551230001");

  caller.answer = {486, "Busy Here", 30, "mvtest-2", "", false};
  auto busy = nlohmann::json::parse(call("POST", path, R"({"to":"123","from":"456"})").body);
  BOOST_TEST(busy["sip_status"] == 486);
  BOOST_TEST(busy["result"] == "rejected");
  BOOST_TEST(busy["ended"] == false);
}

// Verifies a test call's refusals: bad numbers (400, nothing placed), an inactive trunk (409
// trunk_inactive), a customer without any active trunk and an edge without a usable trunk (409
// no_active_trunk, the seed's error), the shared rate limit (429) and an unreachable edge (503).
BOOST_FIXTURE_TEST_CASE(test_call_refusals, ApiFixture) {
  auto trunk_path = [&](const std::string& body) {
    return "/v1/trunks/" +
           nlohmann::json::parse(call("POST", "/v1/trunks", body).body)["id"].get<std::string>();
  };
  auto inactive = trunk_path(R"({"name":"a","proxy":"sip.carrier.example","is_active":false})");
  const std::string numbers = R"({"to":"+15551230002","from":"+15551230001"})";
  auto none_active = call("POST", inactive + "/test-call", numbers);
  BOOST_TEST(none_active.status == 409);
  BOOST_TEST(code_of(none_active) == "no_active_trunk");
  BOOST_TEST(nlohmann::json::parse(none_active.body)["error"]["message"] ==
             "no active outbound trunk available");

  auto active = trunk_path(R"({"name":"b","proxy":"sip.other.example"})");
  auto refused = call("POST", inactive + "/test-call", numbers);
  BOOST_TEST(refused.status == 409);
  BOOST_TEST(code_of(refused) == "trunk_inactive");

  for (const auto* bad : {R"({"to":"+1555"})", R"({"to":"sip:x@y","from":"1"})",
                          R"({"to":"+15551230002","from":"+1555
X: y"})",
                          R"({"to":"+15551230002","from":"+15551230001","via":"x"})", "[]", ""}) {
    auto response = call("POST", active + "/test-call", bad);
    BOOST_TEST(response.status == 400, bad);
    BOOST_TEST(code_of(response) == "invalid_request");
  }
  BOOST_TEST(call("POST", "/v1/trunks/trunk_20250101T000000.000000000/test-call", numbers).status ==
             404);
  BOOST_TEST(caller.placed.empty());

  caller.answer = {503, "No Active Trunk", 2, "mvtest-3", "no_active_trunk", false};
  auto edge_refused = call("POST", active + "/test-call", numbers);
  BOOST_TEST(edge_refused.status == 409);
  BOOST_TEST(code_of(edge_refused) == "no_active_trunk");

  caller.unavailable = true;
  auto down = call("POST", active + "/test-call", numbers);
  BOOST_TEST(down.status == 503);
  BOOST_TEST(code_of(down) == "service_unavailable");
  caller.unavailable = false;
  auto limited = call("POST", active + "/test", "");  // the same budget as readiness checks
  BOOST_TEST(limited.status == 429);
  BOOST_TEST(call("POST", active + "/test-call", numbers).status == 429);
  BOOST_TEST(caller.placed.size() == 1u);
}

// The same API with per-key limits: customer keys 3 at once then one a second, admin keys 5.
struct RateLimitedFixture : ApiFixture {
  model::RateLimiter customer_limiter{3, 1'000'000'000};
  model::RateLimiter admin_limiter{5, 1'000'000'000};
  ApiService limited_api{build_router(targets(), ""), keys, json_logger(log_text), nullptr,
                         KeyRateLimits{customer_limiter, admin_limiter, clock}};

  HttpResponse get(const std::string& path, const std::string& bearer) {
    return limited_api.handle({"GET", path, "", {{"authorization", "Bearer " + bearer}}, ""});
  }
};

// Verifies each key has its own bucket: beyond the burst a key gets 429 rate_limited with
// Retry-After, another key of the same customer still goes ahead, admin keys have their own
// limit, requests without a valid key take no token, and the bucket refills with time.
BOOST_FIXTURE_TEST_CASE(rate_limit_per_api_key, RateLimitedFixture) {
  for (int i = 0; i < 3; ++i) BOOST_TEST(get("/v1/trunks", token).status == 200);
  auto limited = get("/v1/trunks", token);
  BOOST_TEST(limited.status == 429);
  BOOST_TEST(code_of(limited) == "rate_limited");
  BOOST_TEST(header(limited, "Retry-After").value_or("") == "1");

  auto second = crypto::generate_api_key();
  keys.add({second.key_id, "cust_123", "customer", second.secret_sha256_hex, 0});
  BOOST_TEST(get("/v1/trunks", second.token).status == 200);
  auto admin = crypto::generate_api_key();
  keys.add({admin.key_id, "ops", "admin", admin.secret_sha256_hex, 0});
  for (int i = 0; i < 5; ++i) BOOST_TEST(get("/v1/keys", admin.token).status == 200);
  BOOST_TEST(get("/v1/keys", admin.token).status == 429);
  BOOST_TEST(get("/v1/trunks", "wrong").status == 401);

  clock.advance_ns(1'000'000'000);
  BOOST_TEST(get("/v1/trunks", token).status == 200);
  BOOST_TEST(get("/v1/trunks", token).status == 429);
}

// Verifies an error the transport set (a limit it enforces) is answered as is, in the JSON error
// shape, before routing or authentication.
BOOST_FIXTURE_TEST_CASE(transport_errors_are_answered_first, ApiFixture) {
  HttpRequest request{"GET", "/no/such/path", "", {}, ""};
  request.transport_error = model::ApiError{model::ErrorCode::headers_too_large, "too big"};
  auto response = api.handle(request);
  BOOST_TEST(response.status == 431);
  BOOST_TEST(code_of(response) == "headers_too_large");
  request.transport_error = model::ApiError{model::ErrorCode::request_timeout, "no body"};
  BOOST_TEST(api.handle(request).status == 408);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::api
