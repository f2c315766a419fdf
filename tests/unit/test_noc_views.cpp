#include <boost/test/unit_test.hpp>

#include "kamailio/node_replies.h"
#include "model/noc_views.h"
#include "support/kamailio_replies.h"

// Optional values compare in assertions; a failure shows the expression.
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<std::string>)
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<std::int64_t>)

namespace mv::model {

BOOST_AUTO_TEST_SUITE(noc_views)

using json = nlohmann::json;

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

// Verifies the source keys of an htable.dump mv as the addresses the node admits: single
// addresses first (IPv4 as written, IPv6 nibbles back to "::1" text) with the full mask, then
// networks with their length (IPv6 ones padded with zero nibbles), each in key order; values
// split into trunk and customer; credentials, routes, customers' sets and "s:4"/"s:6" left out.
BOOST_AUTO_TEST_CASE(sources_from_htable_dump) {
  auto entries = decode_sources(kamailio::decode_htable_dump(json::parse(test::kHtableMv)));
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

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
