#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "store/redis_client.h"
#include "store/store_unavailable.h"
#include "support/sip_edge.h"
#include "support/stack.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(least_privilege)

// Kamailio's credentials as db_redis sends them: "AUTH <password>", no username.
store::RedisEndpoint kamailio_endpoint(const RedisServer& redis, int db) {
  auto endpoint = redis.daemon_endpoint(db);
  endpoint.username.clear();
  endpoint.password = RedisServer::kKamailioPassword;
  return endpoint;
}

// The error Redis answered `command` with, or "" when it was carried out.
std::string refusal(store::RedisPool& pool, const store::RedisCommand& command) {
  try {
    pool.command(command);
    return "";
  } catch (const store::StoreUnavailable& e) {
    return e.what();
  }
}

// Verifies Redis's users: Kamailio's (`default`, the one "AUTH <password>" names) reads its
// tables and lists keys as db_redis does, but gets no admin or dangerous command (CONFIG, ACL,
// FLUSHALL, FLUSHDB, SLOWLOG); the daemon's user writes, gets none of those either, nor KEYS; a
// connection without a password can do nothing.
BOOST_AUTO_TEST_CASE(users_get_only_what_they_need) {
  RedisServer redis;
  store::RedisPool daemon(redis.daemon_endpoint(1), 1);
  BOOST_TEST(daemon.command({"HSET", "htable:entry::1", "key_name", "c:x"}).integer == 1);
  BOOST_TEST(
      daemon
          .command({"EVAL", "return redis.call('HSET', KEYS[1], 'x', '1')", "1", "htable:entry::1"})
          .integer == 1);

  store::RedisPool kamailio(kamailio_endpoint(redis, 1), 1);
  BOOST_TEST(kamailio.command({"HGETALL", "htable:entry::1"}).elements.size() == 4u);
  BOOST_TEST(kamailio.command({"KEYS", "htable:entry::*"}).elements.size() == 1u);
  BOOST_TEST(kamailio.command({"SCRIPT", "LOAD", "return 1"}).text.size() == 40u);
  for (auto* pool : {&kamailio, &daemon}) {
    for (const auto& command :
         std::vector<store::RedisCommand>{{"CONFIG", "SET", "appendonly", "no"},
                                          {"ACL", "SETUSER", "default", "nopass"},
                                          {"FLUSHALL"},
                                          {"FLUSHDB"},
                                          {"SLOWLOG", "RESET"}}) {
      auto refused = refusal(*pool, command);
      BOOST_TEST(refused.find("NOPERM") != std::string::npos, command[0] << ": " << refused);
    }
  }
  BOOST_TEST(refusal(daemon, {"KEYS", "*"}).find("NOPERM") != std::string::npos);

  auto anonymous = redis.daemon_endpoint(0);
  anonymous.username.clear();
  anonymous.password.clear();
  store::RedisPool nobody(anonymous, 1);
  BOOST_TEST(refusal(nobody, {"GET", "mv:trunk:probe"}).find("NOAUTH") != std::string::npos);
}

// Verifies the daemon's script writes (MULTI/EXEC blocks in the AOF) survive a Redis restart
// under these ACL rules. Redis 7.0.15 replays those blocks as `default` and re-checks its
// permissions: with a read-only `default` (Kamailio's user) every one of them was dropped.
BOOST_AUTO_TEST_CASE(script_writes_survive_a_restart_with_these_users) {
  RedisServer redis;
  {
    store::RedisPool daemon(redis.daemon_endpoint(0), 1);
    daemon.command({"EVAL",
                    "redis.call('SET', KEYS[1], '1'); redis.call('SELECT', '1'); "
                    "redis.call('HSET', KEYS[2], 'key_name', 'c:x'); return 1",
                    "2", "mv:probe", "htable:entry::1"});
  }
  redis.stop();
  redis.start();
  store::RedisPool daemon(redis.daemon_endpoint(0), 1);
  BOOST_TEST(daemon.command({"GET", "mv:probe"}).text == "1");
  store::RedisPool kamailio(kamailio_endpoint(redis, 1), 1);
  BOOST_TEST(kamailio.command({"HGET", "htable:entry::1", "key_name"}).text == "c:x");
}

// Verifies Kamailio loads its tables as Redis's `default` user (from its password alone): it
// starts (it would not without its tables), and every Redis connection it holds is `default`'s.
BOOST_AUTO_TEST_CASE(kamailio_connects_as_the_default_user) {
  RedisServer redis;
  KamailioEdge kamailio(redis);
  BOOST_TEST(kamailio.rpc("htable.reload", nlohmann::json::array({"mv"})).dump().find("error") ==
             std::string::npos);
  std::istringstream clients(redis.cli({"CLIENT", "LIST"}));
  std::string line;
  int kamailio_connections = 0;
  while (std::getline(clients, line)) {
    if (line.find("cmd=client|list") != std::string::npos) continue;  // this cli itself
    ++kamailio_connections;
    BOOST_TEST(line.find(" user=default ") != std::string::npos, line);
  }
  BOOST_TEST(kamailio_connections > 0);
}

// Verifies kamcmd's control socket is a unix socket only the user Kamailio runs as may use
// (mode 0600, owned by that user).
BOOST_AUTO_TEST_CASE(kamcmd_socket_is_private) {
  RedisServer redis;
  KamailioEdge kamailio(redis);
  struct stat socket_stat {};
  BOOST_TEST_REQUIRE(::stat(kamailio.ctl_socket_path().c_str(), &socket_stat) == 0);
  BOOST_TEST(S_ISSOCK(socket_stat.st_mode));
  BOOST_TEST((socket_stat.st_mode & 07777) == 0600u);
  BOOST_TEST(socket_stat.st_uid == ::geteuid());
  auto uptime = run_and_capture({"kamcmd", "-s", kamailio.ctl_socket_path(), "core.uptime"});
  BOOST_TEST(uptime.find("uptime") != std::string::npos, uptime);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
