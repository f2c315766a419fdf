#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <fstream>

#include "support/stack.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(keys_cli)

struct CliFixture {
  RedisServer redis;
  ControlPlane daemon{redis};
};

// Verifies keys create prints a working key once and Redis keeps only its SHA-256.
BOOST_FIXTURE_TEST_CASE(create_stores_only_the_hash, CliFixture) {
  auto token = daemon.create_key("cust_cli");
  BOOST_TEST(token.starts_with("mv_live_"));
  BOOST_TEST(token.size() >= 8 + 12 + 1 + 32u);  // at least 128 bits of secret
  BOOST_TEST(daemon.call("GET", "/v1/trunks", token).status == 200);
  auto secret = token.substr(token.rfind('_') + 1);
  auto dump = redis.cli({"EVAL",
                         "local out = {} for _, k in ipairs(redis.call('KEYS', '*')) do "
                         "if redis.call('TYPE', k).ok == 'hash' then "
                         "for _, v in ipairs(redis.call('HGETALL', k)) do table.insert(out, v) end "
                         "end end return table.concat(out, ' ')",
                         "0"});
  BOOST_TEST(dump.find(secret) == std::string::npos);
  BOOST_TEST(dump.find("cust_cli") != std::string::npos);
}

// Verifies keys list shows ids and customers, and a revoked key is refused at once.
BOOST_FIXTURE_TEST_CASE(list_and_revoke, CliFixture) {
  auto token = daemon.create_key("cust_revoke");
  auto key_id = token.substr(8, 12);
  auto listed = daemon.run_command({"keys", "list"});
  BOOST_TEST(listed.find(key_id + "\tcust_revoke\tcustomer") != std::string::npos);
  BOOST_TEST(listed.find(token) == std::string::npos);
  BOOST_TEST(daemon.run_command({"keys", "revoke", key_id}).find("revoked") != std::string::npos);
  auto refused = daemon.call("GET", "/v1/trunks", token);
  BOOST_TEST(refused.status == 401);
  BOOST_TEST(refused.body.find("unauthorized") != std::string::npos);
  BOOST_CHECK_THROW(daemon.run_command({"keys", "revoke", key_id}), std::runtime_error);
}

// Verifies an admin role is recorded and a bad customer id is refused.
BOOST_FIXTURE_TEST_CASE(roles_and_customer_ids, CliFixture) {
  daemon.run_command({"keys", "create", "--customer", "ops", "--role", "admin"});
  BOOST_TEST(daemon.run_command({"keys", "list"}).find("\tops\tadmin") != std::string::npos);
  BOOST_CHECK_THROW(daemon.run_command({"keys", "create", "--customer", "a:b"}),
                    std::runtime_error);
  BOOST_CHECK_THROW(daemon.run_command({"keys", "create", "--customer", "x", "--role", "root"}),
                    std::runtime_error);
}

// Verifies a config with an unknown key or a bad value stops start-up, naming the key.
BOOST_AUTO_TEST_CASE(bad_config_stops_startup) {
  TempDir dir;
  auto path = dir.path() + "/bad.yaml";
  std::ofstream(path) << "http:\n  listen: 127.0.0.1:8080\n  thread: 4\nredis:\n  port: 99999\n";
  auto command = controlplane_binary() + " -c " + path + " serve 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[512];
  while (auto n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = pclose(pipe);
  BOOST_TEST(WEXITSTATUS(status) == 2);
  BOOST_TEST(output.find("http.thread: unknown key") != std::string::npos);
  BOOST_TEST(output.find("redis.port: must be an integer from 1 to 65535") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
