#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "crypto/digest_ha1.h"
#include "model/edge_rows.h"

namespace mv::model {

BOOST_AUTO_TEST_SUITE(edge_rows)

Trunk placed_trunk() {
  Trunk trunk;
  trunk.id = "trunk_20260529T120000.000000000";
  trunk.customer_id = "cust_1";
  trunk.name = "n";
  trunk.proxy = "sip.example.net";
  trunk.edge_set = 1003;
  trunk.edge_order = 42;
  return trunk;
}

// The trunk's first row in `table` (for the tables with one slot per trunk; htable has several).
std::optional<RowFields> row_of(const Trunk& trunk, const std::string& table) {
  bool slot = false;
  for (auto& row : edge_rows_for(trunk)) {
    if (row.table != table) continue;
    slot = true;
    if (row.fields) return row.fields;
  }
  if (!slot) BOOST_FAIL("no " << table << " row slot");
  return std::nullopt;
}

// The trunk's slot owned by `owner` (an htable key such as "t:<trunk id>").
EdgeRow slot_of(const Trunk& trunk, const std::string& owner) {
  for (auto& row : edge_rows_for(trunk)) {
    if (row.owner == owner) return row;
  }
  BOOST_FAIL("no slot " << owner);
  return {};
}

// The trunk's credentials row: its "a:" or "h:" slot that has one.
std::optional<RowFields> credentials_of(const Trunk& trunk) {
  for (auto prefix : {"a:", "h:"}) {
    auto row = slot_of(trunk, prefix + trunk.id);
    if (row.fields) return row.fields;
  }
  return std::nullopt;
}

std::string field(const RowFields& fields, const std::string& name) {
  auto it = std::find_if(fields.begin(), fields.end(),
                         [&](const auto& pair) { return pair.first == name; });
  BOOST_REQUIRE_MESSAGE(it != fields.end(), "no field " << name);
  return it->second;
}

// Verifies a trunk always names the same slots with stable owners, rows or not: its
// kSourceKeysPerTrunk source key slots, then the older layouts' dispatcher row and customer set
// key, route, credentials and registration; no permissions `address` row any more.
BOOST_AUTO_TEST_CASE(one_slot_per_table_with_stable_owners) {
  auto trunk = placed_trunk();
  trunk.is_active = false;
  trunk.inbound_ip = "203.0.113.0/24";
  auto rows = edge_rows_for(trunk);
  BOOST_TEST_REQUIRE(rows.size() == kSourceKeysPerTrunk + 6);
  for (std::size_t i = 0; i < kSourceKeysPerTrunk; ++i) {
    BOOST_TEST(rows[i].table == "htable");
    BOOST_TEST(rows[i].owner == "s" + std::to_string(i) + ":" + trunk.id);
  }
  const auto* rest = &rows[kSourceKeysPerTrunk];
  BOOST_TEST(rest[0].table == "dispatcher");
  BOOST_TEST(rest[0].owner == trunk.id);
  BOOST_TEST(rest[1].table == "htable");
  BOOST_TEST(rest[1].owner == "c:" + trunk.customer_id);
  BOOST_TEST(rest[2].table == "htable");
  BOOST_TEST(rest[2].owner == "t:" + trunk.id);
  BOOST_TEST(rest[3].table == "htable");
  BOOST_TEST(rest[3].owner == "a:" + trunk.id);
  BOOST_TEST(rest[4].table == "htable");
  BOOST_TEST(rest[4].owner == "h:" + trunk.id);
  BOOST_TEST(rest[5].table == "uacreg");
  BOOST_TEST(rest[5].owner == trunk.id);
  for (const auto& row : rows) {
    BOOST_TEST(row.table != "address");
    BOOST_TEST(!row.fields.has_value());  // inactive: no rows
  }
}

// The key_name of each of the trunk's source key slots that has a row, in slot order, after
// checking those rows come first and hold "<trunk id>,<customer id>" as a string.
std::vector<std::string> source_keys_of(const Trunk& trunk) {
  std::vector<std::string> keys;
  auto rows = edge_rows_for(trunk);
  for (std::size_t i = 0; i < kSourceKeysPerTrunk; ++i) {
    if (!rows[i].fields) continue;
    BOOST_TEST(i == keys.size());  // present slots first
    BOOST_TEST(field(*rows[i].fields, "key_value") == trunk.id + "," + trunk.customer_id);
    BOOST_TEST(field(*rows[i].fields, "value_type") == "0");
    keys.push_back(field(*rows[i].fields, "key_name"));
  }
  return keys;
}

// Verifies the source key rows: the network's keys, present slots first and the rest empty,
// each holding "<trunk>,<customer>"; none without inbound_ip or when inactive.
BOOST_AUTO_TEST_CASE(source_rows_from_inbound_ip) {
  using Keys = std::vector<std::string>;
  auto trunk = placed_trunk();
  BOOST_TEST(source_keys_of(trunk).empty());
  trunk.inbound_ip = "203.0.113.0/24";
  BOOST_TEST(source_keys_of(trunk) == Keys{"s:203.0.113.0/24"});
  trunk.inbound_ip = "198.51.100.7";
  BOOST_TEST(source_keys_of(trunk) == Keys{"s:198.51.100.7"});
  trunk.inbound_ip = "2001:db8::/32";
  BOOST_TEST(source_keys_of(trunk) == Keys{"s:20010db8/32"});
  trunk.inbound_ip = "2001:db8:4::/46";
  BOOST_TEST(source_keys_of(trunk) == (Keys{"s:20010db80004/48", "s:20010db80005/48",
                                            "s:20010db80006/48", "s:20010db80007/48"}));
  trunk.inbound_ip = "2001:db8:8::/45";
  BOOST_TEST(source_keys_of(trunk).size() == kSourceKeysPerTrunk);
  trunk.is_active = false;
  BOOST_TEST(source_keys_of(trunk).empty());
}

// The keys of a network given as text.
std::vector<std::string> keys_of(const std::string& network) {
  auto parsed = parse_ip_network(network);
  BOOST_REQUIRE_MESSAGE(parsed.network.has_value(), network << ": " << parsed.error);
  return source_keys(*parsed.network);
}

// Verifies IPv4 keys: the address alone for a /32, "<network>/<length>" otherwise.
BOOST_AUTO_TEST_CASE(source_keys_ipv4) {
  using Keys = std::vector<std::string>;
  BOOST_TEST(keys_of("127.0.0.2") == Keys{"s:127.0.0.2"});
  BOOST_TEST(keys_of("198.51.100.7/32") == Keys{"s:198.51.100.7"});
  BOOST_TEST(keys_of("10.1.2.0/24") == Keys{"s:10.1.2.0/24"});
  BOOST_TEST(keys_of("198.51.100.6/31") == Keys{"s:198.51.100.6/31"});
  BOOST_TEST(keys_of("10.0.0.0/16") == Keys{"s:10.0.0.0/16"});
  BOOST_TEST(keys_of("0.0.0.0/0") == Keys{"s:0.0.0.0/0"});
}

// Verifies IPv6 keys: 32 lowercase nibbles for a single address; a network's first length/4
// nibbles and its length when that is a multiple of 4.
BOOST_AUTO_TEST_CASE(source_keys_ipv6_at_nibble_boundaries) {
  using Keys = std::vector<std::string>;
  BOOST_TEST(keys_of("2001:DB8::1") == Keys{"s:20010db8000000000000000000000001"});
  BOOST_TEST(keys_of("::1/128") == Keys{"s:00000000000000000000000000000001"});
  BOOST_TEST(keys_of("2001:db8:1:2::/64") == Keys{"s:20010db800010002/64"});
  BOOST_TEST(keys_of("2001:db8:ab::/48") == Keys{"s:20010db800ab/48"});
  BOOST_TEST(keys_of("2001:db8::/32") == Keys{"s:20010db8/32"});
  BOOST_TEST(keys_of("2001:db8:0:ab00::/56") == Keys{"s:20010db80000ab/56"});
  BOOST_TEST(keys_of("2001:db8::fff0/124") == Keys{"s:20010db800000000000000000000fff/124"});
}

// Verifies an IPv6 length between multiples of 4 is split into the 2, 4 or 8 networks of the next
// multiple, the free low bits of the last nibble counted up from the network's own nibble; a
// length rounded up to 128 gives exact-address keys without a suffix.
BOOST_AUTO_TEST_CASE(source_keys_ipv6_split_at_the_next_nibble) {
  using Keys = std::vector<std::string>;
  BOOST_TEST(
      keys_of("2001:db8:8::/45") ==
      (Keys{"s:20010db80008/48", "s:20010db80009/48", "s:20010db8000a/48", "s:20010db8000b/48",
            "s:20010db8000c/48", "s:20010db8000d/48", "s:20010db8000e/48", "s:20010db8000f/48"}));
  BOOST_TEST(keys_of("2001:db8::/45").front() == "s:20010db80000/48");
  BOOST_TEST(keys_of("2001:db8::/45").back() == "s:20010db80007/48");
  BOOST_TEST(keys_of("2001:db8:c::/46") == (Keys{"s:20010db8000c/48", "s:20010db8000d/48",
                                                 "s:20010db8000e/48", "s:20010db8000f/48"}));
  BOOST_TEST(keys_of("2001:db8:6::/47") == (Keys{"s:20010db80006/48", "s:20010db80007/48"}));
  BOOST_TEST(keys_of("2001:db8:8000::/33") ==
             (Keys{"s:20010db88/36", "s:20010db89/36", "s:20010db8a/36", "s:20010db8b/36",
                   "s:20010db8c/36", "s:20010db8d/36", "s:20010db8e/36", "s:20010db8f/36"}));
  BOOST_TEST(keys_of("2001:db8::/127") ==
             (Keys{"s:20010db8000000000000000000000000", "s:20010db8000000000000000000000001"}));
  BOOST_TEST(keys_of("2001:db8::8/125").size() == 8u);
  BOOST_TEST(keys_of("2001:db8::8/125").back() == "s:20010db800000000000000000000000f");
}

// Verifies every IPv6 length gives 1 to kSourceKeysPerTrunk distinct keys of one length, a
// multiple of 4, each naming as many nibbles as that length.
BOOST_AUTO_TEST_CASE(source_keys_ipv6_every_length) {
  for (int length = 4; length <= 128; ++length) {
    BOOST_TEST_CONTEXT("/" << length) {
      // Host bits zero: 2000:: has none from /4 on.
      auto keys = keys_of("2000::/" + std::to_string(length));
      int rounded = (length + 3) / 4 * 4;
      BOOST_TEST(keys.size() == std::size_t{1} << (rounded - length));
      BOOST_TEST(keys.size() <= kSourceKeysPerTrunk);
      BOOST_TEST(std::set<std::string>(keys.begin(), keys.end()).size() == keys.size());
      auto suffix = rounded == 128 ? std::string() : "/" + std::to_string(rounded);
      for (const auto& key : keys) {
        BOOST_TEST(key.size() == 2 + static_cast<std::size_t>(rounded / 4) + suffix.size());
        BOOST_TEST(key.ends_with(suffix));
      }
    }
  }
}

// Verifies the prefix length and family of a network key; none for exact-address keys, the
// prefix rows themselves and other htable keys.
BOOST_AUTO_TEST_CASE(source_key_prefix_of_keys) {
  auto v4 = source_key_prefix("s:10.0.0.0/24");
  BOOST_TEST_REQUIRE(v4.has_value());
  BOOST_TEST(v4->family == 4);
  BOOST_TEST(v4->length == 24);
  auto v6 = source_key_prefix("s:20010db8/32");
  BOOST_TEST_REQUIRE(v6.has_value());
  BOOST_TEST(v6->family == 6);
  BOOST_TEST(v6->length == 32);
  BOOST_TEST(source_key_prefix("s:20010db80000ab/56")->length == 56);
  BOOST_TEST(!source_key_prefix("s:198.51.100.7").has_value());
  BOOST_TEST(!source_key_prefix("s:20010db8000000000000000000000001").has_value());
  for (const char* other : {"s:4", "s:6", "c:x", "a:t", "h:t", "padding", "c:x/24", ""}) {
    BOOST_TEST_CONTEXT(other) { BOOST_TEST(!source_key_prefix(other).has_value()); }
  }
}

// Verifies "s:4" and "s:6" hold the network lengths the active trunks' source keys use, longest
// first and each once, IPv6 ones rounded up; exact addresses, inactive trunks and trunks without
// inbound_ip count for nothing; the rows are absent when no length is in use.
BOOST_AUTO_TEST_CASE(source_prefix_rows_of_trunks) {
  auto with_source = [](const std::string& id, const std::string& inbound) {
    auto trunk = placed_trunk();
    trunk.id = id;
    trunk.inbound_ip = inbound;
    return trunk;
  };
  auto inactive = with_source("t_off", "10.9.0.0/30");
  inactive.is_active = false;
  std::vector<Trunk> trunks{with_source("t1", "10.1.0.0/24"),
                            with_source("t2", "10.2.0.0/16"),
                            with_source("t3", "10.3.0.0/24"),
                            with_source("t4", "198.51.100.7"),
                            inactive,
                            placed_trunk(),
                            with_source("t5", "2001:db8:8::/45"),
                            with_source("t6", "2001:db9:1:2::/64"),
                            with_source("t7", "2001:dba::/127"),
                            with_source("t8", "2001:dbb::/33")};
  auto rows = source_prefix_rows(trunks);
  BOOST_TEST_REQUIRE(rows.size() == 2u);
  BOOST_TEST(rows[0].table == "htable");
  BOOST_TEST(rows[0].owner == "s:4");
  BOOST_TEST_REQUIRE(rows[0].fields.has_value());
  BOOST_TEST(field(*rows[0].fields, "key_name") == "s:4");
  BOOST_TEST(field(*rows[0].fields, "key_value") == "24|16");
  BOOST_TEST(field(*rows[0].fields, "value_type") == "0");
  BOOST_TEST(rows[1].owner == "s:6");
  BOOST_TEST_REQUIRE(rows[1].fields.has_value());
  BOOST_TEST(field(*rows[1].fields, "key_name") == "s:6");
  BOOST_TEST(field(*rows[1].fields, "key_value") == "64|48|36");

  auto none = source_prefix_rows({with_source("t4", "198.51.100.7"),
                                  with_source("t7", "2001:dba::/127"), inactive, placed_trunk()});
  BOOST_TEST_REQUIRE(none.size() == 2u);
  BOOST_TEST(none[0].owner == "s:4");
  BOOST_TEST(!none[0].fields.has_value());
  BOOST_TEST(none[1].owner == "s:6");
  BOOST_TEST(!none[1].fields.has_value());
  auto v6_only = source_prefix_rows({with_source("t5", "2001:db8:8::/45")});
  BOOST_TEST(!v6_only[0].fields.has_value());
  BOOST_TEST(field(*v6_only[1].fields, "key_value") == "48");
  BOOST_TEST(source_prefix_rows({}).size() == 2u);
}

// Verifies a trunk has no dispatcher row and no customer set key any more (layout 3: they are
// written absent, so a rewrite removes them), active or not; its probed destination is its
// route's, and none without a route.
BOOST_AUTO_TEST_CASE(no_dispatcher_row_and_the_probed_destination) {
  auto trunk = placed_trunk();
  BOOST_TEST(!row_of(trunk, "dispatcher").has_value());
  BOOST_TEST(!slot_of(trunk, "c:" + trunk.customer_id).fields.has_value());
  BOOST_TEST(probe_destination(trunk).value_or("none") == "sip:sip.example.net");
  trunk.proxy = "sip:[2001:db8::9]:5070;transport=TCP";
  BOOST_TEST(probe_destination(trunk).value_or("none") == "sip:[2001:db8::9]:5070;transport=tcp");
  BOOST_TEST((probe_destination(trunk) ==
              route_destination(field(*slot_of(trunk, "t:" + trunk.id).fields, "key_value"))));
  trunk.is_active = false;
  BOOST_TEST(!probe_destination(trunk).has_value());
  auto unplaced = placed_trunk();
  unplaced.edge_set = 0;
  BOOST_TEST(!probe_destination(unplaced).has_value());
}

// Verifies the probe list rows: "p:<i>" per destination in index order, "p:n" the count as an
// integer, and "p:n" absent (a row without fields) for an empty list.
BOOST_AUTO_TEST_CASE(probe_list_rows) {
  auto rows = probe_rows({"sip:127.0.0.1:5080", "sip:127.0.0.2;transport=tcp"});
  BOOST_TEST_REQUIRE(rows.size() == 3u);
  BOOST_TEST(rows[0].owner == "p:0");
  BOOST_TEST(field(*rows[0].fields, "key_name") == "p:0");
  BOOST_TEST(field(*rows[0].fields, "key_value") == "sip:127.0.0.1:5080");
  BOOST_TEST(field(*rows[0].fields, "value_type") == "0");
  BOOST_TEST(field(*rows[1].fields, "key_value") == "sip:127.0.0.2;transport=tcp");
  BOOST_TEST(rows[2].owner == "p:n");
  BOOST_TEST(field(*rows[2].fields, "key_value") == "2");
  BOOST_TEST(field(*rows[2].fields, "value_type") == "1");
  auto empty = probe_rows({});
  BOOST_TEST_REQUIRE(empty.size() == 1u);
  BOOST_TEST(empty[0].owner == "p:n");
  BOOST_TEST(!empty[0].fields.has_value());
}

// trunk (active, in a customer set, a proxy that parses), its slot there either way.
BOOST_AUTO_TEST_CASE(route_row_of_a_routable_trunk) {
  auto trunk = placed_trunk();
  auto slot = slot_of(trunk, "t:" + trunk.id);
  BOOST_TEST(slot.table == "htable");
  BOOST_TEST_REQUIRE(slot.fields.has_value());
  BOOST_TEST(field(*slot.fields, "key_name") == "t:" + trunk.id);
  BOOST_TEST(field(*slot.fields, "key_value") == "cust_1||sip:sip.example.net");
  BOOST_TEST(field(*slot.fields, "key_type") == "0");
  BOOST_TEST(field(*slot.fields, "value_type") == "0");
  BOOST_TEST(field(*slot.fields, "expires") == "0");

  trunk.from_domain = "example.net";
  trunk.proxy = "sip:SIP.Example.NET:5070;transport=tcp";
  BOOST_TEST(field(*slot_of(trunk, "t:" + trunk.id).fields, "key_value") ==
             "cust_1|example.net|sip:sip.example.net:5070;transport=tcp");
  trunk.proxy = "[2001:db8::9]:5080";
  BOOST_TEST(field(*slot_of(trunk, "t:" + trunk.id).fields, "key_value") ==
             "cust_1|example.net|sip:[2001:db8::9]:5080");

  auto inactive = placed_trunk();
  inactive.is_active = false;
  BOOST_TEST(!slot_of(inactive, "t:" + inactive.id).fields.has_value());
  auto unplaced = placed_trunk();
  unplaced.edge_set = 0;
  BOOST_TEST(!slot_of(unplaced, "t:" + unplaced.id).fields.has_value());
  auto unparsable = placed_trunk();
  unparsable.proxy = "not a proxy";
  BOOST_TEST(!slot_of(unparsable, "t:" + unparsable.id).fields.has_value());
}

// Verifies the destination read back from a route value is its last field, whatever the from
// domain, and that a value of another shape has none.
BOOST_AUTO_TEST_CASE(route_destination_of_a_value) {
  auto trunk = placed_trunk();
  trunk.from_domain = "example.net";
  trunk.proxy = "sip:SIP.Example.NET:5070;transport=tcp";
  auto value = field(*slot_of(trunk, route_key(trunk.id)).fields, "key_value");
  BOOST_TEST(route_destination(value).value_or("") == "sip:sip.example.net:5070;transport=tcp");
  BOOST_TEST(route_destination("cust_1||sip:[2001:db8::9]:5080").value_or("") ==
             "sip:[2001:db8::9]:5080");
  for (const char* odd : {"", "cust_1", "cust_1|example.net", "cust_1|example.net|", "a|b|c|d"}) {
    BOOST_TEST_CONTEXT(odd) { BOOST_TEST(!route_destination(odd).has_value()); }
  }
}

// Verifies a trunk is routable only when active, placed in a customer set and with a proxy
// that parses.
BOOST_AUTO_TEST_CASE(routable_trunks) {
  auto trunk = placed_trunk();
  BOOST_TEST(routable(trunk));
  trunk.proxy = "sips:[2001:db8::1]:5061";
  BOOST_TEST(routable(trunk));
  auto inactive = placed_trunk();
  inactive.is_active = false;
  BOOST_TEST(!routable(inactive));
  auto unplaced = placed_trunk();
  unplaced.edge_set = 0;
  BOOST_TEST(!routable(unplaced));
  auto unparsable = placed_trunk();
  unparsable.proxy = "not a proxy";
  BOOST_TEST(!routable(unparsable));
  unparsable.proxy = "";
  BOOST_TEST(!routable(unparsable));
}

// Verifies the list rows: "o:<customer>" -> the first trunk, "n:<trunk>" -> the next; no fields
// (the row goes) without one, the owner kept.
BOOST_AUTO_TEST_CASE(route_list_rows) {
  auto none = first_route_row("cust_1", std::nullopt);
  BOOST_TEST(none.table == "htable");
  BOOST_TEST(none.owner == "o:cust_1");
  BOOST_TEST(!none.fields.has_value());
  auto first = first_route_row("cust_1", "t9");
  BOOST_TEST_REQUIRE(first.fields.has_value());
  BOOST_TEST(field(*first.fields, "key_name") == "o:cust_1");
  BOOST_TEST(field(*first.fields, "key_value") == "t9");
  BOOST_TEST(field(*first.fields, "value_type") == "0");
  BOOST_TEST(field(*first.fields, "expires") == "0");
  auto next = next_route_row("t9", "t1");
  BOOST_TEST(next.owner == "n:t9");
  BOOST_TEST_REQUIRE(next.fields.has_value());
  BOOST_TEST(field(*next.fields, "key_value") == "t1");
  BOOST_TEST(!next_route_row("t9", std::nullopt).fields.has_value());
}

// Verifies every customer's route list from all trunks: per customer, oldest first by edge_order
// (not by id nor by the trunks' order), non-routable trunks left out, the last trunk without "n:",
// and no row for a customer without a routable trunk.
BOOST_AUTO_TEST_CASE(customer_routes_rows_per_customer_by_age) {
  auto trunk_of = [](const std::string& id, const std::string& customer, std::int64_t order) {
    auto trunk = placed_trunk();
    trunk.id = id;
    trunk.customer_id = customer;
    trunk.edge_order = order;
    return trunk;
  };
  auto inactive = trunk_of("t_a0", "cust_a", 1);
  inactive.is_active = false;
  auto unplaced = trunk_of("t_a00", "cust_a", 2);
  unplaced.edge_set = 0;
  auto unparsable = trunk_of("t_a000", "cust_a", 3);
  unparsable.proxy = "not a proxy";
  auto only_inactive = trunk_of("t_c1", "cust_c", 4);
  only_inactive.is_active = false;
  std::vector<Trunk> trunks{trunk_of("t_b1", "cust_b", 20),
                            trunk_of("t_a1", "cust_a", 30),
                            inactive,
                            trunk_of("t_a2", "cust_a", 10),
                            trunk_of("t_b2", "cust_b", 5),
                            unplaced,
                            unparsable,
                            only_inactive,
                            trunk_of("t_a3", "cust_a", 20)};
  auto rows = customer_routes_rows(trunks);
  std::map<std::string, std::string> values;
  for (const auto& row : rows) {
    BOOST_TEST(row.table == "htable");
    BOOST_TEST_REQUIRE(row.fields.has_value());
    BOOST_TEST(field(*row.fields, "key_name") == row.owner);
    values[row.owner] = field(*row.fields, "key_value");
  }
  // cust_a: t_a2 (10) -> t_a3 (20) -> t_a1 (30); cust_b: t_b2 (5) -> t_b1 (20).
  std::map<std::string, std::string> expected{{"o:cust_a", "t_a2"},
                                              {"n:t_a2", "t_a3"},
                                              {"n:t_a3", "t_a1"},
                                              {"o:cust_b", "t_b2"},
                                              {"n:t_b2", "t_b1"}};
  BOOST_TEST(values == expected);
  BOOST_TEST(customer_routes_rows({}).empty());
  BOOST_TEST(customer_routes_rows({only_inactive, unplaced}).empty());
}

// Verifies proxies become destination URIs with port and transport kept.
BOOST_AUTO_TEST_CASE(destination_keeps_port_and_transport) {
  BOOST_TEST(dispatcher_destination("sip.example.net") == "sip:sip.example.net");
  BOOST_TEST(dispatcher_destination("SIP.Example.NET:5080") == "sip:sip.example.net:5080");
  BOOST_TEST(dispatcher_destination("sip:sip.example.net;transport=tcp") ==
             "sip:sip.example.net;transport=tcp");
  BOOST_TEST(dispatcher_destination("sips:sip.example.net:5061") == "sips:sip.example.net:5061");
  BOOST_TEST(dispatcher_destination("[2001:db8::1]:5060") == "sip:[2001:db8::1]:5060");
  BOOST_TEST(dispatcher_destination("not a proxy") == "");
}

// Verifies HA1 against RFC 2617's example (section 3.5) and a value computed with md5sum.
BOOST_AUTO_TEST_CASE(ha1_known_vectors) {
  BOOST_TEST(crypto::digest_ha1("Mufasa", "testrealm@host.com", "Circle Of Life") ==
             "939e7578ed9e3c518a452acee763bce9");
  // printf 'user1:carrier.test:secret' | md5sum
  BOOST_TEST(crypto::digest_ha1("user1", "carrier.test", "secret") ==
             "86bbe798d31d0715a1f09d55356ff43c");
}

// Verifies credentials go to htable as "h:<trunk>" = "<username>:<realm>:<HA1>" when the realm
// is known and as "a:<trunk>" = "<username>::<password>" (the password may hold ':') without
// one, never both, only for an active trunk with both username and password.
BOOST_AUTO_TEST_CASE(credentials_row) {
  auto trunk = placed_trunk();
  BOOST_TEST(!credentials_of(trunk).has_value());
  trunk.username = "user1";
  BOOST_TEST(!credentials_of(trunk).has_value());
  trunk.password = "pa:ss";
  auto row = *credentials_of(trunk);
  BOOST_TEST(field(row, "key_name") == "a:" + trunk.id);
  BOOST_TEST(field(row, "key_value") == "user1::pa:ss");
  BOOST_TEST(field(row, "value_type") == "0");
  trunk.realm = "carrier.test";
  auto ha1 = crypto::digest_ha1("user1", "carrier.test", "pa:ss");
  auto rows = edge_rows_for(trunk);
  auto a_slot = std::find_if(rows.begin(), rows.end(),
                             [&](const EdgeRow& slot) { return slot.owner == "a:" + trunk.id; });
  BOOST_TEST_REQUIRE((a_slot != rows.end()));
  BOOST_TEST(!a_slot->fields.has_value());  // the "a:" slot is emptied: the HA1 replaces it
  BOOST_TEST(field(*credentials_of(trunk), "key_name") == "h:" + trunk.id);
  BOOST_TEST(field(*credentials_of(trunk), "key_value") == "user1:carrier.test:" + ha1);
  BOOST_TEST(field(*credentials_of(trunk), "key_value").find("pa:ss") == std::string::npos);
  trunk.is_active = false;
  BOOST_TEST(!credentials_of(trunk).has_value());
}

// Verifies the edge gets exactly one secret: the HA1 with a realm, the password without one,
// nothing without credentials.
BOOST_AUTO_TEST_CASE(edge_secret_is_ha1_where_the_realm_is_known) {
  auto trunk = placed_trunk();
  BOOST_TEST(edge_secret(trunk).password.empty());
  BOOST_TEST(edge_secret(trunk).ha1.empty());
  trunk.username = "user1";
  trunk.password = "secret";
  BOOST_TEST(edge_secret(trunk).password == "secret");
  BOOST_TEST(edge_secret(trunk).ha1.empty());
  trunk.realm = "";
  BOOST_TEST(edge_secret(trunk).password == "secret");
  trunk.realm = "carrier.test";
  BOOST_TEST(edge_secret(trunk).password.empty());
  BOOST_TEST(edge_secret(trunk).ha1 == "86bbe798d31d0715a1f09d55356ff43c");
}

// Verifies the registration row: only for an active trunk that registers; the AOR domain is
// from_domain or else the proxy host; sent to the proxy; the configured expiry.
BOOST_AUTO_TEST_CASE(registration_row) {
  auto trunk = placed_trunk();
  trunk.proxy = "sip:sip.example.net:5070;transport=tcp";
  BOOST_TEST(!row_of(trunk, "uacreg").has_value());
  trunk.username = "user1";
  trunk.password = "pw";
  EdgeSettings settings;
  settings.registration_expires_s = 300;
  auto row = *[&] {
    for (auto& slot : edge_rows_for(trunk, settings)) {
      if (slot.table == "uacreg") return slot.fields;
    }
    return std::optional<RowFields>();
  }();
  BOOST_TEST(field(row, "l_uuid") == trunk.id);
  BOOST_TEST(field(row, "r_username") == "user1");
  BOOST_TEST(field(row, "r_domain") == "sip.example.net");
  BOOST_TEST(field(row, "auth_username") == "user1");
  BOOST_TEST(field(row, "auth_password") == "pw");  // no realm: the password is unavoidable
  BOOST_TEST(field(row, "auth_ha1") == "");
  BOOST_TEST(field(row, "realm") == "");
  BOOST_TEST(field(row, "auth_proxy") == "sip:sip.example.net:5070;transport=tcp");
  BOOST_TEST(field(row, "expires") == "300");
  BOOST_TEST(field(row, "flags") == "0");
  trunk.from_domain = "example.net";
  BOOST_TEST(field(*row_of(trunk, "uacreg"), "r_domain") == "example.net");
  trunk.realm = "carrier.test";
  BOOST_TEST(field(*row_of(trunk, "uacreg"), "realm") == "carrier.test");
  BOOST_TEST(field(*row_of(trunk, "uacreg"), "auth_password") == "");
  BOOST_TEST(field(*row_of(trunk, "uacreg"), "auth_ha1") ==
             crypto::digest_ha1("user1", "carrier.test", "pw"));
  trunk.register_requested = false;
  BOOST_TEST(!row_of(trunk, "uacreg").has_value());
  BOOST_TEST(credentials_of(trunk).has_value());  // still answers digest challenges
  BOOST_TEST(keyed_by_owner("uacreg"));
  BOOST_TEST(!keyed_by_owner("dispatcher"));
  BOOST_TEST(field(padding_row("uacreg"), "flags") == "1");
  // uac ignores a record with an empty auth_username, and still answers reg_refresh with OK.
  BOOST_TEST(!field(padding_row("uacreg"), "auth_username").empty());
}

// Verifies row values are compared with uac.reg_dump as it prints them: "none" for an empty
// secret or proxy, every other value as it is.
BOOST_AUTO_TEST_CASE(uacreg_values_as_reg_dump_shows_them) {
  BOOST_TEST(uacreg_dump_value("auth_password", "") == "none");
  BOOST_TEST(uacreg_dump_value("auth_ha1", "") == "none");
  BOOST_TEST(uacreg_dump_value("auth_proxy", "") == "none");
  BOOST_TEST(uacreg_dump_value("contact_addr", "") == "none");
  BOOST_TEST(uacreg_dump_value("auth_ha1", "86bbe798d31d0715a1f09d55356ff43c") ==
             "86bbe798d31d0715a1f09d55356ff43c");
  BOOST_TEST(uacreg_dump_value("realm", "") == "");
  BOOST_TEST(uacreg_dump_value("auth_password", "pw") == "pw");
}

// Verifies the application servers' rows.
BOOST_AUTO_TEST_CASE(app_server_rows) {
  auto app = app_server_row(2, "sip:10.0.0.5:5080");
  BOOST_TEST(app.table == "dispatcher");
  BOOST_TEST(app.owner == "app:2");
  BOOST_TEST(field(*app.fields, "setid") == "1");
  BOOST_TEST(field(*app.fields, "destination") == "sip:10.0.0.5:5080");
}

// Verifies padding exactly at non-zero multiples of 1,000, and a padding row no route can use.
BOOST_AUTO_TEST_CASE(padding_at_multiples_of_1000) {
  BOOST_TEST(!padding_needed(0));
  BOOST_TEST(!padding_needed(999));
  BOOST_TEST(padding_needed(1000));
  BOOST_TEST(!padding_needed(1001));
  BOOST_TEST(padding_needed(2000));
  BOOST_TEST(field(padding_row("dispatcher"), "setid") == "2");
  BOOST_TEST(field(padding_row("dispatcher"), "flags") == "4");
  BOOST_TEST(field(padding_row("htable"), "key_name") == "padding");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
