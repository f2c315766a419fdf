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

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Verifies Redis's users: Kamailio's (`default` on the edge's replica, the one "AUTH <password>"
// names) reads its tables and lists keys as db_redis does, but writes nothing (SET, HSET, DEL, a
// script's write), reads no key outside its tables and gets no admin command; its password is
// refused on the primary (WRONGPASS); the daemon's user writes the primary but gets no admin or
// dangerous command, nor KEYS; the replication user only follows; a connection without a password
// can do nothing on either server.
BOOST_AUTO_TEST_CASE(users_get_only_what_they_need) {
  RedisServer redis;
  RedisServer replica(RedisServer::ReplicaOf{redis});
  auto daemon_endpoint = redis.daemon_endpoint(1);
  // WAIT below blocks until the replica acknowledges: longer than 500 ms on a busy machine.
  daemon_endpoint.command_timeout = std::chrono::seconds(10);
  store::RedisPool daemon(daemon_endpoint, 1);
  BOOST_TEST(daemon.command({"HSET", "htable:entry::1", "key_name", "c:x"}).integer == 1);
  BOOST_TEST(
      daemon
          .command({"EVAL", "return redis.call('HSET', KEYS[1], 'x', '1')", "1", "htable:entry::1"})
          .integer == 1);
  BOOST_TEST(daemon.command({"SET", "mv:probe", "1"}).text == "OK");
  // The pool has one connection: WAIT covers its writes above.
  BOOST_TEST_REQUIRE(daemon.command({"WAIT", "1", "5000"}).integer == 1);

  store::RedisPool kamailio(kamailio_endpoint(replica, 1), 1);
  BOOST_TEST(kamailio.command({"HGETALL", "htable:entry::1"}).elements.size() == 4u);
  BOOST_TEST(kamailio.command({"KEYS", "htable:entry::*"}).elements.size() == 1u);
  BOOST_TEST(kamailio.command({"SCRIPT", "LOAD", "return 1"}).text.size() == 40u);
  for (const auto& command : std::vector<store::RedisCommand>{
           {"SET", "htable:entry::2", "x"},
           {"HSET", "htable:entry::1", "key_name", "c:y"},
           {"DEL", "htable:entry::1"},
           {"EVAL", "return redis.call('DEL', KEYS[1])", "1", "htable:entry::1"},
           {"GET", "mv:probe"}}) {
    auto refused = refusal(kamailio, command);
    BOOST_TEST((contains(refused, "NOPERM") || contains(refused, "READONLY")),
               command[0] << ": " << refused);
  }
  BOOST_TEST(kamailio.command({"HGET", "htable:entry::1", "key_name"}).text == "c:x");

  store::RedisPool kamailio_on_primary(kamailio_endpoint(redis, 1), 1);
  auto wrong_password = refusal(kamailio_on_primary, {"SET", "htable:entry::2", "x"});
  BOOST_TEST(contains(wrong_password, "WRONGPASS"), wrong_password);
  BOOST_TEST(daemon.command({"EXISTS", "htable:entry::2"}).integer == 0);

  for (auto* pool : {&kamailio, &daemon}) {
    for (const auto& command :
         std::vector<store::RedisCommand>{{"CONFIG", "SET", "appendonly", "no"},
                                          {"ACL", "SETUSER", "default", "nopass"},
                                          {"FLUSHALL"},
                                          {"FLUSHDB"},
                                          {"SLOWLOG", "RESET"}}) {
      auto refused = refusal(*pool, command);
      BOOST_TEST(contains(refused, "NOPERM"), command[0] << ": " << refused);
    }
  }
  BOOST_TEST(contains(refusal(daemon, {"KEYS", "*"}), "NOPERM"));

  auto replication = redis.daemon_endpoint(1);
  replication.username = RedisServer::kReplicationUser;
  replication.password = RedisServer::kReplicationPassword;
  store::RedisPool follower(replication, 1);
  BOOST_TEST(contains(refusal(follower, {"HGETALL", "htable:entry::1"}), "NOPERM"));
  BOOST_TEST(contains(refusal(follower, {"SET", "htable:entry::2", "x"}), "NOPERM"));

  for (const auto* server : {&redis, &replica}) {
    auto anonymous = server->daemon_endpoint(0);
    anonymous.username.clear();
    anonymous.password.clear();
    store::RedisPool nobody(anonymous, 1);
    BOOST_TEST(contains(refusal(nobody, {"GET", "mv:trunk:probe"}), "NOAUTH"));
  }
}

// Verifies the daemon's script writes (MULTI/EXEC blocks in the AOF) survive a Redis restart
// under these ACL rules, and reach Kamailio's replica again. Redis 7.0.15 replays those blocks
// as `default` and re-checks its permissions: with a read-only `default` on the primary every one
// of them was dropped.
BOOST_AUTO_TEST_CASE(script_writes_survive_a_restart_with_these_users) {
  RedisServer redis;
  RedisServer replica(RedisServer::ReplicaOf{redis});
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
  store::RedisPool kamailio(kamailio_endpoint(replica, 1), 1);
  BOOST_TEST(wait_until(
      [&] {
        try {
          return replica.replica_link_up() &&
                 kamailio.command({"HGET", "htable:entry::1", "key_name"}).text == "c:x";
        } catch (const store::StoreUnavailable&) {
          return false;
        }
      },
      std::chrono::seconds(10)));
}

// The users of `redis`'s connections, but the cli's asking for them.
std::vector<std::string> connection_users(const RedisServer& redis) {
  std::istringstream clients(redis.cli({"CLIENT", "LIST"}));
  std::vector<std::string> users;
  for (std::string line; std::getline(clients, line);) {
    if (contains(line, "cmd=client|list")) continue;  // this cli itself
    auto at = line.find(" user=");
    if (at == std::string::npos) continue;
    users.push_back(line.substr(at + 6, line.find(' ', at + 6) - at - 6));
  }
  return users;
}

// Verifies Kamailio loads its tables from its replica as Redis's `default` user (from its password
// alone) and reloads them there: every Redis connection it holds is on the replica, as `default`;
// the primary has none of Kamailio's, only the replica's link (the replication user).
BOOST_AUTO_TEST_CASE(kamailio_reads_only_its_replica_as_the_default_user) {
  RedisServer redis;
  KamailioEdge kamailio(redis);
  BOOST_TEST(kamailio.rpc("htable.reload", nlohmann::json::array({"mv"})).dump().find("error") ==
             std::string::npos);
  std::istringstream replica_clients(kamailio.replica().cli({"CLIENT", "LIST"}));
  int kamailio_connections = 0;
  for (std::string line; std::getline(replica_clients, line);) {
    // This cli itself, and the link from the primary (flags=M).
    if (contains(line, "cmd=client|list") || contains(line, " flags=M ")) continue;
    ++kamailio_connections;
    BOOST_TEST(contains(line, " user=default "), line);
  }
  BOOST_TEST(kamailio_connections > 0);
  for (const auto& user : connection_users(redis)) {
    BOOST_TEST(user == RedisServer::kReplicationUser);
  }
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
