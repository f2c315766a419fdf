#include <boost/test/unit_test.hpp>

#include "model/noc_views.h"
#include "support/kamailio_replies.h"

// Optional values compare in assertions; a failure shows the expression.
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<std::string>)
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<std::int64_t>)

namespace mv::model {

BOOST_AUTO_TEST_SUITE(noc_views)

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

// Verifies attribute lookup by exact name, first match, values holding '='.
BOOST_AUTO_TEST_CASE(attr_values) {
  BOOST_TEST(attr_value("trunk=t1;customer=c1", "trunk") == "t1");
  BOOST_TEST(attr_value("trunk=t1;customer=c1", "customer") == "c1");
  BOOST_TEST(!attr_value("trunk=t1;customer=c1", "cust").has_value());
  BOOST_TEST(!attr_value("trunk=t1;customer=c1", "runk").has_value());
  BOOST_TEST(attr_value("a=b=c", "a") == "b=c");
  BOOST_TEST(attr_value("x;trunk=;y=1", "trunk") == "");
  BOOST_TEST(!attr_value("", "trunk").has_value());
  BOOST_TEST(!attr_value(";;", "trunk").has_value());
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

// Verifies the source keys of an htable.dump mv as the addresses the node admits: single
// addresses first (IPv4 as written, IPv6 nibbles back to "::1" text) with the full mask, then
// networks with their length (IPv6 ones padded with zero nibbles), each in key order; values
// split into trunk and customer; credentials, routes, customers' sets and "s:4"/"s:6" left out.
BOOST_AUTO_TEST_CASE(sources_from_htable_dump) {
  auto entries = decode_sources(decode_htable_dump(json::parse(test::kHtableMv)));
  BOOST_TEST_REQUIRE(entries.size() == 13u);
  BOOST_TEST(entries[0].ip == "::1");
  BOOST_TEST(entries[0].mask == 128);
  BOOST_TEST(entries[0].port == 0);
  BOOST_TEST(entries[0].tag == "trunk_5,cust_b");
  BOOST_TEST(entries[0].trunk_id == "trunk_5");
  BOOST_TEST(entries[0].customer_id == "cust_b");
  BOOST_TEST(entries[1].ip == "127.0.0.2");
  BOOST_TEST(entries[1].mask == 32);
  BOOST_TEST(entries[1].trunk_id == "trunk_20261122T182939.475543228");
  BOOST_TEST(entries[1].customer_id == "cust_a");
  BOOST_TEST(entries[2].ip == "3fff::7");
  BOOST_TEST(entries[2].mask == 128);
  BOOST_TEST(entries[3].ip == "10.1.2.0");
  BOOST_TEST(entries[3].mask == 24);
  BOOST_TEST(entries[3].trunk_id == "trunk_20261122T182939.475543229");
  // An IPv6 /32 is a network, not a single address.
  BOOST_TEST(entries[4].ip == "2001:db8::");
  BOOST_TEST(entries[4].mask == 32);
  BOOST_TEST(entries[4].trunk_id == "trunk_3");
  // 3fff:0:8::/45 as the node holds it: eight /48 networks.
  for (std::size_t i = 0; i < 8; ++i) {
    const auto& entry = entries[5 + i];
    BOOST_TEST(entry.ip == "3fff:0:" + std::string(1, "89abcdef"[i]) + "::");
    BOOST_TEST(entry.mask == 48);
    BOOST_TEST(entry.trunk_id == "trunk_4");
  }
  for (const auto& entry : entries) BOOST_TEST(entry.group == 1);
}

// Verifies keys that are no source are skipped: other prefixes, values without
// "<trunk>,<customer>", more than 32 nibbles, text that is no address; and an empty table.
BOOST_AUTO_TEST_CASE(sources_skip_other_keys) {
  std::map<std::string, std::string> items{{"s:4", "24|16"},
                                           {"s:6", "48"},
                                           {"c:cust_a", "1001"},
                                           {"a:t1", "u::pa,ss"},
                                           {"h:t1", "u:r:0123,abcd"},
                                           {"x:10.0.0.1", "t1,c1"},
                                           {"s:10.0.0.9", "manual"},
                                           {"s:200100000000000000000000000000001", "t1,c1"},
                                           {"s:20zz/16", "t1,c1"},
                                           {"s:10.0.0.300", "t1,c1"},
                                           {"t:t1", "c1||sip:10.0.0.1"},
                                           {"o:c1", "t1"},
                                           {"n:t1", "t2"},
                                           {"s:10.0.0.1", "t1,c1"}};
  auto entries = decode_sources(items);
  BOOST_TEST_REQUIRE(entries.size() == 1u);
  BOOST_TEST(entries[0].ip == "10.0.0.1");
  BOOST_TEST(entries[0].mask == 32);
  BOOST_TEST(entries[0].trunk_id == "t1");
  BOOST_TEST(decode_sources({}).empty());
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

// Verifies the trunks' destinations from a node's routes: one set per customer, destinations in
// trunk id order, "inactive" for a destination marked down, the rest of the items ignored, a
// route value of another shape skipped.
BOOST_AUTO_TEST_CASE(trunk_destinations_from_routes) {
  std::map<std::string, std::string> items{
      {"t:tr_2", "cust_b|example.net|sip:127.0.0.2:5060;transport=tcp"},
      {"t:tr_1", "cust_a||sip:127.0.0.1:5060"},
      {"t:tr_3", "cust_a||sip:127.0.0.3"},
      {"t:tr_bad", "no bars here"},
      {"s:127.0.0.9", "tr_1,cust_a"},
      {"u:after", "x"},
      {"p:0", "sip:127.0.0.1:5060"}};
  auto sets = decode_trunk_destinations(items, {"sip:127.0.0.3"});
  BOOST_TEST_REQUIRE(sets.size() == 2u);
  BOOST_TEST(sets[0].kind == "customer");
  BOOST_TEST(sets[0].id == 0);
  BOOST_TEST(sets[0].customer_id == "cust_a");
  BOOST_TEST_REQUIRE(sets[0].destinations.size() == 2u);
  const auto& first = sets[0].destinations[0];
  BOOST_TEST(first.uri == "sip:127.0.0.1:5060");
  BOOST_TEST(first.trunk_id == "tr_1");
  BOOST_TEST(first.customer_id == "cust_a");
  BOOST_TEST(first.state == "active");
  BOOST_TEST(first.flags == "AP");
  BOOST_TEST(first.probing);
  BOOST_TEST(first.attrs == "trunk=tr_1;customer=cust_a");
  BOOST_TEST(!first.latency.has_value());
  BOOST_TEST(sets[0].destinations[1].state == "inactive");
  BOOST_TEST(sets[0].destinations[1].flags == "IP");
  BOOST_TEST(sets[1].customer_id == "cust_b");
  BOOST_TEST(sets[1].destinations[0].uri == "sip:127.0.0.2:5060;transport=tcp");
  BOOST_TEST(decode_trunk_destinations({}, {}).empty());
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

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
