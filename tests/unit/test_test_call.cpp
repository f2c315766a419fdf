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

// Verifies the edge's address comes from the first UDP socket of corex.list_sockets (recorded
// from Kamailio 5.6.3), wildcards are reached through loopback, and no UDP socket gives nothing.
BOOST_AUTO_TEST_CASE(edge_address_is_the_first_udp_socket) {
  auto sockets = json::parse(R"([
    {"PROTO":"tcp","NAME":"127.0.0.1","ADDRLIST":{"ADDR":"127.0.0.1"},"PORT":"5071"},
    {"PROTO":"udp","NAME":"192.0.2.10","ADDRLIST":{"ADDR":"192.0.2.10"},"PORT":"5060"},
    {"PROTO":"udp","NAME":"192.0.2.11","ADDRLIST":{"ADDR":"192.0.2.11"},"PORT":"5062"}])");
  BOOST_TEST(edge_udp_address(sockets).value_or("") == "192.0.2.10:5060");
  BOOST_TEST(edge_udp_address(json::parse(R"([{"PROTO":"udp","NAME":"0.0.0.0","PORT":"5060"}])"))
                 .value_or("") == "127.0.0.1:5060");
  BOOST_TEST(
      edge_udp_address(json::parse(R"([{"PROTO":"udp","NAME":"2001:db8::1","PORT":"5060"}])"))
          .value_or("") == "[2001:db8::1]:5060");
  BOOST_TEST(!edge_udp_address(json::parse(R"([{"PROTO":"tcp","NAME":"a","PORT":"1"}])")));
  BOOST_TEST(!edge_udp_address(json::parse(R"({"PROTO":"udp"})")));
}

// Verifies t_uac_wait replies as Kamailio 5.6.3 gives them: a 200 (six elements, tags from the
// reply text), the edge's own 503 (three elements, X-MiniVoice-Error) and a local timeout
// (empty reply text); anything else is refused.
BOOST_AUTO_TEST_CASE(uac_replies_are_read_as_kamailio_gives_them) {
  auto answered = parse_uac_reply(json::array(
      {200, "OK", "sip:carrier@127.0.0.1:7070", "sip:127.0.0.1;lr;ftag=a-b",
       "Route: <sip:127.0.0.1;lr;ftag=a-b>",
       "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK4a7a.1.0\r\nFrom: "
       "<sip:+15551230001@c.example>;tag=3393f0-d731b7bf\r\nTo: <sip:+15551230002@127.0.0.1>;"
       "tag=31316SIPpTag011\r\nCall-ID: mvtest-123\r\nCSeq: 10 INVITE\r\n\r\n"}));
  BOOST_TEST_REQUIRE(answered.has_value());
  BOOST_TEST(answered->sip_status == 200);
  BOOST_TEST(answered->reason == "OK");
  BOOST_TEST(answered->from_tag == "3393f0-d731b7bf");
  BOOST_TEST(answered->to_tag == "31316SIPpTag011");
  BOOST_TEST(answered->minivoice_error == "");

  auto refused = parse_uac_reply(json::array(
      {503, "No Active Trunk",
       "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK570a.6.0\r\nTo: "
       "<sip:+1@127.0.0.1>;tag=9dd6.7855\r\n"
       "From: <sip:+2@c.example>;tag=3393-dd8f\r\nCSeq: 10 INVITE\r\nCall-ID: mvtest-1\r\n"
       "X-MiniVoice-Error: no_active_trunk\r\nServer: MiniVoice Edge\r\n\r\n"}));
  BOOST_TEST_REQUIRE(refused.has_value());
  BOOST_TEST(refused->sip_status == 503);
  BOOST_TEST(refused->minivoice_error == "no_active_trunk");
  BOOST_TEST(refused->from_tag == "3393-dd8f");

  auto timeout = parse_uac_reply(json::array({408, "Request Timeout", "", "", "", ""}));
  BOOST_TEST_REQUIRE(timeout.has_value());
  BOOST_TEST(timeout->sip_status == 408);
  BOOST_TEST(timeout->to_tag == "");

  BOOST_TEST(!parse_uac_reply(json::object()));
  BOOST_TEST(!parse_uac_reply(json::array({"200", "OK", ""})));
  BOOST_TEST(!parse_uac_reply(json::array({200, "OK"})));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
