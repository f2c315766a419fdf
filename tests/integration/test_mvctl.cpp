#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <fstream>
#include <map>
#include <sstream>

#include "support/stack.h"

extern char** environ;

namespace mv::test {

BOOST_AUTO_TEST_SUITE(mvctl)

using json = nlohmann::json;

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Runs the built mvctl with `args` and this process's environment less MV_API_URL and
// MV_API_KEY, plus `env`; returns its exit code and output.
CliResult mvctl(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {}) {
  TempDir dir;
  std::string out_path = dir.path() + "/out", err_path = dir.path() + "/err";
  std::vector<std::string> argv_text{MV_MVCTL_BINARY};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<std::string> env_text;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    if (!text.starts_with("MV_API_URL=") && !text.starts_with("MV_API_KEY=")) {
      env_text.emplace_back(text);
    }
  }
  for (const auto& [name, value] : env) env_text.push_back(name + "=" + value);
  std::vector<char*> argv, envp;
  for (auto& arg : argv_text) argv.push_back(arg.data());
  for (auto& entry : env_text) envp.push_back(entry.data());
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int null = open("/dev/null", O_RDONLY);
    dup2(out, 1);
    dup2(err, 2);
    dup2(null, 0);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CliResult result;
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  return result;
}

// One Redis and one daemon for the suite; an admin key and a customer key.
struct Stack {
  RedisServer redis;
  ControlPlane daemon{redis};
  std::string url = "http://127.0.0.1:" + std::to_string(daemon.port());
  std::string customer_key = daemon.create_key("cust_mvctl");
  std::string admin_key = [this] {
    auto out = daemon.run_command({"keys", "create", "--customer", "ops", "--role", "admin"});
    return out.substr(0, out.find('\n'));
  }();

  // mvctl with --url and --key on the command line.
  CliResult run(std::vector<std::string> args, const std::string& key) const {
    args.insert(args.begin(), {"--url", url, "--key", key});
    return mvctl(args);
  }
};

Stack& stack() {
  static Stack instance;
  return instance;
}

// Verifies create, list, get, update and delete through mvctl against the real daemon, in
// table and JSON form, and that 404 afterwards exits 4 with the API's error on stderr.
BOOST_AUTO_TEST_CASE(trunk_lifecycle) {
  const auto& s = stack();
  auto created = s.run({"--json", "trunks", "create", "--name", "cli trunk", "--proxy",
                        "sip.cli.example", "--gateway-name", "cli-gw"},
                       s.customer_key);
  BOOST_TEST_REQUIRE(created.code == 0, created.err);
  std::string id = json::parse(created.out)["id"];
  BOOST_TEST(json::parse(created.out)["customer_id"] == "cust_mvctl");

  auto listed = s.run({"trunks", "list"}, s.customer_key);
  BOOST_TEST(listed.code == 0);
  BOOST_TEST(listed.out.starts_with("ID "));
  BOOST_TEST(listed.out.find(id + "  cli trunk") != std::string::npos);
  auto listed_json =
      s.run({"trunks", "list", "--json", "--gateway-name", "cli-gw"}, s.customer_key);
  BOOST_TEST(json::parse(listed_json.out)["count"] == 1);

  auto got = s.run({"trunks", "get", id}, s.customer_key);
  BOOST_TEST(got.code == 0);
  BOOST_TEST(got.out.find("proxy                sip.cli.example\n") != std::string::npos);
  BOOST_TEST(got.out.find("is_active            yes\n") != std::string::npos);

  auto updated =
      s.run({"trunks", "update", id, "--active", "false", "--inbound-ip", "192.0.2.0/28"},
            s.customer_key);
  BOOST_TEST(updated.code == 0, updated.err);
  BOOST_TEST(updated.out.find("is_active            no\n") != std::string::npos);
  BOOST_TEST(updated.out.find("direction            both\n") != std::string::npos);
  auto cleared = s.run({"--json", "trunks", "update", id, "--clear", "inbound_ip"}, s.customer_key);
  BOOST_TEST(json::parse(cleared.out)["inbound_ip"].is_null());

  auto deleted = s.run({"trunks", "delete", id}, s.customer_key);
  BOOST_TEST(deleted.code == 0);
  BOOST_TEST(deleted.out == "deleted trunk " + id + "\n");
  auto gone = s.run({"trunks", "get", id}, s.customer_key);
  BOOST_TEST(gone.code == 4);
  BOOST_TEST(gone.out.empty());
  BOOST_TEST(gone.err.starts_with("mvctl: not_found: "));
  BOOST_TEST(gone.err.ends_with("(HTTP 404)\n"));
}

// Verifies a conflict (409) exits 1 and a trunk password never appears in any output.
BOOST_AUTO_TEST_CASE(conflict_and_password) {
  const auto& s = stack();
  std::vector<std::string> create{
      "trunks",         "create",
      "--json-body",    R"({"name":"pw","proxy":"sip.pw.example","username":"u1"})",
      "--password",     "Very-S3cret-pw",
      "--gateway-name", "pw-gw"};
  for (bool json_output : {false, true}) {
    auto args = create;
    if (json_output) args.insert(args.begin(), "--json");
    auto result = s.run(args, s.customer_key);
    BOOST_TEST(result.code == (json_output ? 1 : 0), result.err);
    BOOST_TEST(result.out.find("Very-S3cret-pw") == std::string::npos);
    BOOST_TEST(result.err.find("Very-S3cret-pw") == std::string::npos);
    if (json_output) BOOST_TEST(result.err.starts_with("mvctl: gateway_name_exists: "));
  }
  auto listed = s.run({"--json", "trunks", "list"}, s.customer_key);
  BOOST_TEST(listed.out.find("Very-S3cret-pw") == std::string::npos);
}

// Verifies keys create / list / revoke through mvctl with an admin key, and 403 / 404 codes.
BOOST_AUTO_TEST_CASE(keys) {
  const auto& s = stack();
  auto created = s.run({"--json", "keys", "create", "--customer", "cust_cli_key"}, s.admin_key);
  BOOST_TEST_REQUIRE(created.code == 0, created.err);
  auto body = json::parse(created.out);
  std::string token = body["token"], key_id = body["key_id"];
  BOOST_TEST(s.run({"trunks", "list"}, token).code == 0);

  auto table =
      s.run({"keys", "create", "--customer", "cust_cli_key2", "--role", "admin"}, s.admin_key);
  BOOST_TEST(table.code == 0);
  BOOST_TEST(table.out.find("role         admin\n") != std::string::npos);
  BOOST_TEST(table.out.find("token        mv_live_") != std::string::npos);

  auto listed = s.run({"keys", "list"}, s.admin_key);
  BOOST_TEST(listed.code == 0);
  BOOST_TEST(listed.out.find(key_id + "  cust_cli_key ") != std::string::npos);
  BOOST_TEST(listed.out.find(token.substr(21)) == std::string::npos);

  auto revoked = s.run({"keys", "revoke", key_id}, s.admin_key);
  BOOST_TEST(revoked.code == 0);
  BOOST_TEST(revoked.out == "revoked key " + key_id + "\n");
  auto refused = s.run({"trunks", "list"}, token);
  BOOST_TEST(refused.code == 5);
  BOOST_TEST(refused.err.starts_with("mvctl: unauthorized: "));
  auto again = s.run({"keys", "revoke", key_id}, s.admin_key);
  BOOST_TEST(again.code == 4);
  BOOST_TEST(again.err.starts_with("mvctl: key_not_found: "));
  auto forbidden = s.run({"keys", "list"}, s.customer_key);
  BOOST_TEST(forbidden.code == 5);
  BOOST_TEST(forbidden.err.starts_with("mvctl: forbidden: "));
  auto bad_customer = s.run({"keys", "create", "--customer", "a:b"}, s.admin_key);
  BOOST_TEST(bad_customer.code == 1);
  BOOST_TEST(bad_customer.err.starts_with("mvctl: invalid_request: "));
}

// Verifies a wrong key exits 5, an address nobody listens on exits 3 and a usage error exits 2
// (with the help text on --help, exit 0).
BOOST_AUTO_TEST_CASE(exit_codes) {
  const auto& s = stack();
  auto bad_key = s.run({"trunks", "list"}, "mv_live_000000000000_" + std::string(48, '0'));
  BOOST_TEST(bad_key.code == 5);
  BOOST_TEST(bad_key.err.starts_with("mvctl: unauthorized: "));

  std::string nobody = "http://127.0.0.1:" + std::to_string(reserve_port());
  auto unreachable = mvctl({"--url", nobody, "--key", s.customer_key, "trunks", "list"});
  BOOST_TEST(unreachable.code == 3);
  BOOST_TEST(unreachable.err.starts_with("mvctl: cannot reach the API at " + nobody + ": "));
  BOOST_TEST(unreachable.err.find(s.customer_key) == std::string::npos);

  auto usage = s.run({"trunks", "get"}, s.customer_key);
  BOOST_TEST(usage.code == 2);
  BOOST_TEST(!usage.err.empty());
  auto no_key = mvctl({"--url", s.url, "trunks", "list"});
  BOOST_TEST(no_key.code == 2);
  auto help = mvctl({"--help"});
  BOOST_TEST(help.code == 0);
  BOOST_TEST(help.out.find("Exit codes") != std::string::npos);
}

// Verifies MV_API_URL and MV_API_KEY are used without flags, and flags win over them.
BOOST_AUTO_TEST_CASE(environment_fallback) {
  const auto& s = stack();
  auto from_env =
      mvctl({"--json", "trunks", "list"}, {{"MV_API_URL", s.url}, {"MV_API_KEY", s.customer_key}});
  BOOST_TEST(from_env.code == 0, from_env.err);
  BOOST_TEST(json::parse(from_env.out).contains("data"));
  auto flag_key = mvctl({"--key", "mv_live_000000000000_" + std::string(48, '0'), "trunks", "list"},
                        {{"MV_API_URL", s.url}, {"MV_API_KEY", s.customer_key}});
  BOOST_TEST(flag_key.code == 5);
  auto flag_url = mvctl({"--url", s.url, "trunks", "list"},
                        {{"MV_API_URL", "http://127.0.0.1:1"}, {"MV_API_KEY", s.customer_key}});
  BOOST_TEST(flag_url.code == 0, flag_url.err);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
