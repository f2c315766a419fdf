#include "support/stack.h"

#include <signal.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/contract_check.h"

namespace mv::test {

std::string controlplane_binary() { return MV_CONTROLPLANE_BINARY; }

RedisServer::RedisServer(std::string appendfsync)
    : port_(reserve_port()), appendfsync_(std::move(appendfsync)) {
  start();
}

RedisServer::RedisServer(ReplicaOf replica_of)
    : port_(reserve_port()), primary_port_(replica_of.primary.port()) {
  start();
}

RedisServer::~RedisServer() { stop(); }

// The `user` lines of config/redis-dev.conf (a primary) or config/redis-edge-replica.conf (a
// replica), each password replaced by the harness's, plus the harness's admin user: every suite
// runs with the ACL rules `make run` and compose use.
std::string RedisServer::acl_rules() const {
  auto conf_name = is_replica() ? "/config/redis-edge-replica.conf" : "/config/redis-dev.conf";
  std::ifstream conf(std::string(MV_SOURCE_DIR) + conf_name);
  auto password_of = [&](const std::string& name) -> std::string {
    if (name == kDaemonUser) return kDaemonPassword;
    if (name == kReplicationUser) return kReplicationPassword;
    if (name == "default") return is_replica() ? kKamailioPassword : kPrimaryDefaultPassword;
    throw std::runtime_error(std::string(conf_name) + ": the harness has no password for " + name);
  };
  std::string line, rules;
  while (std::getline(conf, line)) {
    if (!line.starts_with("user ")) continue;
    std::istringstream words(line);
    std::string word, name, rule_line;
    words >> word >> name;
    rule_line = "user " + name;
    while (words >> word) {
      if (word.starts_with(">")) {
        word = ">" + password_of(name);
      }
      rule_line += " " + word;
    }
    rules += rule_line + "\n";
  }
  if (rules.find("user default ") == std::string::npos ||
      (!is_replica() &&
       rules.find("user " + std::string(kDaemonUser) + " ") == std::string::npos)) {
    throw std::runtime_error(std::string(conf_name) + " lacks the default or the daemon's user");
  }
  return rules + "user " + kAdminUser + " on >" + kAdminPassword + " ~* &* +@all\n";
}

void RedisServer::start() {
  auto acl_path = dir_.path() + "/users.acl";
  std::ofstream(acl_path) << acl_rules();
  std::vector<std::string> argv{
      "redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--dir", dir_.path(),
      "--save",       "",       "--protected-mode",    "no",     "--aclfile", acl_path};
  if (is_replica()) {
    // config/redis-edge-replica.conf's settings, with the harness's ports and passwords.
    argv.insert(argv.end(),
                {"--appendonly", "no", "--replicaof", "127.0.0.1", std::to_string(primary_port_),
                 "--replica-read-only", "yes", "--masteruser", kReplicationUser, "--masterauth",
                 kReplicationPassword});
  } else {
    argv.insert(argv.end(), {"--appendonly", "yes", "--appendfsync", appendfsync_,
                             "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"});
  }
  process_ = ChildProcess(argv, dir_.path() + "/redis.log");
  bool up = wait_until(
      [&] {
        try {
          return cli({"PING"}).starts_with("PONG");
        } catch (const std::exception&) {
          return false;
        }
      },
      std::chrono::seconds(10));
  if (!up) throw std::runtime_error("redis-server did not start on port " + std::to_string(port_));
  if (is_replica() && !wait_until([&] { return replica_link_up(); }, std::chrono::seconds(10))) {
    throw std::runtime_error("redis replica on port " + std::to_string(port_) +
                             " did not sync from port " + std::to_string(primary_port_));
  }
}

bool RedisServer::replica_link_up() const {
  try {
    return cli({"INFO", "replication"}).find("master_link_status:up") != std::string::npos;
  } catch (const std::exception&) {
    return false;
  }
}

void RedisServer::stop() { process_.stop(SIGTERM); }

void RedisServer::kill() { process_.stop(SIGKILL); }

void RedisServer::pause() { ::kill(process_.pid(), SIGSTOP); }

void RedisServer::resume() { ::kill(process_.pid(), SIGCONT); }

store::RedisEndpoint RedisServer::daemon_endpoint(int db) const {
  store::RedisEndpoint endpoint;
  endpoint.port = port_;
  endpoint.db = db;
  endpoint.username = kDaemonUser;
  endpoint.password = kDaemonPassword;
  return endpoint;
}

std::string RedisServer::kamailio_url(int db) const {
  return "redis://default:" + std::string(kKamailioPassword) +
         "@127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
}

std::string RedisServer::cli(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{
      "redis-cli", "-h",       "127.0.0.1", "-p",           std::to_string(port_),
      "--user",    kAdminUser, "--pass",    kAdminPassword, "--no-auth-warning"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_and_capture(argv);
}

ControlPlane::ControlPlane(const RedisServer& redis, const std::string& extra_yaml,
                           const std::string& extra_http_yaml)
    : port_(reserve_port()),
      config_path_(dir_.path() + "/controlplane.yaml"),
      log_path_(dir_.path() + "/controlplane.log") {
  // Suites drive thousands of requests through one key: the per-key limits are lifted unless a
  // suite sets them itself (http_limits does).
  std::string rate_limits;
  if (extra_http_yaml.find("rate_limit:") == std::string::npos) {
    rate_limits =
        "  rate_limit: {per_second: 1000000, burst: 1000000}\n"
        "  admin_rate_limit: {per_second: 1000000, burst: 1000000}\n";
  }
  // Nothing a test starts may send off this machine: the daemon refuses a non-loopback
  // destination (outbound.loopback_only).
  std::ofstream(config_path_) << "http:\n  listen: 127.0.0.1:" << port_ << "\n  threads: 16\n"
                              << rate_limits << extra_http_yaml
                              << "redis:\n  port: " << redis.port()
                              << "\n  username: " << RedisServer::kDaemonUser
                              << "\n  password: " << RedisServer::kDaemonPassword
                              << "\n  pool_size: 16\n  command_timeout_ms: 300\n"
                              << "outbound:\n  loopback_only: true\n"
                              << extra_yaml;
  check_contract_on_port(port_);
  start();
}

void ControlPlane::start() {
  process_ = ChildProcess({controlplane_binary(), "-c", config_path_, "serve"}, log_path_);
  // /healthz is 200, or 404 when it is served on an admin port (started before the main one).
  bool up = wait_until(
      [&] {
        if (!process_.running()) return true;
        auto status = http_request(port_, "GET", "/healthz").status;
        return status == 200 || status == 404;
      },
      std::chrono::seconds(15));
  if (!up || !process_.running()) {
    throw std::runtime_error("controlplane did not start: " + log_text());
  }
}

ControlPlane::~ControlPlane() {
  process_.stop(SIGTERM);
  flush_contract_failures();
}

void ControlPlane::kill() { process_.stop(SIGKILL); }

std::string ControlPlane::log_text() const {
  std::ifstream file(log_path_);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string ControlPlane::run_command(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{controlplane_binary(), "-c", config_path_};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_and_capture(argv);
}

std::string ControlPlane::create_key(const std::string& customer) const {
  auto out = run_command({"keys", "create", "--customer", customer});
  return out.substr(0, out.find('\n'));
}

HttpResult ControlPlane::call(const std::string& method, const std::string& target,
                              const std::string& key, const std::string& body) const {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!key.empty()) headers.emplace_back("Authorization", "Bearer " + key);
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  return http_request(port_, method, target, headers, body);
}

}  // namespace mv::test
