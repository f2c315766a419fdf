#include "model/ip_network.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace mv::model {
namespace {

std::string to_hex(const std::array<std::uint8_t, 16>& bytes, std::size_t count) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(count * 2);
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0x0f]);
  }
  return out;
}

// Sets (fill=true) or clears (fill=false) every bit after the prefix.
std::array<std::uint8_t, 16> with_host_bits(const IpNetwork& net, bool fill) {
  auto bytes = net.address;
  for (std::size_t i = 0; i < net.byte_count(); ++i) {
    int bit_start = static_cast<int>(i) * 8;
    int keep = net.prefix - bit_start;
    std::uint8_t mask = keep >= 8   ? 0xff
                        : keep <= 0 ? 0x00
                                    : static_cast<std::uint8_t>(0xff << (8 - keep));
    bytes[i] = fill ? static_cast<std::uint8_t>(bytes[i] | ~mask)
                    : static_cast<std::uint8_t>(bytes[i] & mask);
  }
  return bytes;
}

}  // namespace

std::optional<IpNetwork> parse_ip_address(std::string_view text) {
  // inet_pton stops at a NUL: refuse one rather than accept what comes before it.
  if (text.empty() || text.size() > 45 || text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  std::string buf(text);
  IpNetwork net;
  if (buf.find(':') == std::string::npos) {
    in_addr v4{};
    if (inet_pton(AF_INET, buf.c_str(), &v4) != 1) return std::nullopt;
    net.family = IpNetwork::Family::v4;
    net.prefix = 32;
    auto* raw = reinterpret_cast<const std::uint8_t*>(&v4);
    std::copy(raw, raw + 4, net.address.begin());
  } else {
    in6_addr v6{};
    if (inet_pton(AF_INET6, buf.c_str(), &v6) != 1) return std::nullopt;
    net.family = IpNetwork::Family::v6;
    net.prefix = 128;
    std::copy(v6.s6_addr, v6.s6_addr + 16, net.address.begin());
  }
  return net;
}

IpNetworkParse parse_ip_network(std::string_view text) {
  auto slash = text.find('/');
  auto address_text = text.substr(0, slash);
  auto address = parse_ip_address(address_text);
  if (!address) return {std::nullopt, "must be an IPv4 or IPv6 address or CIDR"};
  if (slash == std::string_view::npos) return {address, {}};

  auto prefix_text = text.substr(slash + 1);
  int prefix = -1;
  auto [end, ec] =
      std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix);
  bool leading_zero = prefix_text.size() > 1 && prefix_text.front() == '0';
  bool starts_with_digit =
      !prefix_text.empty() && prefix_text.front() >= '0' && prefix_text.front() <= '9';
  if (!starts_with_digit || ec != std::errc{} || end != prefix_text.data() + prefix_text.size() ||
      leading_zero || prefix < 0 || prefix > address->max_prefix()) {
    return {std::nullopt, "has an invalid prefix length"};
  }
  address->prefix = prefix;
  if (with_host_bits(*address, false) != address->address) {
    IpNetwork network = *address;
    network.address = with_host_bits(*address, false);
    return {std::nullopt, "has host bits set (did you mean " + network.to_string() + "?)"};
  }
  return {address, {}};
}

std::string IpNetwork::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(family == Family::v4 ? AF_INET : AF_INET6, address.data(), buf, sizeof buf);
  std::string out(buf);
  if (prefix != max_prefix()) out += "/" + std::to_string(prefix);
  return out;
}

std::string IpNetwork::first_hex() const {
  return to_hex(with_host_bits(*this, false), byte_count());
}

std::string IpNetwork::last_hex() const {
  return to_hex(with_host_bits(*this, true), byte_count());
}

bool IpNetwork::is_unicast() const {
  auto first = first_hex();
  bool unspecified = first == std::string(first.size(), '0');
  bool multicast = family == Family::v4 ? address[0] >= 224 : address[0] == 0xff;
  return !unspecified && !multicast;
}

bool IpNetwork::is_loopback() const {
  if (family == Family::v4) return address[0] == 127 && prefix >= 8;
  static constexpr std::array<std::uint8_t, 16> kIpv6Loopback{0, 0, 0, 0, 0, 0, 0, 0,
                                                              0, 0, 0, 0, 0, 0, 0, 1};
  return address == kIpv6Loopback && prefix == 128;
}

bool IpNetwork::embeds_ipv4() const {
  if (family != Family::v6) return false;
  auto zero = [&](int from, int to) {
    return std::all_of(address.begin() + from, address.begin() + to, [](auto b) { return b == 0; });
  };
  bool mapped = zero(0, 10) && address[10] == 0xff && address[11] == 0xff;
  bool compatible = zero(0, 12) && !(zero(12, 15) && address[15] <= 1);  // but not :: or ::1
  return mapped || compatible;
}

bool IpNetwork::overlaps(const IpNetwork& other) const {
  if (family != other.family) return false;
  return first_hex() <= other.last_hex() && other.first_hex() <= last_hex();
}

}  // namespace mv::model
