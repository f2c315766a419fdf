#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mv::model {

// An IPv4 or IPv6 network: an address plus prefix length, host bits zero.
struct IpNetwork {
  enum class Family { v4, v6 };
  Family family = Family::v4;
  std::array<std::uint8_t, 16> address{};  // IPv4 uses the first 4 bytes
  int prefix = 32;

  std::size_t byte_count() const { return family == Family::v4 ? 4 : 16; }
  int max_prefix() const { return family == Family::v4 ? 32 : 128; }

  // Canonical text: "a.b.c.d" / "2001:db8::1" for a single host, "a.b.c.d/nn" otherwise.
  std::string to_string() const;
  // Lowest and highest address as fixed-width lowercase hex (8 or 32 digits): string order equals
  // numeric order, which the Redis overlap index relies on.
  std::string first_hex() const;
  std::string last_hex() const;
  bool overlaps(const IpNetwork& other) const;
  // Unspecified, multicast or IPv4 limited broadcast: never the source or target of a call.
  bool is_unicast() const;
  // Inside 127.0.0.0/8 or ::1: never leaves this machine.
  bool is_loopback() const;
  // ::ffff:a.b.c.d or the deprecated ::a.b.c.d: an IPv4 address in IPv6 clothing.
  bool embeds_ipv4() const;
};

struct IpNetworkParse {
  std::optional<IpNetwork> network;
  std::string error;  // set when network is empty
};

// Parses "addr" or "addr/prefix"; rejects host bits set, zone ids, signs and leading zeros in
// the prefix. The result is canonical (to_string()), whatever the input's spelling.
IpNetworkParse parse_ip_network(std::string_view text);

// Parses a bare IPv4 or IPv6 literal (no brackets, no prefix).
std::optional<IpNetwork> parse_ip_address(std::string_view text);

}  // namespace mv::model
