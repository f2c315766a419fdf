#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace mv::model {

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
  std::int64_t created_ns = 0;
  std::int64_t updated_ns = 0;
  std::int64_t edge_generation = 0;  // set by the store on every write
  // Outbound routing, handed out by the store once: the customer's dispatcher set and the
  // trunk's age rank (0: not yet placed). See model/edge_rows.h.
  std::int64_t edge_set = 0;
  std::int64_t edge_order = 0;

  // "both" when the carrier also sends us calls from inbound_ip, else "outbound".
  std::string direction() const { return inbound_ip ? "both" : "outbound"; }

  bool operator==(const Trunk&) const = default;
};

// How far the Kamailio edge has got: the highest edge generation every node has loaded, and the
// last reload error while there is one.
struct EdgeProgress {
  std::int64_t applied_generation = 0;
  std::optional<std::string> last_error;
};

// "applied" once every edge node has loaded the trunk's latest write; "error" while it has not
// and the last reload failed; "pending" otherwise.
std::string sync_state(const Trunk& trunk, const EdgeProgress& edge);

// The public view of a trunk, in the seed's field order. The password is never part of it.
nlohmann::ordered_json trunk_to_json(const Trunk& trunk, const EdgeProgress& edge);

// "trunk_YYYYMMDDTHHMMSS.NNNNNNNNN" for a UTC time in nanoseconds.
std::string format_trunk_id(std::int64_t unix_ns);
// True when id has exactly the form format_trunk_id produces.
bool is_trunk_id(std::string_view id);
// RFC 3339 UTC with milliseconds and "Z", e.g. "2026-05-29T12:00:00.000Z".
std::string format_rfc3339(std::int64_t unix_ns);

}  // namespace mv::model
