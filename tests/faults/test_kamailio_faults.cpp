#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "faults/fault_checks.h"
#include "support/edge_fixture.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(kamailio_faults)

using namespace std::chrono_literals;

// Verifies Kamailio SIGKILLed (every process of it) and started again: the daemon notices the
// restart, reloads and verifies every table, the trunk's registration comes back to REGED with
// the carrier's registrar, inbound calls route again, and the node holds exactly the trunks'
// rows.
BOOST_FIXTURE_TEST_CASE(kamailio_killed_and_restarted, EdgeFixture) {
  int registrar_port = reserve_port();
  auto account = "acct-" + std::to_string(registrar_port);
  // One registration before the crash, one after.
  auto registrar = Sipp::uas("uas-registrar.xml", registrar_port,
                             {{"__USERNAME__", account}, {"__PASSWORD__", "s3cret"}}, 2);
  auto registering =
      create(R"({"name":"reg","proxy":"127.0.0.1:)" + std::to_string(registrar_port) +
             R"(","username":")" + account + R"(","password":"s3cret","realm":"carrier.test"})");
  auto inbound = create(R"({"name":"in","proxy":"127.0.0.1:9","inbound_ip":"127.0.0.2"})");
  auto path = "/v1/trunks/" + registering["id"].get<std::string>();
  auto registration_status = [&] {
    return json::parse(daemon.call("GET", path, key).body)["registration_status"];
  };
  BOOST_TEST_REQUIRE(wait_until([&] { return registration_status() == "REGED"; }, 20s));
  BOOST_TEST_REQUIRE(edge_has_sources(1));
  auto before = edge_node();

  kamailio.kill();
  BOOST_TEST(wait_until([&] { return registration_status() == "UNKNOWN"; }, 10s));
  kamailio.start();

  BOOST_TEST_REQUIRE(wait_until(
      [&] { return edge_node()["restarts_seen"] == before["restarts_seen"].get<int>() + 1; }, 30s));
  BOOST_TEST_REQUIRE(edge_has_sources(1));
  BOOST_TEST(edge_node()["reloads"].get<int>() > before["reloads"].get<int>());
  BOOST_TEST(daemon.log_text().find("restarted (boot ") != std::string::npos);
  BOOST_TEST(wait_until([&] { return registration_status() == "REGED"; }, 30s));
  BOOST_TEST(registrar.finish(10s) == 0, registrar.log_text());
  expect_call_routed("127.0.0.2", inbound);
  BOOST_TEST(drift_clears(daemon, admin_key));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
