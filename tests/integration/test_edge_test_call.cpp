#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "support/edge_fixture.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(edge_test_call)

using namespace std::chrono_literals;

// POST /v1/trunks/{id}/test-call against a real Kamailio edge: sipp plays the carrier at the
// trunk's proxy (127.0.0.1:<port>) and checks what the edge sends.
struct TestCallFixture : EdgeFixture {
  const std::string numbers = R"({"to":"+15551230002","from":"+15551230001"})";

  json carrier_trunk(int port, const std::string& extra_fields = "") {
    auto trunk = create(R"({"name":"carrier","proxy":"127.0.0.1:)" + std::to_string(port) + "\"" +
                        extra_fields + "}");
    wait_applied(trunk);
    return trunk;
  }

  HttpResult test_call(const json& trunk) {
    return daemon.call("POST", "/v1/trunks/" + trunk["id"].get<std::string>() + "/test-call", key,
                       numbers);
  }

  static Sipp carrier(const std::string& scenario, int port,
                      std::vector<std::pair<std::string, std::string>> replacements = {}) {
    replacements.emplace_back("__PROXY_PORT__", std::to_string(port));
    return Sipp::uas(scenario, port, replacements);
  }

  static std::string error_code(const HttpResult& result) {
    return json::parse(result.body)["error"]["code"];
  }
};

// Verifies an answered test call reports 200 with its latency and call id, and is ended at once:
// the carrier (sipp) sees the INVITE at the proxy with the trunk's From domain and no
// X-MiniVoice header, then the ACK and the BYE.
BOOST_FIXTURE_TEST_CASE(answered_call_is_acked_and_hung_up, TestCallFixture) {
  int port = reserve_port();
  auto trunk = carrier_trunk(port, R"(,"from_domain":"example.net")");
  auto uas = carrier("uas-carrier-answers.xml", port, {{"__FROM_HOST_REGEX__", "@example\\.net>"}});
  auto answered = test_call(trunk);
  BOOST_TEST_REQUIRE(answered.status == 200, answered.body);
  auto body = json::parse(answered.body);
  BOOST_TEST(body["sip_status"] == 200);
  BOOST_TEST(body["reason"] == "OK");
  BOOST_TEST(body["result"] == "answered");
  BOOST_TEST(body["ended"] == true);
  BOOST_TEST(body["latency_ms"].get<int>() >= 0);
  BOOST_TEST(body["call_id"].get<std::string>().starts_with("mvtest-"));
  BOOST_TEST(uas.finish(10s) == 0, uas.log_text());
}

// Verifies a busy carrier's 486 is reported as the final answer (result "rejected", nothing to
// hang up).
BOOST_FIXTURE_TEST_CASE(busy_carrier_gives_486, TestCallFixture) {
  int port = reserve_port();
  auto trunk = carrier_trunk(port);
  auto uas = carrier("uas-carrier-rejects.xml", port, {{"__STATUS__", "486"}});
  auto busy = test_call(trunk);
  BOOST_TEST_REQUIRE(busy.status == 200, busy.body);
  auto body = json::parse(busy.body);
  BOOST_TEST(body["sip_status"] == 486);
  BOOST_TEST(body["result"] == "rejected");
  BOOST_TEST(body["ended"] == false);
  BOOST_TEST(uas.finish(10s) == 0, uas.log_text());
}

// Verifies the test call takes the outbound route's digest handling: the carrier's 401 is
// answered with the trunk's credentials (sipp verifies the digest), and the password shows up
// in no response and no daemon log line.
BOOST_FIXTURE_TEST_CASE(carrier_challenge_is_answered_with_the_trunk_password, TestCallFixture) {
  int port = reserve_port();
  const std::string password = "tc-Pa55:word";
  auto trunk = carrier_trunk(port, R"(,"register":false,"username":"acct-9","password":")" +
                                       password + R"(","realm":"carrier.test")");
  auto uas = carrier("uas-carrier-challenges-401.xml", port,
                     {{"__USERNAME__", "acct-9"}, {"__PASSWORD__", password}});
  auto answered = test_call(trunk);
  BOOST_TEST_REQUIRE(answered.status == 200, answered.body);
  BOOST_TEST(json::parse(answered.body)["sip_status"] == 200);
  BOOST_TEST(uas.finish(10s) == 0, uas.log_text());
  BOOST_TEST(answered.body.find(password) == std::string::npos);
  BOOST_TEST(daemon.log_text().find(password) == std::string::npos);
}

// Verifies a carrier that never answers gives the timeout result (Kamailio's 408).
BOOST_FIXTURE_TEST_CASE(silent_carrier_times_out, TestCallFixture) {
  auto trunk = carrier_trunk(reserve_port());
  auto silent = test_call(trunk);
  BOOST_TEST_REQUIRE(silent.status == 200, silent.body);
  BOOST_TEST(json::parse(silent.body)["sip_status"] == 408);
  BOOST_TEST(json::parse(silent.body)["result"] == "timeout");
}

// Verifies the refusals: a customer without an active trunk gets the seed's no_active_trunk, an
// inactive trunk of a customer with active ones gets trunk_inactive; neither sends an INVITE
// (the carrier's sipp would receive it and fail on the unexpected message).
BOOST_FIXTURE_TEST_CASE(inactive_trunk_and_no_active_trunk, TestCallFixture) {
  int port = reserve_port();
  auto uas = carrier("uas-carrier-rejects.xml", port, {{"__STATUS__", "480"}});
  auto inactive = carrier_trunk(port, R"(,"is_active":false)");
  auto none = test_call(inactive);
  BOOST_TEST(none.status == 409, none.body);
  BOOST_TEST(error_code(none) == "no_active_trunk");
  BOOST_TEST(json::parse(none.body)["error"]["message"] == "no active outbound trunk available");

  carrier_trunk(reserve_port());
  auto refused = test_call(inactive);
  BOOST_TEST(refused.status == 409, refused.body);
  BOOST_TEST(error_code(refused) == "trunk_inactive");

  // The only INVITE the carrier sees is this one, after the trunk is activated.
  auto path = "/v1/trunks/" + inactive["id"].get<std::string>();
  BOOST_TEST_REQUIRE(daemon.call("PATCH", path, key, R"({"is_active":true})").status == 200);
  wait_applied(inactive);
  auto placed = test_call(inactive);
  BOOST_TEST_REQUIRE(placed.status == 200, placed.body);
  BOOST_TEST(json::parse(placed.body)["sip_status"] == 480);
  BOOST_TEST(uas.finish(10s) == 0, uas.log_text());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
