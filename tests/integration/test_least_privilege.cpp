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

// Verifies Kamailio's Redis user (`default`, the one "AUTH <password>" names) reads its tables but
// cannot write them (SET, HSET, DEL refused with NOPERM), run a script, flush, or read the daemon's
// keys; a connection without a password can do nothing; the daemon's user writes, but gets no
// admin or dangerous command either.
BOOST_AUTO_TEST_CASE(kamailio_user_reads_only_daemon_user_writes) {
  RedisServer redis;
  store::RedisPool daemon(redis.daemon_endpoint(1), 1);
  store::RedisPool daemon_db0(redis.daemon_endpoint(0), 1);
  BOOST_TEST(daemon.command({"HSET", "htable:entry::1", "key_name", "c:x"}).integer == 1);
  BOOST_TEST(daemon.command({"SET", "address:written", "1"}).text == "OK");
  BOOST_TEST(daemon_db0.command({"SET", "mv:trunk:probe", "secret"}).text == "OK");
  BOOST_TEST(
      daemon
          .command({"EVAL", "return redis.call('HSET', KEYS[1], 'x', '1')", "1", "htable:entry::1"})
          .integer == 1);

  store::RedisPool kamailio(kamailio_endpoint(redis, 1), 1);
  BOOST_TEST(kamailio.command({"HGETALL", "htable:entry::1"}).elements.size() == 4u);
  BOOST_TEST(kamailio.command({"KEYS", "htable:entry::*"}).elements.size() == 1u);
  BOOST_TEST(kamailio.command({"PING"}).text == "PONG");
  BOOST_TEST(kamailio.command({"SCRIPT", "LOAD", "return 1"}).text.size() == 40u);
  for (const auto& write :
       std::vector<store::RedisCommand>{{"SET", "htable:entry::2", "x"},
                                        {"HSET", "htable:entry::1", "key_value", "x"},
                                        {"DEL", "htable:entry::1"},
                                        {"EVAL", "return 1", "0"},
                                        {"FLUSHDB"}}) {
    auto refused = refusal(kamailio, write);
    BOOST_TEST(refused.find("NOPERM") != std::string::npos, write[0] << ": " << refused);
  }
  store::RedisPool kamailio_db0(kamailio_endpoint(redis, 0), 1);
  BOOST_TEST(refusal(kamailio_db0, {"GET", "mv:trunk:probe"}).find("NOPERM") != std::string::npos);

  auto anonymous = redis.daemon_endpoint(0);
  anonymous.username.clear();
  anonymous.password.clear();
  store::RedisPool nobody(anonymous, 1);
  BOOST_TEST(refusal(nobody, {"GET", "mv:trunk:probe"}).find("NOAUTH") != std::string::npos);

  BOOST_TEST(refusal(daemon, {"FLUSHALL"}).find("NOPERM") != std::string::npos);
  BOOST_TEST(refusal(daemon, {"CONFIG", "SET", "appendonly", "no"}).find("NOPERM") !=
             std::string::npos);
  BOOST_TEST(daemon.command({"HGET", "htable:entry::1", "key_name"}).text == "c:x");
}

// Verifies Kamailio loads its tables as the read-only `default` user: it starts (it would not
// without its tables), and every Redis connection it holds is authenticated as `default`.
BOOST_AUTO_TEST_CASE(kamailio_connects_as_the_read_only_user) {
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
