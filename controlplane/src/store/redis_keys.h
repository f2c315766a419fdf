#pragma once

#include <string>
#include <string_view>

#include "model/ip_network.h"

// Every Redis key the daemon writes is built here; schemas/redis-keys.md documents each one and a
// unit test holds the two together.
namespace mv::store::keys {

inline constexpr std::string_view kInboundRanges = "mv:inbound_ranges";
inline constexpr std::string_view kApiKeyIds = "mv:apikeys";
// Every trunk write takes the next generation; the reloader records the highest one every edge
// node has loaded, and the last reload error while it has not.
inline constexpr std::string_view kEdgeGeneration = "mv:edge:generation";
inline constexpr std::string_view kEdgeAppliedGeneration = "mv:edge:applied_generation";
inline constexpr std::string_view kEdgeLastError = "mv:edge:last_error";
// Per node (hash field: its JSON-RPC URL): the highest generation verified on it, and its last
// error while it is not in step. The two above are derived from these over the configured nodes.
inline constexpr std::string_view kEdgeNodeApplied = "mv:edge:node_applied";
inline constexpr std::string_view kEdgeNodeErrors = "mv:edge:node_errors";
// Counted up by the reloader before it WAITs for the edges' Redis replicas: WAIT counts the
// replicas that have a connection's last write, so the reloader's connection needs one.
inline constexpr std::string_view kEdgeReplicaSync = "mv:edge:replica_sync";
// Kamailio table -> a counter that moves whenever one of its rows changes: the reloader reloads
// only the tables that moved (a dispatcher reload resets every destination's probing state).
inline constexpr std::string_view kEdgeTableVersions = "mv:edge:table_versions";
// Stream: htable `mv`'s change log, one entry per table version (lua/edge_rows.lua).
inline constexpr std::string_view kEdgeHtableLog = "mv:edge:htable_log";
inline constexpr std::size_t kEdgeHtableLogCap = 200000;
// Hash "<family>/<prefix length>" -> how many source keys use it (the "s:4"/"s:6" rows).
inline constexpr std::string_view kEdgeSourcePrefixes = "mv:edge:source_prefixes";
// The probe list behind htable `mv`'s "p:" keys (lua/edge_rows.lua): hashes trunk -> its
// destination, destination -> how many trunks have it, destination -> its index, index ->
// destination.
inline constexpr std::string_view kEdgeProbeOf = "mv:edge:probe_of";
inline constexpr std::string_view kEdgeProbeRefs = "mv:edge:probe_refs";
inline constexpr std::string_view kEdgeProbeSlots = "mv:edge:probe_slots";
inline constexpr std::string_view kEdgeProbeAt = "mv:edge:probe_at";
// Sorted set: a customer's routable trunks by edge_order (the "o:<customer>" row's source).
inline std::string edge_customer_routes(std::string_view customer_id) {
  return "mv:edge:routes:" + std::string(customer_id);
}
// The layout every trunk's edge rows are written in (model::kEdgeRowsLayout), once a daemon has
// rewritten them all after an upgrade; absent before that (and in a database from before it).
inline constexpr std::string_view kEdgeRowsLayout = "mv:edge:rows_layout";
// Customer id -> the customer's set (model::kFirstCustomerDispatcherSet); the last set handed
// out; the last trunk order.
inline constexpr std::string_view kEdgeCustomerSets = "mv:edge:customer_sets";
inline constexpr std::string_view kEdgeLastCustomerSet = "mv:edge:last_customer_set";
inline constexpr std::string_view kEdgeLastTrunkOrder = "mv:edge:last_trunk_order";
// Per Kamailio table: row owner (a trunk id, "a:<trunk id>", "h:<trunk id>", "c:<customer id>",
// "app:<n>") -> the id of its row, and the last row id handed out.
inline std::string edge_row_ids(std::string_view table) {
  return "mv:edge:" + std::string(table) + "_rows";
}
inline std::string edge_last_row_id(std::string_view table) {
  return "mv:edge:" + std::string(table) + "_last_row_id";
}
// When a node last reloaded a table (unix ms, expiring after 2 s): any replica's next reload of
// it waits for the next wall-clock second, as the module's reload_delta (1 s) wants.
inline std::string edge_reload_at(std::string_view table, std::string_view endpoint) {
  return "mv:edge:reload_at:" + std::string(table) + ":" + std::string(endpoint);
}
// The lock a daemon replica holds while it brings one Kamailio node in step (<endpoint>: its
// JSON-RPC URL as configured): a string with the holder's token and an expiry.
inline std::string edge_reload_lock(std::string_view endpoint) {
  return "mv:edge:reload_lock:" + std::string(endpoint);
}
// The same for the node's dispatcher (its health list), reloaded apart from the routing tables.
inline std::string edge_health_lock(std::string_view endpoint) {
  return "mv:edge:health_lock:" + std::string(endpoint);
}
// Kamailio's own database (db_redis layout "<table>:entry::<id>", see kamailio-cfg/).
// The row kept against db_redis's batch bug (see lua/edge_rows.lua), out of the range INCR reaches.
inline constexpr std::string_view kPaddingRowId = "1000000000";
inline std::string kamailio_row(std::string_view table, std::string_view row_id) {
  return std::string(table) + ":entry::" + std::string(row_id);
}

inline std::string trunk(std::string_view trunk_id) { return "mv:trunk:" + std::string(trunk_id); }

inline std::string customer_trunks(std::string_view customer_id) {
  return "mv:customer:" + std::string(customer_id) + ":trunks";
}

inline std::string customer_gateway_names(std::string_view customer_id) {
  return "mv:customer:" + std::string(customer_id) + ":gateway_names";
}

// A trunk's registration state, written by the registration poller.
inline constexpr std::string_view kRegistrationPrefix = "mv:registration:";
inline std::string trunk_registration(std::string_view trunk_id) {
  return std::string(kRegistrationPrefix) + std::string(trunk_id);
}

// The audit trail: every trunk write, capped (see redis_trunk_store.cpp), and each trunk's own.
inline constexpr std::string_view kAuditStream = "mv:audit";
inline std::string trunk_audit(std::string_view trunk_id) {
  return "mv:audit:trunk:" + std::string(trunk_id);
}

// A create's first response under its Idempotency-Key, for 24 h. Customer ids have no ':', so
// the key (which may) cannot make two customers' records collide.
inline std::string idempotency(std::string_view customer_id, std::string_view key) {
  return "mv:idempotency:" + std::string(customer_id) + ":" + std::string(key);
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
