#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/process.h"
#include "support/stack.h"

namespace mv::test {

// The marker kamailio-cfg/loopback-guard.cfg logs for every message it refuses to send.
inline constexpr std::string_view kLoopbackGuardMarker = "MV-LOOPBACK-GUARD";

// The lines of a Kamailio log that carry kLoopbackGuardMarker.
std::vector<std::string> loopback_guard_lines(const std::string& log_text);

// A real Kamailio running kamailio-cfg/kamailio.cfg with a generated kamailio-local.cfg: free
// loopback ports, its tables in database 1 of `redis`, read (as in production) from a replica of
// `redis` the edge starts for itself and that follows `redis` across its restarts. Dispatcher
// probes every `ping_interval_s`: long by default, so a test's idle sipp-less moments do not take
// the application server out of rotation. The loopback guard is on: whatever the edge refused to
// send off this machine fails the test that owns the edge when the edge is destroyed.
class KamailioEdge {
 public:
  explicit KamailioEdge(const RedisServer& redis, int ping_interval_s = 3600);
  // Stops Kamailio and reports a BOOST_ERROR for every guard line not acknowledged.
  ~KamailioEdge();

  int sip_port() const { return sip_port_; }
  int rpc_port() const { return rpc_port_; }
  // Stops the process (waiting for it to be gone, so no old instance keeps the port) and starts
  // a new one with the same config.
  void restart();
  void stop();
  // SIGKILL to Kamailio and every worker it forked, as a crash of the node would; returns once
  // its SIP and RPC ports are free again.
  void kill();
  void start();
  std::string rpc_url() const { return "http://127.0.0.1:" + std::to_string(rpc_port_) + "/RPC"; }
  // A JSON-RPC call; returns "result" (or the whole reply when there is none).
  nlohmann::json rpc(const std::string& method,
                     const nlohmann::json& params = nlohmann::json::array()) const;
  // kamcmd's control socket (ctl's binrpc, a unix socket in the edge's directory).
  std::string ctl_socket_path() const { return dir_.path() + "/kamailio_ctl"; }
  std::string log_text() const;
  // The Redis replica this edge reads its tables from.
  const RedisServer& replica() const { return replica_; }

  // The harness's check: empty when the loopback guard refused nothing since the last
  // acknowledgement (over restarts too), else a failure message quoting the guard's lines.
  std::string loopback_guard_failure() const;
  // For a test that provokes the guard on purpose: returns the guard's lines so far and counts
  // them as expected, so loopback_guard_failure() is empty again.
  std::vector<std::string> acknowledge_loopback_guard();

 private:
  RedisServer replica_;
  TempDir dir_;
  int sip_port_;
  int rpc_port_;
  ChildProcess process_;
  std::size_t acknowledged_guard_lines_ = 0;
};

// sipp playing one side of a call with a scenario from tests/sip/. Every instance gets its own
// control port; the exit code says whether the scenario held.
class Sipp {
 public:
  // A UAS listening on 127.0.0.1:port for `calls` runs of the scenario (a carrier answering
  // every OPTIONS probe needs many). `replacements` fill __NAME__ placeholders.
  static Sipp uas(const std::string& scenario, int port,
                  const std::vector<std::pair<std::string, std::string>>& replacements = {},
                  int calls = 1);
  // A UAC sending one call from local_ip to the edge; `extra_args` go to sipp as they are
  // (e.g. {"-t", "t1"} for TCP).
  static Sipp uac(const std::string& scenario, const std::string& local_ip, int edge_port,
                  const std::vector<std::pair<std::string, std::string>>& replacements = {},
                  const std::vector<std::string>& extra_args = {});

  // The same for `calls` calls, `calls_per_second` new ones each second: exit code 0 when every
  // call passed.
  static Sipp uac_loop(const std::string& scenario, const std::string& local_ip, int edge_port,
                       int calls, int calls_per_second,
                       const std::vector<std::pair<std::string, std::string>>& replacements = {},
                       const std::vector<std::string>& extra_args = {});

  // Exit code: 0 when the scenario passed.
  int finish(std::chrono::milliseconds limit = std::chrono::seconds(20));
  std::string log_text() const;

 private:
  Sipp() = default;
  std::unique_ptr<TempDir> dir_;
  ChildProcess process_;
};

}  // namespace mv::test
