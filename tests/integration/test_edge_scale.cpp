#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>

#include "support/edge_fixture.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(edge_scale)

using namespace std::chrono_literals;

// One customer's trunks in bulk, each with its own inbound_ip (127.2.<n/250>.<n%250+1>) and its
// own from_domain (t<n>.example), all with their proxy at one carrier port: a call shows which
// trunk carried it.
struct ScaleFixture : EdgeFixture {
  int carrier_port = reserve_port();
  std::vector<json> trunks;

  static std::string inbound_ip(std::size_t n) {
    return "127.2." + std::to_string(n / 250) + "." + std::to_string(n % 250 + 1);
  }

  void grow_to(std::size_t count) {
    std::size_t from = trunks.size();
    trunks.resize(count);
    std::atomic<std::size_t> next{from};
    std::vector<std::thread> writers;
    for (int w = 0; w < 8; ++w) {
      writers.emplace_back([&] {
        for (auto n = next++; n < count; n = next++) {
          auto body = R"({"name":"bulk","proxy":"127.0.0.1:)" + std::to_string(carrier_port) +
                      R"(","inbound_ip":")" + inbound_ip(n) + R"(","from_domain":"t)" +
                      std::to_string(n) + R"(.example"})";
          auto result = daemon.call("POST", "/v1/trunks", key, body);
          if (result.status == 201) trunks[n] = json::parse(result.body);
        }
      });
    }
    for (auto& writer : writers) writer.join();
    for (auto n = from; n < count; ++n) BOOST_TEST_REQUIRE(trunks[n].is_object());
    wait_applied(trunks.back());
  }

  // Trunk n routes both ways: a call from its inbound_ip reaches the application server with its
  // ids, and an outbound call naming it reaches the carrier with its From domain.
  void expect_routes(std::size_t n) {
    BOOST_TEST_CONTEXT("trunk " << n << " of " << trunks.size()) {
      expect_call_routed(inbound_ip(n), trunks[n]);
      auto uas = Sipp::uas("uas-carrier-answers.xml", carrier_port,
                           {{"__PROXY_PORT__", std::to_string(carrier_port)},
                            {"__FROM_HOST_REGEX__", "@t" + std::to_string(n) + "\\.example>"}});
      auto uac = Sipp::uac("uac-app-server-call-completes.xml", "127.0.0.1", kamailio.sip_port(),
                           {{"__CUSTOMER_ID__", "cust_edge"}, {"__TRUNK_ID__", trunks[n]["id"]}});
      int uac_exit = uac.finish(25s);
      int uas_exit = uas.finish(10s);
      BOOST_TEST(uac_exit == 0, uac.log_text());
      BOOST_TEST(uas_exit == 0, uas.log_text());
    }
  }
};

// Verifies every table size db_redis handles badly routes completely: 999, 1,000, 1,001 and
// 2,000 trunks (source keys = trunks), each checked on the first, the last and one trunk in
// between, inbound and outbound.
BOOST_FIXTURE_TEST_CASE(table_sizes_around_1000_all_route, ScaleFixture) {
  for (std::size_t size : {999u, 1000u, 1001u, 2000u}) {
    grow_to(size);
    BOOST_TEST_REQUIRE(edge_has_sources(size));
    expect_routes(0);
    expect_routes(size / 2 + 7);
    expect_routes(size - 1);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
