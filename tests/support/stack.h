#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/redis_client.h"
#include "support/http_client.h"
#include "support/process.h"

namespace mv::test {

// A real redis-server on a free loopback port, with its own directory. AOF with fsync always by
// default, so a stop/start in a test keeps what it acknowledged; `appendfsync` "everysec" is the
// production setting (config/redis-dev.conf). ACL users as config/redis-dev.conf has them (with
// the passwords below): `default` has the administrator's secret, the daemon's user may do all
// but admin and dangerous commands, the replication user only follows; and an admin user of the
// harness (for cli()) may do anything. Kamailio never reads this server: it reads a replica
// (ReplicaOf below, as config/redis-edge-replica.conf has it), whose `default` is Kamailio's,
// read-only.
class RedisServer {
 public:
  static constexpr const char* kKamailioPassword = "test-kamailio-Secret";
  static constexpr const char* kPrimaryDefaultPassword = "test-primary-default-Secret";
  static constexpr const char* kDaemonUser = "mv-daemon";
  static constexpr const char* kDaemonPassword = "test-daemon-Secret";
  static constexpr const char* kReplicationUser = "mv-replication";
  static constexpr const char* kReplicationPassword = "test-replication-Secret";
  static constexpr const char* kAdminUser = "mv-admin";
  static constexpr const char* kAdminPassword = "test-admin-Secret";

  // Asks for a replica of `primary` (no persistence, read-only, its own port).
  struct ReplicaOf {
    const RedisServer& primary;
  };

  explicit RedisServer(std::string appendfsync = "always");
  // Returns once the replica's link to the primary is up (it has the primary's data).
  explicit RedisServer(ReplicaOf replica_of);
  ~RedisServer();
  int port() const { return port_; }
  // Where the daemon's user reaches database `db`, as a daemon config would say.
  store::RedisEndpoint daemon_endpoint(int db = 0) const;
  // The db_redis URL Kamailio reads database `db` with (the `default` user's password; only a
  // replica's `default` has it).
  std::string kamailio_url(int db) const;
  bool is_replica() const { return primary_port_ != 0; }
  // INFO replication's master_link_status is "up" (a replica that follows its primary).
  bool replica_link_up() const;
  void stop();
  // SIGKILL, as a crash would: no shutdown, no final AOF write.
  void kill();
  // SIGSTOP / SIGCONT: the process keeps its sockets open and stops answering.
  void pause();
  void resume();
  void start();
  // A redis-cli one-liner against this server as the harness's admin user, e.g. cli({"DBSIZE"}).
  std::string cli(const std::vector<std::string>& args) const;

 private:
  std::string acl_rules() const;

  TempDir dir_;
  int port_;
  std::string appendfsync_;
  int primary_port_ = 0;  // 0: this is a primary
  ChildProcess process_;
};

// The real controlplane binary (built by CMake) serving against `redis`, with
// outbound.loopback_only on. `extra_yaml` is added at the top level of its config,
// `extra_http_yaml` under `http:` (e.g. "  admin_port: 9100\n"). The per-key rate limits are lifted
// unless `extra_http_yaml` sets one.
class ControlPlane {
 public:
  explicit ControlPlane(const RedisServer& redis, const std::string& extra_yaml = "",
                        const std::string& extra_http_yaml = "");
  ~ControlPlane();

  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }
  // SIGKILL, as a crash would: nothing gets to clean up.
  void kill();
  // Starts the daemon again with the same config, port and log file (after kill()).
  void start();
  const std::string& config_path() const { return config_path_; }
  const std::string& log_path() const { return log_path_; }
  std::string log_text() const;

  // Runs `controlplane -c <config> <args...>` to completion; returns its standard output.
  std::string run_command(const std::vector<std::string>& args) const;
  // A fresh API key for `customer` (the token, as printed once by `keys create`).
  std::string create_key(const std::string& customer) const;

  HttpResult call(const std::string& method, const std::string& target, const std::string& key,
                  const std::string& body = {}) const;

 private:
  TempDir dir_;
  int port_;
  std::string config_path_;
  std::string log_path_;
  ChildProcess process_;
};

std::string controlplane_binary();

}  // namespace mv::test
