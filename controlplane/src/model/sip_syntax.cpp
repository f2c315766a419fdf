#include "model/sip_syntax.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "model/ip_network.h"

namespace mv::model {
namespace {

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_of_chars(std::string_view s, auto allowed) {
  return !s.empty() && std::all_of(s.begin(), s.end(), allowed);
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_dns_label(std::string_view label) {
  return !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
         all_of_chars(label, [](char c) { return is_alnum(c) || c == '-'; });
}

bool is_dns_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::string_view last_label;
  std::size_t start = 0;
  while (true) {
    auto dot = name.find('.', start);
    auto label = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!is_dns_label(label)) return false;
    last_label = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  // An all-numeric last label means the value was meant as an IPv4 literal.
  return !all_of_chars(last_label, is_digit);
}

std::optional<int> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5 || text.front() == '0') return std::nullopt;
  int port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc{} || end != text.data() + text.size() || port < 1 || port > 65535) {
    return std::nullopt;
  }
  return port;
}

}  // namespace

bool is_sip_host(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    auto inner = host.substr(1, host.size() - 2);
    auto ip = parse_ip_address(inner);
    return ip && ip->family == IpNetwork::Family::v6;
  }
  if (auto ip = parse_ip_address(host)) return ip->family == IpNetwork::Family::v4;
  return is_dns_name(host);
}

SipProxyParse parse_sip_proxy(std::string_view text) {
  SipProxy proxy{"sip", "", std::nullopt, std::nullopt};
  std::string_view rest = text;
  auto colon = rest.find(':');
  bool is_uri = false;
  if (colon != std::string_view::npos) {
    auto scheme = lower(rest.substr(0, colon));
    if (scheme == "sip" || scheme == "sips") {
      proxy.scheme = scheme;
      rest.remove_prefix(colon + 1);
      is_uri = true;
    }
  }
  if (rest.find('@') != std::string_view::npos) {
    return {std::nullopt, "must be a proxy address without a user part"};
  }

  std::string_view params;
  if (auto semicolon = rest.find(';'); semicolon != std::string_view::npos) {
    if (!is_uri) return {std::nullopt, "URI parameters need the sip: or sips: form"};
    params = rest.substr(semicolon + 1);
    rest = rest.substr(0, semicolon);
  }

  std::string_view host = rest;
  std::string_view port_text;
  bool has_port = false;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return {std::nullopt, "has an unterminated IPv6 literal"};
    host = rest.substr(0, close + 1);
    auto after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return {std::nullopt, "must be host[:port]"};
      port_text = after.substr(1);
      has_port = true;
    }
  } else if (auto port_colon = rest.rfind(':'); port_colon != std::string_view::npos) {
    host = rest.substr(0, port_colon);
    port_text = rest.substr(port_colon + 1);
    has_port = true;
  }
  if (!is_sip_host(host)) {
    return {std::nullopt, "host must be a DNS name, an IPv4 address or a bracketed IPv6 address"};
  }
  auto literal = host.front() == '[' ? host.substr(1, host.size() - 2) : host;
  if (auto ip = parse_ip_address(literal); ip && (!ip->is_unicast() || ip->embeds_ipv4())) {
    return {std::nullopt, "host must be a unicast address"};
  }
  proxy.host = lower(host);
  if (has_port) {
    proxy.port = parse_port(port_text);
    if (!proxy.port) return {std::nullopt, "port must be a number from 1 to 65535"};
  }

  if (!params.empty() || (is_uri && text.back() == ';')) {
    auto eq = params.find('=');
    if (eq == std::string_view::npos || lower(params.substr(0, eq)) != "transport") {
      return {std::nullopt, "only the ;transport= URI parameter is supported"};
    }
    auto transport = lower(params.substr(eq + 1));
    if (transport != "udp" && transport != "tcp" && transport != "tls") {
      return {std::nullopt, "transport must be udp, tcp or tls"};
    }
    if (proxy.scheme == "sips" && transport == "udp") {
      return {std::nullopt, "sips: cannot use transport=udp"};
    }
    proxy.transport = transport;
  }
  return {proxy, {}};
}

bool is_sip_user(std::string_view user) {
  static constexpr std::string_view kExtra = "-_.!~*()&=+$";
  return all_of_chars(user, [](char c) { return is_alnum(c) || kExtra.find(c) != kExtra.npos; });
}

bool is_realm(std::string_view realm) {
  static constexpr std::string_view kExtra = "-._!*+~";
  return all_of_chars(realm, [](char c) { return is_alnum(c) || kExtra.find(c) != kExtra.npos; });
}

bool is_gateway_name(std::string_view name) {
  return all_of_chars(name, [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

}  // namespace mv::model
