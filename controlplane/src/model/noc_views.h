#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

// What a Kamailio node has loaded, as the NOC views show it (kamailio/node_replies.h decodes the
// nodes' replies into these). Pure.
namespace mv::model {

// "trunk=t1;customer=c1" -> "t1" for "trunk".
std::optional<std::string> attr_value(std::string_view attrs, std::string_view name);

// OPTIONS round trips, with ds_ping_latency_stats on (milliseconds).
struct DestinationLatency {
  double avg_ms = 0;
  double std_ms = 0;
  double est_ms = 0;
  double max_ms = 0;
  std::int64_t timeouts = 0;
  bool operator==(const DestinationLatency&) const = default;
};

struct DispatcherDestination {
  std::string uri;
  std::string flags;  // raw letters
  std::string state;  // destination_state(flags)
  bool probing = false;
  std::int64_t priority = 0;
  std::string attrs;
  std::optional<std::string> trunk_id;      // from attrs; none for application servers
  std::optional<std::string> customer_id;   // from attrs
  std::optional<std::string> gateway_name;  // filled in from the trunk by the caller
  std::optional<DestinationLatency> latency;
};

struct DispatcherSet {
  std::int64_t id = 0;
  std::string kind;  // "app_servers" (set 1) or "customer"
  std::optional<std::string> customer_id;
  std::vector<DispatcherDestination> destinations;
};

// The trunks' destinations a node routes to (htable `mv` "t:<trunk>" items, decode_htable_dump)
// with the probes' verdict (`down`: htable mvdown's keys), one set per customer ("customer",
// id 0 for the caller to fill in), each in trunk id order: state "active" or "inactive", probing
// true, flags as dispatcher.list would show them ("AP" / "IP"), attrs
// "trunk=<id>;customer=<id>", no latency (stateless probes measure none).
std::vector<DispatcherSet> decode_trunk_destinations(
    const std::map<std::string, std::string>& mv_items, const std::set<std::string>& down);

// One inbound address or network the node admits: an htable `mv` source key (model::source_keys).
// An IPv6 network is shown as the node holds it, split at the next multiple of 4 bits.
struct PermissionEntry {
  std::int64_t group = 1;  // always 1, the trunks' (the API kept permissions' shape)
  std::string ip;
  int mask = 0;
  std::int64_t port = 0;
  std::string tag;
  std::optional<std::string> trunk_id;  // tag "<trunk id>,<customer id>"
  std::optional<std::string> customer_id;
};

// The source keys among htable `mv`'s items (kamailio::decode_htable_dump): single addresses first,
// then networks, each in key order.
std::vector<PermissionEntry> decode_sources(const std::map<std::string, std::string>& mv_items);

struct RegistrationEntry {
  std::string trunk_id;                      // l_uuid
  std::optional<std::string> customer_id;    // filled in from the trunk by the caller
  std::string aor;                           // sip:<r_username>@<r_domain>
  std::string registrar;                     // auth_proxy
  std::string state;                         // model/registration.h's words
  std::optional<std::int64_t> expires_in_s;  // while REGED
  std::int64_t timer_expires_s = 0;          // uac's next refresh, unix seconds (0: none)
  std::optional<std::string> last_error;
};

}  // namespace mv::model
