#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <set>
#include <sstream>
#include <thread>

#include "support/edge_fixture.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(edge_registration)

using namespace std::chrono_literals;

// The edge fixture with sipp registrars: each trunk's proxy is 127.0.0.1:<its port>. Kamailio
// runs its registration timer every second and retries failures after 8 s; the daemon polls the
// states every 200 ms.
struct RegistrationFixture : EdgeFixture {
  // Each port is its own carrier account: the edge keeps error replies per AOR
  // (<username>@<proxy host>), and every proxy here is on 127.0.0.1.
  static std::string account(int port) { return "acct-" + std::to_string(port); }

  json registering_trunk(int port, const std::string& password = "s3cret") {
    return create(R"({"name":"carrier","proxy":"127.0.0.1:)" + std::to_string(port) +
                  R"(","username":")" + account(port) + R"(","password":")" + password +
                  R"(","realm":"carrier.test"})");
  }

  static Sipp registrar(int port, const std::string& password = "s3cret",
                        const std::string& scenario = "uas-registrar.xml") {
    return Sipp::uas(scenario, port, {{"__USERNAME__", account(port)}, {"__PASSWORD__", password}});
  }

  json trunk_now(const json& trunk) {
    return json::parse(
        daemon.call("GET", "/v1/trunks/" + trunk["id"].get<std::string>(), key).body);
  }

  // Polls the trunk until its registration_status is `state`; returns every status seen. When
  // it never comes, says what was seen when, uac's record and the edge's log of the trunk.
  std::vector<std::string> wait_for_state(const json& trunk, const std::string& state,
                                          std::chrono::milliseconds limit = 20s) {
    std::vector<std::string> seen;
    std::string timeline;
    auto start = std::chrono::steady_clock::now();
    bool reached = wait_until(
        [&] {
          auto status = trunk_now(trunk)["registration_status"].get<std::string>();
          if (seen.empty() || seen.back() != status) {
            seen.push_back(status);
            auto at = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start);
            timeline += " " + status + "@" + std::to_string(at.count()) + "ms";
          }
          return status == state;
        },
        limit);
    BOOST_TEST_MESSAGE("waiting for " << state << " saw" << timeline);
    if (!reached) {
      BOOST_ERROR("waited for " << state << ", saw" << timeline
                                << "; uac record: " << uac_record(trunk).dump() << "; edge log:\n"
                                << lines_with(kamailio.log_text(), "uac") << "daemon log:\n"
                                << lines_with(daemon.log_text(), trunk["id"].get<std::string>()));
    }
    return seen;
  }

  static std::string lines_with(const std::string& text, const std::string& needle) {
    std::istringstream lines(text);
    std::string kept;
    for (std::string line; std::getline(lines, line);) {
      bool access_log = line.find(R"("msg":"request")") != std::string::npos;
      if (line.find(needle) != std::string::npos && !access_log) kept += line + "\n";
    }
    return kept.size() > 6000 ? kept.substr(kept.size() - 6000) : kept;
  }

  // uac's own record of the trunk (without its password): timer_expires moves whenever it
  // registers again.
  json uac_record(const json& trunk) {
    auto dump = kamailio.rpc("uac.reg_dump");
    for (auto& record : dump) {
      if (record["l_uuid"] != trunk["id"]) continue;
      record.erase("auth_password");
      return record;
    }
    return nullptr;
  }
};

// Verifies a trunk with credentials registers through a 401 challenge: the API shows TRYING
// while the registrar is silent, then REGED with an expiry; a trunk with register:false or
// without credentials shows NOREG.
BOOST_FIXTURE_TEST_CASE(trying_then_reged, RegistrationFixture) {
  int port = reserve_port();
  auto trunk = registering_trunk(port);
  BOOST_TEST(trunk["register"] == true);
  auto before = wait_for_state(trunk, "TRYING", 10s);
  BOOST_TEST_REQUIRE(before.back() == "TRYING");
  auto uas = registrar(port);
  auto seen = wait_for_state(trunk, "REGED");
  BOOST_TEST_REQUIRE(seen.back() == "REGED");
  auto registration = trunk_now(trunk)["registration"];
  BOOST_TEST(registration["state"] == "REGED");
  BOOST_TEST(registration["expires_at"].is_string());
  BOOST_TEST(registration["failures"] == 0);
  BOOST_TEST(uas.finish(10s) == 0, uas.log_text());

  auto quiet = create(R"({"name":"ip-auth","proxy":"127.0.0.1:9","username":"u","password":"p",)"
                      R"("register":false})");
  BOOST_TEST(quiet["registration_status"] == "NOREG");
  BOOST_TEST(quiet["registration"].is_null());
  auto listed = json::parse(daemon.call("GET", "/v1/trunks", key).body)["data"];
  std::set<std::string> states;
  for (const auto& item : listed) states.insert(item["registration_status"].get<std::string>());
  BOOST_TEST((states == std::set<std::string>{"REGED", "NOREG"}));
}

// Verifies a wrong password ends in FAILED with the registrar's answer as last_error, and a
// registrar that does not answer in FAIL_WAIT; once it answers, REGED again without any API call.
BOOST_FIXTURE_TEST_CASE(failed_fail_wait_and_back, RegistrationFixture) {
  int wrong_port = reserve_port(), silent_port = reserve_port();
  auto wrong = registering_trunk(wrong_port, "not-the-password");
  auto rejecting = registrar(wrong_port, "s3cret");
  BOOST_TEST_REQUIRE(wait_for_state(wrong, "FAILED").back() == "FAILED");
  auto failed = trunk_now(wrong)["registration"];
  BOOST_TEST(failed["last_error"] == "403 Forbidden");
  BOOST_TEST(failed["failures"].get<int>() >= 1);

  // tm ends an unanswered REGISTER after 5 s (fr_timer); FAIL_WAIT then lasts ~4 s.
  auto mute = registrar(silent_port, "s3cret", "uas-registrar-silent.xml");
  auto silent = registering_trunk(silent_port);
  BOOST_TEST_REQUIRE(wait_for_state(silent, "FAIL_WAIT", 30s).back() == "FAIL_WAIT");
  BOOST_TEST(trunk_now(silent)["registration"]["last_error"].get<std::string>().starts_with("408"));
  mute.finish(0ms);  // gone; the real registrar takes its port
  auto back = registrar(silent_port);
  BOOST_TEST(wait_for_state(silent, "REGED", 30s).back() == "REGED");
  BOOST_TEST(back.finish(10s) == 0, back.log_text());
}

// Verifies deleting a registered trunk un-registers it (the registrar sees expires 0), and a
// password change re-registers that trunk with the new password and no other trunk.
BOOST_FIXTURE_TEST_CASE(delete_unregisters_and_update_touches_one, RegistrationFixture) {
  int first_port = reserve_port(), second_port = reserve_port();
  auto first_registrar = registrar(first_port, "s3cret", "uas-registrar-expects-unregister.xml");
  auto second_registrar = registrar(second_port);
  auto first = registering_trunk(first_port);
  auto second = registering_trunk(second_port);
  BOOST_TEST_REQUIRE(wait_for_state(first, "REGED").back() == "REGED");
  BOOST_TEST_REQUIRE(wait_for_state(second, "REGED").back() == "REGED");
  BOOST_TEST(second_registrar.finish(10s) == 0, second_registrar.log_text());

  auto untouched = uac_record(first)["timer_expires"];
  auto renewed = registrar(second_port, "n3w-secret");
  auto path = "/v1/trunks/" + second["id"].get<std::string>();
  BOOST_TEST_REQUIRE(daemon.call("PATCH", path, key, R"({"password":"n3w-secret"})").status == 200);
  BOOST_TEST(renewed.finish(20s) == 0, renewed.log_text());
  BOOST_TEST(wait_for_state(second, "REGED").back() == "REGED");
  BOOST_TEST(uac_record(first)["timer_expires"] == untouched);

  auto first_path = "/v1/trunks/" + first["id"].get<std::string>();
  BOOST_TEST_REQUIRE(daemon.call("DELETE", first_path, key).status == 204);
  BOOST_TEST(first_registrar.finish(20s) == 0, first_registrar.log_text());
  BOOST_TEST(wait_until([&] { return uac_record(first).is_null(); }, 20s));
}

// Verifies the state turns UNKNOWN (with the reason) while no edge node answers, not REGED
// forever.
BOOST_FIXTURE_TEST_CASE(unknown_while_the_edge_is_down, RegistrationFixture) {
  int port = reserve_port();
  auto uas = registrar(port);
  auto trunk = registering_trunk(port);
  BOOST_TEST_REQUIRE(wait_for_state(trunk, "REGED").back() == "REGED");
  kamailio.stop();
  BOOST_TEST_REQUIRE(wait_for_state(trunk, "UNKNOWN", 10s).back() == "UNKNOWN");
  BOOST_TEST(trunk_now(trunk)["registration"]["last_error"].get<std::string>().starts_with(
      "edge unreachable"));
}

// Verifies the readiness check sends an OPTIONS from the edge to the trunk's proxy: 200 with a
// latency from a live carrier, a timeout result from a dead port.
BOOST_FIXTURE_TEST_CASE(readiness_check_from_the_edge, RegistrationFixture) {
  int live = reserve_port(), dead = reserve_port();
  auto carrier = Sipp::uas("uas-carrier-answers-options.xml", live,
                           {{"__FROM_HOST_REGEX__", "@example\\.net>"}});
  auto trunk = create(R"({"name":"live","proxy":"127.0.0.1:)" + std::to_string(live) +
                      R"(","from_domain":"example.net"})");
  auto answered =
      daemon.call("POST", "/v1/trunks/" + trunk["id"].get<std::string>() + "/test", key);
  BOOST_TEST_REQUIRE(answered.status == 200, answered.body);
  auto body = json::parse(answered.body);
  BOOST_TEST(body["sip_status"] == 200);
  BOOST_TEST(body["result"] == "answered");
  BOOST_TEST(body["latency_ms"].get<int>() >= 0);
  BOOST_TEST(body["registration_status"] == "NOREG");
  BOOST_TEST(carrier.finish(10s) == 0, carrier.log_text());

  auto gone = create(R"({"name":"dead","proxy":"127.0.0.1:)" + std::to_string(dead) + "\"}");
  auto silent = daemon.call("POST", "/v1/trunks/" + gone["id"].get<std::string>() + "/test", key);
  BOOST_TEST_REQUIRE(silent.status == 200, silent.body);
  BOOST_TEST(json::parse(silent.body)["result"] == "timeout");
  BOOST_TEST(json::parse(silent.body)["sip_status"] == 408);
}

// Verifies 1,000 registrations (a table size db_redis would load as none, and uac's padding
// record must be one uac accepts) are all loaded: the edge reports the uacreg table in step.
BOOST_FIXTURE_TEST_CASE(thousand_registrations_all_loaded, RegistrationFixture) {
  std::atomic<int> next{0}, created{0};
  // Loopback addresses of their own, on a port nobody listens on (a socket bound to 0.0.0.0:5060
  // would get 127.16.0.x:5060): nobody answers, the registrations keep trying.
  auto dead_port = std::to_string(reserve_port());
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w) {
    writers.emplace_back([&] {
      for (int n = next++; n < 1000; n = next++) {
        auto body = R"({"name":"bulk","proxy":"127.16.0.)" + std::to_string(n % 250 + 1) + ":" +
                    dead_port + R"(","username":"bulk)" + std::to_string(n) +
                    R"(","password":"pw"})";
        if (daemon.call("POST", "/v1/trunks", key, body).status == 201) ++created;
      }
    });
  }
  for (auto& writer : writers) writer.join();
  BOOST_TEST_REQUIRE(created == 1000);
  // One reg_refresh per new record: under ASan on two busy cores that takes well over 30 s.
  BOOST_TEST(edge_has_rows(1001, "uacreg", 120s));
  BOOST_TEST(wait_until([&] { return kamailio.rpc("uac.reg_dump").size() == 1001u; }, 60s));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
