#include <boost/test/unit_test.hpp>

#include <map>
#include <sstream>

#include "cli/arguments.h"
#include "cli/exit_codes.h"
#include "cli/run.h"
#include "cli/text_table.h"
#include "support/fake_api_transport.h"

namespace mv::cli {

std::ostream& operator<<(std::ostream& out, const ApiRequest& request) {
  return out << request.method << " " << request.target << " "
             << request.json_body.value_or("(no body)");
}

BOOST_AUTO_TEST_SUITE(mvctl_cli)

using Env = std::map<std::string, std::string>;

std::variant<Invocation, EarlyExit> parse(const std::vector<std::string>& args,
                                          const Env& env = {{"MV_API_KEY", "k"}}) {
  return parse_arguments(args, [&env](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    return it == env.end() ? std::nullopt : std::optional(it->second);
  });
}

Invocation invocation(const std::vector<std::string>& args,
                      const Env& env = {{"MV_API_KEY", "k"}}) {
  auto parsed = parse(args, env);
  if (auto* early = std::get_if<EarlyExit>(&parsed)) {
    BOOST_FAIL("unexpected early exit " << early->exit_code << ": " << early->err);
  }
  return std::get<Invocation>(parsed);
}

EarlyExit early_exit(const std::vector<std::string>& args, const Env& env = {{"MV_API_KEY", "k"}}) {
  auto parsed = parse(args, env);
  BOOST_REQUIRE_MESSAGE(std::holds_alternative<EarlyExit>(parsed), "no early exit");
  return std::get<EarlyExit>(parsed);
}

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run run(const std::vector<std::string>& args, test::FakeApiTransport& transport) {
  std::ostringstream out, err;
  int code = execute(invocation(args), transport, out, err);
  return {code, out.str(), err.str()};
}

// Verifies the documented exit code for each HTTP answer.
BOOST_AUTO_TEST_CASE(exit_codes_by_status) {
  const std::vector<std::pair<int, int>> cases{
      {200, 0}, {201, 0}, {204, 0}, {400, 1}, {405, 1}, {409, 1}, {413, 1}, {415, 1}, {429, 1},
      {401, 5}, {403, 5}, {404, 4}, {500, 3}, {502, 3}, {503, 3}, {0, 3},   {302, 3}};
  for (auto [status, code] : cases) {
    BOOST_TEST_CONTEXT(status) { BOOST_TEST(exit_code_for_status(status) == code); }
  }
}

// Verifies --url and --key win over MV_API_URL and MV_API_KEY, which win over the default URL.
BOOST_AUTO_TEST_CASE(flags_then_environment_then_default) {
  Env env{{"MV_API_URL", "http://env.example:9000/"}, {"MV_API_KEY", "env-key"}};
  auto from_env = invocation({"trunks", "list"}, env);
  BOOST_TEST(from_env.api_url == "http://env.example:9000");
  BOOST_TEST(from_env.api_key == "env-key");
  auto from_flags =
      invocation({"--url", "https://flag.example", "--key", "flag-key", "trunks", "list"}, env);
  BOOST_TEST(from_flags.api_url == "https://flag.example");
  BOOST_TEST(from_flags.api_key == "flag-key");
  auto defaults = invocation({"trunks", "list"}, {{"MV_API_KEY", "k"}});
  BOOST_TEST(defaults.api_url == std::string(kDefaultApiUrl));
}

// Verifies global flags are accepted after the command too, as operators type them.
BOOST_AUTO_TEST_CASE(global_flags_anywhere) {
  auto parsed = invocation({"trunks", "list", "--json", "--url", "http://x:1", "--timeout", "3"});
  BOOST_TEST(parsed.json);
  BOOST_TEST(parsed.api_url == "http://x:1");
  BOOST_TEST(parsed.timeout.count() == 3);
}

// Verifies a wrong command line exits 2 with a message and sends nothing; --help exits 0.
BOOST_AUTO_TEST_CASE(usage_errors_exit_2) {
  const std::vector<std::vector<std::string>> bad{
      {},
      {"frobnicate"},
      {"trunks"},
      {"trunks", "get"},
      {"trunks", "list", "--limit", "0"},
      {"trunks", "list", "--active", "maybe"},
      {"trunks", "create"},
      {"trunks", "create", "--json-body", "[1]"},
      {"trunks", "create", "--json-body", "{nope"},
      {"trunks", "update", "trunk_1"},
      {"trunks", "update", "trunk_1", "--clear", "name"},
      {"trunks", "update", "trunk_1", "--active", "yes"},
      {"keys"},
      {"keys", "create"},
      {"keys", "create", "--customer", "c", "--role", "root"},
      {"keys", "revoke"},
      {"--timeout", "0", "drift"},
      {"--url", "ftp://x", "drift"},
      {"--url", "127.0.0.1:8080", "drift"},
  };
  for (const auto& args : bad) {
    std::string joined;
    for (const auto& arg : args) joined += arg + " ";
    BOOST_TEST_CONTEXT(joined) {
      auto exit = early_exit(args);
      BOOST_TEST(exit.exit_code == 2);
      BOOST_TEST(!exit.err.empty());
    }
  }
  auto no_key = early_exit({"drift"}, {});
  BOOST_TEST(no_key.exit_code == 2);
  BOOST_TEST(no_key.err.find("MV_API_KEY") != std::string::npos);
  auto help = early_exit({"--help"});
  BOOST_TEST(help.exit_code == 0);
  BOOST_TEST(help.out.find("Exit codes") != std::string::npos);
  BOOST_TEST(early_exit({"trunks", "create", "--help"}).out.find("--proxy") != std::string::npos);
}

// Verifies each command sends the documented request.
BOOST_AUTO_TEST_CASE(commands_map_to_requests) {
  const std::vector<std::pair<std::vector<std::string>, ApiRequest>> cases{
      {{"trunks", "list"}, {"GET", "/v1/trunks", std::nullopt}},
      {{"trunks", "list", "--limit", "5", "--starting-after", "trunk_1", "--active", "false",
        "--gateway-name", "gw 1"},
       {"GET", "/v1/trunks?limit=5&starting_after=trunk_1&is_active=false&gateway_name=gw%201",
        std::nullopt}},
      {{"trunks", "get", "trunk_1"}, {"GET", "/v1/trunks/trunk_1", std::nullopt}},
      {{"trunks", "get", "../keys?x"}, {"GET", "/v1/trunks/..%2Fkeys%3Fx", std::nullopt}},
      {{"trunks", "create", "--name", "n", "--proxy", "p.example", "--active", "false",
        "--register", "true"},
       {"POST", "/v1/trunks",
        R"({"name":"n","proxy":"p.example","is_active":false,"register":true})"}},
      {{"trunks", "create", "--json-body", R"({"name":"a","proxy":"b"})", "--name", "c"},
       {"POST", "/v1/trunks", R"({"name":"c","proxy":"b"})"}},
      {{"trunks", "update", "trunk_1", "--active", "true", "--clear", "inbound_ip", "--clear",
        "register"},
       {"PATCH", "/v1/trunks/trunk_1", R"({"is_active":true,"inbound_ip":null,"register":null})"}},
      {{"trunks", "delete", "trunk_1"}, {"DELETE", "/v1/trunks/trunk_1", std::nullopt}},
      {{"dispatcher"}, {"GET", "/v1/noc/dispatcher", std::nullopt}},
      {{"permissions"}, {"GET", "/v1/noc/permissions", std::nullopt}},
      {{"registrations"}, {"GET", "/v1/noc/registrations", std::nullopt}},
      {{"drift"}, {"GET", "/v1/noc/drift", std::nullopt}},
      {{"edge", "status"}, {"GET", "/v1/edge/status", std::nullopt}},
      {{"edge", "resync", "edge-2"}, {"POST", "/v1/edge/nodes/edge-2/resync", std::nullopt}},
      {{"keys", "list"}, {"GET", "/v1/keys", std::nullopt}},
      {{"keys", "create", "--customer", "cust_x"},
       {"POST", "/v1/keys", R"({"customer_id":"cust_x","role":"customer"})"}},
      {{"keys", "create", "--customer", "ops", "--role", "admin"},
       {"POST", "/v1/keys", R"({"customer_id":"ops","role":"admin"})"}},
      {{"keys", "revoke", "0123456789ab"}, {"DELETE", "/v1/keys/0123456789ab", std::nullopt}},
  };
  for (const auto& [args, expected] : cases) {
    BOOST_TEST_CONTEXT(args.front() << " " << args.back()) {
      BOOST_TEST(invocation(args).request == expected);
    }
  }
}

// Verifies no answer at all exits 3 and names the URL, never the key.
BOOST_AUTO_TEST_CASE(unreachable_exits_3) {
  test::FakeApiTransport transport;
  transport.reply = {0, "", "Failed to connect to any resolved endpoint"};
  auto result = run({"--key", "secret-key", "--url", "http://127.0.0.1:1", "drift"}, transport);
  BOOST_TEST(result.code == 3);
  BOOST_TEST(result.out.empty());
  BOOST_TEST(result.err ==
             "mvctl: cannot reach the API at http://127.0.0.1:1: Failed to connect to any "
             "resolved endpoint\n");
}

// Verifies API errors print code, message and status on stderr and map to exit codes.
BOOST_AUTO_TEST_CASE(api_errors_on_stderr) {
  test::FakeApiTransport transport;
  const std::vector<std::tuple<int, std::string, int>> cases{{404, "not_found", 4},
                                                             {401, "unauthorized", 5},
                                                             {403, "forbidden", 5},
                                                             {409, "gateway_name_exists", 1},
                                                             {503, "service_unavailable", 3}};
  for (const auto& [status, code, exit_code] : cases) {
    BOOST_TEST_CONTEXT(status) {
      transport.reply = {status, R"({"error":{"code":")" + code + R"(","message":"why"}})", {}};
      for (bool json : {false, true}) {
        auto result = run(json ? std::vector<std::string>{"--json", "trunks", "get", "t"}
                               : std::vector<std::string>{"trunks", "get", "t"},
                          transport);
        BOOST_TEST(result.code == exit_code);
        BOOST_TEST(result.out.empty());
        BOOST_TEST(result.err ==
                   "mvctl: " + code + ": why (HTTP " + std::to_string(status) + ")\n");
      }
    }
  }
  transport.reply = {502, "<html>bad gateway</html>", {}};
  auto proxy = run({"drift"}, transport);
  BOOST_TEST(proxy.code == 3);
  BOOST_TEST(proxy.err == "mvctl: the API answered (HTTP 502) without an error body\n");
}

// Verifies an answer that is not JSON, or not of the expected shape, exits 3.
BOOST_AUTO_TEST_CASE(unreadable_answers_exit_3) {
  test::FakeApiTransport transport;
  transport.reply = {200, "not json", {}};
  BOOST_TEST(run({"trunks", "list"}, transport).code == 3);
  transport.reply = {200, R"({"unexpected":true})", {}};
  auto wrong = run({"trunks", "list"}, transport);
  BOOST_TEST(wrong.code == 3);
  BOOST_TEST(wrong.err.find("--json") != std::string::npos);
  BOOST_TEST(run({"--json", "trunks", "list"}, transport).code == 0);
}

// Verifies a password member is never printed, in tables or JSON, at any depth.
BOOST_AUTO_TEST_CASE(passwords_never_printed) {
  test::FakeApiTransport transport;
  transport.reply = {200,
                     R"({"id":"t","password":"hunter2","nested":{"auth_password":"hunter3",)"
                     R"("rows":[{"password":"hunter4","user":"u"}]}})",
                     {}};
  for (bool json : {false, true}) {
    auto result = run(json ? std::vector<std::string>{"--json", "trunks", "get", "t"}
                           : std::vector<std::string>{"trunks", "get", "t"},
                      transport);
    BOOST_TEST(result.code == 0);
    BOOST_TEST(result.out.find("hunter") == std::string::npos);
    BOOST_TEST(result.out.find("user") != std::string::npos);
  }
}

// Verifies control characters from the API cannot reach the terminal.
BOOST_AUTO_TEST_CASE(control_characters_replaced) {
  test::FakeApiTransport transport;
  transport.reply = {200,
                     R"({"data":[{"key_id":"k\u001b[31m","customer_id":"c\nx","role":"admin",)"
                     R"("created_at":"t"}]})",
                     {}};
  auto result = run({"keys", "list"}, transport);
  BOOST_TEST(result.out.find('\x1b') == std::string::npos);
  BOOST_TEST(result.out.find("k?[31m") != std::string::npos);
  BOOST_TEST(result.out.find("c?x") != std::string::npos);
}

// Verifies columns align by code points, two spaces apart, with no trailing blanks.
BOOST_AUTO_TEST_CASE(table_alignment) {
  TextTable table({"A", "NAME", "Z"});
  table.add_row({"1", "caf\xc3\xa9", "x"});
  table.add_row({"22", "b", ""});
  BOOST_TEST(table.render() == "A   NAME  Z\n1   caf\xc3\xa9  x\n22  b\n");
  BOOST_TEST(render_fields({{"id", "1"}, {"customer_id", "c"}}) ==
             "id           1\ncustomer_id  c\n");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::cli
