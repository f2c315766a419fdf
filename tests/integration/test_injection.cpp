#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "support/edge_fixture.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(injection)

using namespace std::chrono_literals;

// A placeholder for the carrier's port in proxy values: filled in once a value is accepted.
constexpr std::string_view kPort = "PORT";

// Values tried in every field that reaches Kamailio's tables or a SIP message: header and
// line breaks, SIP and URI separators, quotes, spaces, Unicode look-alikes and invisible
// characters, overlong input. `base` is a value the field accepts, so each payload is tried
// around a plausible value as well as alone.
std::vector<std::string> hostile_values(const std::string& base) {
  std::vector<std::string> values{
      base + "\r\nX-Injected: 1",
      base + "\nX-Injected: 1",
      base + "\r",
      base + "%0d%0aX-Injected:%201",
      base + ";lr",
      base + ";transport=tcp;maddr=192.0.2.66",
      "<" + base + ">",
      base + ">;x=<sip:evil@192.0.2.66",
      "\"" + base + "\"",
      base + "\"",
      base + "," + base,
      base + " " + base,
      " " + base,
      base + " ",
      base + "\t",
      base + "?X-Injected=1",
      base + "/x",
      base + "\\",
      base + "'",
      "evil@" + base,
      base + "\xd0\xb0",              // Cyrillic a
      base + "\xef\xbd\x85",          // fullwidth e
      base + "\xe2\x80\x8b",          // zero-width space
      base + "\xe2\x80\xae",          // right-to-left override
      base + "\xe3\x80\x82" + "net",  // ideographic full stop as a dot
      base + "\xe2\x80\xa4" + "net",  // one dot leader as a dot
      base + "\xc2\xa0",              // no-break space
      std::string(300, 'a'),
      std::string(64, 'a') + ".example.net",  // a DNS label over 63
      std::string(5000, 'a'),
      "",
      "${jndi:ldap://x}",
      base + "|x",
      base + "#x",
  };
  return values;
}

// Per field: a plain value, extra values worth a call when accepted, and what must never be in
// a stored value of it.
struct FieldCorpus {
  std::string field;
  std::string plain;
  std::vector<std::string> extra;
  std::string forbidden;  // characters no accepted value may hold
};

std::vector<FieldCorpus> corpus() {
  const std::string breaks = std::string("\r\n\t <>\",\\'") + '\0';
  return {
      {"proxy",
       "127.0.0.1:PORT",
       {"sip:127.0.0.1:PORT;transport=udp", "SIP:127.0.0.1:PORT", "127.0.0.1:PORT;transport=udp",
        "sip:127.0.0.1:PORT;transport=udp;lr", "sip:user@127.0.0.1:PORT", "127.0.0.1:PORT:PORT",
        "127.0.0.1:0PORT", "[::ffff:127.0.0.1]:PORT"},
       breaks + "@?&"},
      {"username",
       "user1",
       {"a&b=c+d$e!~*()_-.", "%41lice", "user:1", "user@x", "us;er"},
       breaks + ";,?/:@"},
      {"realm",
       "carrier.test",
       {"carrier.test!*+~-_", "c@rrier", "carrier.test:5060"},
       breaks + ";,?/:@="},
      {"from_domain",
       "example.net",
       {"xn--exmple-cua.net", "EXAMPLE.NET", "192.0.2.10", "[2001:db8::10]", "example.net.",
        "exa_mple.net", "-example.net"},
       breaks + ";?/@="},
      {"gateway_name", "gw-1", {"Gw.1_a-b", "gw 1", "gw/1", "gw:1"}, breaks + ";?/:@="},
      {"inbound_ip",
       "127.0.0.3",
       {"127.0.4.0/24", "127.0.0.3/32", "127.000.000.003", "0x7f.0.0.3", "127.1", "127.0.0.3/33",
        "127.0.0.0/8", "::ffff:127.0.0.3",
        "\xef\xbc\x91"
        "27.0.0.3",
        "127.0.0.3,127.0.0.4"},
       breaks + ";?@="},
  };
}

std::string with_port(std::string value, int port) {
  for (auto at = value.find(kPort); at != std::string::npos; at = value.find(kPort, at)) {
    value.replace(at, kPort.size(), std::to_string(port));
  }
  return value;
}

// Escapes for a POSIX extended regex, then for an XML attribute.
std::string regex_in_xml(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::string_view(".[]{}()*+?^$|\\").find(c) != std::string_view::npos) out += '\\';
    if (c == '&') {
      out += "&amp;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string xml_attribute(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '&' ? std::string("&amp;") : std::string(1, c);
  return out;
}

// The edge with one carrier port per call; values are tried through the API on inactive
// trunks first (nothing reaches the edge), then the accepted ones are used for real calls.
struct InjectionFixture : EdgeFixture {
  int probe_port = reserve_port();

  // POSTs one value into `field` of an otherwise plain trunk. Returns the stored value when
  // accepted (the trunk is deleted again), nullopt when refused with 400 in the JSON shape.
  std::optional<std::string> try_value(const std::string& field, const std::string& value) {
    json body = {{"name", "probe"},         {"proxy", with_port("127.0.0.1:PORT", probe_port)},
                 {"username", "user1"},     {"password", "s3cret"},
                 {"realm", "carrier.test"}, {"register", false},
                 {"is_active", false}};
    body[field] = field == "proxy" ? with_port(value, probe_port) : value;
    auto text = body.dump(-1, ' ', false, json::error_handler_t::strict);
    auto result = daemon.call("POST", "/v1/trunks", key, text);
    if (result.status == 201) {
      auto trunk = json::parse(result.body);
      BOOST_TEST(
          daemon.call("DELETE", "/v1/trunks/" + trunk["id"].get<std::string>(), key).status == 204);
      return trunk[field].get<std::string>();
    }
    BOOST_TEST(result.status == 400, field << " " << json(value).dump() << ": " << result.body);
    auto error = json::parse(result.body, nullptr, false);
    BOOST_TEST((!error.is_discarded() && error["error"]["code"] == "invalid_request" &&
                error["error"]["message"].get<std::string>().starts_with(field + ": ")),
               field << ": " << result.body);
    return std::nullopt;
  }
};

// Verifies every value of the injection corpus in proxy, username, realm, from_domain,
// gateway_name and inbound_ip is either refused with 400 invalid_request naming the field, or
// accepted and stored without a character that could break out of its place in a SIP message
// or a Kamailio row; then every accepted value goes through the real edge: outbound calls with
// the accepted proxy, username, realm, from_domain and gateway_name values (grouped, one trunk
// per call) must reach a carrier that checks the Request-URI, From host, Authorization
// username and realm, the digest and that no injected header arrived; inbound calls from each
// accepted inbound_ip must be routed to the application server.
BOOST_FIXTURE_TEST_CASE(hostile_values_are_refused_or_reach_sip_intact, InjectionFixture) {
  std::map<std::string, std::vector<std::string>> accepted;
  std::size_t tried = 0, refused = 0;
  for (const auto& field : corpus()) {
    auto values = hostile_values(field.plain);
    values.insert(values.end(), field.extra.begin(), field.extra.end());
    std::set<std::string> stored_values;
    for (const auto& value : values) {
      ++tried;
      auto stored = try_value(field.field, value);
      if (!stored) {
        ++refused;
        continue;
      }
      BOOST_TEST(stored->find_first_of(field.forbidden) == std::string::npos,
                 field.field << " stored " << json(*stored).dump());
      BOOST_TEST(
          std::all_of(stored->begin(), stored->end(), [](char c) { return c > 0x20 && c < 0x7f; }),
          field.field << " stored non-ASCII " << json(*stored).dump());
      if (stored_values.insert(*stored).second) accepted[field.field].push_back(value);
    }
  }
  std::ostringstream summary;
  summary << tried << " values tried, " << refused << " refused;";
  for (const auto& [field, values] : accepted) {
    summary << " " << field << ":";
    for (const auto& value : values) summary << " " << json(value).dump();
  }
  BOOST_TEST_MESSAGE(summary.str());

  // Outbound: call i uses the i-th accepted value of each field (the plain one where a field has
  // fewer), each on its own trunk and carrier.
  std::size_t calls = 1;
  for (const auto& field : {"proxy", "username", "realm", "from_domain", "gateway_name"}) {
    calls = std::max(calls, accepted[field].size());
  }
  BOOST_TEST(calls <= 8u, summary.str());
  auto pick = [&](const std::string& field, std::size_t i, const std::string& plain) {
    const auto& values = accepted[field];
    return values.empty() ? plain : values[i % values.size()];
  };
  for (std::size_t i = 0; i < calls; ++i) {
    int port = reserve_port();
    json body = {{"name", "injected-" + std::to_string(i)},
                 {"proxy", with_port(pick("proxy", i, "127.0.0.1:PORT"), port)},
                 {"username", pick("username", i, "user1")},
                 {"password", "s3cret"},
                 {"realm", pick("realm", i, "carrier.test")},
                 {"from_domain", pick("from_domain", i, "example.net")},
                 {"gateway_name", pick("gateway_name", i, "gw-1") + "-" + std::to_string(i)},
                 {"register", false}};
    auto trunk = create(body.dump());
    wait_applied(trunk);
    std::string from_host = trunk["from_domain"];
    BOOST_TEST_CONTEXT("call " << i << " with " << trunk.dump()) {
      auto carrier = Sipp::uas("uas-carrier-401-expects-exact-headers.xml", port,
                               {{"__PROXY_PORT__", std::to_string(port)},
                                {"__FROM_HOST_RE__", regex_in_xml(from_host)},
                                {"__USERNAME_RE__", regex_in_xml(trunk["username"])},
                                {"__REALM_RE__", regex_in_xml(trunk["realm"])},
                                {"__USERNAME__", xml_attribute(trunk["username"])},
                                {"__PASSWORD__", "s3cret"},
                                {"__REALM__", trunk["realm"].get<std::string>()}});
      auto app = Sipp::uac("uac-app-server-call-completes.xml", "127.0.0.1", kamailio.sip_port(),
                           {{"__CUSTOMER_ID__", "cust_edge"}, {"__TRUNK_ID__", trunk["id"]}});
      BOOST_TEST(app.finish(25s) == 0, app.log_text());
      BOOST_TEST(carrier.finish(25s) == 0, carrier.log_text());
    }
  }

  // Inbound: a call from inside each accepted inbound_ip (distinct as stored) is routed.
  BOOST_TEST(!accepted["inbound_ip"].empty());
  std::set<std::string> networks;
  for (const auto& value : accepted["inbound_ip"]) {
    json body = {{"name", "inbound"},
                 {"proxy", with_port("127.0.0.1:PORT", probe_port)},
                 {"inbound_ip", value}};
    auto result = daemon.call("POST", "/v1/trunks", key, body.dump());
    if (result.status == 409) continue;  // the same network as stored from an earlier spelling
    BOOST_TEST_REQUIRE(result.status == 201, result.body);
    auto trunk = json::parse(result.body);
    std::string network = trunk["inbound_ip"];
    if (!networks.insert(network).second) continue;
    wait_applied(trunk);
    auto source = network.substr(0, network.find('/'));
    if (source.ends_with(".0")) source.back() = '9';
    BOOST_TEST_CONTEXT("inbound from " << source << " for " << json(value).dump()) {
      expect_call_routed(source, trunk);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
