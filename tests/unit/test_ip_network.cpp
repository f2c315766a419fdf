#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/ip_network.h"
#include "support/printable.h"

namespace mv::model {
namespace {

using Family = IpNetwork::Family;

using test::printable;

IpNetwork must_parse(std::string_view text) {
  auto parsed = parse_ip_network(text);
  if (!parsed.network) BOOST_FAIL("parse_ip_network(" << printable(text) << "): " << parsed.error);
  return *parsed.network;
}

std::string family_name(Family family) { return family == Family::v4 ? "v4" : "v6"; }

}  // namespace

BOOST_AUTO_TEST_SUITE(ip_network)

struct CanonicalCase {
  std::string_view input;
  std::string_view canonical;
  Family family;
  int prefix;
};

const CanonicalCase kCanonicalCases[] = {
    // IPv4 hosts and networks.
    {"10.0.0.1", "10.0.0.1", Family::v4, 32},
    {"10.0.0.1/32", "10.0.0.1", Family::v4, 32},
    {"10.0.0.0/24", "10.0.0.0/24", Family::v4, 24},
    {"10.0.0.0/8", "10.0.0.0/8", Family::v4, 8},
    {"10.0.0.0/9", "10.0.0.0/9", Family::v4, 9},
    {"172.16.0.0/12", "172.16.0.0/12", Family::v4, 12},
    {"192.168.0.0/16", "192.168.0.0/16", Family::v4, 16},
    {"100.64.0.0/10", "100.64.0.0/10", Family::v4, 10},
    {"192.0.2.128/25", "192.0.2.128/25", Family::v4, 25},
    {"192.0.2.0/31", "192.0.2.0/31", Family::v4, 31},
    {"198.51.100.7", "198.51.100.7", Family::v4, 32},
    {"203.0.113.255/32", "203.0.113.255", Family::v4, 32},
    {"0.0.0.0", "0.0.0.0", Family::v4, 32},
    {"0.0.0.0/0", "0.0.0.0/0", Family::v4, 0},
    {"128.0.0.0/1", "128.0.0.0/1", Family::v4, 1},
    {"255.255.255.255", "255.255.255.255", Family::v4, 32},
    {"255.255.255.254/31", "255.255.255.254/31", Family::v4, 31},
    {"127.0.0.2", "127.0.0.2", Family::v4, 32},
    {"224.0.0.1", "224.0.0.1", Family::v4, 32},
    {"1.2.3.4", "1.2.3.4", Family::v4, 32},
    // IPv6: lower case, zero compression, host form without /128.
    {"2001:DB8::1", "2001:db8::1", Family::v6, 128},
    {"2001:db8::1", "2001:db8::1", Family::v6, 128},
    {"2001:db8::1/128", "2001:db8::1", Family::v6, 128},
    {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1", Family::v6, 128},
    {"2001:DB8:0:0:0:0:0:1", "2001:db8::1", Family::v6, 128},
    {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", Family::v6, 128},
    {"2001:db8::/32", "2001:db8::/32", Family::v6, 32},
    {"2001:DB8:ABCD::/48", "2001:db8:abcd::/48", Family::v6, 48},
    {"2001:db8:abcd:0012::/64", "2001:db8:abcd:12::/64", Family::v6, 64},
    {"2001:db8::8000:0/97", "2001:db8::8000:0/97", Family::v6, 97},
    {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", Family::v6, 128},
    {"2001:0db8:0000:0000:0000:0000:255.255.255.255", "2001:db8::ffff:ffff", Family::v6, 128},
    {"::", "::", Family::v6, 128},
    {"::/0", "::/0", Family::v6, 0},
    {"::1", "::1", Family::v6, 128},
    {"::1/128", "::1", Family::v6, 128},
    {"fe80::/10", "fe80::/10", Family::v6, 10},
    {"FE80::1", "fe80::1", Family::v6, 128},
    {"FF02::1", "ff02::1", Family::v6, 128},
    {"8000::/1", "8000::/1", Family::v6, 1},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
     Family::v6, 128},
};

// Verifies that valid addresses and CIDRs parse to their canonical text, family and prefix.
BOOST_AUTO_TEST_CASE(parses_to_canonical_text) {
  for (const auto& c : kCanonicalCases) {
    BOOST_TEST_CONTEXT("input " << printable(c.input)) {
      auto parsed = parse_ip_network(c.input);
      BOOST_TEST_REQUIRE(parsed.network.has_value());
      BOOST_TEST(parsed.error.empty());
      BOOST_TEST(parsed.network->to_string() == c.canonical);
      BOOST_TEST(family_name(parsed.network->family) == family_name(c.family));
      BOOST_TEST(parsed.network->prefix == c.prefix);
    }
  }
}

// Verifies that the canonical text parses back to the identical network (a fixed point).
BOOST_AUTO_TEST_CASE(canonical_text_round_trips) {
  for (const auto& c : kCanonicalCases) {
    BOOST_TEST_CONTEXT("input " << printable(c.input)) {
      auto first = must_parse(c.input);
      auto second = must_parse(first.to_string());
      BOOST_TEST(second.to_string() == first.to_string());
      BOOST_TEST((second.address == first.address));
      BOOST_TEST(second.prefix == first.prefix);
      BOOST_TEST(family_name(second.family) == family_name(first.family));
    }
  }
}

// Verifies that text which is not an address literal is refused with the generic message.
BOOST_AUTO_TEST_CASE(rejects_malformed_addresses) {
  using namespace std::string_literals;
  const std::string cases[] = {
      "",
      " ",
      "1.2.3",
      "1.2.3.4.5",
      "256.0.0.1",
      "1.2.3.256",
      "01.2.3.4",
      "1.2.3.04",
      "0x7f.0.0.1",
      "1.2.3.4 ",
      " 1.2.3.4",
      "1.2.3.4\n",
      "1.2.3.4\r\n",
      "1.2.3.-4",
      "1..2.3",
      "a.b.c.d",
      "localhost",
      "example.com",
      "1.2.3.4:5060",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7",
      "2001:db8:::1",
      "2001:db8::1::1",
      "12345::",
      "g::1",
      ":::",
      ":",
      "fe80::1%eth0",
      "fe80::1%1",
      "[2001:db8::1]",
      "[2001:db8::1]/64",
      "[::1]:5060",
      "/24",
      "/",
      "\xef\xbc\x91.2.3.4",                                 // fullwidth digit one
      "2001:db8::1 ",                                       // trailing space
      "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255.255",  // longer than any literal
      std::string(46, '1'),
      std::string(1000, ':'),
  };
  for (const auto& input : cases) {
    BOOST_TEST_CONTEXT("input " << printable(input)) {
      auto parsed = parse_ip_network(input);
      BOOST_TEST(!parsed.network.has_value());
      BOOST_TEST(parsed.error == "must be an IPv4 or IPv6 address or CIDR");
    }
  }
}

// Verifies the prefix-length edge cases: empty, signs, leading zeros, out of range, trailing junk.
BOOST_AUTO_TEST_CASE(rejects_bad_prefix_lengths) {
  const std::string_view cases[] = {
      "10.0.0.0/",
      "10.0.0.0/33",
      "10.0.0.0/100",
      "10.0.0.0/-1",
      "10.0.0.0/-24",
      "10.0.0.0/+8",
      "10.0.0.0/08",
      "10.0.0.0/00",
      "10.0.0.0/024",
      "10.0.0.0/ 8",
      "10.0.0.0/8 ",
      "10.0.0.0/8a",
      "10.0.0.0/a",
      "10.0.0.0/0x8",
      "10.0.0.0/8/8",
      "10.0.0.0//8",
      "10.0.0.0/8.0",
      "10.0.0.0/99999999999999999999",
      "10.0.0.1/",
      "::/129",
      "::/0128",
      "::/-1",
      "::/",
      "::/1e2",
      "2001:db8::/ 32",
      "2001:db8::/32 ",
      "2001:db8::/256",
      "2001:db8::/4294967328",
  };
  for (auto input : cases) {
    BOOST_TEST_CONTEXT("input " << printable(input)) {
      auto parsed = parse_ip_network(input);
      BOOST_TEST(!parsed.network.has_value());
      BOOST_TEST(parsed.error == "has an invalid prefix length");
    }
  }
}

// Verifies that /0 and the full-length prefix are both in range for each family.
BOOST_AUTO_TEST_CASE(accepts_prefix_boundaries) {
  struct Case {
    std::string_view input;
    int prefix;
  };
  const Case cases[] = {
      {"0.0.0.0/0", 0},    {"10.0.0.1/32", 32},      {"10.0.0.0/31", 31}, {"128.0.0.0/1", 1},
      {"::/0", 0},         {"2001:db8::1/128", 128}, {"8000::/1", 1},     {"::/127", 127},
      {"10.0.0.0/10", 10}, {"2001:db8::/100", 100},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("input " << printable(c.input)) {
      BOOST_TEST(must_parse(c.input).prefix == c.prefix);
    }
  }
}

// Verifies that host bits below the prefix are refused with the zeroed network as suggestion.
BOOST_AUTO_TEST_CASE(rejects_host_bits_with_suggestion) {
  struct Case {
    std::string_view input;
    std::string_view suggestion;
  };
  const Case cases[] = {
      {"10.0.0.1/24", "10.0.0.0/24"},
      {"10.0.0.1/8", "10.0.0.0/8"},
      {"10.1.0.0/8", "10.0.0.0/8"},
      {"192.168.1.1/16", "192.168.0.0/16"},
      {"10.0.0.1/0", "0.0.0.0/0"},
      {"255.255.255.255/0", "0.0.0.0/0"},
      {"10.0.0.1/31", "10.0.0.0/31"},
      {"10.0.0.255/25", "10.0.0.128/25"},
      {"172.31.255.255/12", "172.16.0.0/12"},
      {"192.0.2.7/30", "192.0.2.4/30"},
      {"128.0.0.1/1", "128.0.0.0/1"},
      {"2001:db8::1/64", "2001:db8::/64"},
      {"2001:db8:1::/32", "2001:db8::/32"},
      {"2001:DB8::1/32", "2001:db8::/32"},
      {"2001:db8:abcd:12:0:0:0:1/64", "2001:db8:abcd:12::/64"},
      {"::1/127", "::/127"},
      {"::1/0", "::/0"},
      {"fe80::1/10", "fe80::/10"},
      {"ffff::/1", "8000::/1"},
      {"2001:db8::8000:1/97", "2001:db8::8000:0/97"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("input " << printable(c.input)) {
      auto parsed = parse_ip_network(c.input);
      BOOST_TEST(!parsed.network.has_value());
      BOOST_TEST(parsed.error ==
                 "has host bits set (did you mean " + std::string(c.suggestion) + "?)");
      // The suggestion itself is a valid network.
      BOOST_TEST(must_parse(c.suggestion).to_string() == c.suggestion);
    }
  }
}

// Verifies parse_ip_address: bare literals only, with the family's full prefix and raw bytes.
BOOST_AUTO_TEST_CASE(parses_bare_addresses) {
  struct Case {
    std::string_view input;
    Family family;
    std::vector<std::uint8_t> bytes;
  };
  const Case cases[] = {
      {"10.1.2.3", Family::v4, {10, 1, 2, 3}},
      {"0.0.0.0", Family::v4, {0, 0, 0, 0}},
      {"255.255.255.255", Family::v4, {255, 255, 255, 255}},
      {"192.0.2.1", Family::v4, {192, 0, 2, 1}},
      {"2001:db8::1", Family::v6, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}},
      {"2001:DB8::AB:CD",
       Family::v6,
       {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0, 0xcd}},
      {"::", Family::v6, std::vector<std::uint8_t>(16, 0)},
      {"::1", Family::v6, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
      {"ff02::1", Family::v6, {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("input " << printable(c.input)) {
      auto address = parse_ip_address(c.input);
      BOOST_TEST_REQUIRE(address.has_value());
      BOOST_TEST(family_name(address->family) == family_name(c.family));
      BOOST_TEST(address->prefix == address->max_prefix());
      BOOST_TEST(address->byte_count() == c.bytes.size());
      std::vector<std::uint8_t> actual(address->address.begin(),
                                       address->address.begin() + c.bytes.size());
      BOOST_TEST(actual == c.bytes, boost::test_tools::per_element());
      // Unused trailing bytes of an IPv4 address stay zero.
      BOOST_TEST(std::all_of(address->address.begin() + c.bytes.size(), address->address.end(),
                             [](std::uint8_t b) { return b == 0; }));
    }
  }
}

// Verifies that parse_ip_address refuses prefixes, brackets, zone ids and over-long text.
BOOST_AUTO_TEST_CASE(rejects_non_bare_addresses) {
  const std::string cases[] = {
      "",
      "10.0.0.0/24",
      "10.0.0.1/32",
      "::1/128",
      "[::1]",
      "fe80::1%eth0",
      "1.2.3",
      "example.com",
      "1.2.3.4 ",
      "::ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",  // 47 characters
      std::string(64, 'f'),
  };
  for (const auto& input : cases) {
    BOOST_TEST_CONTEXT("input " << printable(input)) {
      BOOST_TEST(!parse_ip_address(input).has_value());
    }
  }
}

// Verifies first_hex/last_hex: fixed width, lower case, and the network's lowest/highest address.
BOOST_AUTO_TEST_CASE(first_and_last_hex) {
  struct Case {
    std::string_view input;
    std::string_view first;
    std::string_view last;
  };
  const Case cases[] = {
      {"10.0.0.0/24", "0a000000", "0a0000ff"},
      {"10.0.0.0/8", "0a000000", "0affffff"},
      {"10.0.0.0/9", "0a000000", "0a7fffff"},
      {"172.16.0.0/12", "ac100000", "ac1fffff"},
      {"192.0.2.128/25", "c0000280", "c00002ff"},
      {"192.0.2.4/30", "c0000204", "c0000207"},
      {"1.2.3.4", "01020304", "01020304"},
      {"0.0.0.0", "00000000", "00000000"},
      {"0.0.0.0/0", "00000000", "ffffffff"},
      {"128.0.0.0/1", "80000000", "ffffffff"},
      {"255.255.255.255", "ffffffff", "ffffffff"},
      {"2001:db8::/32", "20010db8000000000000000000000000", "20010db8ffffffffffffffffffffffff"},
      {"2001:DB8:ABCD::/48", "20010db8abcd00000000000000000000",
       "20010db8abcdffffffffffffffffffff"},
      {"2001:db8::1", "20010db8000000000000000000000001", "20010db8000000000000000000000001"},
      {"2001:db8::8000:0/97", "20010db8000000000000000080000000",
       "20010db80000000000000000ffffffff"},
      {"fe80::/10", "fe800000000000000000000000000000", "febfffffffffffffffffffffffffffff"},
      {"::/0", "00000000000000000000000000000000", "ffffffffffffffffffffffffffffffff"},
      {"::", "00000000000000000000000000000000", "00000000000000000000000000000000"},
      {"::1", "00000000000000000000000000000001", "00000000000000000000000000000001"},
      {"::/127", "00000000000000000000000000000000", "00000000000000000000000000000001"},
      {"8000::/1", "80000000000000000000000000000000", "ffffffffffffffffffffffffffffffff"},
  };
  auto is_lower_hex = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("input " << printable(c.input)) {
      auto net = must_parse(c.input);
      auto first = net.first_hex();
      auto last = net.last_hex();
      BOOST_TEST(first == c.first);
      BOOST_TEST(last == c.last);
      BOOST_TEST(first.size() == net.byte_count() * 2);
      BOOST_TEST(last.size() == net.byte_count() * 2);
      BOOST_TEST(is_lower_hex(first));
      BOOST_TEST(is_lower_hex(last));
      BOOST_TEST(first <= last);
    }
  }
}

// Verifies that hex string order equals numeric address order (the overlap index relies on it).
BOOST_AUTO_TEST_CASE(hex_order_is_numeric_order) {
  struct Case {
    std::string_view lower;
    std::string_view higher;
  };
  const Case cases[] = {
      {"9.255.255.255", "10.0.0.0"},
      {"10.0.0.9", "10.0.0.10"},
      {"10.0.0.99", "10.0.0.100"},
      {"1.0.0.0", "100.0.0.0"},
      {"99.0.0.0", "100.0.0.0"},
      {"127.255.255.255", "128.0.0.0"},
      {"0.0.0.1", "255.0.0.0"},
      {"::9", "::a"},
      {"::ff", "::100"},
      {"9::", "10::"},
      {"2001:db8::", "2001:db9::"},
      {"fe80::", "ff00::"},
      {"::ffff", "1::"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(printable(c.lower) << " < " << printable(c.higher)) {
      auto lower = must_parse(c.lower);
      auto higher = must_parse(c.higher);
      BOOST_TEST(lower.first_hex() < higher.first_hex());
      BOOST_TEST(lower.last_hex() < higher.last_hex());
    }
  }
}

// Verifies overlaps(): identity, containment both ways, adjacency, and family separation.
BOOST_AUTO_TEST_CASE(overlaps_is_symmetric_and_exact) {
  struct Case {
    std::string_view a;
    std::string_view b;
    bool overlap;
  };
  const Case cases[] = {
      // IPv4.
      {"10.0.0.0/24", "10.0.0.0/24", true},
      {"192.0.2.1", "192.0.2.1", true},
      {"10.0.0.0/8", "10.1.2.3", true},
      {"10.0.0.0/8", "10.0.0.0", true},
      {"10.0.0.0/8", "10.255.255.255", true},
      {"10.0.0.0/8", "10.20.0.0/16", true},
      {"10.0.0.0/23", "10.0.1.0/24", true},
      {"0.0.0.0/0", "203.0.113.7", true},
      {"0.0.0.0/0", "10.0.0.0/8", true},
      {"10.0.0.0/8", "11.0.0.0", false},
      {"10.0.0.0/8", "9.255.255.255", false},
      {"10.0.0.0/24", "10.0.1.0/24", false},
      {"10.0.0.0/25", "10.0.0.128/25", false},
      {"192.0.2.0/31", "192.0.2.2/31", false},
      {"192.0.2.1", "192.0.2.2", false},
      {"172.16.0.0/12", "172.32.0.0/12", false},
      {"0.0.0.0/1", "128.0.0.0/1", false},
      // IPv6.
      {"2001:db8::/32", "2001:db8:ffff::1", true},
      {"2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true},
      {"2001:db8::/48", "2001:db8:0:1::/64", true},
      {"2001:db8::1", "2001:DB8::1", true},
      {"::/0", "2001:db8::1", true},
      {"::/0", "::", true},
      {"2001:db8::/32", "2001:db9::/32", false},
      {"2001:db8::/32", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", false},
      {"2001:db8::/64", "2001:db8:0:1::/64", false},
      {"::1", "::2", false},
      {"::/1", "8000::/1", false},
      // Different families never overlap, even where the leading bytes coincide.
      {"::/0", "0.0.0.0/0", false},
      {"0.0.0.0", "::", false},
      {"1.2.3.4", "102:304::", false},
      {"1.2.3.4", "102:304::/32", false},
      {"10.0.0.0/8", "a00::/8", false},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(printable(c.a) << " vs " << printable(c.b)) {
      auto a = must_parse(c.a);
      auto b = must_parse(c.b);
      BOOST_TEST(a.overlaps(b) == c.overlap);
      BOOST_TEST(b.overlaps(a) == c.overlap);
      BOOST_TEST(a.overlaps(a));
      BOOST_TEST(b.overlaps(b));
    }
  }
}

// Verifies the per-family sizes that callers index with.
BOOST_AUTO_TEST_CASE(family_sizes) {
  auto v4 = must_parse("10.0.0.0/8");
  auto v6 = must_parse("2001:db8::/32");
  BOOST_TEST(v4.byte_count() == 4u);
  BOOST_TEST(v4.max_prefix() == 32);
  BOOST_TEST(v6.byte_count() == 16u);
  BOOST_TEST(v6.max_prefix() == 128);
}

// Verifies a NUL ends nothing early and a signed prefix is refused.
BOOST_AUTO_TEST_CASE(refuses_nul_and_signed_prefixes) {
  using namespace std::string_literals;
  for (const auto& text :
       {"1.2.3.4\0junk"s, "::1\0zzz"s, "0.0.0.0/-0"s, "::/-0"s, "10.0.0.0/+8"s}) {
    BOOST_TEST_CONTEXT(text.size()) { BOOST_TEST(!parse_ip_network(text).network.has_value()); }
  }
}

// Verifies unicast and embedded-IPv4 classification.
BOOST_AUTO_TEST_CASE(unicast_and_embedded_ipv4) {
  auto net = [](const char* text) { return *parse_ip_network(text).network; };
  BOOST_TEST(net("127.0.0.1").is_unicast());
  BOOST_TEST(!net("0.0.0.0").is_unicast());
  BOOST_TEST(!net("239.1.1.1").is_unicast());
  BOOST_TEST(!net("255.255.255.255").is_unicast());
  BOOST_TEST(!net("ff02::1").is_unicast());
  BOOST_TEST(net("::ffff:192.0.2.1").embeds_ipv4());
  BOOST_TEST(net("::192.0.2.1").embeds_ipv4());
  BOOST_TEST(!net("::1").embeds_ipv4());
  BOOST_TEST(!net("2001:db8::1").embeds_ipv4());
  BOOST_TEST(!net("192.0.2.1").embeds_ipv4());
}

// Verifies loopback classification: 127.0.0.0/8 (any host or subnet in it) and ::1 only.
BOOST_AUTO_TEST_CASE(loopback_is_127_slash_8_and_ipv6_one) {
  auto net = [](const char* text) { return *parse_ip_network(text).network; };
  BOOST_TEST(net("127.0.0.1").is_loopback());
  BOOST_TEST(net("127.24.149.250").is_loopback());
  BOOST_TEST(net("127.0.0.0/8").is_loopback());
  BOOST_TEST(net("::1").is_loopback());
  BOOST_TEST(!net("126.0.0.0/7").is_loopback());
  BOOST_TEST(!net("128.0.0.1").is_loopback());
  BOOST_TEST(!net("192.0.2.250").is_loopback());
  BOOST_TEST(!net("::").is_loopback());
  BOOST_TEST(!net("::ffff:127.0.0.1").is_loopback());
  BOOST_TEST(!net("2001:db8::1").is_loopback());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
