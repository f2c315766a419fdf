#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "model/api_error.h"
#include "model/trunk.h"
#include "model/trunk_validation.h"
#include "support/printable.h"

namespace mv::model {
namespace {

using namespace std::string_literals;

using test::printable;

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool has_control_bytes(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7f;
  });
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

std::string repeat(std::string_view unit, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

std::string show(const std::optional<std::string>& value) {
  return value ? "'" + *value + "'" : "<null>";
}

std::string show(const std::optional<std::optional<std::string>>& value) {
  return value ? show(*value) : "<absent>";
}

// All stored fields, password included, as one comparable line.
std::string describe(const Trunk& trunk) {
  return trunk_to_json(trunk, {}).dump() + " password=" + show(trunk.password);
}

TrunkPatch must_parse(std::string_view body) {
  auto result = parse_trunk_patch(body);
  if (const auto* error = std::get_if<ApiError>(&result)) {
    BOOST_FAIL("parse_trunk_patch(" << printable(body) << "): " << error->message);
  }
  return std::get<TrunkPatch>(result);
}

// The message of a refused body; fails the test when the body is accepted.
std::string refusal(const std::variant<TrunkPatch, ApiError>& result) {
  const auto* error = std::get_if<ApiError>(&result);
  if (error == nullptr) {
    BOOST_ERROR("expected a refusal");
    return {};
  }
  BOOST_TEST((error->code == ErrorCode::invalid_request));
  return error->message;
}

std::string refusal(const std::variant<Trunk, ApiError>& result) {
  const auto* error = std::get_if<ApiError>(&result);
  if (error == nullptr) {
    BOOST_ERROR("expected a refusal, got " << describe(std::get<Trunk>(result)));
    return {};
  }
  BOOST_TEST((error->code == ErrorCode::invalid_request));
  return error->message;
}

Trunk must_succeed(const std::variant<Trunk, ApiError>& result) {
  if (const auto* error = std::get_if<ApiError>(&result)) BOOST_FAIL(error->message);
  return std::get<Trunk>(result);
}

// Checks a refused field: the reason is prefixed by the field and never repeats the value.
void check_refused(const FieldCheck& check, std::string_view field, std::string_view value) {
  BOOST_TEST(!check.value.has_value());
  BOOST_TEST(starts_with(check.error, std::string(field) + ": "), "message: " << check.error);
  BOOST_TEST(!contains(check.error, value), "message: " << check.error);
  BOOST_TEST(!has_control_bytes(check.error));
}

const std::string kCyrillicA = "\xd0\xb0";  // U+0430, looks like Latin 'a'
const std::string kControls = "must not contain control characters, spaces, quotes or backslashes";
const std::string kNameControls =
    "must not contain control characters, quotes, backslashes or leading/trailing spaces";

}  // namespace

BOOST_AUTO_TEST_SUITE(trunk_validation)

// Verifies accepted values of every string field and the value stored for each.
BOOST_AUTO_TEST_CASE(accepts_valid_field_values) {
  struct Case {
    std::string field;
    std::string value;
    std::string stored;
  };
  const Case cases[] = {
      {"name", "Carrier A", "Carrier A"},
      {"name", "x", "x"},
      {"name", "Trunk #1 (east)", "Trunk #1 (east)"},
      {"name", "A;B,C<D>?@E", "A;B,C<D>?@E"},
      {"name", "Caf\xc3\xa9 Berlin", "Caf\xc3\xa9 Berlin"},
      {"name", "a  b", "a  b"},
      {"proxy", "sip.example.net", "sip.example.net"},
      {"proxy", "sip.example.net:5060", "sip.example.net:5060"},
      {"proxy", "sip:sip.example.net;transport=tcp", "sip:sip.example.net;transport=tcp"},
      {"proxy", "sips:sip.example.net:5061", "sips:sip.example.net:5061"},
      {"proxy", "sips:sip.example.net;transport=tls", "sips:sip.example.net;transport=tls"},
      {"proxy", "[2001:db8::1]:5060", "[2001:db8::1]:5060"},
      {"proxy", "192.0.2.10", "192.0.2.10"},
      {"proxy", "sip:192.0.2.10:5080;transport=udp", "sip:192.0.2.10:5080;transport=udp"},
      {"username", "alice", "alice"},
      {"username", "+15551234567", "+15551234567"},
      {"username", "1001", "1001"},
      {"username", "user.name-1_x", "user.name-1_x"},
      {"username", "a!~*()&=+$", "a!~*()&=+$"},
      {"password", "S3cr3t!", "S3cr3t!"},
      {"password", "p@ss;w,o<r>d?", "p@ss;w,o<r>d?"},
      {"password", "~!#$%^&*()_+-={}[]|:/.`", "~!#$%^&*()_+-={}[]|:/.`"},
      {"realm", "sip.example.net", "sip.example.net"},
      {"realm", "asterisk", "asterisk"},
      {"realm", "Realm_1!*+~", "Realm_1!*+~"},
      {"from_domain", "example.com", "example.com"},
      {"from_domain", "192.0.2.1", "192.0.2.1"},
      {"from_domain", "[2001:db8::1]", "[2001:db8::1]"},
      {"from_domain", "pbx", "pbx"},
      {"inbound_ip", "192.0.2.10", "192.0.2.10"},
      {"inbound_ip", "192.0.2.10/32", "192.0.2.10"},
      {"inbound_ip", "198.51.100.0/24", "198.51.100.0/24"},
      {"inbound_ip", "2001:DB8::1", "2001:db8::1"},
      {"inbound_ip", "2001:db8:0:0:0:0:0:1/128", "2001:db8::1"},
      {"inbound_ip", "2001:0DB8:ABCD::/48", "2001:db8:abcd::/48"},
      {"gateway_name", "gw1", "gw1"},
      {"gateway_name", "carrier-a.east_1", "carrier-a.east_1"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.field << " = " << printable(c.value)) {
      auto check = check_string_field(c.field, c.value);
      BOOST_TEST_REQUIRE(check.value.has_value(), "error: " << check.error);
      BOOST_TEST(*check.value == c.stored);
      BOOST_TEST(check.error.empty());
    }
  }
}

// Verifies refused values of every string field with the exact reason given.
BOOST_AUTO_TEST_CASE(rejects_invalid_field_values) {
  const std::string kProxy = "proxy: must be host[:port] or a sip:/sips: URI";
  const std::string kUser = "username: may only contain letters, digits and -_.!~*()&=+$";
  const std::string kPassword =
      "password: must be printable ASCII without spaces, quotes or backslashes";
  const std::string kRealm = "realm: may only contain letters, digits and -._!*+~";
  const std::string kFromDomain =
      "from_domain: must be a DNS name, an IPv4 address or a bracketed IPv6 address";
  const std::string kGateway = "gateway_name: may only contain letters, digits, '.', '_' and '-'";
  struct Case {
    std::string field;
    std::string value;
    std::string error;
  };
  const Case cases[] = {
      // Empty values.
      {"name", "", "name: must not be empty"},
      {"proxy", "", "proxy: must not be empty"},
      {"username", "", "username: must not be empty"},
      {"password", "", "password: must not be empty"},
      {"realm", "", "realm: must not be empty"},
      {"from_domain", "", "from_domain: must not be empty"},
      {"inbound_ip", "", "inbound_ip: must not be empty"},
      {"gateway_name", "", "gateway_name: must not be empty"},
      // Not a string field.
      {"is_active", "true", "is_active: is not a string field"},
      {"id", "trunk_1", "id: is not a string field"},
      {"customer_id", "cust_1", "customer_id: is not a string field"},
      {"Name", "Carrier", "Name: is not a string field"},
      {"nonexistent", "x", "nonexistent: is not a string field"},
      // name: spaces only inside.
      {"name", " Carrier", "name: " + kNameControls},
      {"name", "Carrier ", "name: " + kNameControls},
      {"name", " ", "name: " + kNameControls},
      {"name", "   ", "name: " + kNameControls},
      {"name", "Carrier\tA", "name: " + kNameControls},
      {"name", "Carrier \"A\"", "name: " + kNameControls},
      {"name", "Carrier\\A", "name: " + kNameControls},
      // proxy.
      {"proxy", "sip:alice@example.com", kProxy},
      {"proxy", "example.com;transport=udp", kProxy},
      {"proxy", "sips:example.com;transport=udp", kProxy},
      {"proxy", "sip:example.com;transport=sctp", kProxy},
      {"proxy", "sip:example.com;lr", kProxy},
      {"proxy", "example.com:0", kProxy},
      {"proxy", "example.com:65536", kProxy},
      {"proxy", "example.com:05060", kProxy},
      {"proxy", "example.com:sip", kProxy},
      {"proxy", "sip.ex-.net", kProxy},
      {"proxy", "-sip.example.net", kProxy},
      {"proxy", "1.2.3.999", kProxy},
      {"proxy", "2001:db8::1", kProxy},
      {"proxy", "[2001:db8::1", kProxy},
      {"proxy", "sip:example.com; transport=udp", "proxy: " + kControls},
      {"proxy", "sip example.com", "proxy: " + kControls},
      // username.
      {"username", "alice@example.com", kUser},
      {"username", "al:ice", kUser},
      {"username", "al%20ice", kUser},
      {"username", "al ice", "username: " + kControls},
      // password.
      {"password", "pass word", "password: " + kControls},
      {"password", "p\xc3\xa4ssword", kPassword},
      {"password", "pass\xc2\xa0word", kPassword},
      // realm.
      {"realm", "sip.example.net:5060", kRealm},
      {"realm", "realm=x", kRealm},
      {"realm", "my realm", "realm: " + kControls},
      // from_domain.
      {"from_domain", "user@example.com", kFromDomain},
      {"from_domain", "example.com:5060", kFromDomain},
      {"from_domain", "sip:example.com", kFromDomain},
      {"from_domain", "2001:db8::1", kFromDomain},
      {"from_domain", "1.2.3.999", kFromDomain},
      {"from_domain", "-example.com", kFromDomain},
      {"from_domain", "example..com", kFromDomain},
      {"from_domain", "example.com.", kFromDomain},
      {"from_domain", "[192.0.2.1]", kFromDomain},
      // gateway_name.
      {"gateway_name", "gw:1", kGateway},
      {"gateway_name", "gw/1", kGateway},
      {"gateway_name", "gw+1", kGateway},
      {"gateway_name", "gw 1", "gateway_name: " + kControls},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.field << " = " << printable(c.value)) {
      auto check = check_string_field(c.field, c.value);
      BOOST_TEST(!check.value.has_value());
      BOOST_TEST(check.error == c.error);
      if (c.value.size() >= 4) BOOST_TEST(!contains(check.error, c.value));
    }
  }
}

// Verifies the injection corpus against every field, at the start, middle and end of a value.
BOOST_AUTO_TEST_CASE(injection_corpus_per_field) {
  struct Field {
    std::string name;
    std::string head;  // head + tail is a valid value
    std::string tail;
  };
  const Field fields[] = {
      {"name", "Carrier", "East"},      {"proxy", "sip.exa", "mple.net"},
      {"username", "ali", "ce"},        {"password", "S3cr", "3tPw"},
      {"realm", "sip.exa", "mple.net"}, {"from_domain", "exa", "mple.com"},
      {"inbound_ip", "192.0.2", ".10"}, {"gateway_name", "gw", "east"},
  };
  struct Injection {
    std::string label;
    std::string text;
    std::vector<std::string> accepted_by;  // fields that accept it anywhere in the value
  };
  const std::vector<std::string> kNone;
  const std::vector<std::string> kNameAndPassword{"name", "password"};
  const Injection injections[] = {
      {"CR", "\r", kNone},
      {"LF", "\n", kNone},
      {"CRLF", "\r\n", kNone},
      {"CRLF header", "\r\nVia: SIP/2.0/UDP 203.0.113.1", kNone},
      {"LF header", "\nX-Evil: 1", kNone},
      {"NUL", "\0"s, kNone},
      {"NUL + text", "\0ignored"s, kNone},
      {"tab", "\t", kNone},
      {"SOH", "\x01", kNone},
      {"VT", "\x0b", kNone},
      {"FF", "\x0c", kNone},
      {"ESC", "\x1b", kNone},
      {"US", "\x1f", kNone},
      {"DEL", "\x7f", kNone},
      {"space", " ", kNone},  // the name accepts it inside only; see below
      {"double quote", "\"", kNone},
      {"single quote", "'", kNone},
      {"backslash", "\\", kNone},
      {"semicolon", ";", kNameAndPassword},
      {"comma", ",", kNameAndPassword},
      {"less than", "<", kNameAndPassword},
      {"greater than", ">", kNameAndPassword},
      {"question mark", "?", kNameAndPassword},
      {"at", "@", kNameAndPassword},
      {"colon", ":", kNameAndPassword},
      {"slash", "/", kNameAndPassword},
      {"hash", "#", kNameAndPassword},
      {"percent", "%", kNameAndPassword},
      {"encoded CRLF", "%0d%0a", kNameAndPassword},
      {"brackets", "[x]", kNameAndPassword},
      {"equals", "=", {"name", "password", "username"}},
      {"ampersand", "&", {"name", "password", "username"}},
      {"dollar", "$", {"name", "password", "username"}},
      {"plus", "+", {"name", "password", "username", "realm"}},
      {"asterisk", "*", {"name", "password", "username", "realm"}},
      {"Cyrillic a", kCyrillicA, {"name"}},
      {"fullwidth semicolon", "\xef\xbc\x9b", {"name"}},
      {"fullwidth at", "\xef\xbc\xa0", {"name"}},
  };
  for (const auto& field : fields) {
    for (const auto& injection : injections) {
      const std::pair<std::string, std::string> positions[] = {
          {"start", injection.text + field.head + field.tail},
          {"middle", field.head + injection.text + field.tail},
          {"end", field.head + field.tail + injection.text},
      };
      for (const auto& [position, value] : positions) {
        bool accepted = std::find(injection.accepted_by.begin(), injection.accepted_by.end(),
                                  field.name) != injection.accepted_by.end();
        if (field.name == "name" && injection.label == "space") accepted = position == "middle";
        BOOST_TEST_CONTEXT(field.name << ": " << injection.label << " at " << position << " "
                                      << printable(value)) {
          auto check = check_string_field(field.name, value);
          if (accepted) {
            BOOST_TEST_REQUIRE(check.value.has_value(), "error: " << check.error);
            BOOST_TEST(*check.value == value);
          } else {
            check_refused(check, field.name, value);
            if (injection.text.size() >= 3) BOOST_TEST(!contains(check.error, injection.text));
          }
        }
      }
    }
  }
}

// Verifies that look-alike and non-ASCII values are refused by every SIP-bound field.
BOOST_AUTO_TEST_CASE(rejects_unicode_look_alikes) {
  struct Case {
    std::string field;
    std::string value;
  };
  const std::string fullwidth_example =
      "\xef\xbd\x85\xef\xbd\x98\xef\xbd\x81\xef\xbd\x8d\xef\xbd\x90"
      "\xef\xbd\x8c\xef\xbd\x85";  // "example" in fullwidth
  const Case cases[] = {
      {"proxy", "sip.ex" + kCyrillicA + "mple.net"},
      {"proxy", "sip:sip.ex" + kCyrillicA + "mple.net:5060"},
      {"proxy", fullwidth_example + ".net"},
      {"proxy",
       "sip\xef\xbc\x9a"
       "example.net"},  // fullwidth colon
      {"proxy",
       "sip.example.net\xef\xbc\x9a"
       "5060"},
      {"proxy",
       "b\xc3\xbc"
       "cher.example"},
      {"proxy", "sip.exam\xe2\x80\x8bple.net"},  // zero-width space
      {"from_domain", "sip.ex" + kCyrillicA + "mple.net"},
      {"from_domain", fullwidth_example + ".com"},
      {"from_domain",
       "b\xc3\xbc"
       "cher.example"},
      {"realm", "sip.ex" + kCyrillicA + "mple.net"},
      {"realm", fullwidth_example},
      {"username", kCyrillicA + "lice"},
      {"username", "\xef\xbd\x81lice"},  // fullwidth a
      {"username", "alice\xc2\xa0"},
      {"password", "p" + kCyrillicA + "ssword"},
      {"password",
       "\xef\xbd\x90"
       "assword"},
      {"gateway_name", "gw-" + kCyrillicA},
      {"gateway_name", fullwidth_example},
      {"inbound_ip",
       "\xef\xbc\x91"
       "92.0.2.1"},  // fullwidth digit one
      {"inbound_ip",
       "10.0.0.0\xef\xbc\x8f"
       "16"},  // fullwidth solidus
      {"inbound_ip", "192.0.2.1\xe2\x80\x8b"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.field << " = " << printable(c.value)) {
      check_refused(check_string_field(c.field, c.value), c.field, c.value);
    }
  }
}

// Verifies each field's byte limit: exactly the maximum is accepted, one byte more is refused.
BOOST_AUTO_TEST_CASE(enforces_maximum_lengths) {
  struct Case {
    std::string field;
    std::size_t max;
    std::string at_max;
    std::string over_max;
  };
  const std::string e_acute = "\xc3\xa9";
  const Case cases[] = {
      {"name", 128, std::string(128, 'n'), std::string(129, 'n')},
      {"name", 128, repeat(e_acute, 64), repeat(e_acute, 64) + "n"},
      {"proxy", 255, dns_name_of_length(250) + ":5060", dns_name_of_length(251) + ":5060"},
      {"proxy", 255, "sip:" + dns_name_of_length(251), "sip:" + dns_name_of_length(252)},
      {"username", 64, std::string(64, 'u'), std::string(65, 'u')},
      {"password", 128, std::string(128, 'p'), std::string(129, 'p')},
      {"realm", 253, std::string(253, 'r'), std::string(254, 'r')},
      {"from_domain", 253, dns_name_of_length(253), dns_name_of_length(254)},
      {"inbound_ip", 49, "2001:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128",
       "2001:ffff:ffff:ffff:ffff:ffff:255.255.255.255/0128"},
      {"gateway_name", 64, std::string(64, 'g'), std::string(65, 'g')},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.field << " at " << c.max << " bytes") {
      BOOST_TEST_REQUIRE(c.at_max.size() == c.max);
      BOOST_TEST_REQUIRE(c.over_max.size() == c.max + 1);
      auto at_max = check_string_field(c.field, c.at_max);
      BOOST_TEST(at_max.value.has_value(), "error: " << at_max.error);
      auto over_max = check_string_field(c.field, c.over_max);
      BOOST_TEST(!over_max.value.has_value());
      BOOST_TEST(over_max.error ==
                 c.field + ": must be at most " + std::to_string(c.max) + " bytes");
    }
  }
  // The longest inbound_ip literal is stored in canonical form.
  BOOST_TEST(check_string_field("inbound_ip", "2001:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128")
                 .value.value_or("") == "2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

// Verifies the inbound_ip source rules: width limits, unicast only, no zone ids, canonical form.
BOOST_AUTO_TEST_CASE(inbound_ip_rules) {
  const std::string kParse = "inbound_ip: must be an IPv4 or IPv6 address or CIDR";
  const std::string kWideV4 = "inbound_ip: IPv4 prefixes wider than /16 are not accepted";
  const std::string kWideV6 = "inbound_ip: IPv6 prefixes wider than /32 are not accepted";
  const std::string kUnicast = "inbound_ip: must be a unicast source address";
  const std::string kPrefix = "inbound_ip: has an invalid prefix length";
  struct Case {
    std::string value;
    std::string stored;  // empty when refused
    std::string error;   // empty when accepted
  };
  const Case cases[] = {
      // Accepted, canonical.
      {"192.0.2.10", "192.0.2.10", ""},
      {"192.0.2.10/32", "192.0.2.10", ""},
      {"198.51.100.0/24", "198.51.100.0/24", ""},
      {"203.0.113.128/25", "203.0.113.128/25", ""},
      {"10.0.0.0/16", "10.0.0.0/16", ""},
      {"10.1.0.0/16", "10.1.0.0/16", ""},
      {"172.16.0.0/16", "172.16.0.0/16", ""},
      {"1.0.0.0/16", "1.0.0.0/16", ""},
      {"127.0.0.2", "127.0.0.2", ""},
      {"223.255.255.255", "223.255.255.255", ""},
      {"2001:DB8::1", "2001:db8::1", ""},
      {"2001:db8::/32", "2001:db8::/32", ""},
      {"2001:DB8::/32", "2001:db8::/32", ""},
      {"2001:db8::/33", "2001:db8::/33", ""},
      {"2001:db8::/64", "2001:db8::/64", ""},
      {"2001:db8::/127", "2001:db8::/127", ""},
      {"2001:db8:0:0:0:0:0:1/128", "2001:db8::1", ""},
      {"2001:0DB8:ABCD:0000::/48", "2001:db8:abcd::/48", ""},
      {"::1", "::1", ""},
      // Too wide.
      {"0.0.0.0/0", "", kWideV4},
      {"128.0.0.0/1", "", kWideV4},
      {"10.0.0.0/8", "", kWideV4},
      {"172.16.0.0/12", "", kWideV4},
      {"10.0.0.0/15", "", kWideV4},
      {"192.168.0.0/15", "", kWideV4},
      {"0.0.0.0/8", "", kWideV4},
      {"::/0", "", kWideV6},
      {"2000::/3", "", kWideV6},
      {"2001::/16", "", kWideV6},
      {"2001:db8::/31", "", kWideV6},
      {"::/31", "", kWideV6},
      // Unspecified and multicast.
      {"0.0.0.0", "", kUnicast},
      {"0.0.0.0/32", "", kUnicast},
      {"0.0.0.0/16", "", kUnicast},
      {"::", "", kUnicast},
      {"::/128", "", kUnicast},
      {"::/32", "", kUnicast},
      {"0:0:0:0:0:0:0:0", "", kUnicast},
      {"224.0.0.1", "", kUnicast},
      {"224.0.0.0/16", "", kUnicast},
      {"239.255.255.250", "", kUnicast},
      {"240.0.0.1", "", kUnicast},
      {"255.255.255.255", "", kUnicast},
      {"ff02::1", "", kUnicast},
      {"FF05::1:3", "", kUnicast},
      {"ff00::/32", "", kUnicast},
      // Not an address.
      {"fe80::1%eth0", "", kParse},
      {"fe80::1%1", "", kParse},
      {"[2001:db8::1]", "", kParse},
      {"192.0.2.1:5060", "", kParse},
      {"example.com", "", kParse},
      {"192.0.2.256", "", kParse},
      {"01.2.3.4", "", kParse},
      {"192.0.2.1-192.0.2.9", "", kParse},
      // Prefix and host bits.
      {"10.0.0.0/33", "", kPrefix},
      {"10.0.0.0/016", "", kPrefix},
      {"10.0.0.0/-1", "", kPrefix},
      {"::/129", "", kPrefix},
      {"10.0.0.1/24", "", "inbound_ip: has host bits set (did you mean 10.0.0.0/24?)"},
      {"10.0.0.1/8", "", "inbound_ip: has host bits set (did you mean 10.0.0.0/8?)"},
      {"2001:db8::1/64", "", "inbound_ip: has host bits set (did you mean 2001:db8::/64?)"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("inbound_ip = " << printable(c.value)) {
      auto check = check_string_field("inbound_ip", c.value);
      if (c.error.empty()) {
        BOOST_TEST_REQUIRE(check.value.has_value(), "error: " << check.error);
        BOOST_TEST(*check.value == c.stored);
      } else {
        BOOST_TEST(!check.value.has_value());
        BOOST_TEST(check.error == c.error);
        BOOST_TEST(!contains(check.error, c.value));
      }
    }
  }
}

// Verifies that a refused password is never echoed, whether checked directly or in a body.
BOOST_AUTO_TEST_CASE(password_is_never_echoed) {
  const std::string secret = "Hunter2Secret";
  const std::string values[] = {
      secret + " x",       secret + "\r\n",    secret + "\t", secret + "\0"s,
      secret + "\"",       secret + "'",       secret + "\\", secret + "\x7f",
      secret + "\xc3\xa4", repeat(secret, 10),  // 130 bytes
  };
  for (const auto& value : values) {
    BOOST_TEST_CONTEXT("password " << printable(value)) {
      auto check = check_string_field("password", value);
      check_refused(check, "password", value);
      BOOST_TEST(!contains(check.error, secret));
    }
  }
  const std::string bodies[] = {
      R"({"password":"Hunter2Secret x"})",
      R"({"password":"Hunter2Secret\r\n"})",
      R"({"password":"Hunter2Secret\u0000"})",
      R"({"password":"Hunter2Secret\u00e4"})",
      R"({"password":"Hunter2Secret\\"})",
      R"({"password":"Hunter2Secret\""})",
      R"({"username":"alice","password":"Hunter2Secret\t"})",
      R"({"password":")" + repeat(secret, 10) + R"("})",
      R"({"password":"Hunter2Secret","password":"Hunter2Secret"})",
      R"({"password":"Hunter2Secret")",
      R"({"password":"Hunter2Secret",})",
  };
  for (const auto& body : bodies) {
    BOOST_TEST_CONTEXT("body " << printable(body)) {
      auto message = refusal(parse_trunk_patch(body));
      BOOST_TEST(!message.empty());
      BOOST_TEST(!contains(message, secret), "message: " << message);
    }
  }
}

// Verifies that refused values of other fields are not echoed either.
BOOST_AUTO_TEST_CASE(values_are_never_echoed) {
  struct Case {
    std::string field;
    std::string value;
  };
  const Case cases[] = {
      {"name", "Evil\r\nName"},
      {"name", " EvilName"},
      {"name", std::string(129, 'E')},
      {"proxy", "sip:victim@evil.example"},
      {"proxy", "evil.example;transport=udp"},
      {"proxy", "evil.example:99999"},
      {"username", "evil@user"},
      {"username", "evil<user>"},
      {"realm", "evil realm"},
      {"realm", "evil\"realm"},
      {"from_domain", "evil@example.com"},
      {"from_domain", "evil.example:5060"},
      {"inbound_ip", "203.0.113.77/8"},
      {"inbound_ip", "evil.example"},
      {"inbound_ip", "fe80::1%evil"},
      {"gateway_name", "evil;gw"},
      {"gateway_name", std::string(65, 'E')},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.field << " = " << printable(c.value)) {
      check_refused(check_string_field(c.field, c.value), c.field, c.value);
      BOOST_TEST(!contains(check_string_field(c.field, c.value).error, "evil"));
    }
  }
}

// Verifies that a full valid body sets every field, with inbound_ip in canonical form.
BOOST_AUTO_TEST_CASE(parses_full_body) {
  auto patch = must_parse(R"({
    "name": "Carrier A",
    "proxy": "sip:sip.example.net:5060;transport=tcp",
    "username": "alice",
    "password": "S3cr3t!",
    "realm": "sip.example.net",
    "from_domain": "example.com",
    "inbound_ip": "2001:DB8::/32",
    "gateway_name": "gw-1",
    "is_active": false
  })");
  BOOST_TEST(show(patch.name) == "'Carrier A'");
  BOOST_TEST(show(patch.proxy) == "'sip:sip.example.net:5060;transport=tcp'");
  BOOST_TEST(show(patch.username) == "'alice'");
  BOOST_TEST(show(patch.password) == "'S3cr3t!'");
  BOOST_TEST(show(patch.realm) == "'sip.example.net'");
  BOOST_TEST(show(patch.from_domain) == "'example.com'");
  BOOST_TEST(show(patch.inbound_ip) == "'2001:db8::/32'");
  BOOST_TEST(show(patch.gateway_name) == "'gw-1'");
  BOOST_TEST_REQUIRE(patch.is_active.has_value());
  BOOST_TEST(*patch.is_active == false);
}

// Verifies absent fields stay absent, null clears optional fields, and JSON escapes are decoded.
BOOST_AUTO_TEST_CASE(parses_absent_null_and_escaped_fields) {
  auto empty = must_parse("{}");
  BOOST_TEST(!empty.name.has_value());
  BOOST_TEST(!empty.proxy.has_value());
  BOOST_TEST(show(empty.username) == "<absent>");
  BOOST_TEST(show(empty.password) == "<absent>");
  BOOST_TEST(show(empty.realm) == "<absent>");
  BOOST_TEST(show(empty.from_domain) == "<absent>");
  BOOST_TEST(show(empty.inbound_ip) == "<absent>");
  BOOST_TEST(show(empty.gateway_name) == "<absent>");
  BOOST_TEST(!empty.is_active.has_value());

  auto cleared = must_parse(
      R"({"username":null,"password":null,"realm":null,"from_domain":null,"inbound_ip":null,)"
      R"("gateway_name":null})");
  BOOST_TEST(!cleared.name.has_value());
  BOOST_TEST(!cleared.proxy.has_value());
  BOOST_TEST(show(cleared.username) == "<null>");
  BOOST_TEST(show(cleared.password) == "<null>");
  BOOST_TEST(show(cleared.realm) == "<null>");
  BOOST_TEST(show(cleared.from_domain) == "<null>");
  BOOST_TEST(show(cleared.inbound_ip) == "<null>");
  BOOST_TEST(show(cleared.gateway_name) == "<null>");
  BOOST_TEST(!cleared.is_active.has_value());

  auto escaped = must_parse(R"({"name":"Caf\u00e9 East","username":"\u0061lice"})");
  BOOST_TEST(show(escaped.name) == "'Caf\xc3\xa9 East'");
  BOOST_TEST(show(escaped.username) == "'alice'");
  auto active = must_parse(R"( { "is_active" : true } )");
  BOOST_TEST(active.is_active.value_or(false) == true);
}

// Verifies every refused body shape and the exact message for it.
BOOST_AUTO_TEST_CASE(rejects_bad_bodies) {
  const std::string kNotObject = "request body must be a JSON object";
  const std::string kTooDeep = "request body is nested too deeply";
  auto nested_arrays = [](int depth) {
    return R"({"name":)" + std::string(static_cast<std::size_t>(depth), '[') +
           std::string(static_cast<std::size_t>(depth), ']') + "}";
  };
  auto nested_objects = [](int depth) {
    std::string body = R"({"name":)";
    for (int i = 0; i < depth; ++i) body += R"({"a":)";
    body += "1";
    for (int i = 0; i < depth; ++i) body += "}";
    return body + "}";
  };
  struct Case {
    std::string body;
    std::string error;
  };
  const Case cases[] = {
      {"", "request body is empty; send a JSON object"},
      // Top level is not an object.
      {"[]", kNotObject},
      {R"([{"name":"x"}])", kNotObject},
      {"42", kNotObject},
      {"-1.5e3", kNotObject},
      {R"("name")", kNotObject},
      {"null", kNotObject},
      {"true", kNotObject},
      {"  false  ", kNotObject},
      // Unknown fields: named when plain, never echoed otherwise.
      {R"({"foo":"x"})", "unknown field 'foo'"},
      {R"({"Name":"x"})", "unknown field 'Name'"},
      {R"({"trunk-id":1})", "unknown field 'trunk-id'"},
      {R"({"is_Active":true})", "unknown field 'is_Active'"},
      {R"({"<script>alert(1)</script>":1})", "unknown field (name not shown)"},
      {R"({"a b":1})", "unknown field (name not shown)"},
      {R"({"a\r\nX-Evil: 1":1})", "unknown field (name not shown)"},
      {R"({"name\u0000":"x"})", "unknown field (name not shown)"},
      {R"({"":1})", "unknown field (name not shown)"},
      {R"({"n)" + kCyrillicA + R"(me":"x"})", "unknown field (name not shown)"},
      {R"({")" + std::string(41, 'k') + R"(":1})", "unknown field (name not shown)"},
      {R"({")" + std::string(40, 'k') + R"(":1})", "unknown field '" + std::string(40, 'k') + "'"},
      // Read-only fields, whatever the value.
      {R"({"id":"trunk_20260529T120000.000000000"})", "id: is read-only"},
      {R"({"customer_id":"cust_1"})", "customer_id: is read-only"},
      {R"({"created_at":"2026-05-29T12:00:00.000Z"})", "created_at: is read-only"},
      {R"({"updated_at":null})", "updated_at: is read-only"},
      {R"({"direction":"both"})", "direction: is read-only"},
      {R"({"registration_status":"REGISTERED"})", "registration_status: is read-only"},
      {R"({"id":5})", "id: is read-only"},
      {R"({"id":{"nested":true}})", "id: is read-only"},
      // Duplicate keys.
      {R"({"name":"a","name":"b"})", "duplicate field 'name'"},
      {R"({"name":"a","name":"a"})", "duplicate field 'name'"},
      {R"({"proxy":"a.example","proxy":"b.example"})", "duplicate field 'proxy'"},
      {R"({"is_active":true,"is_active":false})", "duplicate field 'is_active'"},
      {R"({"password":null,"password":"x"})", "duplicate field 'password'"},
      {R"({"x y":1,"x y":2})", "duplicate field (name not shown)"},
      {R"({"name":{"a":1,"a":2}})", "duplicate field 'a'"},
      // Nesting.
      {nested_arrays(17), kTooDeep},
      {nested_arrays(64), kTooDeep},
      {nested_arrays(100000), kTooDeep},
      {nested_objects(17), kTooDeep},
      {nested_objects(1000), kTooDeep},
      {nested_arrays(16), "name: must be a string"},
      {nested_objects(15), "name: must be a string"},
      // Wrong types.
      {R"({"proxy":5})", "proxy: must be a string"},
      {R"({"name":{}})", "name: must be a string"},
      {R"({"name":[]})", "name: must be a string"},
      {R"({"name":["Carrier"]})", "name: must be a string"},
      {R"({"name":true})", "name: must be a string"},
      {R"({"username":1})", "username: must be a string"},
      {R"({"password":123456})", "password: must be a string"},
      {R"({"inbound_ip":["10.0.0.1"]})", "inbound_ip: must be a string"},
      {R"({"gateway_name":false})", "gateway_name: must be a string"},
      {R"({"realm":1.5})", "realm: must be a string"},
      {R"({"from_domain":{}})", "from_domain: must be a string"},
      {R"({"is_active":"true"})", "is_active: must be a boolean"},
      {R"({"is_active":1})", "is_active: must be a boolean"},
      {R"({"is_active":0})", "is_active: must be a boolean"},
      {R"({"is_active":null})", "is_active: must be a boolean"},
      {R"({"is_active":[]})", "is_active: must be a boolean"},
      {R"({"register":"yes"})", "register: must be a boolean or null"},
      {R"({"register":1})", "register: must be a boolean or null"},
      {R"({"registration":{}})", "registration: is read-only"},
      // Null for required fields.
      {R"({"name":null})", "name: must not be null"},
      {R"({"proxy":null})", "proxy: must not be null"},
      // Field values are checked.
      {R"({"name":""})", "name: must not be empty"},
      {R"({"name":" x"})", "name: " + kNameControls},
      {R"({"name":"a\nb"})", "name: " + kNameControls},
      {R"({"proxy":"sip:alice@example.com"})", "proxy: must be host[:port] or a sip:/sips: URI"},
      {R"({"proxy":"sip.ex\u0430mple.net"})", "proxy: must be host[:port] or a sip:/sips: URI"},
      {R"({"username":"a\r\nb"})", "username: " + kControls},
      {R"({"username":"a\u0000b"})", "username: " + kControls},
      {R"({"realm":"a\u007fb"})", "realm: " + kControls},
      {R"({"from_domain":"ex\u0430mple.com"})",
       "from_domain: must be a DNS name, an IPv4 address or a bracketed IPv6 address"},
      {R"({"inbound_ip":"0.0.0.0/0"})",
       "inbound_ip: IPv4 prefixes wider than /16 are not accepted"},
      {R"({"gateway_name":"gw 1"})", "gateway_name: " + kControls},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("body " << printable(c.body.substr(0, 120))) {
      BOOST_TEST(refusal(parse_trunk_patch(c.body)) == c.error);
    }
  }
}

// Verifies that malformed JSON and invalid UTF-8 are refused as "not valid JSON".
BOOST_AUTO_TEST_CASE(rejects_malformed_json) {
  const std::string cases[] = {
      "not json",
      "{",
      "}",
      "{\"name\":",
      R"({"name":"x",})",
      R"({'name':'x'})",
      R"({name:"x"})",
      R"({"name":"x"} trailing)",
      "{} {}",
      "{}x",
      R"({"name":"x" "proxy":"y"})",
      R"({"name":"unterminated})",
      "{\"name\":\"tab\tinside\"}",  // raw control character inside a JSON string
      "{\"name\":\"a\nb\"}",
      "{\"name\":\"a\0b\"}"s,
      R"({"name":"\x41"})",
      R"({"is_active":True})",
      R"({"is_active":tru})",
      R"({"name":NaN})",
      "\xef\xbb\xbf\xef\xbb\xbf{}",
      // Invalid UTF-8.
      "{\"name\":\"\xff\"}",
      "{\"name\":\"\xc3\"}",
      "{\"name\":\"\xc0\xaf\"}",
      "{\"name\":\"\xed\xa0\x80\"}",
      "{\"name\":\"\xf4\x90\x80\x80\"}",
      "{\"name\":\"Caf\xe9\"}",
      "{\"\xff\":1}",
      R"({"name":"\ud800"})",
      R"({"name":"\udc00x"})",
  };
  for (const auto& body : cases) {
    BOOST_TEST_CONTEXT("body " << printable(body)) {
      auto message = refusal(parse_trunk_patch(body));
      BOOST_TEST(starts_with(message, "request body is not valid JSON (error at byte "),
                 "message: " << message);
    }
  }
}

// Verifies that a number beyond a double is refused as invalid_request, not thrown (found by
// fuzz/fuzz_trunk_body: nlohmann reports it as out_of_range, which the daemon answered with 500).
BOOST_AUTO_TEST_CASE(rejects_numbers_out_of_range) {
  for (const auto* body : {R"({"is_active":1e400})", R"({"is_active":-1e999})",
                           R"({"name":[1.7976931348623159e308]})", R"({"x":{"y":1E+400}})"}) {
    BOOST_TEST_CONTEXT("body " << body) {
      std::variant<TrunkPatch, ApiError> parsed = ApiError{ErrorCode::internal_error, "threw"};
      BOOST_CHECK_NO_THROW(parsed = parse_trunk_patch(body));
      BOOST_TEST(refusal(parsed) == "request body has a number out of range");
    }
  }
}

// Verifies the required fields and defaults of a created trunk.
BOOST_AUTO_TEST_CASE(create_requires_name_and_proxy) {
  struct Case {
    std::string body;
    std::string error;
  };
  const std::string kPair = "password: needs a username (digest credentials are a pair)";
  const Case refused[] = {
      {"{}", "name: is required"},
      {R"({"proxy":"sip.example.net"})", "name: is required"},
      {R"({"is_active":true})", "name: is required"},
      {R"({"name":"Carrier A"})", "proxy: is required"},
      {R"({"name":"Carrier A","username":"alice","password":"pw"})", "proxy: is required"},
      {R"({"name":"Carrier A","proxy":"sip.example.net","password":"pw"})", kPair},
      {R"({"name":"A","proxy":"sip.example.net","password":"pw","username":null})", kPair},
  };
  for (const auto& c : refused) {
    BOOST_TEST_CONTEXT("body " << c.body) {
      BOOST_TEST(refusal(trunk_from_create(must_parse(c.body))) == c.error);
    }
  }

  auto minimal = must_succeed(
      trunk_from_create(must_parse(R"({"name":"Carrier A","proxy":"sip.example.net"})")));
  Trunk expected;
  expected.name = "Carrier A";
  expected.proxy = "sip.example.net";
  BOOST_TEST(describe(minimal) == describe(expected));
  BOOST_TEST((minimal == expected));
  BOOST_TEST(minimal.is_active == true);
  BOOST_TEST(minimal.id.empty());
  BOOST_TEST(minimal.customer_id.empty());
  BOOST_TEST(minimal.direction() == "outbound");

  auto inactive = must_succeed(trunk_from_create(
      must_parse(R"({"name":"Carrier A","proxy":"sip.example.net","is_active":false})")));
  BOOST_TEST(inactive.is_active == false);

  auto full = must_succeed(trunk_from_create(must_parse(
      R"({"name":"Carrier A","proxy":"sip:sip.example.net;transport=tls","username":"alice",)"
      R"("password":"pw","realm":"sip.example.net","from_domain":"example.com",)"
      R"("inbound_ip":"2001:DB8::1","gateway_name":"gw-1"})")));
  BOOST_TEST(show(full.username) == "'alice'");
  BOOST_TEST(show(full.password) == "'pw'");
  BOOST_TEST(show(full.realm) == "'sip.example.net'");
  BOOST_TEST(show(full.from_domain) == "'example.com'");
  BOOST_TEST(show(full.inbound_ip) == "'2001:db8::1'");
  BOOST_TEST(show(full.gateway_name) == "'gw-1'");
  BOOST_TEST(full.is_active == true);
  BOOST_TEST(full.direction() == "both");

  auto nulls = must_succeed(trunk_from_create(
      must_parse(R"({"name":"Carrier A","proxy":"sip.example.net","username":null,"realm":null,)"
                 R"("inbound_ip":null})")));
  BOOST_TEST(describe(nulls) == describe(expected));
}

// Verifies that a PATCH changes only the fields it names and keeps everything else.
BOOST_AUTO_TEST_CASE(patch_keeps_untouched_fields) {
  Trunk stored;
  stored.id = "trunk_20260529T120000.000000000";
  stored.customer_id = "cust_1";
  stored.name = "Old";
  stored.proxy = "old.example.net";
  stored.username = "alice";
  stored.password = "pw1";
  stored.realm = "old.example.net";
  stored.from_domain = "old.example.com";
  stored.inbound_ip = "192.0.2.0/24";
  stored.gateway_name = "gw-old";
  stored.is_active = true;
  stored.created_ns = 1'000;
  stored.updated_ns = 2'000;

  struct Case {
    std::string body;
    void (*change)(Trunk&);
  };
  const Case cases[] = {
      {"{}", [](Trunk&) {}},
      {R"({"name":"New name"})", [](Trunk& t) { t.name = "New name"; }},
      {R"({"proxy":"sips:new.example.net;transport=tls"})",
       [](Trunk& t) { t.proxy = "sips:new.example.net;transport=tls"; }},
      {R"({"username":"bob"})", [](Trunk& t) { t.username = "bob"; }},
      {R"({"password":"pw2"})", [](Trunk& t) { t.password = "pw2"; }},
      {R"({"password":null})", [](Trunk& t) { t.password.reset(); }},
      {R"({"username":null,"password":null})",
       [](Trunk& t) {
         t.username.reset();
         t.password.reset();
       }},
      {R"({"realm":null})", [](Trunk& t) { t.realm.reset(); }},
      {R"({"realm":"new.example.net"})", [](Trunk& t) { t.realm = "new.example.net"; }},
      {R"({"from_domain":"192.0.2.1"})", [](Trunk& t) { t.from_domain = "192.0.2.1"; }},
      {R"({"from_domain":null})", [](Trunk& t) { t.from_domain.reset(); }},
      {R"({"inbound_ip":"2001:DB8::1"})", [](Trunk& t) { t.inbound_ip = "2001:db8::1"; }},
      {R"({"inbound_ip":"198.51.100.7/32"})", [](Trunk& t) { t.inbound_ip = "198.51.100.7"; }},
      {R"({"inbound_ip":null})", [](Trunk& t) { t.inbound_ip.reset(); }},
      {R"({"gateway_name":"gw-new"})", [](Trunk& t) { t.gateway_name = "gw-new"; }},
      {R"({"gateway_name":null})", [](Trunk& t) { t.gateway_name.reset(); }},
      {R"({"is_active":false})", [](Trunk& t) { t.is_active = false; }},
      {R"({"is_active":true})", [](Trunk&) {}},
      {R"({"username":"bob","password":"pw2","is_active":false})",
       [](Trunk& t) {
         t.username = "bob";
         t.password = "pw2";
         t.is_active = false;
       }},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("body " << c.body) {
      Trunk expected = stored;
      c.change(expected);
      auto result = must_succeed(apply_trunk_patch(stored, must_parse(c.body)));
      BOOST_TEST(describe(result) == describe(expected));
      BOOST_TEST((result == expected));
    }
  }

  auto outbound = must_succeed(apply_trunk_patch(stored, must_parse(R"({"inbound_ip":null})")));
  BOOST_TEST(outbound.direction() == "outbound");
  BOOST_TEST(stored.direction() == "both");
}

// Verifies the username/password pair rule across the stored trunk and the patch.
BOOST_AUTO_TEST_CASE(patch_enforces_credential_pair) {
  const std::string kPair = "password: needs a username (digest credentials are a pair)";
  Trunk bare;
  bare.name = "Carrier";
  bare.proxy = "sip.example.net";
  Trunk with_credentials = bare;
  with_credentials.username = "alice";
  with_credentials.password = "pw1";
  Trunk username_only = bare;
  username_only.username = "alice";

  struct Case {
    std::string label;
    const Trunk* stored;
    std::string body;
    bool accepted;
  };
  const Case cases[] = {
      {"password without username", &bare, R"({"password":"pw"})", false},
      {"password with null username", &bare, R"({"password":"pw","username":null})", false},
      {"clear username, keep password", &with_credentials, R"({"username":null})", false},
      {"clear username, new password", &with_credentials, R"({"username":null,"password":"pw2"})",
       false},
      {"password and username together", &bare, R"({"username":"bob","password":"pw"})", true},
      {"password to a stored username", &username_only, R"({"password":"pw"})", true},
      {"new username keeps password", &with_credentials, R"({"username":"bob"})", true},
      {"clear both", &with_credentials, R"({"username":null,"password":null})", true},
      {"clear password only", &with_credentials, R"({"password":null})", true},
      {"username alone", &bare, R"({"username":"bob"})", true},
      {"unrelated change", &with_credentials, R"({"name":"Renamed"})", true},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.label) {
      auto result = apply_trunk_patch(*c.stored, must_parse(c.body));
      if (c.accepted) {
        auto trunk = must_succeed(result);
        BOOST_TEST(!(trunk.password && !trunk.username));
      } else {
        auto message = refusal(result);
        BOOST_TEST(message == kPair);
        BOOST_TEST(!contains(message, "pw"));
      }
    }
  }
}

// Verifies `register`: true needs credentials (now or after the patch), false keeps them for
// digest challenges without registering, null returns to the default.
BOOST_AUTO_TEST_CASE(register_needs_credentials) {
  const std::string kNeeds = "register: needs a username and a password to register with";
  Trunk bare;
  bare.name = "Carrier";
  bare.proxy = "sip.example.net";
  Trunk with_credentials = bare;
  with_credentials.username = "alice";
  with_credentials.password = "pw1";
  Trunk told_to_register = with_credentials;
  told_to_register.register_requested = true;

  BOOST_TEST(refusal(apply_trunk_patch(bare, must_parse(R"({"register":true})"))) == kNeeds);
  BOOST_TEST(refusal(apply_trunk_patch(told_to_register, must_parse(R"({"password":null})"))) ==
             kNeeds);
  auto quiet =
      must_succeed(apply_trunk_patch(with_credentials, must_parse(R"({"register":false})")));
  BOOST_TEST((quiet.register_requested == std::optional<bool>(false)));
  BOOST_TEST(!quiet.registers());
  BOOST_TEST(with_credentials.registers());  // the default with credentials
  auto reset = must_succeed(apply_trunk_patch(quiet, must_parse(R"({"register":null})")));
  BOOST_TEST(!reset.register_requested.has_value());
  BOOST_TEST(reset.registers());
  BOOST_TEST(must_succeed(apply_trunk_patch(bare, must_parse(R"({"register":false})")))
                 .register_requested.value_or(true) == false);
}

// Verifies IPv4 hidden in IPv6 cannot bypass the prefix rule, multicast rule or overlap index.
BOOST_AUTO_TEST_CASE(inbound_ip_refuses_embedded_ipv4) {
  for (const char* value : {"::ffff:0.0.0.0/96", "::ffff:224.0.0.1", "::ffff:10.0.0.1", "::1.2.3.4",
                            "::ffff:10.0.0.0/120"}) {
    BOOST_TEST_CONTEXT(value) {
      auto check = check_string_field("inbound_ip", value);
      BOOST_TEST(!check.value.has_value());
      BOOST_TEST(check.error.starts_with("inbound_ip: "));
    }
  }
  BOOST_TEST(check_string_field("inbound_ip", "::1").value.value_or("") == "::1");
}

// Verifies names refuse characters that are invisible or reorder text.
BOOST_AUTO_TEST_CASE(name_refuses_invisible_code_points) {
  for (const char* value : {"a\xc2\x85z",
                            "\xe2\x80\xae"
                            "abc",
                            "a\xe2\x80\x8b"
                            "b",
                            "a\xe2\x80\xa8"
                            "b",
                            "\xc2\xa0"
                            "Carrier",
                            "\xef\xbb\xbf"
                            "name",
                            "a\xe2\x81\xa6"
                            "b"}) {
    BOOST_TEST_CONTEXT(printable(value)) {
      BOOST_TEST(!check_string_field("name", value).value.has_value());
    }
  }
  BOOST_TEST(check_string_field("name", "Zürich Sales \xe2\x82\xac").value.has_value());
}

// Verifies proxy and from_domain are stored in one spelling (lower case); realm keeps its case.
BOOST_AUTO_TEST_CASE(case_insensitive_fields_are_lowered) {
  BOOST_TEST(*check_string_field("proxy", "SIP:Example.COM:5060;Transport=TCP").value ==
             "sip:example.com:5060;transport=tcp");
  BOOST_TEST(*check_string_field("from_domain", "Carrier.EXAMPLE").value == "carrier.example");
  BOOST_TEST(*check_string_field("realm", "Asterisk").value == "Asterisk");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
