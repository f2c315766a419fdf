#pragma once

#include <optional>
#include <string>
#include <string_view>

// Syntax checks for values that later reach SIP messages and Kamailio tables. Deliberately
// stricter than RFC 3261 where the RFC allows characters that break header parsing downstream
// (quotes, ';', ',', '?', '<', '>', whitespace).
namespace mv::model {

// DNS name (LDH labels), IPv4 literal, or bracketed IPv6 literal.
bool is_sip_host(std::string_view host);

struct SipProxy {
  std::string scheme;  // "sip" or "sips"; "sip" when the value was host[:port]
  std::string host;
  std::optional<int> port;
  std::optional<std::string> transport;  // "udp", "tcp" or "tls", lower case
};

struct SipProxyParse {
  std::optional<SipProxy> proxy;
  std::string error;
};

// host[:port] or sip:/sips: URI with optional ;transport=udp|tcp|tls and nothing else.
SipProxyParse parse_sip_proxy(std::string_view text);

// RFC 3261 "user" characters less quotes and the separators ';' ',' '?' '/'.
bool is_sip_user(std::string_view user);
// Digest realm as a carrier sends it: token characters less quotes.
bool is_realm(std::string_view realm);
// An identifier: letters, digits, '.', '_' and '-'.
bool is_gateway_name(std::string_view name);

}  // namespace mv::model
