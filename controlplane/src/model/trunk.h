#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mv::model {

// A trunk's registration with its carrier as the edge last reported it (see
// model/registration.h for the states).
struct Registration {
  std::string state;
  std::int64_t since_ns = 0;              // when the state last changed
  std::int64_t expires_at_ns = 0;         // REGED: when the carrier's binding runs out; else 0
  std::optional<std::string> last_error;  // "403 Forbidden", "408 timeout", ...
  std::int64_t failures = 0;              // failed attempts since the last success

  bool operator==(const Registration&) const = default;
};

// A customer's SIP trunk as stored. Times are nanoseconds since the Unix epoch (UTC).
struct Trunk {
  std::string id;
  std::string customer_id;
  std::string name;
  std::string proxy;
  std::optional<std::string> username;
  std::optional<std::string> password;  // write-only: never rendered, never logged
  std::optional<std::string> realm;
  std::optional<std::string> from_domain;
  std::optional<std::string> inbound_ip;  // canonical address or CIDR
  std::optional<std::string> gateway_name;
  bool is_active = true;
  // The `register` field: nullopt means the default (register when credentials are present).
  std::optional<bool> register_requested;
  std::int64_t created_ns = 0;
  std::int64_t updated_ns = 0;
  std::int64_t edge_generation = 0;  // set by the store on every write
  // Outbound routing, handed out by the store once: the customer's dispatcher set and the
  // trunk's age rank (0: not yet placed). See model/edge_rows.h.
  std::int64_t edge_set = 0;
  std::int64_t edge_order = 0;
  // Read beside the trunk, written by the registration poller; not part of a trunk write.
  std::optional<Registration> registration;

  // "both" when the carrier also sends us calls from inbound_ip, else "outbound".
  std::string direction() const { return inbound_ip ? "both" : "outbound"; }
  // The edge registers the trunk with its carrier: credentials, and `register` not false.
  bool registers() const { return register_requested.value_or(true) && username && password; }

  bool operator==(const Trunk&) const = default;
};

// A Kamailio node's name: "edge-<n>" for the node at `index` (from 0) of kamailio.rpc_endpoints.
// Customers see nodes by it, never by their internal URLs.
std::string edge_node_name(std::size_t index);

// One Kamailio node's progress: its name (edge_node_name) and the highest edge generation
// verified on it.
struct NodeProgress {
  std::string name;
  std::int64_t applied_generation = 0;

  bool operator==(const NodeProgress&) const = default;
};

// How far the Kamailio edge has got: the highest edge generation every node has loaded, the last
// reload error while there is one, and each node's own progress.
struct EdgeProgress {
  std::int64_t applied_generation = 0;
  std::optional<std::string> last_error;
  std::vector<NodeProgress> nodes{};
};

// "applied" once every edge node has loaded the trunk's latest write; "error" while it has not
// and the last reload failed; "pending" otherwise.
std::string sync_state(const Trunk& trunk, const EdgeProgress& edge);

// NOREG when the trunk does not register; UNREGED while it is inactive; else the state the edge
// reported, UNKNOWN before it has reported one.
std::string registration_status(const Trunk& trunk);

// The public view of a trunk, in the seed's field order. The password is never part of it.
nlohmann::ordered_json trunk_to_json(const Trunk& trunk, const EdgeProgress& edge);

// "trunk_YYYYMMDDTHHMMSS.NNNNNNNNN" for a UTC time in nanoseconds.
std::string format_trunk_id(std::int64_t unix_ns);
// True when id has exactly the form format_trunk_id produces.
bool is_trunk_id(std::string_view id);
// RFC 3339 UTC with milliseconds and "Z", e.g. "2026-05-29T12:00:00.000Z".
std::string format_rfc3339(std::int64_t unix_ns);

}  // namespace mv::model
