#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>

#include "model/sip_syntax.h"
#include "support/printable.h"

namespace mv::model {
namespace {

using namespace std::string_literals;

using test::printable;

bool is_ascii_alnum(int c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// "aaa...a.aaa...a...." with the given total length, labels of at most 63 characters.
std::string dns_name_of_length(std::size_t length) {
  std::string out;
  while (out.size() < length) {
    if (!out.empty()) out.push_back('.');
    std::size_t label = std::min<std::size_t>(63, length - out.size());
    out.append(label, 'a');
  }
  return out;
}

const std::string kCyrillicA = "\xd0\xb0";  // U+0430, looks like Latin 'a'

}  // namespace

BOOST_AUTO_TEST_SUITE(sip_syntax)

// Verifies that DNS names, IPv4 literals and bracketed IPv6 literals are SIP hosts.
BOOST_AUTO_TEST_CASE(accepts_sip_hosts) {
  const std::string cases[] = {
      "example.com",
      "sip.example.net",
      "EXAMPLE.COM",
      "Sip.Example.Net",
      "a",
      "proxy",
      "a-b.c",
      "a--b.example",
      "xn--80ak6aa92e.com",
      "123.example.com",
      "example.123abc",
      "1.2.3.4a",
      "0x7f.example",
      "a.b.c.d.e.f.g",
      "192.0.2.1",
      "198.51.100.255",
      "1.2.3.4",
      "[2001:db8::1]",
      "[2001:DB8::1]",
      "[::1]",
      "[2001:db8:0:0:0:0:0:1]",
      "[fe80::1]",
      std::string(63, 'x') + ".example",
      dns_name_of_length(253),
  };
  for (const auto& host : cases) {
    BOOST_TEST_CONTEXT("host " << printable(host)) { BOOST_TEST(is_sip_host(host)); }
  }
}

// Verifies that malformed names, numeric non-addresses and unbracketed or bad literals are refused.
BOOST_AUTO_TEST_CASE(rejects_bad_sip_hosts) {
  const std::string cases[] = {
      "",
      ".",
      "..",
      "example.com.",
      ".example.com",
      "example..com",
      "-example.com",
      "example-.com",
      "example.-com",
      "example.com-",
      "-",
      "exa_mple.com",
      "_sip._udp.example.com",
      "ex ample.com",
      "exa\tmple.com",
      "example.com\r\n",
      "exa*mple.com",
      "exa/mple.com",
      "example.com:5060",
      "user@example.com",
      "example.com;transport=udp",
      "example.com?x=y",
      "<example.com>",
      "\"example.com\"",
      std::string(64, 'x') + ".example",
      "example." + std::string(64, 'x'),
      dns_name_of_length(254),
      dns_name_of_length(300),
      // All-numeric last label: meant as an IPv4 literal but not a valid one.
      "1.2.3.999",
      "256.1.1.1",
      "1.2.3",
      "1.2.3.4.5",
      "01.2.3.4",
      "123",
      "example.123",
      "10.0.0.1/24",
      // IPv6 must be bracketed, and brackets are for IPv6 only.
      "2001:db8::1",
      "::1",
      "[2001:db8::1",
      "2001:db8::1]",
      "[]",
      "[1.2.3.4]",
      "[example.com]",
      "[fe80::1%eth0]",
      "[2001:db8::1]:5060",
      "[[::1]]",
      // Look-alikes and non-ASCII.
      "sip.ex" + kCyrillicA + "mple.net",
      "\xef\xbd\x85xample.com",  // fullwidth 'e'
      "b\xc3\xbc"
      "cher.example",             // IDN not in punycode
      "exam\xe2\x80\x8bple.com",  // zero-width space
      "example.com\0evil"s,
  };
  for (const auto& host : cases) {
    BOOST_TEST_CONTEXT("host " << printable(host)) { BOOST_TEST(!is_sip_host(host)); }
  }
}

// Verifies the character set of a DNS host name: every byte in "a?b.example" is tried.
BOOST_AUTO_TEST_CASE(sip_host_character_set) {
  for (int c = 0; c < 256; ++c) {
    std::string host = "a"s + static_cast<char>(c) + "b.example";
    bool expected = is_ascii_alnum(c) || c == '-' || c == '.';
    BOOST_TEST_CONTEXT("host " << printable(host)) { BOOST_TEST(is_sip_host(host) == expected); }
  }
}

// Verifies the accepted proxy forms and the parsed scheme, lower-cased host, port and transport.
BOOST_AUTO_TEST_CASE(parses_valid_proxies) {
  struct Case {
    std::string_view input;
    std::string_view scheme;
    std::string_view host;
    int port;                    // 0: no port
    std::string_view transport;  // empty: no transport
  };
  const Case cases[] = {
      {"example.com", "sip", "example.com", 0, ""},
      {"Example.COM", "sip", "example.com", 0, ""},
      {"proxy", "sip", "proxy", 0, ""},
      {"example.com:5060", "sip", "example.com", 5060, ""},
      {"example.com:1", "sip", "example.com", 1, ""},
      {"example.com:65535", "sip", "example.com", 65535, ""},
      {"example.com:10000", "sip", "example.com", 10000, ""},
      {"192.0.2.10", "sip", "192.0.2.10", 0, ""},
      {"192.0.2.10:5080", "sip", "192.0.2.10", 5080, ""},
      {"[2001:db8::1]", "sip", "[2001:db8::1]", 0, ""},
      {"[2001:db8::1]:5060", "sip", "[2001:db8::1]", 5060, ""},
      {"[2001:DB8::A]:5061", "sip", "[2001:db8::a]", 5061, ""},
      {"sip:example.com", "sip", "example.com", 0, ""},
      {"sips:example.com", "sips", "example.com", 0, ""},
      {"SIP:example.com", "sip", "example.com", 0, ""},
      {"SIPS:example.com", "sips", "example.com", 0, ""},
      {"Sip:Example.Com:5060", "sip", "example.com", 5060, ""},
      {"sip:192.0.2.1:5060", "sip", "192.0.2.1", 5060, ""},
      {"sip:[2001:db8::1]", "sip", "[2001:db8::1]", 0, ""},
      {"sip:[2001:db8::1]:5060", "sip", "[2001:db8::1]", 5060, ""},
      {"sips:example.com:5061", "sips", "example.com", 5061, ""},
      {"sip:example.com;transport=udp", "sip", "example.com", 0, "udp"},
      {"sip:example.com;transport=tcp", "sip", "example.com", 0, "tcp"},
      {"sip:example.com;transport=tls", "sip", "example.com", 0, "tls"},
      {"sip:example.com;TRANSPORT=UDP", "sip", "example.com", 0, "udp"},
      {"sip:example.com;Transport=Tcp", "sip", "example.com", 0, "tcp"},
      {"sip:example.com:5060;transport=udp", "sip", "example.com", 5060, "udp"},
      {"SIP:EXAMPLE.COM:5060;TRANSPORT=TLS", "sip", "example.com", 5060, "tls"},
      {"sip:192.0.2.1:5060;transport=udp", "sip", "192.0.2.1", 5060, "udp"},
      {"sip:[2001:db8::1]:5060;transport=tcp", "sip", "[2001:db8::1]", 5060, "tcp"},
      {"sip:[2001:db8::1];transport=udp", "sip", "[2001:db8::1]", 0, "udp"},
      {"sips:example.com;transport=tcp", "sips", "example.com", 0, "tcp"},
      {"sips:example.com;transport=tls", "sips", "example.com", 0, "tls"},
      {"sips:[2001:DB8::1]:5061;transport=TLS", "sips", "[2001:db8::1]", 5061, "tls"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("proxy " << printable(c.input)) {
      auto parsed = parse_sip_proxy(c.input);
      BOOST_TEST_REQUIRE(parsed.proxy.has_value(), "error: " << parsed.error);
      BOOST_TEST(parsed.error.empty());
      BOOST_TEST(parsed.proxy->scheme == c.scheme);
      BOOST_TEST(parsed.proxy->host == c.host);
      BOOST_TEST(parsed.proxy->port.value_or(0) == c.port);
      BOOST_TEST(parsed.proxy->port.has_value() == (c.port != 0));
      BOOST_TEST(parsed.proxy->transport.value_or("") == c.transport);
      BOOST_TEST(parsed.proxy->transport.has_value() == !c.transport.empty());
    }
  }
}

// Verifies every refused proxy form and the reason given for it.
BOOST_AUTO_TEST_CASE(rejects_bad_proxies) {
  const std::string kHost = "host must be a DNS name, an IPv4 address or a bracketed IPv6 address";
  const std::string kPort = "port must be a number from 1 to 65535";
  const std::string kUser = "must be a proxy address without a user part";
  const std::string kParamsNeedUri = "URI parameters need the sip: or sips: form";
  const std::string kOnlyTransport = "only the ;transport= URI parameter is supported";
  const std::string kTransport = "transport must be udp, tcp or tls";
  const std::string kSipsUdp = "sips: cannot use transport=udp";
  const std::string kUnterminated = "has an unterminated IPv6 literal";
  const std::string kHostPort = "must be host[:port]";
  struct Case {
    std::string input;
    std::string error;
  };
  const Case cases[] = {
      // Empty host.
      {"", kHost},
      {"sip:", kHost},
      {"sips:", kHost},
      {":5060", kHost},
      {"sip::5060", kHost},
      // User part.
      {"sip:alice@example.com", kUser},
      {"SIP:alice@example.com:5060", kUser},
      {"sips:alice:secret@example.com", kUser},
      {"alice@example.com", kUser},
      {"@example.com", kUser},
      {"sip:@example.com", kUser},
      {"sip:example.com;transport=udp@evil", kUser},
      // Parameters.
      {"example.com;transport=udp", kParamsNeedUri},
      {"example.com:5060;transport=tcp", kParamsNeedUri},
      {"sips:example.com;transport=udp", kSipsUdp},
      {"SIPS:example.com:5061;TRANSPORT=UDP", kSipsUdp},
      {"sip:example.com;transport=sctp", kTransport},
      {"sip:example.com;transport=ws", kTransport},
      {"sip:example.com;transport=wss", kTransport},
      {"sip:example.com;transport=", kTransport},
      {"sip:example.com;transport=udp;lr", kTransport},
      {"sip:example.com;transport=udp;transport=tcp", kTransport},
      {"sip:example.com;transport=u dp", kTransport},
      {"sip:example.com;lr", kOnlyTransport},
      {"sip:example.com;lr;transport=udp", kOnlyTransport},
      {"sip:example.com;maddr=192.0.2.1", kOnlyTransport},
      {"sip:example.com;user=phone", kOnlyTransport},
      {"sip:example.com;", kOnlyTransport},
      {"sip:example.com;=udp", kOnlyTransport},
      {"sip:example.com;transportx=udp", kOnlyTransport},
      {"sip:example.com;;transport=udp", kOnlyTransport},
      // Ports.
      {"example.com:0", kPort},
      {"example.com:00", kPort},
      {"example.com:65536", kPort},
      {"example.com:99999", kPort},
      {"example.com:100000", kPort},
      {"example.com:05060", kPort},
      {"example.com:", kPort},
      {"example.com:abc", kPort},
      {"example.com:50a0", kPort},
      {"example.com:-1", kPort},
      {"example.com:+5060", kPort},
      {"example.com:5060 ", kPort},
      {"example.com:0x13c4", kPort},
      {"sip:example.com:0;transport=udp", kPort},
      {"sip:example.com:65536", kPort},
      {"[2001:db8::1]:0", kPort},
      {"[2001:db8::1]:", kPort},
      {"[2001:db8::1]:65536", kPort},
      {"http://example.com", kPort},
      // IPv6 literal shape.
      {"[2001:db8::1", kUnterminated},
      {"sip:[2001:db8::1", kUnterminated},
      {"[2001:db8::1]5060", kHostPort},
      {"[2001:db8::1]]:5060", kHostPort},
      {"sip:[2001:db8::1]x", kHostPort},
      // Hosts.
      {"2001:db8::1", kHost},
      {"sip:2001:db8::1", kHost},
      {"[192.0.2.1]:5060", kHost},
      {"[example.com]", kHost},
      {"[fe80::1%eth0]:5060", kHost},
      {"-example.com", kHost},
      {"example-.com", kHost},
      {"sip:example.-com", kHost},
      {"exa_mple.com", kHost},
      {std::string(64, 'x') + ".example", kHost},
      {"sip:" + std::string(64, 'x') + ".example:5060", kHost},
      {dns_name_of_length(254), kHost},
      {"sip:" + dns_name_of_length(254), kHost},
      {"example..com", kHost},
      {".example.com", kHost},
      {"example.com.", kHost},
      {"sip:example.com.:5060", kHost},
      {"1.2.3.999", kHost},
      {"sip:1.2.3.999:5060", kHost},
      {"1.2.3", kHost},
      {"256.0.0.1:5060", kHost},
      {"example.com:5060:5060", kHost},
      {"sip:example.com?subject=x", kHost},
      {"sip:exa mple.com", kHost},
      {"sip:sip.ex" + kCyrillicA + "mple.net", kHost},
      {"<sip:example.com>", kHost},
      {"sip:example.com\r\n", kHost},
      {"sip:example.com,sip:other.example", kHost},
      {"\"sip:example.com\"", kHost},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("proxy " << printable(c.input)) {
      auto parsed = parse_sip_proxy(c.input);
      BOOST_TEST(!parsed.proxy.has_value());
      BOOST_TEST(parsed.error == c.error);
    }
  }
}

// Verifies that SIP users accept the RFC 3261 unreserved set plus "&=+$" and nothing else.
BOOST_AUTO_TEST_CASE(sip_user_values) {
  struct Case {
    std::string value;
    bool valid;
  };
  const Case cases[] = {
      {"alice", true},
      {"Alice_01", true},
      {"1001", true},
      {"+15551234567", true},
      {"a.b-c_d", true},
      {"!~*()&=+$", true},
      {"user.name", true},
      {std::string(200, 'u'), true},
      {"", false},
      {"al ice", false},
      {"alice@example.com", false},
      {"al;ice", false},
      {"al,ice", false},
      {"al?ice", false},
      {"al/ice", false},
      {"al:ice", false},
      {"al\"ice", false},
      {"al'ice", false},
      {"al<ice", false},
      {"al>ice", false},
      {"al\\ice", false},
      {"al%40ice", false},
      {"al#ice", false},
      {"al[ice]", false},
      {"al{ice}", false},
      {"al|ice", false},
      {"al^ice", false},
      {"al`ice", false},
      {"al\rice", false},
      {"al\nice", false},
      {"al\r\nice", false},
      {"al\tice", false},
      {"al\0ice"s, false},
      {"al\x7fice", false},
      {"al\xc3\xad"
       "ce",
       false},                       // UTF-8 i with acute
      {kCyrillicA + "lice", false},  // Cyrillic look-alike
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("user " << printable(c.value)) {
      BOOST_TEST(is_sip_user(c.value) == c.valid);
    }
  }
}

// Verifies that realms accept token characters less quotes, and nothing else.
BOOST_AUTO_TEST_CASE(realm_values) {
  struct Case {
    std::string value;
    bool valid;
  };
  const Case cases[] = {
      {"sip.example.net", true},
      {"asterisk", true},
      {"REALM-1", true},
      {"a_b", true},
      {"x!*+~", true},
      {"192.0.2.1", true},
      {std::string(300, 'r'), true},
      {"", false},
      {"my realm", false},
      {"realm\"", false},
      {"realm'", false},
      {"realm;x", false},
      {"realm,x", false},
      {"realm@x", false},
      {"realm:5060", false},
      {"realm/x", false},
      {"realm\\x", false},
      {"realm=x", false},
      {"realm(x)", false},
      {"realm$", false},
      {"realm&", false},
      {"realm?", false},
      {"realm<x>", false},
      {"realm%20", false},
      {"[2001:db8::1]", false},
      {"realm\r\n", false},
      {"realm\t", false},
      {"realm\0"s, false},
      {"ex" + kCyrillicA + "mple", false},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("realm " << printable(c.value)) { BOOST_TEST(is_realm(c.value) == c.valid); }
  }
}

// Verifies that gateway names are letters, digits, '.', '_' and '-' only.
BOOST_AUTO_TEST_CASE(gateway_name_values) {
  struct Case {
    std::string value;
    bool valid;
  };
  const Case cases[] = {
      {"gw1", true},
      {"GW-1", true},
      {"carrier_a.east", true},
      {"a", true},
      {"1", true},
      {"-", true},
      {std::string(100, 'g'), true},
      {"", false},
      {"gw 1", false},
      {"gw@1", false},
      {"gw;1", false},
      {"gw:1", false},
      {"gw/1", false},
      {"gw\\1", false},
      {"gw\"1", false},
      {"gw'1", false},
      {"gw,1", false},
      {"gw<1>", false},
      {"gw?1", false},
      {"gw+1", false},
      {"gw*1", false},
      {"gw!", false},
      {"gw~", false},
      {"gw\t1", false},
      {"gw\n1", false},
      {"gw\0"
       "1"s,
       false},
      {"gw\xc3\xa9", false},
      {"gw-" + kCyrillicA, false},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("gateway_name " << printable(c.value)) {
      BOOST_TEST(is_gateway_name(c.value) == c.valid);
    }
  }
}

// Verifies the exact character set of each token check: every byte in "x?y" is tried.
BOOST_AUTO_TEST_CASE(token_character_sets) {
  const std::string_view user_extra = "-_.!~*()&=+$";
  const std::string_view realm_extra = "-._!*+~";
  const std::string_view gateway_extra = "._-";
  for (int c = 0; c < 256; ++c) {
    std::string value = "x"s + static_cast<char>(c) + "y";
    auto allowed = [&](std::string_view extra) {
      return is_ascii_alnum(c) || extra.find(static_cast<char>(c)) != std::string_view::npos;
    };
    BOOST_TEST_CONTEXT("value " << printable(value)) {
      BOOST_TEST(is_sip_user(value) == allowed(user_extra));
      BOOST_TEST(is_realm(value) == allowed(realm_extra));
      BOOST_TEST(is_gateway_name(value) == allowed(gateway_extra));
    }
  }
}

// Verifies a proxy given as an IP literal must be a unicast address a call can go to.
BOOST_AUTO_TEST_CASE(proxy_literal_must_be_unicast) {
  for (const char* text : {"0.0.0.0", "224.0.0.1", "255.255.255.255:5060", "sip:[::]", "[ff02::1]",
                           "sip:[::ffff:10.0.0.1]:5060"}) {
    BOOST_TEST_CONTEXT(text) { BOOST_TEST(!parse_sip_proxy(text).proxy.has_value()); }
  }
  BOOST_TEST(parse_sip_proxy("127.0.0.1:5080").proxy.has_value());
  BOOST_TEST(parse_sip_proxy("sip:[2001:db8::1]:5060;transport=tcp").proxy.has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
