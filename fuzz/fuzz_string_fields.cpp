// One field value at a time: check_string_field for every writable string field, and the parsers
// behind it, parse_sip_proxy and parse_ip_network. The input is the value; every field sees it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_checks.h"
#include "model/ip_network.h"
#include "model/sip_syntax.h"
#include "model/trunk_validation.h"

namespace {

using namespace mv;
using fuzz::require;

constexpr std::array<std::string_view, 8> kFields{
    "name", "proxy", "username", "password", "realm", "from_domain", "inbound_ip", "gateway_name"};

void check_field(std::string_view field, std::string_view value) {
  auto check = model::check_string_field(field, value);
  require(check.value.has_value() != !check.error.empty(), "a value or an error, never both");
  if (!check.value) {
    require(check.error.starts_with(std::string(field) + ": "), "an error names its field");
    fuzz::require_clean_error({model::ErrorCode::invalid_request, check.error});
    return;
  }
  const auto& stored = *check.value;
  require(model::check_string_field(field, stored).value == stored, "a stored value is canonical");
  if (field == "name" || field == "password") return;
  if (field == "proxy") {
    require(model::parse_sip_proxy(stored).proxy.has_value(), "a stored proxy parses");
    return;
  }
  require(!fuzz::has_sip_breaking_byte(stored), "a stored value is SIP-safe");
  if (field == "from_domain") require(model::is_sip_host(stored), "a from_domain is a SIP host");
  if (field == "inbound_ip") {
    auto network = model::parse_ip_network(stored).network;
    require(network && network->is_unicast() && !network->embeds_ipv4(),
            "an inbound_ip is a unicast network");
  }
}

void check_proxy(std::string_view text) {
  auto parsed = model::parse_sip_proxy(text);
  require(parsed.proxy.has_value() != !parsed.error.empty(), "a proxy or an error, never both");
  if (!parsed.proxy) {
    fuzz::require_clean_error({model::ErrorCode::invalid_request, parsed.error});
    return;
  }
  const auto& proxy = *parsed.proxy;
  require(proxy.scheme == "sip" || proxy.scheme == "sips", "scheme is sip or sips");
  require(model::is_sip_host(proxy.host), "the proxy host is a SIP host");
  require(!fuzz::has_sip_breaking_byte(proxy.host), "the proxy host is SIP-safe");
  require(!proxy.port || (*proxy.port >= 1 && *proxy.port <= 65535), "the port is a port");
  require(!proxy.transport || *proxy.transport == "udp" || *proxy.transport == "tcp" ||
              *proxy.transport == "tls",
          "transport is udp, tcp or tls");
  require(!(proxy.scheme == "sips" && proxy.transport == "udp"), "sips never uses udp");

  // The parts, written back as a URI, parse to the same parts.
  std::string uri = proxy.scheme + ":" + proxy.host;
  if (proxy.port) uri += ":" + std::to_string(*proxy.port);
  if (proxy.transport) uri += ";transport=" + *proxy.transport;
  auto again = model::parse_sip_proxy(uri).proxy;
  require(again && again->scheme == proxy.scheme && again->host == proxy.host &&
              again->port == proxy.port && again->transport == proxy.transport,
          "a proxy written back parses to itself");
}

void check_network(std::string_view text) {
  auto parsed = model::parse_ip_network(text);
  require(parsed.network.has_value() != !parsed.error.empty(), "a network or an error, not both");
  if (!parsed.network) {
    fuzz::require_clean_error({model::ErrorCode::invalid_request, parsed.error});
    return;
  }
  const auto& network = *parsed.network;
  require(network.prefix >= 0 && network.prefix <= network.max_prefix(), "prefix in range");
  require(network.first_hex() <= network.last_hex(), "a network's first address is its lowest");
  require(network.overlaps(network), "a network overlaps itself");
  auto canonical = network.to_string();
  auto again = model::parse_ip_network(canonical).network;
  require(again && again->family == network.family && again->address == network.address &&
              again->prefix == network.prefix,
          "the canonical text parses to the same network");
  require(again->to_string() == canonical, "canonical text is stable");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view value(reinterpret_cast<const char*>(data), size);
  for (auto field : kFields) check_field(field, value);
  check_proxy(value);
  check_network(value);
  return 0;
}
