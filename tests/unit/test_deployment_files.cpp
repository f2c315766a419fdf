#include <boost/test/unit_test.hpp>

#include <yaml-cpp/yaml.h>

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

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::config
