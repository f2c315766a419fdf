#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/arguments.h"
#include "cli/run.h"
#include "support/fake_api_transport.h"

// mvctl's output for every command, table and JSON, from fixed API answers
// (tests/golden/mvctl/input/*.json, shaped as schemas/trunk.schema.json and the NOC contract),
// compared byte for byte with tests/golden/mvctl/<case>.txt (tables) and <case>.json (--json).
// After an intended change, regenerate and review the diff:
//   MV_UPDATE_GOLDEN=1 build-test/tests/unit_tests --run_test=mvctl_golden
namespace mv::cli {

BOOST_AUTO_TEST_SUITE(mvctl_golden)

const std::string kGoldenDir = std::string(MV_SOURCE_DIR) + "/tests/golden/mvctl/";
const std::string kTrunkId = "trunk_20260529T120000.000000000";

struct GoldenCase {
  std::string name;
  std::vector<std::string> args;
  int status;
  std::string input;  // file under input/, or empty for no body
  int exit_code;
};

const std::vector<GoldenCase>& cases() {
  static const std::vector<GoldenCase> all{
      {"trunks_list", {"trunks", "list", "--limit", "2"}, 200, "trunk_list.json", 0},
      {"trunks_list_empty", {"trunks", "list"}, 200, "trunk_list_empty.json", 0},
      {"trunks_get", {"trunks", "get", kTrunkId}, 200, "trunk.json", 0},
      {"trunks_create",
       {"trunks", "create", "--name", "carrier-b", "--proxy", "sip:gw.carrier-b.example:5060",
        "--username", "acct-9", "--password", "s3cret", "--realm", "carrier-b.example",
        "--inbound-ip", "203.0.113.7", "--gateway-name", "carrier-b"},
       201,
       "trunk_created.json",
       0},
      {"trunks_update",
       {"trunks", "update", "trunk_20260529T123000.000000000", "--active", "false"},
       200,
       "trunk_updated.json",
       0},
      {"trunks_delete", {"trunks", "delete", kTrunkId}, 204, "", 0},
      {"trunks_get_not_found", {"trunks", "get", kTrunkId}, 404, "error_not_found.json", 4},
      {"dispatcher", {"dispatcher"}, 200, "dispatcher.json", 0},
      {"permissions", {"permissions"}, 200, "permissions.json", 0},
      {"registrations", {"registrations"}, 200, "registrations.json", 0},
      {"drift", {"drift"}, 200, "drift.json", 0},
      {"drift_forbidden", {"drift"}, 403, "error_forbidden.json", 5},
      {"keys_list", {"keys", "list"}, 200, "keys_list.json", 0},
      {"keys_create", {"keys", "create", "--customer", "cust_123"}, 201, "key_created.json", 0},
      {"keys_revoke", {"keys", "revoke", "a1b2c3d4e5f6"}, 204, "", 0},
      {"edge_status", {"edge", "status"}, 200, "edge_status.json", 0},
      {"edge_resync", {"edge", "resync", "edge-2"}, 202, "edge_resync.json", 0},
      {"edge_resync_unknown", {"edge", "resync", "edge-9"}, 404, "error_node_not_found.json", 4},
  };
  return all;
}

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("missing " + path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

struct Output {
  int code;
  std::string out;
  std::string err;
};

Output run(const GoldenCase& golden, bool json) {
  test::FakeApiTransport transport;
  transport.reply.status = golden.status;
  transport.reply.body =
      golden.input.empty() ? "" : read_file(kGoldenDir + "input/" + golden.input);
  auto args = golden.args;
  if (json) args.insert(args.begin(), "--json");
  auto parsed = parse_arguments(args, [](std::string_view name) -> std::optional<std::string> {
    if (name == "MV_API_KEY") return "mv_live_000000000000_key";
    return std::nullopt;
  });
  BOOST_REQUIRE(std::holds_alternative<Invocation>(parsed));
  std::ostringstream out, err;
  int code = execute(std::get<Invocation>(parsed), transport, out, err);
  return {code, out.str(), err.str()};
}

// Compares with the golden file, or writes it when MV_UPDATE_GOLDEN=1.
void check_golden(const std::string& file, const std::string& actual) {
  const char* update = std::getenv("MV_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(kGoldenDir + file, std::ios::binary) << actual;
    BOOST_TEST_MESSAGE("wrote " << file);
    return;
  }
  std::string expected;
  try {
    expected = read_file(kGoldenDir + file);
  } catch (const std::exception& e) {
    BOOST_FAIL(e.what() << " (MV_UPDATE_GOLDEN=1 writes it)");
  }
  BOOST_TEST(actual == expected, file << " differs; with MV_UPDATE_GOLDEN=1 it is rewritten");
}

// Verifies every command's table output (stdout, and stderr for errors) against its golden file.
BOOST_AUTO_TEST_CASE(tables_match_golden_files) {
  for (const auto& golden : cases()) {
    BOOST_TEST_CONTEXT(golden.name) {
      auto output = run(golden, false);
      BOOST_TEST(output.code == golden.exit_code);
      check_golden(golden.name + ".txt", output.out);
      if (golden.exit_code != 0)
        check_golden(golden.name + ".stderr", output.err);
      else
        BOOST_TEST(output.err.empty());
    }
  }
}

// Verifies every command's --json output against its golden file; errors print the same stderr.
BOOST_AUTO_TEST_CASE(json_matches_golden_files) {
  for (const auto& golden : cases()) {
    BOOST_TEST_CONTEXT(golden.name) {
      auto output = run(golden, true);
      BOOST_TEST(output.code == golden.exit_code);
      check_golden(golden.name + ".json", output.out);
      if (golden.exit_code != 0) {
        BOOST_TEST(output.err == run(golden, false).err);
      } else if (!golden.input.empty()) {
        // The JSON output is the API's body, only re-indented.
        BOOST_TEST(nlohmann::ordered_json::parse(output.out) ==
                   nlohmann::ordered_json::parse(read_file(kGoldenDir + "input/" + golden.input)));
      }
    }
  }
}

// Verifies the trunk inputs have exactly the members of schemas/trunk.schema.json, in order,
// so the golden files show what the API really sends.
BOOST_AUTO_TEST_CASE(trunk_inputs_follow_the_schema) {
  auto schema =
      nlohmann::json::parse(read_file(std::string(MV_SOURCE_DIR) + "/schemas/trunk.schema.json"));
  std::vector<std::string> members = schema.at("required");
  std::vector<nlohmann::ordered_json> trunks;
  for (const char* file : {"trunk.json", "trunk_created.json", "trunk_updated.json"}) {
    trunks.push_back(nlohmann::ordered_json::parse(read_file(kGoldenDir + "input/" + file)));
  }
  auto list = nlohmann::ordered_json::parse(read_file(kGoldenDir + "input/trunk_list.json"));
  for (const auto& trunk : list.at("data")) trunks.push_back(trunk);
  for (const auto& trunk : trunks) {
    std::vector<std::string> keys;
    for (const auto& [name, value] : trunk.items()) keys.push_back(name);
    BOOST_TEST(keys == members, boost::test_tools::per_element());
  }
}

// Verifies no golden output shows the trunk password given on the command line.
BOOST_AUTO_TEST_CASE(create_never_shows_the_password) {
  for (bool json : {false, true}) {
    auto create = std::find_if(cases().begin(), cases().end(),
                               [](const auto& golden) { return golden.name == "trunks_create"; });
    BOOST_REQUIRE(create != cases().end());
    auto output = run(*create, json);
    BOOST_TEST(output.out.find("s3cret") == std::string::npos);
    BOOST_TEST(output.err.find("s3cret") == std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::cli
