#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "support/edge_fixture.h"

namespace mv::test {

// The test stack's loopback guard (kamailio-cfg/loopback-guard.cfg, on in every KamailioEdge):
// each case here points a trunk off this machine on purpose (TEST-NET-1, 192.0.2.0/24), proves
// the edge refused to send and the harness's check reports it, then acknowledges the lines it
// caused so that the case itself passes. These are the only trunks of the test suites that are
// not on 127.0.0.0/8 (scripts/loopback-only-allow.txt).
BOOST_AUTO_TEST_SUITE(loopback_guard)

using namespace std::chrono_literals;

struct GuardFixture : EdgeFixture {
  using EdgeFixture::EdgeFixture;

  // Waits until the guard has logged a line containing `text`.
  bool guard_logged(const std::string& text, std::chrono::milliseconds limit = 20s) {
    return wait_until(
        [&] { return kamailio.loopback_guard_failure().find(text) != std::string::npos; }, limit);
  }

  // Nothing reached a socket: Kamailio would log the kernel's refusal of a send to `address`.
  bool nothing_sent_to(const std::string& address) {
    return kamailio.log_text().find("dst: (" + address) == std::string::npos;
  }

  // Stops the edge (probes would add lines) and counts the guard's lines as this test's intent;
  // each must name `address`.
  void acknowledge_lines_naming(const std::string& address) {
    kamailio.stop();
    for (const auto& line : kamailio.acknowledge_loopback_guard()) {
      BOOST_TEST(line.find(address) != std::string::npos, line);
    }
    BOOST_TEST(kamailio.loopback_guard_failure().empty());
  }
};

// Verifies a call from the application server to a trunk at 192.0.2.250 is refused by the guard
// (the caller gets 477, no send reaches a socket), the marker is logged with that address, and
// the harness's check reports the edge, and so the test owning it, as failed.
BOOST_FIXTURE_TEST_CASE(call_to_a_non_loopback_trunk_is_refused_and_fails_the_check, GuardFixture) {
  wait_applied(create(R"({"name":"off-machine","proxy":"192.0.2.250"})"));
  BOOST_TEST_REQUIRE(kamailio.loopback_guard_failure().empty());

  auto uac = Sipp::uac("uac-app-server-expects-477.xml", "127.0.0.1", kamailio.sip_port(),
                       {{"__CUSTOMER_ID__", "cust_edge"}, {"__TRUNK_ID__", ""}});
  BOOST_TEST(uac.finish() == 0, uac.log_text());

  auto failure = kamailio.loopback_guard_failure();
  BOOST_TEST(failure.starts_with("kamailio's loopback guard refused to send off this machine:"));
  BOOST_TEST(
      failure.find("MV-LOOPBACK-GUARD dropped INVITE to udp:192.0.2.250:5060") != std::string::npos,
      failure);
  BOOST_TEST(nothing_sent_to("192.0.2.250"));
  acknowledge_lines_naming("192.0.2.250");
}

// Verifies the requests Kamailio originates are refused too: the trunk probes' OPTIONS and a uac
// REGISTER to a trunk at 192.0.2.251 never reach a socket.
BOOST_AUTO_TEST_CASE(probes_and_registers_to_a_non_loopback_proxy_are_refused) {
  GuardFixture edge(1);
  edge.create(
      R"({"name":"off-machine","proxy":"192.0.2.251","username":"u","password":"pw","realm":"r"})");
  BOOST_TEST(edge.guard_logged("dropped OPTIONS to 192.0.2.251 (sip:192.0.2.251"),
             edge.kamailio.log_text());
  BOOST_TEST(edge.guard_logged("dropped REGISTER to 192.0.2.251"), edge.kamailio.log_text());
  BOOST_TEST(edge.nothing_sent_to("192.0.2.251"));
  edge.acknowledge_lines_naming("192.0.2.251");
}

// Verifies the readiness check's request (tm.t_uac_wait_block from the daemon) to a trunk at
// 192.0.2.252 is refused, and the check does not report the trunk as answering.
BOOST_FIXTURE_TEST_CASE(readiness_check_to_a_non_loopback_proxy_is_refused, GuardFixture) {
  auto trunk = create(R"({"name":"off-machine","proxy":"192.0.2.252"})");
  auto checked = daemon.call("POST", "/v1/trunks/" + trunk["id"].get<std::string>() + "/test", key);
  BOOST_TEST(checked.body.find("answered") == std::string::npos, checked.body);
  BOOST_TEST(guard_logged("dropped OPTIONS to 192.0.2.252"), kamailio.log_text());
  BOOST_TEST(nothing_sent_to("192.0.2.252"));
  acknowledge_lines_naming("192.0.2.252");
}

// Verifies the harness reports a test during which the edge's guard dropped a message as failed,
// without the test checking anything itself: loopback_guard_tripped/unacknowledged_guard_line,
// run in a child process, exits non-zero with the guard's line in its report.
BOOST_AUTO_TEST_CASE(harness_fails_the_test_that_tripped_the_guard) {
  TempDir dir;
  auto report = dir.path() + "/report.log";
  ChildProcess child({std::filesystem::read_symlink("/proc/self/exe").string(),
                      "--run_test=loopback_guard_tripped/unacknowledged_guard_line"},
                     report);
  int exit_code = child.wait_exit(120s);
  std::ifstream file(report);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  BOOST_TEST(exit_code != 0, text);
  BOOST_TEST(
      text.find("kamailio's loopback guard refused to send off this machine:") != std::string::npos,
      text);
  BOOST_TEST(
      text.find("MV-LOOPBACK-GUARD dropped INVITE to udp:192.0.2.253:5060") != std::string::npos,
      text);
  BOOST_TEST(text.find("1 failure") != std::string::npos, text);
}

BOOST_AUTO_TEST_SUITE_END()

// Disabled, and no ctest entry: only harness_fails_the_test_that_tripped_the_guard runs it, by
// name, in a child process.
BOOST_AUTO_TEST_SUITE(loopback_guard_tripped, *boost::unit_test::disabled())

using namespace std::chrono_literals;

// Trips the guard and leaves its line unacknowledged, so the harness must fail this case.
BOOST_FIXTURE_TEST_CASE(unacknowledged_guard_line, loopback_guard::GuardFixture) {
  wait_applied(create(R"({"name":"off-machine","proxy":"192.0.2.253"})"));
  auto uac = Sipp::uac("uac-app-server-expects-477.xml", "127.0.0.1", kamailio.sip_port(),
                       {{"__CUSTOMER_ID__", "cust_edge"}, {"__TRUNK_ID__", ""}});
  BOOST_TEST(uac.finish() == 0, uac.log_text());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
