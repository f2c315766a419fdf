#include <boost/test/unit_test.hpp>

#include "model/trunk.h"

namespace mv::model {

BOOST_AUTO_TEST_SUITE(trunk_model)

// 2026-05-29T12:00:00Z, the seed's example time.
constexpr std::int64_t kSeedTimeNs = 1'780'056'000'000'000'000;

Trunk seed_trunk() {
  Trunk trunk;
  trunk.id = format_trunk_id(kSeedTimeNs);
  trunk.customer_id = "cust_123";
  trunk.name = "primary-outbound";
  trunk.proxy = "sip.example.net";
  trunk.username = "user1";
  trunk.password = "secret";
  trunk.realm = "sip.example.net";
  trunk.from_domain = "sip.example.net";
  trunk.gateway_name = "primary";
  trunk.created_ns = trunk.updated_ns = kSeedTimeNs;
  return trunk;
}

// Verifies the id has the seed's form for the seed's time.
BOOST_AUTO_TEST_CASE(trunk_id_matches_seed_form) {
  BOOST_TEST(format_trunk_id(kSeedTimeNs) == "trunk_20260529T120000.000000000");
  BOOST_TEST(format_trunk_id(kSeedTimeNs + 123'456'789) == "trunk_20260529T120000.123456789");
  BOOST_TEST(is_trunk_id(format_trunk_id(kSeedTimeNs + 1)));
}

// Verifies is_trunk_id accepts only the exact id form (it guards Redis key construction).
BOOST_AUTO_TEST_CASE(is_trunk_id_rejects_other_shapes) {
  for (const char* bad :
       {"", "trunk_123", "trunk_20260529T120000.00000000", "trunk_20260529T120000.0000000000",
        "trunk_20260529X120000.000000000", "trunk_2026052aT120000.000000000",
        "Trunk_20260529T120000.000000000", "trunk_20260529T120000.000000000:", "trunk_*"}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!is_trunk_id(bad)); }
  }
}

// Verifies times render as RFC 3339 UTC with milliseconds and Z.
BOOST_AUTO_TEST_CASE(rfc3339_utc_with_milliseconds) {
  BOOST_TEST(format_rfc3339(kSeedTimeNs) == "2026-05-29T12:00:00.000Z");
  BOOST_TEST(format_rfc3339(kSeedTimeNs + 999'999'999) == "2026-05-29T12:00:00.999Z");
  BOOST_TEST(format_rfc3339(0) == "1970-01-01T00:00:00.000Z");
}

// Verifies the public view has the seed's fields in the seed's order and never the password.
BOOST_AUTO_TEST_CASE(json_view_has_seed_fields_and_no_password) {
  auto json = trunk_to_json(seed_trunk(), {});
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  std::vector<std::string> expected{"id",
                                    "customer_id",
                                    "name",
                                    "direction",
                                    "gateway_name",
                                    "proxy",
                                    "username",
                                    "realm",
                                    "from_domain",
                                    "inbound_ip",
                                    "is_active",
                                    "register",
                                    "registration_status",
                                    "registration",
                                    "created_at",
                                    "updated_at",
                                    "sync"};
  BOOST_TEST(keys == expected, boost::test_tools::per_element());
  BOOST_TEST(json.dump().find("secret") == std::string::npos);
  BOOST_TEST(!json.contains("password"));
  BOOST_TEST(json["id"] == "trunk_20260529T120000.000000000");
  BOOST_TEST(json["created_at"] == "2026-05-29T12:00:00.000Z");
  // Credentials and no report from the edge yet.
  BOOST_TEST(json["register"] == true);
  BOOST_TEST(json["registration_status"] == "UNKNOWN");
  BOOST_TEST(json["registration"]["state"] == "UNKNOWN");
}

// Verifies registration_status: NOREG without credentials or with register:false, else the
// state the edge reported, with its times and error.
BOOST_AUTO_TEST_CASE(registration_status_follows_register_and_the_edge) {
  auto trunk = seed_trunk();
  trunk.register_requested = false;
  auto quiet = trunk_to_json(trunk, {});
  BOOST_TEST(quiet["register"] == false);
  BOOST_TEST(quiet["registration_status"] == "NOREG");
  BOOST_TEST(quiet["registration"].is_null());

  trunk.register_requested.reset();
  trunk.password.reset();
  trunk.username.reset();
  BOOST_TEST(trunk_to_json(trunk, {})["registration_status"] == "NOREG");

  auto registered = seed_trunk();
  registered.registration = Registration{"FAILED", kSeedTimeNs, 0, std::string("403 Forbidden"), 2};
  auto json = trunk_to_json(registered, {});
  BOOST_TEST(json["registration_status"] == "FAILED");
  BOOST_TEST(json["registration"]["since"] == "2026-05-29T12:00:00.000Z");
  BOOST_TEST(json["registration"]["expires_at"].is_null());
  BOOST_TEST(json["registration"]["last_error"] == "403 Forbidden");
  BOOST_TEST(json["registration"]["failures"] == 2);

  // The edge un-registers an inactive trunk: whatever was stored last is not shown.
  registered.is_active = false;
  auto inactive = trunk_to_json(registered, {});
  BOOST_TEST(inactive["registration_status"] == "UNREGED");
  BOOST_TEST(inactive["registration"]["state"] == "UNREGED");
  BOOST_TEST(inactive["registration"]["last_error"].is_null());
}

// Verifies direction is "outbound" without inbound_ip and "both" with one.
BOOST_AUTO_TEST_CASE(direction_follows_inbound_ip) {
  auto trunk = seed_trunk();
  BOOST_TEST(trunk_to_json(trunk, {})["direction"] == "outbound");
  trunk.inbound_ip = "203.0.113.0/24";
  BOOST_TEST(trunk_to_json(trunk, {})["direction"] == "both");
}

// Verifies absent optional fields render as null, not as missing keys or empty strings.
BOOST_AUTO_TEST_CASE(absent_optional_fields_are_null) {
  Trunk trunk;
  trunk.name = "n";
  trunk.proxy = "p.example";
  auto json = trunk_to_json(trunk, {});
  for (const char* field : {"gateway_name", "username", "realm", "from_domain", "inbound_ip"}) {
    BOOST_TEST_CONTEXT(field) { BOOST_TEST(json[field].is_null()); }
  }
}

// Verifies the sync state: applied once the edge has loaded the trunk's write, else pending, or
// error (with the reason) while the last reload failed.
BOOST_AUTO_TEST_CASE(sync_state_follows_edge_progress) {
  auto trunk = seed_trunk();
  trunk.edge_generation = 7;
  BOOST_TEST(sync_state(trunk, {7, std::nullopt}) == "applied");
  BOOST_TEST(sync_state(trunk, {9, std::string("down")}) == "applied");
  BOOST_TEST(sync_state(trunk, {6, std::nullopt}) == "pending");
  auto json = trunk_to_json(trunk, {6, std::string("edge-1: timeout")});
  BOOST_TEST(json["sync"]["state"] == "error");
  BOOST_TEST(json["sync"]["error"] == "edge-1: timeout");
  BOOST_TEST(!trunk_to_json(trunk, {7, std::nullopt})["sync"].contains("error"));
}

// Verifies sync.nodes lists every node in order with its applied generation and whether it has
// the trunk's latest write, while the overall state waits for the node that lags.
BOOST_AUTO_TEST_CASE(sync_nodes_tell_which_node_lags) {
  auto trunk = seed_trunk();
  trunk.edge_generation = 7;
  auto json =
      trunk_to_json(trunk, {6, std::string("edge-2: down"), {{"edge-1", 9}, {"edge-2", 6}}});
  BOOST_TEST(json["sync"]["state"] == "error");
  auto nodes = json["sync"]["nodes"];
  BOOST_TEST_REQUIRE(nodes.size() == 2u);
  BOOST_TEST(nodes[0].dump() == R"({"node":"edge-1","applied_generation":9,"state":"applied"})");
  BOOST_TEST(nodes[1].dump() == R"({"node":"edge-2","applied_generation":6,"state":"pending"})");
  BOOST_TEST(trunk_to_json(trunk, {7, std::nullopt})["sync"]["nodes"].dump() == "[]");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
