#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "crypto/digest_ha1.h"
#include "support/edge_fixture.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(edge_outbound)

using namespace std::chrono_literals;

// The edge fixture plus carriers: each trunk's proxy is 127.0.0.1:<its own port>, where a sipp
// UAS plays the carrier; the application server (127.0.0.1) places calls with sipp as UAC.
// Trunks with credentials say "register": false: the carriers here take calls, not REGISTERs
// (edge_registration covers those).
struct OutboundFixture : EdgeFixture {
  using EdgeFixture::EdgeFixture;

  // A trunk whose proxy is 127.0.0.1:port, created and applied at the edge.
  json carrier_trunk(int port, const std::string& extra_fields = "") {
    auto trunk = create(R"({"name":"carrier","proxy":"127.0.0.1:)" + std::to_string(port) + "\"" +
                        extra_fields + "}");
    wait_applied(trunk);
    return trunk;
  }

  Sipp carrier(const std::string& scenario, int port,
               std::vector<std::pair<std::string, std::string>> replacements = {}) {
    replacements.emplace_back("__PROXY_PORT__", std::to_string(port));
    return Sipp::uas(scenario, port, replacements);
  }

  Sipp app_server_call(const std::string& scenario, const std::string& customer,
                       const std::string& trunk_id = "") {
    return Sipp::uac(scenario, "127.0.0.1", kamailio.sip_port(),
                     {{"__CUSTOMER_ID__", customer}, {"__TRUNK_ID__", trunk_id}});
  }

  static void expect_passed(Sipp& sipp, const char* role) {
    int code = sipp.finish(25s);
    BOOST_TEST(code == 0, role << " scenario failed: " << sipp.log_text());
  }
};

// Verifies an outbound call reaches the carrier at the trunk's proxy through a 407 challenge
// answered with the trunk's username and realm (retry with the next CSeq), with From host =
// from_domain and no X-MiniVoice header on the wire.
BOOST_FIXTURE_TEST_CASE(call_through_407_with_trunk_credentials, OutboundFixture) {
  int port = reserve_port();
  carrier_trunk(
      port, R"(,"register":false,"username":"user1","password":"s3cret","realm":"carrier.test",)"
            R"("from_domain":"example.net")");
  auto uas = carrier("uas-carrier-challenges-407.xml", port,
                     {{"__FROM_HOST_REGEX__", "@example\\.net>"}, {"__USERNAME__", "user1"}});
  auto uac = app_server_call("uac-app-server-call-completes.xml", "cust_edge");
  expect_passed(uac, "application server");
  expect_passed(uas, "carrier");
}

// Verifies the digest the edge sends for a 401 is right for the trunk's password (sipp checks
// it), including a password with ':' in it.
BOOST_FIXTURE_TEST_CASE(digest_answer_uses_the_trunk_password, OutboundFixture) {
  int port = reserve_port();
  carrier_trunk(
      port,
      R"(,"register":false,"username":"acct-7","password":"pa:ss$wd","realm":"carrier.test")");
  auto uas = carrier("uas-carrier-challenges-401.xml", port,
                     {{"__USERNAME__", "acct-7"}, {"__PASSWORD__", "pa:ss$wd"}});
  auto uac = app_server_call("uac-app-server-call-completes.xml", "cust_edge");
  expect_passed(uac, "application server");
  expect_passed(uas, "carrier");
}

// Verifies the edge holds HA1, not the password, for trunks with a realm: a call gets through a
// 401 (sipp checks the digest against the password itself), and after trunks with credentials
// are created neither `htable.dump mv` nor `uac.reg_dump` holds either password, while both hold
// MD5("<username>:<realm>:<password>").
BOOST_FIXTURE_TEST_CASE(edge_holds_ha1_and_no_password, OutboundFixture) {
  int port = reserve_port();
  auto calling = carrier_trunk(port, R"(,"register":false,"username":"acct-ha1",)"
                                     R"("password":"Call-only-S3cret","realm":"carrier.test")");
  auto uas = carrier("uas-carrier-challenges-401.xml", port,
                     {{"__USERNAME__", "acct-ha1"}, {"__PASSWORD__", "Call-only-S3cret"}});
  auto uac = app_server_call("uac-app-server-call-completes.xml", "cust_edge");
  expect_passed(uac, "application server");
  expect_passed(uas, "carrier");

  // A trunk that registers (nobody answers at its proxy: the record stays loaded, retrying).
  auto registering =
      create(R"({"name":"reg","proxy":"127.0.0.1:)" + std::to_string(reserve_port()) +
             R"(","username":"acct-reg","password":"Reg-only-S3cret",)"
             R"("realm":"carrier.test"})");
  wait_applied(registering);
  auto htable = kamailio.rpc("htable.dump", json::array({"mv"})).dump();
  auto reg_dump = kamailio.rpc("uac.reg_dump");
  for (const char* password : {"Call-only-S3cret", "Reg-only-S3cret"}) {
    BOOST_TEST(htable.find(password) == std::string::npos, htable);
    BOOST_TEST(reg_dump.dump().find(password) == std::string::npos, reg_dump.dump());
  }
  auto call_ha1 = crypto::digest_ha1("acct-ha1", "carrier.test", "Call-only-S3cret");
  auto reg_ha1 = crypto::digest_ha1("acct-reg", "carrier.test", "Reg-only-S3cret");
  BOOST_TEST(htable.find("\"acct-ha1:carrier.test:" + call_ha1 + "\"") != std::string::npos,
             htable);
  BOOST_TEST(htable.find("\"acct-reg:carrier.test:" + reg_ha1 + "\"") != std::string::npos, htable);
  bool found = false;
  for (const auto& record : reg_dump) {
    if (record.value("l_uuid", "") != registering["id"]) continue;
    found = true;
    BOOST_TEST(record.value("auth_ha1", "") == reg_ha1);
    BOOST_TEST(record.value("auth_password", "") == "none");  // uac's word for empty
  }
  BOOST_TEST(found, reg_dump.dump());
  BOOST_TEST(calling["id"] != registering["id"]);
}

// Verifies a trunk without a realm (the carrier names it in each challenge) still answers a 401
// from its password, the one case where the edge must hold the password itself.
BOOST_FIXTURE_TEST_CASE(digest_answer_without_realm_uses_the_password, OutboundFixture) {
  int port = reserve_port();
  carrier_trunk(port,
                R"(,"register":false,"username":"acct-norealm","password":"No-realm-S3cret")");
  auto uas = carrier("uas-carrier-challenges-401.xml", port,
                     {{"__USERNAME__", "acct-norealm"}, {"__PASSWORD__", "No-realm-S3cret"}});
  auto uac = app_server_call("uac-app-server-call-completes.xml", "cust_edge");
  expect_passed(uac, "application server");
  expect_passed(uas, "carrier");
  auto htable = kamailio.rpc("htable.dump", json::array({"mv"})).dump();
  BOOST_TEST(htable.find("\"acct-norealm::No-realm-S3cret\"") != std::string::npos, htable);
}

// Verifies a 503 from the customer's oldest trunk fails over to the next one, and that the From
// header is left alone for a trunk without from_domain.
BOOST_FIXTURE_TEST_CASE(failover_on_503_oldest_trunk_first, OutboundFixture) {
  int oldest = reserve_port(), newer = reserve_port();
  carrier_trunk(oldest);
  carrier_trunk(newer);
  auto first = carrier("uas-carrier-rejects.xml", oldest, {{"__STATUS__", "503"}});
  auto second = carrier("uas-carrier-answers.xml", newer,
                        {{"__FROM_HOST_REGEX__", "@app\\.minivoice\\.test>"}});
  auto uac = app_server_call("uac-app-server-call-completes.xml", "cust_edge");
  expect_passed(uac, "application server");
  expect_passed(first, "oldest carrier");
  expect_passed(second, "newer carrier");
}

// Verifies a 486 is final: the caller gets it and the next trunk is not tried (it has no
// carrier: trying it would end in 408, not 486).
BOOST_FIXTURE_TEST_CASE(no_failover_on_486, OutboundFixture) {
  int oldest = reserve_port(), newer = reserve_port();
  carrier_trunk(oldest);
  carrier_trunk(newer);
  auto busy = carrier("uas-carrier-rejects.xml", oldest, {{"__STATUS__", "486"}});
  auto uac = app_server_call("uac-app-server-expects-486.xml", "cust_edge");
  expect_passed(uac, "application server");
  expect_passed(busy, "busy carrier");
}

// Verifies X-MiniVoice-Trunk-Id picks exactly that trunk (the older one has no carrier and is not
// tried), and a trunk of another customer, an inactive trunk or a customer without trunks get
// 503 with X-MiniVoice-Error: no_active_trunk.
BOOST_FIXTURE_TEST_CASE(trunk_header_selects_one_trunk, OutboundFixture) {
  int oldest = reserve_port(), chosen = reserve_port();
  carrier_trunk(oldest);
  auto trunk = carrier_trunk(chosen);
  auto uas = carrier("uas-carrier-answers.xml", chosen,
                     {{"__FROM_HOST_REGEX__", "@app\\.minivoice\\.test>"}});
  auto uac = app_server_call("uac-app-server-call-completes.xml", "cust_edge", trunk["id"]);
  expect_passed(uac, "application server");
  expect_passed(uas, "chosen carrier");

  auto refused =
      app_server_call("uac-app-server-expects-no-active-trunk.xml", "cust_other", trunk["id"]);
  expect_passed(refused, "another customer's call");
  auto nobody = app_server_call("uac-app-server-expects-no-active-trunk.xml", "cust_none");
  expect_passed(nobody, "call of a customer without trunks");

  auto path = "/v1/trunks/" + trunk["id"].get<std::string>();
  auto patched = daemon.call("PATCH", path, key, R"({"is_active":false})");
  BOOST_TEST_REQUIRE(patched.status == 200);
  wait_applied(json::parse(patched.body));
  auto inactive =
      app_server_call("uac-app-server-expects-no-active-trunk.xml", "cust_edge", trunk["id"]);
  expect_passed(inactive, "call on an inactive trunk");
}

// Verifies a customer whose only trunk is deactivated gets no_active_trunk (the seed's failure
// case), and gets calls through again once it is active.
BOOST_FIXTURE_TEST_CASE(no_active_trunk_then_reactivated, OutboundFixture) {
  int port = reserve_port();
  auto trunk = carrier_trunk(port, R"(,"is_active":false)");
  auto refused = app_server_call("uac-app-server-expects-no-active-trunk.xml", "cust_edge");
  expect_passed(refused, "call without an active trunk");

  auto path = "/v1/trunks/" + trunk["id"].get<std::string>();
  auto patched = daemon.call("PATCH", path, key, R"({"is_active":true})");
  BOOST_TEST_REQUIRE(patched.status == 200);
  wait_applied(json::parse(patched.body));
  auto uas = carrier("uas-carrier-answers.xml", port,
                     {{"__FROM_HOST_REGEX__", "@app\\.minivoice\\.test>"}});
  auto uac = app_server_call("uac-app-server-call-completes.xml", "cust_edge");
  expect_passed(uac, "application server");
  expect_passed(uas, "carrier");
}

// Verifies outbound calls on an existing trunk (digest auth included) complete while Redis is
// down, while the control plane is down, and after Kamailio restarts (it loads dispatcher and
// htable rows at start); the daemon notices the restart by its new boot id and reloads.
BOOST_FIXTURE_TEST_CASE(outbound_survives_redis_down_and_kamailio_restart, OutboundFixture) {
  int port = reserve_port();
  carrier_trunk(
      port, R"(,"register":false,"username":"acct-1","password":"s3cret","realm":"carrier.test")");
  auto place_call = [&](const char* when) {
    auto uas = carrier("uas-carrier-challenges-401.xml", port,
                       {{"__USERNAME__", "acct-1"}, {"__PASSWORD__", "s3cret"}});
    auto uac = app_server_call("uac-app-server-call-completes.xml", "cust_edge");
    BOOST_TEST_CONTEXT(when) {
      expect_passed(uac, "application server");
      expect_passed(uas, "carrier");
    }
  };

  redis.stop();
  place_call("Redis down");
  redis.start();

  // The API answers again once it reaches Redis.
  BOOST_TEST_REQUIRE(wait_until([&] { return edge_node()["restarts_seen"] == 0; }, 10s));
  kamailio.restart();
  place_call("Kamailio restarted");
  BOOST_TEST(wait_until([&] { return edge_node()["restarts_seen"] == 1; }, 30s));

  daemon.kill();
  place_call("control plane down");
}

// Verifies in-dialog requests follow the recorded route both ways after a challenged INVITE:
// the application server's re-INVITE reaches the carrier with the CSeq raised by the edge's
// retry and the trunk's From host, and the carrier's BYE reaches the application server.
BOOST_FIXTURE_TEST_CASE(in_dialog_requests_both_ways, OutboundFixture) {
  int port = reserve_port();
  carrier_trunk(
      port, R"(,"register":false,"username":"acct-2","password":"s3cret","realm":"carrier.test",)"
            R"("from_domain":"example.net")");
  auto uas = carrier("uas-carrier-401-reinvite-then-hangs-up.xml", port,
                     {{"__USERNAME__", "acct-2"},
                      {"__PASSWORD__", "s3cret"},
                      {"__FROM_HOST_REGEX__", "@example\\.net>"}});
  auto uac = app_server_call("uac-app-server-reinvites-carrier-hangs-up.xml", "cust_edge");
  expect_passed(uac, "application server");
  expect_passed(uas, "carrier");
}

// Probes every second, so a dead carrier is taken out within a few seconds.
struct ProbingFixture : OutboundFixture {
  ProbingFixture() : OutboundFixture(1) {}

  // Whether the node's probes hold `uri` down (htable mvdown, which route USE_TRUNK reads).
  bool marked_down(const std::string& uri) {
    return kamailio.rpc("htable.get", json::array({"mvdown", uri})).contains("item");
  }
};

// Verifies a carrier that stops answering probes is taken out of rotation, and stays out when
// an operator's resync reloads every table of the node (the probes' marks are not table rows).
BOOST_FIXTURE_TEST_CASE(dead_carrier_stays_out_across_reloads, ProbingFixture) {
  int dead_port = reserve_port();
  carrier_trunk(dead_port);
  auto dead_uri = "sip:127.0.0.1:" + std::to_string(dead_port);
  BOOST_TEST_REQUIRE(wait_until([&] { return marked_down(dead_uri); }, 15s));
  auto reloads_before = edge_node()["reloads"].get<int>();
  BOOST_TEST_REQUIRE(daemon.call("POST", "/v1/edge/nodes/edge-1/resync", admin_key).status == 202);
  BOOST_TEST(wait_until([&] { return edge_node()["reloads"].get<int>() > reloads_before; }, 20s));
  BOOST_TEST(marked_down(dead_uri));
}

// Verifies a trunk whose carrier fails the probes (it answers them 486, which says nothing of its
// health) is skipped: the probes mark its destination in htable mvdown, and a call for the
// customer ends at once with no_active_trunk instead of reaching the carrier (which would answer
// the INVITE with 486).
BOOST_FIXTURE_TEST_CASE(trunk_failing_probes_is_skipped, ProbingFixture) {
  int failing = reserve_port();
  auto busy = carrier("uas-carrier-rejects.xml", failing, {{"__STATUS__", "486"}});
  carrier_trunk(failing);
  auto failing_uri = "sip:127.0.0.1:" + std::to_string(failing);
  BOOST_TEST_REQUIRE(wait_until([&] { return marked_down(failing_uri); }, 20s));
  auto uac = app_server_call("uac-app-server-expects-no-active-trunk.xml", "cust_edge");
  expect_passed(uac, "application server");
  busy.finish(1s);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
