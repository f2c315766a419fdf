#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/trunk.h"

// What the Kamailio edge loads, as rows of its tables (db_redis schemas in
// /usr/share/kamailio/db_redis/kamailio/). Pure: the store writes these rows, fsck compares them,
// the reloader counts them. kamailio-cfg/kamailio.cfg reads the same numbers and names.
namespace mv::model {

// permissions `address` groups. Group 99 holds only a padding row (see padding_row).
inline constexpr int kAddressGroupTrunks = 1;
// dispatcher sets: 1 the application servers, 2 the padding row, customers' sets from 1001.
inline constexpr int kDispatcherSetAppServers = 1;
inline constexpr int kDispatcherSetPadding = 2;
inline constexpr int kFirstCustomerDispatcherSet = 1001;
// Dispatcher priority of a customer's oldest trunk; later trunks count down from it, so the
// "8" (by priority) algorithm tries a customer's trunks oldest first.
inline constexpr std::int64_t kTopTrunkPriority = 2'000'000'000;
// dispatcher row flags: 4 admin-disabled (never selected, never probed); 16 no DNS lookup at
// load, so a reload does not wait on (or drop rows for) carriers' DNS.
inline constexpr int kDispatcherFlagDisabled = 4;
inline constexpr int kDispatcherFlagSkipDns = 16;

// Kamailio tables the daemon writes, by their db_redis names.
inline constexpr const char* kAddressTable = "address";
inline constexpr const char* kDispatcherTable = "dispatcher";
inline constexpr const char* kHtableTable = "htable";
inline constexpr const char* kUacregTable = "uacreg";
inline constexpr const char* kEdgeTables[] = {kAddressTable, kDispatcherTable, kHtableTable,
                                              kUacregTable};

// db_redis finds uacreg rows by l_uuid ("uacreg=entry:l_uuid"): their keys end in the owner (the
// trunk id), not in the row id. The padding row of such a table is owned by this name.
bool keyed_by_owner(const std::string& table);
inline constexpr const char* kPaddingOwner = "mv-padding";

// Values the rows take from the daemon's config.
struct EdgeSettings {
  int registration_expires_s = 600;  // Expires the edge asks carriers for
  // The nodes' JSON-RPC URLs (kamailio.rpc_endpoints), in order: sync.nodes names them edge-1, ...
  std::vector<std::string> nodes;
};

using RowFields = std::vector<std::pair<std::string, std::string>>;

// One row the daemon owns. `owner` names it for good (the trunk id, "a:<trunk id>",
// "h:<trunk id>", "c:<customer id>", "app:<n>"); the store maps owners to row ids. No fields: the
// row must not exist.
struct EdgeRow {
  std::string table;
  std::string owner;
  std::optional<RowFields> fields;
};

// The trunk's rows in every table, present or not:
// - address (owner: trunk id): active with inbound_ip; tag "<trunk id>,<customer id>".
// - dispatcher (owner: trunk id): active; in the customer's set, destination from the proxy,
//   attrs "trunk=..;customer=..[;from_domain=..]", priority counting down with edge_order.
// - htable `mv` key "h:<trunk id>" (owner the same): active with username, password and a realm;
//   value "<username>:<realm>:<HA1>" (username and realm cannot hold ':').
// - htable `mv` key "a:<trunk id>" (owner the same): active with username and password but no
//   realm; value "<username>::<password>". Rows written before HA1 existed hold
//   "<username>:<realm>:<password>" here: the edge reads "h:" first and answers with "a:" as a
//   password otherwise, so they keep working until the trunk's next write replaces them.
// - uacreg (owner: trunk id): active and registers(); AOR <username>@<from_domain or proxy host>,
//   sent to the proxy, Contact <trunk id>@<the edge> (uac's reg_contact_addr); auth_ha1 or
//   auth_password as edge_secret says.
// What the edge gets to answer the trunk's digest challenges: with a realm, only the HA1
// (MD5 of "<username>:<realm>:<password>", good for that realm alone; uac_auth mode 1 and uacreg's
// auth_ha1); without one the realm is the carrier's choice at each challenge, so the edge needs the
// password itself. Exactly one is set for a trunk with credentials, neither without.
struct EdgeSecret {
  std::string password;
  std::string ha1;
};
EdgeSecret edge_secret(const Trunk& trunk);

std::vector<EdgeRow> edge_rows_for(const Trunk& trunk, const EdgeSettings& settings = {});

// htable `mv` key "c:<customer id>" -> the customer's dispatcher set (value type int).
EdgeRow customer_set_row(const std::string& customer_id, std::int64_t dispatcher_set);

// The application servers: dispatcher set 1, owner "app:<index>". `uri` is a checked sip URI.
EdgeRow app_server_row(std::size_t index, const std::string& uri);

// db_redis drops the last 1,000 rows of a table holding an exact non-zero multiple of 1,000 and
// still reports success. A table gets this one harmless row exactly when its own rows are such a
// multiple: address group 99 (no route checks it; group 0 would fail the whole reload), a
// disabled dispatcher destination in set 2, an htable key no route reads.
RowFields padding_row(const std::string& table);
bool padding_needed(std::size_t owned_rows);

// A uacreg column's value as uac.reg_dump shows it: "none" for an empty auth_password, auth_ha1,
// auth_proxy or contact_addr. Comparing a row in Redis with the dump goes through this.
std::string uacreg_dump_value(const std::string& column, const std::string& value);

// The destination URI for a proxy value (checked by validation): scheme, host, port and
// transport kept; e.g. "sip.example.net" -> "sip:sip.example.net".
std::string dispatcher_destination(const std::string& proxy);

}  // namespace mv::model
