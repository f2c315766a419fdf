#include <boost/test/unit_test.hpp>

#include "kamailio/node_replies.h"
#include "support/kamailio_replies.h"

// Optional values compare in assertions; a failure shows the expression.
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<std::string>)
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<std::int64_t>)

namespace mv::kamailio {

BOOST_AUTO_TEST_SUITE(node_replies)

using json = nlohmann::json;

// Verifies each first flag letter maps to its word and the second letter tells probing.
BOOST_AUTO_TEST_CASE(flag_letters_to_words) {
  BOOST_TEST(destination_state("AP") == "active");
  BOOST_TEST(destination_state("IP") == "inactive");
  BOOST_TEST(destination_state("DX") == "disabled");
  BOOST_TEST(destination_state("TP") == "trying");
  BOOST_TEST(destination_state("") == "unknown");
  BOOST_TEST(destination_state("Z") == "unknown");
  BOOST_TEST(destination_probing("AP"));
  BOOST_TEST(destination_probing("IP"));
  BOOST_TEST(!destination_probing("AX"));
  BOOST_TEST(!destination_probing("A"));
  BOOST_TEST(!destination_probing(""));
}

// Verifies a recorded dispatcher.list (Kamailio 5.6.3, latency stats on): sets in id order, the
// padding set left out, states, probing, priorities, attrs and ids, latency in milliseconds.
BOOST_AUTO_TEST_CASE(recorded_dispatcher_list) {
  auto sets = decode_dispatcher_list(json::parse(test::kDispatcherList));
  BOOST_TEST_REQUIRE(sets.size() == 2u);
  BOOST_TEST(sets[0].id == 1);
  BOOST_TEST(sets[0].kind == "app_servers");
  BOOST_TEST(!sets[0].customer_id.has_value());
  BOOST_TEST_REQUIRE(sets[0].destinations.size() == 1u);
  const auto& app = sets[0].destinations[0];
  BOOST_TEST(app.uri == "sip:127.0.0.1:47394");
  BOOST_TEST(app.state == "inactive");
  BOOST_TEST(app.probing);
  BOOST_TEST(app.attrs == "app_server=0");
  BOOST_TEST(!app.trunk_id.has_value());
  BOOST_TEST(!app.customer_id.has_value());
  BOOST_TEST_REQUIRE(app.latency.has_value());
  BOOST_TEST(app.latency->timeouts == 17);

  BOOST_TEST(sets[1].id == 1001);
  BOOST_TEST(sets[1].kind == "customer");
  BOOST_TEST(sets[1].customer_id == "cust_a");
  BOOST_TEST_REQUIRE(sets[1].destinations.size() == 2u);
  const auto& live = sets[1].destinations[0];
  BOOST_TEST(live.uri == "sip:127.0.0.1:47395");
  BOOST_TEST(live.flags == "AP");
  BOOST_TEST(live.state == "active");
  BOOST_TEST(live.probing);
  BOOST_TEST(live.priority == 1999999999);
  BOOST_TEST(live.trunk_id == "trunk_20261122T182939.475543228");
  BOOST_TEST(live.customer_id == "cust_a");
  BOOST_TEST(!live.gateway_name.has_value());
  BOOST_TEST_REQUIRE(live.latency.has_value());
  BOOST_TEST(live.latency->avg_ms == 0.10028);
  BOOST_TEST(live.latency->std_ms == 0.031952);
  BOOST_TEST(live.latency->est_ms == 0.418243);
  BOOST_TEST(live.latency->max_ms == 3.0);
  BOOST_TEST(live.latency->timeouts == 0);
  const auto& dns = sets[1].destinations[1];
  BOOST_TEST(dns.uri == "sip:carrier.example.net:5061;transport=tcp");
  BOOST_TEST(dns.state == "inactive");
  BOOST_TEST(dns.trunk_id == "trunk_20261122T182939.475543229");
  BOOST_TEST(dns.attrs ==
             "trunk=trunk_20261122T182939.475543229;customer=cust_a;from_domain=example.net");
}

// Verifies replies without latency stats, with ATTRS as a plain string, and an empty table.
BOOST_AUTO_TEST_CASE(dispatcher_list_variants) {
  auto sets = decode_dispatcher_list(json::parse(R"({"NRSETS":1,"RECORDS":[{"SET":{"ID":1002,
    "TARGETS":[{"DEST":{"URI":"sip:a","FLAGS":"AX","PRIORITY":5,"ATTRS":"trunk=t9;customer=c9"}}]}}]})"));
  BOOST_TEST_REQUIRE(sets.size() == 1u);
  BOOST_TEST(sets[0].customer_id == "c9");
  BOOST_TEST(!sets[0].destinations[0].latency.has_value());
  BOOST_TEST(sets[0].destinations[0].trunk_id == "t9");
  BOOST_TEST(!sets[0].destinations[0].probing);
  BOOST_TEST(decode_dispatcher_list(json::object()).empty());
  BOOST_TEST(decode_dispatcher_list(json::parse(R"({"NRSETS":0,"RECORDS":[]})")).empty());
}

// Verifies a reply of another shape is an exception the caller can catch, not a crash.
BOOST_AUTO_TEST_CASE(dispatcher_list_of_another_shape_throws) {
  BOOST_CHECK_THROW(decode_dispatcher_list(json::parse(R"({"RECORDS":[{"NOSET":1}]})")),
                    json::exception);
  BOOST_CHECK_THROW(
      decode_dispatcher_list(json::parse(R"({"RECORDS":[{"SET":{"ID":"x","TARGETS":[]}}]})")),
      json::exception);
  BOOST_CHECK_THROW(decode_dispatcher_list(json::parse(R"({"RECORDS":[{"SET":{"ID":3,
    "TARGETS":[{"DEST":{"FLAGS":"AX"}}]}}]})")),
                    json::exception);
}

// Verifies htable.dump items as strings, integers written out, other values skipped.
BOOST_AUTO_TEST_CASE(recorded_htable_dump) {
  auto items = decode_htable_dump(json::parse(test::kHtableMv));
  BOOST_TEST(items.size() == 22u);
  BOOST_TEST(items["p:n"] == "2");
  BOOST_TEST(items["t:trunk_20261122T182939.475543228"] == "cust_a||sip:127.0.0.1:47395");
  BOOST_TEST(items["o:cust_a"] == "trunk_20261122T182939.475543228");
  BOOST_TEST(items["a:trunk_20261122T182939.475543228"] == "user1:carrier.test:s3cretPW");
  BOOST_TEST(items["s:3fff0000000f/48"] == "trunk_4,cust_b");
  BOOST_TEST(items["s:6"] == "48|32");
  BOOST_TEST(decode_htable_dump(json::array()).empty());
  BOOST_TEST(decode_htable_dump(json::object()).empty());
  BOOST_TEST(decode_htable_dump(json::parse(R"([{"slot":[{"name":"x","value":[1]}]}])")).empty());
}

// Verifies a recorded uac.reg_dump: state from uac's flags, AOR and registrar; the padding
// record left out; nothing of the password kept.
BOOST_AUTO_TEST_CASE(recorded_registrations) {
  auto dump = json::parse(test::kRegDump);
  auto entries = decode_registrations(dump, {}, 1795390140);
  BOOST_TEST_REQUIRE(entries.size() == 1u);
  BOOST_TEST(entries[0].trunk_id == "trunk_20261122T182939.475543228");
  BOOST_TEST(entries[0].aor == "sip:acct1@127.0.0.1");
  BOOST_TEST(entries[0].registrar == "sip:127.0.0.1:47396");
  BOOST_TEST(entries[0].state == "TRYING");  // flags 18: initialised, in progress
  BOOST_TEST(!entries[0].expires_in_s.has_value());
  BOOST_TEST(!entries[0].last_error.has_value());
}

// Verifies REGED with the seconds left, FAILED with the registrar's answer, FAIL_WAIT with the
// timeout, UNREGED, and the padding record skipped.
BOOST_AUTO_TEST_CASE(registration_states) {
  auto record = [](const std::string& uuid, int flags, int expires, std::int64_t timer) {
    return json{{"l_uuid", uuid},         {"r_username", uuid},   {"r_domain", "carrier.test"},
                {"auth_proxy", "sip:p"},  {"flags", flags},       {"expires", expires},
                {"timer_expires", timer}, {"auth_password", "pw"}};
  };
  auto dump = json::array({record("reged", 20, 60, 1000), record("failed", 16, 60, 1003),
                           record("waiting", 16, 60, 1003), record("off", 17, 60, 0),
                           record("mv-padding", 1, 60, 0), record("late", 20, 60, 900)});
  std::map<std::string, std::string> errors{{"sip:failed@carrier.test", "403 Forbidden"}};
  auto entries = decode_registrations(dump, errors, 960);
  BOOST_TEST_REQUIRE(entries.size() == 5u);
  BOOST_TEST(entries[0].state == "REGED");
  BOOST_TEST(entries[0].expires_in_s == 40);
  BOOST_TEST(entries[1].state == "FAILED");
  BOOST_TEST(entries[1].last_error == "403 Forbidden");
  BOOST_TEST(entries[2].state == "FAIL_WAIT");
  BOOST_TEST(entries[2].last_error == "408 timeout (no answer)");
  BOOST_TEST(entries[3].state == "UNREGED");
  BOOST_TEST(entries[4].trunk_id == "late");
  BOOST_TEST(entries[4].expires_in_s == 0);  // never negative
  BOOST_TEST(decode_registrations(json(), {}, 0).empty());
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

// Verifies the documented mapping from uac's flags and expiry to operators' states.
BOOST_AUTO_TEST_CASE(uac_flags_map_to_states) {
  struct Case {
    std::int64_t flags, expires;
    bool error_reply;
    const char* state;
  };
  const Case cases[] = {
      {0, 60, false, "TRYING"},      // loaded, first attempt pending
      {18, 60, false, "TRYING"},     // REGISTER out
      {26, 60, false, "TRYING"},     // REGISTER out with credentials
      {20, 60, false, "REGED"},      //
      {20, 0, false, "UNREGED"},     // after an un-REGISTER the flags still say registered
      {16, 60, true, "FAILED"},      // error reply (403), waiting to retry
      {16, 60, false, "FAIL_WAIT"},  // no answer, waiting to retry
      {17, 60, false, "UNREGED"},    // disabled
      {21, 60, false, "UNREGED"},    // disabled wins over registered
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("flags " << c.flags << " expires " << c.expires) {
      json record{{"l_uuid", "t1"},
                  {"r_username", "u"},
                  {"r_domain", "carrier.test"},
                  {"flags", c.flags},
                  {"expires", c.expires}};
      std::map<std::string, std::string> errors;
      if (c.error_reply) errors["sip:u@carrier.test"] = "403 Forbidden";
      auto entries = decode_registrations(json::array({record}), errors, 0);
      BOOST_TEST_REQUIRE(entries.size() == 1u);
      BOOST_TEST(entries[0].state == c.state);
    }
  }
}

// Verifies uac.reg_dump's records with every column as text (numbers written out, null as ""),
// the password kept for comparison, and anything but a list as none.
BOOST_AUTO_TEST_CASE(registration_records_as_text) {
  auto records = decode_registration_records(json::parse(test::kRegDump));
  BOOST_TEST_REQUIRE(records.size() == 1u);
  BOOST_TEST(records[0].at("l_uuid") == "trunk_20261122T182939.475543228");
  BOOST_TEST(records[0].at("expires") == "60");
  BOOST_TEST(records[0].at("socket") == "");
  BOOST_TEST(records[0].at("auth_password") == "s3cretPW");
  BOOST_TEST(decode_registration_records(json::object()).empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::kamailio
