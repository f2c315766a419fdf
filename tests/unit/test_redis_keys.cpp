#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/edge_rows.h"
#include "store/redis_keys.h"

namespace mv::store {

BOOST_AUTO_TEST_SUITE(redis_keys)

std::string key_document() {
  std::ifstream file(std::string(MV_SOURCE_DIR) + "/schemas/redis-keys.md");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Verifies every key the code builds is documented, in backticks, exactly as built.
BOOST_AUTO_TEST_CASE(every_key_is_documented) {
  auto document = key_document();
  std::vector<std::string> built{keys::trunk("<trunk_id>"),
                                 keys::customer_trunks("<customer_id>"),
                                 keys::customer_gateway_names("<customer_id>"),
                                 std::string(keys::kInboundRanges),
                                 keys::api_key("<key_id>"),
                                 std::string(keys::kApiKeyIds),
                                 std::string(keys::kEdgeGeneration),
                                 std::string(keys::kEdgeAppliedGeneration),
                                 std::string(keys::kEdgeLastError),
                                 std::string(keys::kEdgeTableVersions),
                                 std::string(keys::kEdgeCustomerSets),
                                 std::string(keys::kEdgeLastCustomerSet),
                                 std::string(keys::kEdgeLastTrunkOrder),
                                 std::string(keys::kAuditStream),
                                 keys::trunk_audit("<trunk_id>"),
                                 keys::idempotency("<customer_id>", "<key>")};
  for (const char* table : model::kEdgeTables) {
    built.push_back(keys::edge_row_ids(table));
    built.push_back(keys::edge_last_row_id(table));
    // uacreg rows are found by l_uuid (the trunk id), the others by row id.
    built.push_back(
        keys::kamailio_row(table, table == std::string("uacreg") ? "<l_uuid>" : "<row_id>"));
  }
  built.push_back(keys::trunk_registration("<trunk_id>"));
  built.push_back(keys::edge_reload_lock("<endpoint>"));
  built.push_back(keys::edge_reload_at("<table>", "<endpoint>"));
  built.push_back(std::string(keys::kEdgeHtableLog));
  built.push_back(std::string(keys::kEdgeSourcePrefixes));
  built.push_back(keys::edge_customer_routes("<customer_id>"));
  for (const auto& key : built) {
    BOOST_TEST_CONTEXT(key) { BOOST_TEST(document.find("`" + key + "`") != std::string::npos); }
  }
}

// Verifies range members sort by address: fixed-width hex, family first, trunk id last.
BOOST_AUTO_TEST_CASE(inbound_member_layout) {
  auto low = *model::parse_ip_network("10.0.0.0/24").network;
  auto high = *model::parse_ip_network("10.0.1.7").network;
  BOOST_TEST(keys::inbound_range_member(low, "t1") == "4:0a000000:0a0000ff:t1");
  BOOST_TEST(keys::inbound_range_member(high, "t2") == "4:0a000107:0a000107:t2");
  BOOST_TEST(keys::inbound_range_member(low, "t1") < keys::inbound_range_member(high, "t2"));
  auto v6 = *model::parse_ip_network("2001:db8::/32").network;
  BOOST_TEST(keys::inbound_range_member(v6, "t3") ==
             "6:20010db8000000000000000000000000:20010db8ffffffffffffffffffffffff:t3");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::store
