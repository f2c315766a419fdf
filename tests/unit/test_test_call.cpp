#include <boost/test/unit_test.hpp>

#include "model/test_call.h"

namespace mv::model {

BOOST_AUTO_TEST_SUITE(test_call)

using json = nlohmann::json;

Trunk trunk_to(const std::string& proxy, std::optional<std::string> from_domain = std::nullopt) {
  Trunk trunk;
  trunk.id = "trunk_20261122T232808.037090253";
  trunk.customer_id = "cust_dev";
  trunk.proxy = proxy;
  trunk.from_domain = std::move(from_domain);
  return trunk;
}

// Verifies the request body: both numbers, each an optional '+' and 2 to 20 digits, nothing else.
BOOST_AUTO_TEST_CASE(request_takes_two_phone_numbers) {
  auto parsed = parse_test_call_request(R"({"to":"+15551230002","from":"0301234567"})");
  BOOST_TEST_REQUIRE(std::holds_alternative<TestCallNumbers>(parsed));
  BOOST_TEST(std::get<TestCallNumbers>(parsed).to == "+15551230002");
  BOOST_TEST(std::get<TestCallNumbers>(parsed).from == "0301234567");

  for (const auto* bad :
       {R"({"to":"+15551230002"})", R"({"from":"+15551230002"})", R"({"to":"1","from":"12"})",
        R"({"to":"+123456789012345678901","from":"12"})", R"({"to":"12","from":"+"})",
        R"({"to":"12;x=y","from":"12"})", R"({"to":"12@evil","from":"12"})",
        R"({"to":" 12","from":"12"})", R"({"to":12,"from":"12"})", R"({"to":null,"from":"12"})",
        R"({"to":"12","from":"12","to":"13"})", R"({"to":"12","from":"12","x":1})", R"("12")", "{",
        "", R"({"to":1e400,"from":"12"})"}) {
    auto refused = parse_test_call_request(bad);
    BOOST_TEST_REQUIRE(std::holds_alternative<ApiError>(refused), bad);
    BOOST_TEST((std::get<ApiError>(refused).code == ErrorCode::invalid_request));
  }
}

// Verifies the INVITE goes to the edge's own socket with the customer and trunk headers the
// outbound route needs, the test call's token as the marker, the From domain of the trunk (else
// the proxy host), a Contact the edge answers BYE for, and an SDP offer on hold.
BOOST_AUTO_TEST_CASE(invite_goes_to_the_edge_with_the_trunk_headers) {
  TestCallNumbers numbers{"+15551230002", "+15551230001"};
  auto invite =
      build_test_call_invite(numbers, trunk_to("sip:sip.carrier.example:5070", "c.example"),
                             "10.0.0.5:5060", "mvtest-abc", "0123456789abcdef");
  BOOST_TEST(invite.request_uri == "sip:+15551230002@10.0.0.5:5060");
  BOOST_TEST(invite.headers ==
             "From: <sip:+15551230001@c.example>\r\n"
             "To: <sip:+15551230002@sip.carrier.example>\r\n"
             "Call-ID: mvtest-abc\r\n"
             "Contact: <sip:mv-test-call@10.0.0.5:5060>\r\n"
             "X-MiniVoice-Customer-Id: cust_dev\r\n"
             "X-MiniVoice-Trunk-Id: trunk_20261122T232808.037090253\r\n"
             "X-MiniVoice-Test-Call: 0123456789abcdef\r\n"
             "Content-Type: application/sdp\r\n");
  BOOST_TEST(invite.body.find("c=IN IP4 10.0.0.5\r\n") != std::string::npos);
  BOOST_TEST(invite.body.find("a=inactive\r\n") != std::string::npos);

  auto plain =
      build_test_call_invite(numbers, trunk_to("sip.carrier.example"), "[::1]:5060", "x", "t");
  BOOST_TEST(plain.headers.starts_with("From: <sip:+15551230001@sip.carrier.example>\r\n"));
  BOOST_TEST(plain.request_uri == "sip:+15551230002@[::1]:5060");
  BOOST_TEST(plain.body.find("c=IN IP6 ::1\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
