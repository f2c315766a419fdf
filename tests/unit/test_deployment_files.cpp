#include <boost/test/unit_test.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "config/config.h"

namespace mv::config {

BOOST_AUTO_TEST_SUITE(deployment_files)

std::string source_file(const std::string& path) {
  std::ifstream file(std::string(MV_SOURCE_DIR) + "/" + path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

Config load(const std::string& path) {
  auto loaded = parse_config(source_file(path));
  BOOST_REQUIRE_MESSAGE(loaded.config.has_value(), path + " does not load");
  return *loaded.config;
}

// Verifies the configs shipped for make run and docker-compose load and agree on Redis.
BOOST_AUTO_TEST_CASE(shipped_configs_load_and_agree) {
  auto dev = load("config/dev.yaml");
  auto docker = load("config/docker.yaml");
  BOOST_TEST(dev.redis.port == docker.redis.port);
  BOOST_TEST(dev.http.port == docker.http.port);
  BOOST_TEST(source_file("config/redis-dev.conf").find("port " + std::to_string(dev.redis.port)) !=
             std::string::npos);
}

// Verifies docker-compose.yml parses, has the stack's services and publishes the dev ports.
BOOST_AUTO_TEST_CASE(compose_matches_dev_setup) {
  auto compose = YAML::LoadFile(std::string(MV_SOURCE_DIR) + "/docker-compose.yml");
  auto services = compose["services"];
  BOOST_REQUIRE(services.IsMap());
  auto dev = load("config/dev.yaml");
  auto docker = load("config/docker.yaml");
  BOOST_TEST(services[docker.redis.host].IsMap());
  BOOST_TEST(services["controlplane"]["build"].as<std::string>() == ".");
  auto published = [&](const char* service, int port) {
    for (const auto& mapping : services[service]["ports"]) {
      if (mapping.as<std::string>() ==
          "127.0.0.1:" + std::to_string(port) + ":" + std::to_string(port)) {
        return true;
      }
    }
    return false;
  };
  BOOST_TEST(published("redis", dev.redis.port));
  BOOST_TEST(published("controlplane", dev.http.port));
  BOOST_TEST(services["kamailio"]["build"]["dockerfile"].as<std::string>() ==
             "kamailio-cfg/Dockerfile");
  BOOST_TEST(docker.kamailio.rpc_endpoints.at(0) == "http://kamailio:5071/RPC");
}

// Verifies compose's Kamailio answers JSON-RPC to the control plane and nobody else: its
// MV_RPC_ALLOW is exactly the controlplane container's fixed address.
BOOST_AUTO_TEST_CASE(compose_kamailio_allows_only_the_control_plane_rpc) {
  auto compose = YAML::LoadFile(std::string(MV_SOURCE_DIR) + "/docker-compose.yml");
  auto address =
      compose["services"]["controlplane"]["networks"]["edge"]["ipv4_address"].as<std::string>();
  auto local_cfg = source_file("kamailio-cfg/docker/kamailio-local.cfg");
  BOOST_TEST(local_cfg.find("#!define MV_RPC_ALLOW \"" + address + "/32\"\n") != std::string::npos);
}

// The value of the first `<name> <value...>` line of a Redis config (the rest of the line).
std::string redis_setting(const std::string& conf, const std::string& name) {
  auto at = conf.find("\n" + name + " ");
  if (at == std::string::npos) return "";
  at += name.size() + 2;
  return conf.substr(at, conf.find('\n', at) - at);
}

// The password of `user` in a Redis config's `user <name> on >password ...` line.
std::string user_password(const std::string& conf, const std::string& user) {
  auto marker = "\nuser " + user + " on >";
  auto at = conf.find(marker);
  if (at == std::string::npos) return "";
  at += marker.size();
  return conf.substr(at, conf.find(' ', at) - at);
}

// Verifies the shipped configs use Redis's ACL users: dev and docker daemons log in as a user the
// primary's config defines with their password; both Kamailio configs carry the replica's
// `default` password (db_redis's one-argument AUTH), which the primary's `default` does not have;
// and both servers bind 127.0.0.1.
BOOST_AUTO_TEST_CASE(shipped_configs_use_redis_acl_users) {
  auto redis_conf = source_file("config/redis-dev.conf");
  auto replica_conf = source_file("config/redis-edge-replica.conf");
  for (const char* path : {"config/dev.yaml", "config/docker.yaml"}) {
    BOOST_TEST_CONTEXT(path) {
      auto config = load(path);
      BOOST_TEST(!config.redis.username.empty());
      BOOST_TEST(redis_conf.find("\nuser " + config.redis.username + " on >" +
                                 config.redis.password + " ") != std::string::npos);
    }
  }
  auto kamailio_password = user_password(replica_conf, "default");
  BOOST_TEST_REQUIRE(!kamailio_password.empty());
  BOOST_TEST(user_password(redis_conf, "default") != kamailio_password);
  BOOST_TEST(source_file("kamailio-cfg/kamailio-local.cfg")
                 .find("\"redis://default:" + kamailio_password + "@127.0.0.1:" +
                       redis_setting(replica_conf, "port") + "/1\"") != std::string::npos);
  BOOST_TEST(source_file("kamailio-cfg/docker/kamailio-local.cfg")
                 .find("\"redis://default:" + kamailio_password + "@redis-replica:" +
                       redis_setting(replica_conf, "port") + "/1\"") != std::string::npos);
  BOOST_TEST(redis_conf.find("\nbind 127.0.0.1\n") != std::string::npos);
  BOOST_TEST(replica_conf.find("\nbind 127.0.0.1\n") != std::string::npos);
}

// Verifies the edge's replica follows the primary of make run and compose: replicaof its address
// and port, as the primary's replication user with its password, read-only, Kamailio's `default`
// read-only on Kamailio's tables; compose runs it (unpublished) from that file and starts
// Kamailio after it; the daemons of both wait for their one replica before reloading.
BOOST_AUTO_TEST_CASE(edge_replica_follows_the_primary) {
  auto redis_conf = source_file("config/redis-dev.conf");
  auto replica_conf = source_file("config/redis-edge-replica.conf");
  auto primary_port = redis_setting(redis_conf, "port");
  BOOST_TEST(redis_setting(replica_conf, "replicaof") == "127.0.0.1 " + primary_port);
  BOOST_TEST(redis_setting(replica_conf, "replica-read-only") == "yes");
  BOOST_TEST(redis_setting(replica_conf, "port") != primary_port);
  auto replication_user = redis_setting(replica_conf, "masteruser");
  BOOST_TEST(!replication_user.empty());
  BOOST_TEST(user_password(redis_conf, replication_user) ==
             redis_setting(replica_conf, "masterauth"));
  BOOST_TEST(redis_setting(replica_conf, "user").find(" -@all +@read ") != std::string::npos);
  BOOST_TEST(redis_setting(replica_conf, "user").find("~*") == std::string::npos);

  auto compose = YAML::LoadFile(std::string(MV_SOURCE_DIR) + "/docker-compose.yml");
  auto services = compose["services"];
  auto replica = services["redis-replica"];
  BOOST_REQUIRE(replica.IsMap());
  BOOST_TEST(!replica["ports"].IsDefined());
  auto command = replica["command"].as<std::vector<std::string>>();
  auto replicaof = std::find(command.begin(), command.end(), "--replicaof");
  BOOST_REQUIRE(std::distance(replicaof, command.end()) >= 3);
  BOOST_TEST(*(replicaof + 1) == load("config/docker.yaml").redis.host);
  BOOST_TEST(*(replicaof + 2) == primary_port);
  BOOST_TEST(replica["volumes"][0].as<std::string>() ==
             "./config/redis-edge-replica.conf:/etc/redis/redis.conf:ro");
  BOOST_TEST(replica["networks"][0].as<std::string>() == "edge");
  BOOST_TEST(services["kamailio"]["depends_on"][0].as<std::string>() == "redis-replica");
  // One Kamailio, one replica: the daemon waits for it before each reload.
  BOOST_TEST(load("config/dev.yaml").kamailio.edge_replicas == 1);
  BOOST_TEST(load("config/docker.yaml").kamailio.edge_replicas == 1);
}

// Verifies kamcmd's control socket is a unix socket (never a TCP or UDP one any local user could
// reach) in every shipped Kamailio config, with mode 0600 in kamailio.cfg.
BOOST_AUTO_TEST_CASE(kamcmd_socket_is_unix_only) {
  for (const char* path : {"kamailio-cfg/kamailio.cfg", "kamailio-cfg/kamailio-local.cfg",
                           "kamailio-cfg/docker/kamailio-local.cfg", "scripts/dev-run.sh"}) {
    auto text = source_file(path);
    BOOST_TEST(text.find("MV_CTL_SOCKET \"tcp:") == std::string::npos, path);
    BOOST_TEST(text.find("MV_CTL_SOCKET \"udp:") == std::string::npos, path);
    BOOST_TEST(text.find("MV_CTL_SOCKET=\\\"tcp:") == std::string::npos, path);
  }
  BOOST_TEST(source_file("scripts/dev-run.sh").find("MV_CTL_SOCKET=\\\"unix:") !=
             std::string::npos);
  BOOST_TEST(source_file("kamailio-cfg/kamailio.cfg").find("modparam(\"ctl\", \"mode\", 0600)") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::config
