#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/ip_network.h"
#include "model/trunk.h"

// What the Kamailio edge loads, as rows of its tables (db_redis schemas in
// /usr/share/kamailio/db_redis/kamailio/). Pure: the store writes these rows, fsck compares them,
// the reloader counts them. kamailio-cfg/kamailio.cfg reads the same numbers and names.
namespace mv::model {

// dispatcher sets: 1 the application servers, 2 the padding row. Trunks are not in the
// dispatcher (since layout 3): every dispatcher change rebuilds the whole list on a node, so
// trunks' destinations are probed from htable `mv` (probe_rows) and route from it.
inline constexpr int kDispatcherSetAppServers = 1;
inline constexpr int kDispatcherSetPadding = 2;
// The number customers' groups of trunks are counted from (Trunk::edge_set; the NOC shows a
// customer's destinations under it): the dispatcher sets of layouts 1 and 2.
inline constexpr int kFirstCustomerDispatcherSet = 1001;
// dispatcher row flag 4: admin-disabled (never selected, never probed).
inline constexpr int kDispatcherFlagDisabled = 4;

// Kamailio tables the daemon writes, by their db_redis names. htable comes first: its changes
// reach a node key by key (the edge's change log), before the dispatcher's whole-table reload.
inline constexpr const char* kDispatcherTable = "dispatcher";
inline constexpr const char* kHtableTable = "htable";
inline constexpr const char* kUacregTable = "uacreg";
inline constexpr const char* kEdgeTables[] = {kHtableTable, kDispatcherTable, kUacregTable};

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
// "h:<trunk id>", "p:<index>", "app:<n>"); the store maps owners to row ids. No fields: the
// row must not exist.
struct EdgeRow {
  std::string table;
  std::string owner;
  std::optional<RowFields> fields;
};

// The trunk's rows in every table, present or not:
// - htable `mv` source keys (owners "s0:<trunk id>" .. "s7:<trunk id>"): active with inbound_ip;
//   the keys source_keys() gives, each holding "<trunk id>,<customer id>".
// - htable `mv` key "t:<trunk id>" (owner the same): active with a proxy (routable());
//   value "<customer id>|<from_domain or empty>|<destination URI>": what an outbound call to the
//   trunk needs (kamailio.cfg route USE_TRUNK).
// - htable `mv` key "h:<trunk id>" (owner the same): active with username, password and a realm;
//   value "<username>:<realm>:<HA1>" (username and realm cannot hold ':').
// - htable `mv` key "a:<trunk id>" (owner the same): active with username and password but no
//   realm; value "<username>::<password>". Rows written before HA1 existed hold
//   "<username>:<realm>:<password>" here: the edge reads "h:" first and answers with "a:" as a
//   password otherwise, so they keep working until the trunk's next write replaces them.
// - uacreg (owner: trunk id): active and registers(); AOR <username>@<from_domain or proxy host>,
//   sent to the proxy, Contact <trunk id>@<the edge> (uac's reg_contact_addr); auth_ha1 or
//   auth_password as edge_secret says.
// - Rows of older layouts, always absent, so a rewrite takes them out: the trunk's dispatcher
//   row (owner: trunk id) and its customer's "c:<customer id>" key (the dispatcher set).
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

// The htable `mv` keys that admit a network's sources (kamailio.cfg route SOURCE_TRUNK tries
// the source's exact key, then one key per prefix length in use, longest first):
// - IPv4: "s:<a.b.c.d>" for a single address, "s:<network address>/<length>" otherwise.
// - IPv6: 32 lowercase hex digits (nibbles) for a single address ("s:<32 nibbles>"). A network's
//   length is rounded up to a multiple of 4, and the network split into the 1, 2, 4 or 8
//   networks of that length: "s:<its first length/4 nibbles>/<length>" (a length rounded up to
//   128 gives single-address keys). So a route can build each key from the source's nibbles.
// At most kSourceKeysPerTrunk keys; none for a network that is neither.
inline constexpr std::size_t kSourceKeysPerTrunk = 8;
std::vector<std::string> source_keys(const IpNetwork& network);

// "s:4" and "s:6": the prefix lengths (below 32 / 128, IPv6 ones rounded up as above) in use by
// the source keys, longest first, "|"-separated ("30|28|24"); the row is absent when none is.
// The trunk scripts keep these rows from mv:edge:source_prefixes; this builds them from trunks.
inline constexpr const char* kSourcePrefixKeyV4 = "s:4";
inline constexpr const char* kSourcePrefixKeyV6 = "s:6";
std::vector<EdgeRow> source_prefix_rows(const std::vector<Trunk>& trunks);

// The prefix length an "s:" key's table of lengths counts it under ("s:10.0.0.0/24" -> 24), and
// its family (4 or 6); nullopt for exact-address keys and any other key.
struct SourcePrefix {
  int family = 4;
  int length = 0;
};
std::optional<SourcePrefix> source_key_prefix(const std::string& key);

// The order outbound calls try a customer's routable trunks (those with a "t:" row) in, oldest
// (edge_order) first, as a linked list in htable `mv`: "o:<customer id>" -> the first trunk id,
// "n:<trunk id>" -> the trunk after it (none for the last). A write changes at most three of these
// keys whatever the customer's size. The trunk scripts keep them from mv:edge:routes:<customer id>.
bool routable(const Trunk& trunk);
// The trunk's own route key, "t:<trunk id>" -> "<customer id>|<from domain>|<destination URI>".
std::string route_key(const std::string& trunk_id);
// The destination URI of such a value (its last field); nullopt for a value of another shape.
std::optional<std::string> route_destination(const std::string& route_value);
EdgeRow first_route_row(const std::string& customer_id, const std::optional<std::string>& first);
EdgeRow next_route_row(const std::string& trunk_id, const std::optional<std::string>& next);
// Every customer's list, from all trunks.
std::vector<EdgeRow> customer_routes_rows(const std::vector<Trunk>& trunks);

// The destination the edge probes for the trunk (the one in its "t:" row), or nullopt when it
// has no "t:" row. The trunk scripts keep the probe list from these (mv:edge:probe_*).
std::optional<std::string> probe_destination(const Trunk& trunk);

// The probe list in htable `mv` (kamailio.cfg route PROBE_TICK walks it, a slice per tick):
// "p:<index>" -> a destination URI for every index below the count, one per distinct
// destination of the routable trunks, and "p:n" -> the count (value type int; absent at 0).
// `destinations` in index order. A destination leaves by the last one moving into its index,
// so the list stays dense and each change writes at most three keys.
inline constexpr const char* kProbeCountKey = "p:n";
std::string probe_key(std::size_t index);
std::vector<EdgeRow> probe_rows(const std::vector<std::string>& destinations);

// The layout of the rows above. A daemon finding an older one recorded in Redis writes every
// trunk's rows again (service/edge_rows_upgrade.h). 1: sources in permissions' address table and
// outbound routes in dispatcher sets; 2: both as htable `mv` keys ("s:", "t:", "o:"/"n:"), the
// dispatcher probing trunks' destinations; 3: trunks out of the dispatcher, probed from the
// probe list ("p:").
inline constexpr int kEdgeRowsLayout = 3;

// The application servers: dispatcher set 1, owner "app:<index>". `uri` is a checked sip URI.
EdgeRow app_server_row(std::size_t index, const std::string& uri);

// db_redis drops the last 1,000 rows of a table holding an exact non-zero multiple of 1,000 and
// still reports success. A table gets this one harmless row exactly when its own rows are such a
// multiple: a disabled dispatcher destination in set 2, an htable key no route reads, a
// disabled uacreg record.
RowFields padding_row(const std::string& table);
bool padding_needed(std::size_t owned_rows);

// A uacreg column's value as uac.reg_dump shows it: "none" for an empty auth_password, auth_ha1,
// auth_proxy or contact_addr. Comparing a row in Redis with the dump goes through this.
std::string uacreg_dump_value(const std::string& column, const std::string& value);

// The destination URI for a proxy value (checked by validation): scheme, host, port and
// transport kept; e.g. "sip.example.net" -> "sip:sip.example.net".
std::string dispatcher_destination(const std::string& proxy);

}  // namespace mv::model
