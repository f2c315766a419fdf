#include <boost/test/unit_test.hpp>

#include "crypto/digest_ha1.h"
#include "kamailio/node_replies.h"
#include "model/edge_drift.h"

// Optional values compare in assertions; a failure shows the expression.
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<std::string>)
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<std::int64_t>)

namespace mv::model {

BOOST_AUTO_TEST_SUITE(edge_drift)

using json = nlohmann::json;

constexpr const char* kPassword = "pw-Secret-1";

// One active trunk with every row (inbound source key, route, credentials, registration), its
// customer's routes and the probe list, the application server, and the replies of a node that
// loaded exactly those rows (shapes as Kamailio 5.6.3 answers).
struct DriftFixture {
  Trunk trunk;
  std::map<std::string, std::vector<ComparableRow>> desired;
  json dispatcher_list = json::parse(R"({"NRSETS":2,"RECORDS":[
    {"SET":{"ID":1,"TARGETS":[{"DEST":{"URI":"sip:127.0.0.1:5080","FLAGS":"AX","PRIORITY":0,
      "ATTRS":{"BODY":"app_server=0"}}}]}},
    {"SET":{"ID":2,"TARGETS":[{"DEST":{"URI":"sip:192.0.2.255:9","FLAGS":"DX","PRIORITY":0,
      "ATTRS":{"BODY":"padding=1"}}}]}}]})");
  json htable_dump = json::parse(R"([
    {"entry":1,"size":1,"slot":[{"name":"h:trunk_1","value":"u1:carrier.test:pw-Secret-1","type":"str"}]},
    {"entry":2,"size":1,"slot":[{"name":"p:n","value":1,"type":"int"}]},
    {"entry":3,"size":1,"slot":[{"name":"padding","value":"1","type":"str"}]},
    {"entry":4,"size":1,"slot":[{"name":"s:203.0.113.7","value":"trunk_1,cust_a","type":"str"}]},
    {"entry":5,"size":1,"slot":[{"name":"t:trunk_1","value":"cust_a||sip:127.0.0.1:5090","type":"str"}]},
    {"entry":6,"size":1,"slot":[{"name":"o:cust_a","value":"trunk_1","type":"str"}]},
    {"entry":7,"size":1,"slot":[{"name":"p:0","value":"sip:127.0.0.1:5090","type":"str"}]}])");
  static constexpr std::size_t kSourceEntry = 3;  // htable_dump's "s:203.0.113.7"
  static constexpr std::size_t kRouteEntry = 4;   // "t:trunk_1"
  static constexpr std::size_t kRoutesEntry = 5;  // "o:cust_a"
  json reg_dump = json::parse(R"([{"l_uuid":"trunk_1","l_username":"trunk_1",
    "l_domain":"127.0.0.1","r_username":"u1","r_domain":"127.0.0.1","realm":"carrier.test",
    "auth_username":"u1","auth_password":"pw-Secret-1","auth_ha1":"none",
    "auth_proxy":"sip:127.0.0.1:5090","expires":600,"flags":20,"timer_expires":1,"socket":null},
    {"l_uuid":"mv-padding","auth_password":"mv-padding","expires":60,"flags":1}])");

  DriftFixture() {
    trunk.id = "trunk_1";
    trunk.customer_id = "cust_a";
    trunk.proxy = "127.0.0.1:5090";
    trunk.username = "u1";
    trunk.password = kPassword;
    trunk.realm = "carrier.test";
    trunk.inbound_ip = "203.0.113.7";
    trunk.edge_set = 1001;
    trunk.edge_order = 1;
    desired = desired_rows({trunk}, {"sip:127.0.0.1:5090"}, {"sip:127.0.0.1:5080"}, {});
    // The trunk has a realm: the node holds its HA1, and reg_dump shows "none" for the password.
    htable_dump[0]["slot"][0]["value"] = "u1:carrier.test:" + ha1;
    reg_dump[0]["auth_password"] = "none";
    reg_dump[0]["auth_ha1"] = ha1;
  }

  std::string ha1 = crypto::digest_ha1("u1", "carrier.test", kPassword);

  TableDrift diff(const std::string& table) {
    if (table == kDispatcherTable) {
      return diff_table(table, desired[table],
                        loaded_dispatcher_rows(kamailio::decode_dispatcher_list(dispatcher_list)));
    }
    if (table == kHtableTable) {
      return diff_table(table, desired[table],
                        loaded_htable_rows(kamailio::decode_htable_dump(htable_dump)));
    }
    return diff_table(table, desired[table],
                      loaded_uacreg_rows(kamailio::decode_registration_records(reg_dump)));
  }

  // Adds an htable `mv` item to the node's reply.
  void load_key(const std::string& name, const std::string& value) {
    htable_dump.push_back(
        {{"entry", 100 + htable_dump.size()},
         {"size", 1},
         {"slot", json::array({{{"name", name}, {"value", value}, {"type", "str"}}})}});
  }

  static std::string all_text(const TableDrift& drift) {
    std::string text;
    for (const auto* rows : {&drift.missing, &drift.extra, &drift.differing}) {
      for (const auto& row : *rows) text += row.row + "|" + row.loaded.value_or("") + "\n";
    }
    return text;
  }
};

// Verifies the desired rows: every table present, the trunk's rows (its source key owned by the
// key, with the trunk from its value; its route with the trunk from its key), its customer's
// routes, the probe list as given, the application server (the dispatcher's only row); an
// inactive trunk calls for none of its own and leaves its customer no routes.
BOOST_FIXTURE_TEST_CASE(desired_rows_of_trunks, DriftFixture) {
  BOOST_TEST(desired.size() == 3u);
  BOOST_TEST(desired[kDispatcherTable].size() == 1u);
  BOOST_TEST_REQUIRE(desired[kHtableTable].size() == 6u);
  BOOST_TEST(desired[kUacregTable].size() == 1u);
  BOOST_TEST(desired[kUacregTable][0].trunk_id == "trunk_1");
  BOOST_TEST(desired[kHtableTable][0].owner == "s:203.0.113.7");
  BOOST_TEST(desired[kHtableTable][0].trunk_id == "trunk_1");
  BOOST_TEST(desired[kHtableTable][1].owner == "t:trunk_1");
  BOOST_TEST(desired[kHtableTable][1].trunk_id == "trunk_1");
  BOOST_TEST(desired[kHtableTable][2].owner == "h:trunk_1");
  BOOST_TEST(desired[kHtableTable][2].trunk_id == "trunk_1");
  BOOST_TEST(desired[kHtableTable][3].owner == "o:cust_a");
  BOOST_TEST(!desired[kHtableTable][3].trunk_id.has_value());
  BOOST_TEST(desired[kHtableTable][4].owner == "p:0");
  BOOST_TEST(!desired[kHtableTable][4].trunk_id.has_value());
  BOOST_TEST(desired[kHtableTable][5].owner == "p:n");

  trunk.is_active = false;
  auto inactive = desired_rows({trunk}, {}, {}, {});
  BOOST_TEST(inactive[kDispatcherTable].empty());
  BOOST_TEST(inactive[kUacregTable].empty());
  BOOST_TEST(inactive[kHtableTable].empty());
}

// Verifies a node that loaded exactly the desired rows shows no drift in any table, padding rows
// not counted.
BOOST_FIXTURE_TEST_CASE(node_in_step, DriftFixture) {
  for (const char* table : kEdgeTables) {
    BOOST_TEST_CONTEXT(table) {
      auto drift = diff(table);
      BOOST_TEST(drift.drift_rows() == 0u, all_text(drift));
      BOOST_TEST(drift.expected_rows == drift.loaded_rows);
    }
  }
}

// Verifies an application server the node lacks is missing, with no trunk id.
BOOST_FIXTURE_TEST_CASE(missing_destination, DriftFixture) {
  dispatcher_list["RECORDS"].erase(0);
  auto drift = diff(kDispatcherTable);
  BOOST_TEST(drift.expected_rows == 1u);
  BOOST_TEST(drift.loaded_rows == 0u);
  BOOST_TEST_REQUIRE(drift.missing.size() == 1u);
  BOOST_TEST(!drift.missing[0].trunk_id.has_value());
  BOOST_TEST(drift.missing[0].row ==
             "setid=1 destination=sip:127.0.0.1:5080 priority=0 attrs=app_server=0");
  BOOST_TEST(drift.extra.empty());
  BOOST_TEST(drift.differing.empty());
}

// Verifies source keys of no trunk, and a second source key of a trunk, are extra, each with
// the trunk its value names.
BOOST_FIXTURE_TEST_CASE(extra_rows, DriftFixture) {
  load_key("s:198.51.100.9", "trunk_gone,cust_a");
  load_key("s:198.51.100.10", "trunk_1,cust_a");
  auto drift = diff(kHtableTable);
  BOOST_TEST_REQUIRE(drift.extra.size() == 2u);
  BOOST_TEST(drift.extra[0].trunk_id == "trunk_1");
  BOOST_TEST(drift.extra[1].trunk_id == "trunk_gone");
  BOOST_TEST(drift.extra[1].row == "key_name=s:198.51.100.9 key_value=trunk_gone,cust_a");
  BOOST_TEST(drift.missing.empty());
  BOOST_TEST(drift.differing.empty());
}

// Verifies rows that name no trunk (a stray htable key, a source key whose value names none, a
// destination without trunk attrs) are extra without a trunk id.
BOOST_FIXTURE_TEST_CASE(extra_rows_of_no_trunk, DriftFixture) {
  load_key("x:stray", "1");
  load_key("s:198.51.100.9", "manual");
  dispatcher_list["RECORDS"][0]["SET"]["TARGETS"].push_back(json::parse(
      R"({"DEST":{"URI":"sip:192.0.2.9","FLAGS":"AX","PRIORITY":1,"ATTRS":{"BODY":"x=1"}}})"));
  auto htable = diff(kHtableTable);
  BOOST_TEST_REQUIRE(htable.extra.size() == 2u);
  BOOST_TEST(htable.extra[0].row == "key_name=s:198.51.100.9 key_value=manual");
  BOOST_TEST(htable.extra[1].row == "key_name=x:stray key_value=1");
  auto dispatcher = diff(kDispatcherTable);
  BOOST_TEST_REQUIRE(dispatcher.extra.size() == 1u);
  for (const auto* drift : {&htable, &dispatcher}) {
    for (const auto& row : drift->extra) BOOST_TEST(!row.trunk_id.has_value());
    BOOST_TEST(drift->missing.empty());
    BOOST_TEST(drift->differing.empty());
  }
}

// Verifies a source key the node lacks is missing with the trunk its desired value names.
BOOST_FIXTURE_TEST_CASE(missing_source_key, DriftFixture) {
  htable_dump.erase(kSourceEntry);
  auto drift = diff(kHtableTable);
  BOOST_TEST(drift.expected_rows == 6u);
  BOOST_TEST(drift.loaded_rows == 5u);
  BOOST_TEST_REQUIRE(drift.missing.size() == 1u);
  BOOST_TEST(drift.missing[0].trunk_id == "trunk_1");
  BOOST_TEST(drift.missing[0].row == "key_name=s:203.0.113.7 key_value=trunk_1,cust_a");
  BOOST_TEST(drift.extra.empty());
  BOOST_TEST(drift.differing.empty());
}

// Verifies a source key holding another value differs, with the trunk the node's value names
// and both values shown.
BOOST_FIXTURE_TEST_CASE(differing_source_key, DriftFixture) {
  htable_dump[kSourceEntry]["slot"][0]["value"] = "trunk_1,cust_b";
  auto drift = diff(kHtableTable);
  BOOST_TEST_REQUIRE(drift.differing.size() == 1u);
  BOOST_TEST(drift.differing[0].trunk_id == "trunk_1");
  BOOST_TEST(drift.differing[0].row == "key_name=s:203.0.113.7 key_value=trunk_1,cust_a");
  BOOST_TEST(drift.differing[0].loaded == "key_name=s:203.0.113.7 key_value=trunk_1,cust_b");
  BOOST_TEST(drift.missing.empty());
  BOOST_TEST(drift.extra.empty());
}

// Verifies source keys compare by key: a trunk whose inbound network changed shows its new
// keys missing and the old one extra, all with its trunk id; the prefix lengths row the new
// keys call for is missing without one.
BOOST_FIXTURE_TEST_CASE(moved_source_compares_by_key, DriftFixture) {
  trunk.inbound_ip = "2001:db8:a::/47";
  desired = desired_rows({trunk}, {"sip:127.0.0.1:5090"}, {"sip:127.0.0.1:5080"}, {});
  auto drift = diff(kHtableTable);
  BOOST_TEST(drift.expected_rows == 8u);  // 2 source keys, "s:6", "t:", "h:", "o:", "p:0", "p:n"
  BOOST_TEST_REQUIRE(drift.missing.size() == 3u);
  BOOST_TEST(drift.missing[0].row == "key_name=s:20010db8000a/48 key_value=trunk_1,cust_a");
  BOOST_TEST(drift.missing[0].trunk_id == "trunk_1");
  BOOST_TEST(drift.missing[1].row == "key_name=s:20010db8000b/48 key_value=trunk_1,cust_a");
  BOOST_TEST(drift.missing[1].trunk_id == "trunk_1");
  BOOST_TEST(drift.missing[2].row == "key_name=s:6 key_value=48");
  BOOST_TEST(!drift.missing[2].trunk_id.has_value());
  BOOST_TEST_REQUIRE(drift.extra.size() == 1u);
  BOOST_TEST(drift.extra[0].row == "key_name=s:203.0.113.7 key_value=trunk_1,cust_a");
  BOOST_TEST(drift.extra[0].trunk_id == "trunk_1");
  BOOST_TEST(drift.differing.empty());

  load_key("s:20010db8000a/48", "trunk_1,cust_a");
  load_key("s:20010db8000b/48", "trunk_1,cust_a");
  load_key("s:6", "48");
  htable_dump.erase(kSourceEntry);
  BOOST_TEST(diff(kHtableTable).drift_rows() == 0u, all_text(diff(kHtableTable)));
}

// Verifies a customer's routes key the node lacks is missing, without a trunk id (it names the
// customer's trunks, not one).
BOOST_FIXTURE_TEST_CASE(missing_customer_routes_key, DriftFixture) {
  htable_dump.erase(kRoutesEntry);
  auto drift = diff(kHtableTable);
  BOOST_TEST(drift.expected_rows == 6u);
  BOOST_TEST(drift.loaded_rows == 5u);
  BOOST_TEST_REQUIRE(drift.missing.size() == 1u);
  BOOST_TEST(drift.missing[0].row == "key_name=o:cust_a key_value=trunk_1");
  BOOST_TEST(!drift.missing[0].trunk_id.has_value());
  BOOST_TEST(drift.extra.empty());
  BOOST_TEST(drift.differing.empty());
}

// Verifies a route key holding another value (an old destination) differs, with the trunk id
// from its key and both values shown; one routes key with another order differs as well.
BOOST_FIXTURE_TEST_CASE(differing_route_key, DriftFixture) {
  htable_dump[kRouteEntry]["slot"][0]["value"] = "cust_a||sip:127.0.0.1:5091";
  auto drift = diff(kHtableTable);
  BOOST_TEST_REQUIRE(drift.differing.size() == 1u);
  BOOST_TEST(drift.differing[0].trunk_id == "trunk_1");
  BOOST_TEST(drift.differing[0].row == "key_name=t:trunk_1 key_value=cust_a||sip:127.0.0.1:5090");
  BOOST_TEST(drift.differing[0].loaded ==
             "key_name=t:trunk_1 key_value=cust_a||sip:127.0.0.1:5091");
  BOOST_TEST(drift.missing.empty());
  BOOST_TEST(drift.extra.empty());

  htable_dump[kRouteEntry]["slot"][0]["value"] = "cust_a||sip:127.0.0.1:5090";
  htable_dump[kRoutesEntry]["slot"][0]["value"] = "trunk_0";
  drift = diff(kHtableTable);
  BOOST_TEST_REQUIRE(drift.differing.size() == 1u);
  BOOST_TEST(drift.differing[0].row == "key_name=o:cust_a key_value=trunk_1");
  BOOST_TEST(drift.differing[0].loaded == "key_name=o:cust_a key_value=trunk_0");
  BOOST_TEST(!drift.differing[0].trunk_id.has_value());
}

// Verifies a route key of a trunk Redis has no route for is extra, with the trunk id from its
// key.
BOOST_FIXTURE_TEST_CASE(extra_route_key, DriftFixture) {
  load_key("t:trunk_gone", "cust_a||sip:127.0.0.1:5099");
  auto drift = diff(kHtableTable);
  BOOST_TEST_REQUIRE(drift.extra.size() == 1u);
  BOOST_TEST(drift.extra[0].trunk_id == "trunk_gone");
  BOOST_TEST(drift.missing.empty());
  BOOST_TEST(drift.differing.empty());
}

// Verifies a row with other fields differs, showing both sides.
BOOST_FIXTURE_TEST_CASE(differing_row, DriftFixture) {
  dispatcher_list["RECORDS"][0]["SET"]["TARGETS"][0]["DEST"]["URI"] = "sip:127.0.0.1:5081";
  auto drift = diff(kDispatcherTable);
  BOOST_TEST_REQUIRE(drift.differing.size() == 1u);
  BOOST_TEST(drift.differing[0].row.find("destination=sip:127.0.0.1:5080") != std::string::npos);
  BOOST_TEST(drift.differing[0].loaded->find("destination=sip:127.0.0.1:5081") !=
             std::string::npos);
}

// Verifies a changed password shows as differing in htable and uacreg, and no drift text ever
// holds either password or HA1.
BOOST_FIXTURE_TEST_CASE(passwords_compared_but_masked, DriftFixture) {
  auto old_ha1 = crypto::digest_ha1("u1", "carrier.test", "old-Secret-9");
  htable_dump[0]["slot"][0]["value"] = "u1:carrier.test:" + old_ha1;
  reg_dump[0]["auth_ha1"] = old_ha1;
  for (const char* table : {kHtableTable, kUacregTable}) {
    BOOST_TEST_CONTEXT(table) {
      auto drift = diff(table);
      BOOST_TEST_REQUIRE(drift.differing.size() == 1u);
      BOOST_TEST(drift.differing[0].trunk_id == "trunk_1");
      auto text = all_text(drift);
      BOOST_TEST(text.find(kPassword) == std::string::npos, text);
      BOOST_TEST(text.find(ha1) == std::string::npos, text);
      BOOST_TEST(text.find(old_ha1) == std::string::npos, text);
      BOOST_TEST(text.find("***") != std::string::npos, text);
    }
  }
  // Missing rows are masked as well.
  reg_dump = json::array();
  htable_dump = json::array();
  for (const char* table : {kHtableTable, kUacregTable}) {
    auto drift = diff(table);
    BOOST_TEST(!drift.missing.empty());
    BOOST_TEST(all_text(drift).find(kPassword) == std::string::npos);
    BOOST_TEST(all_text(drift).find(ha1) == std::string::npos);
  }
}

// Verifies the masking itself: only uacreg's auth_password and auth_ha1 and htable "a:" and "h:"
// values.
BOOST_AUTO_TEST_CASE(display_masks_only_secrets) {
  ComparableRow credentials{"a:t1", "t1", {{"key_name", "a:t1"}, {"key_value", "u::p"}}};
  BOOST_TEST(display_row(kHtableTable, credentials) == "key_name=a:t1 key_value=***");
  ComparableRow ha1{"h:t1", "t1", {{"key_name", "h:t1"}, {"key_value", "u:r:0123abcd"}}};
  BOOST_TEST(display_row(kHtableTable, ha1) == "key_name=h:t1 key_value=***");
  ComparableRow set{"c:c1", std::nullopt, {{"key_name", "c:c1"}, {"key_value", "1001"}}};
  BOOST_TEST(display_row(kHtableTable, set) == "key_name=c:c1 key_value=1001");
  ComparableRow registration{
      "t1",
      "t1",
      {{"l_uuid", "t1"}, {"auth_username", "u"}, {"auth_password", "p"}, {"auth_ha1", "h"}}};
  BOOST_TEST(display_row(kUacregTable, registration) ==
             "l_uuid=t1 auth_username=u auth_password=*** auth_ha1=***");
}

// Verifies an empty node (nothing loaded; replies for empty tables) shows every desired row
// missing.
BOOST_FIXTURE_TEST_CASE(empty_node, DriftFixture) {
  dispatcher_list = json::object();
  htable_dump = json::array();
  reg_dump = json::array();
  std::size_t missing = 0;
  for (const char* table : kEdgeTables) {
    auto drift = diff(table);
    BOOST_TEST(drift.loaded_rows == 0u);
    missing += drift.missing.size();
  }
  BOOST_TEST(missing == 8u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
