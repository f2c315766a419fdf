#pragma once

#include <string>
#include <string_view>

#include "model/ip_network.h"

// Every Redis key the daemon writes is built here; schemas/redis-keys.md documents each one and a
// unit test holds the two together.
namespace mv::store::keys {

inline constexpr std::string_view kInboundRanges = "mv:inbound_ranges";
inline constexpr std::string_view kApiKeyIds = "mv:apikeys";
// Trunk id -> id of its row in Kamailio's `address` table, and the last row id handed out.
inline constexpr std::string_view kEdgeAddressRowIds = "mv:edge:address_rows";
inline constexpr std::string_view kEdgeAddressLastRowId = "mv:edge:address_last_row_id";
// Every trunk write takes the next generation; the reloader records the highest one every edge
// node has loaded, and the last reload error while it has not.
inline constexpr std::string_view kEdgeGeneration = "mv:edge:generation";
inline constexpr std::string_view kEdgeAppliedGeneration = "mv:edge:applied_generation";
inline constexpr std::string_view kEdgeLastError = "mv:edge:last_error";
// Kamailio's own database (db_redis layout "<table>:entry::<id>", see kamailio-cfg/).
// The row kept against db_redis's batch bug (see lua_scripts.h), out of the range INCR reaches.
inline constexpr std::string_view kPaddingAddressRowId = "1000000000";
inline std::string kamailio_address_row(std::string_view row_id) {
  return "address:entry::" + std::string(row_id);
}

inline std::string trunk(std::string_view trunk_id) { return "mv:trunk:" + std::string(trunk_id); }

inline std::string customer_trunks(std::string_view customer_id) {
  return "mv:customer:" + std::string(customer_id) + ":trunks";
}

inline std::string customer_gateway_names(std::string_view customer_id) {
  return "mv:customer:" + std::string(customer_id) + ":gateway_names";
}

inline std::string api_key(std::string_view key_id) { return "mv:apikey:" + std::string(key_id); }

// Member of kInboundRanges: "<4|6>:<first hex>:<last hex>:<trunk id>". Hex is fixed width, so
// lexicographic order is address order and the overlap check is two range reads.
inline std::string family_tag(const model::IpNetwork& net) {
  return net.family == model::IpNetwork::Family::v4 ? "4" : "6";
}

inline std::string inbound_range_member(const model::IpNetwork& net, std::string_view trunk_id) {
  return family_tag(net) + ":" + net.first_hex() + ":" + net.last_hex() + ":" +
         std::string(trunk_id);
}

}  // namespace mv::store::keys
