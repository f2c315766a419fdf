#include "support/sip_edge.h"

#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace mv::test {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The scenario from tests/sip/ with its __NAME__ placeholders filled in, written into `dir`.
std::string prepare_scenario(const std::string& scenario, const TempDir& dir,
                             const std::vector<std::pair<std::string, std::string>>& replacements) {
  auto text = read_file(std::string(MV_SOURCE_DIR) + "/tests/sip/" + scenario);
  for (const auto& [name, value] : replacements) {
    for (auto at = text.find(name); at != std::string::npos; at = text.find(name, at)) {
      text.replace(at, name.size(), value);
      at += value.size();
    }
  }
  auto path = dir.path() + "/" + scenario;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

std::vector<std::string> loopback_guard_lines(const std::string& log_text) {
  std::vector<std::string> lines;
  std::istringstream text(log_text);
  for (std::string line; std::getline(text, line);) {
    if (line.find(kLoopbackGuardMarker) != std::string::npos) lines.push_back(line);
  }
  return lines;
}

KamailioEdge::KamailioEdge(const RedisServer& redis, int ping_interval_s)
    : replica_(RedisServer::ReplicaOf{redis}),
      sip_port_(reserve_port()),
      rpc_port_(reserve_port()) {
  for (const auto* file : {"kamailio.cfg", "loopback-guard.cfg"}) {
    std::filesystem::copy_file(std::string(MV_SOURCE_DIR) + "/kamailio-cfg/" + file,
                               dir_.path() + "/" + file);
  }
  std::ofstream(dir_.path() + "/kamailio-local.cfg")
      << "#!define MV_SIP_LISTEN_UDP udp:127.0.0.1:" << sip_port_ << "\n"
      << "#!define MV_SIP_LISTEN_TCP tcp:127.0.0.1:" << sip_port_ << "\n"
      << "#!define MV_RPC_LISTEN tcp:127.0.0.1:" << rpc_port_ << "\n"
      << "#!define MV_CTL_SOCKET \"unix:" << ctl_socket_path() << "\"\n"
      << "#!define MV_REDIS_URL \"" << replica_.kamailio_url(1) << "\"\n"
      << "#!define MV_DS_PING_INTERVAL " << ping_interval_s
      << "\n"
      // A trunk destination's probe state outlives the two probes that take it out.
      << "#!substdef \"!MV_PROBE_STATE_EXPIRE!" << 3 * ping_interval_s + 2 << "!g\"\n"
      << "#!define MV_REG_CONTACT \"127.0.0.1:" << sip_port_ << "\"\n"
      << "#!define MV_REG_TIMER_INTERVAL 1\n"
      // uac sends again once a failure's retry time is within timer interval + 3 s, and gives
      // an unanswered REGISTER up after the retry interval: at 3 s a failure lasted under a
      // second (less under load than the poller's interval), and the next REGISTER went out
      // before tm's 5 s timeout ended the last one. At 8 s a failure is seen for 4 s.
      << "#!define MV_REG_RETRY_INTERVAL 8\n"
      << "#!define MV_CHILDREN 2\n"
      << "#!define MV_LOOPBACK_GUARD\n";
  start();
}

void KamailioEdge::restart() {
  stop();
  start();
}

void KamailioEdge::stop() { process_.stop(SIGTERM); }

void KamailioEdge::kill() {
  process_.kill_group(SIGKILL);
  bool gone = wait_until([&] { return !udp_port_bound(sip_port_); }, std::chrono::seconds(10));
  if (!gone) throw std::runtime_error("killed kamailio still holds its ports");
}

void KamailioEdge::start() {
  process_ = ChildProcess({"kamailio", "-f", dir_.path() + "/kamailio.cfg", "-Y", dir_.path(),
                           "-DD", "-E", "-M", "16", "-m", "64"},
                          dir_.path() + "/kamailio.log", true);
  bool up = wait_until(
      [&] {
        try {
          return rpc("core.uptime").contains("uptime");
        } catch (const std::exception&) {
          return false;
        }
      },
      std::chrono::seconds(15));
  if (!up) throw std::runtime_error("kamailio did not start: " + log_text());
}

KamailioEdge::~KamailioEdge() {
  process_.stop(SIGTERM);
  if (auto failure = loopback_guard_failure(); !failure.empty()) BOOST_ERROR(failure);
}

nlohmann::json KamailioEdge::rpc(const std::string& method, const nlohmann::json& params) const {
  nlohmann::json request{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}};
  if (!params.empty()) request["params"] = params;
  auto reply = http_request(rpc_port_, "POST", "/RPC", {{"Content-Type", "application/json"}},
                            request.dump());
  auto json = nlohmann::json::parse(reply.body);
  return json.contains("result") ? json["result"] : json;
}

std::string KamailioEdge::log_text() const { return read_file(dir_.path() + "/kamailio.log"); }

std::string KamailioEdge::loopback_guard_failure() const {
  auto lines = loopback_guard_lines(log_text());
  if (lines.size() <= acknowledged_guard_lines_) return {};
  std::string failure = "kamailio's loopback guard refused to send off this machine:";
  for (auto line = lines.begin() + acknowledged_guard_lines_; line != lines.end(); ++line) {
    failure += "\n  " + *line;
  }
  return failure;
}

std::vector<std::string> KamailioEdge::acknowledge_loopback_guard() {
  auto lines = loopback_guard_lines(log_text());
  acknowledged_guard_lines_ = lines.size();
  return lines;
}

Sipp Sipp::uas(const std::string& scenario, int port,
               const std::vector<std::pair<std::string, std::string>>& replacements, int calls) {
  Sipp sipp;
  sipp.dir_ = std::make_unique<TempDir>();
  auto path = prepare_scenario(scenario, *sipp.dir_, replacements);
  sipp.process_ =
      ChildProcess({"sipp", "-sf", path, "-i", "127.0.0.1", "-p", std::to_string(port), "-m",
                    std::to_string(calls), "-cp", std::to_string(reserve_port()), "-nostdin",
                    "-trace_err", "-error_file", sipp.dir_->path() + "/errors.log"},
                   sipp.dir_->path() + "/sipp.log");
  // The first INVITE must not arrive before sipp listens.
  if (!wait_until([&] { return udp_port_bound(port); }, std::chrono::seconds(10))) {
    throw std::runtime_error("sipp UAS did not bind port " + std::to_string(port) + ": " +
                             sipp.log_text());
  }
  return sipp;
}

Sipp Sipp::uac(const std::string& scenario, const std::string& local_ip, int edge_port,
               const std::vector<std::pair<std::string, std::string>>& replacements,
               const std::vector<std::string>& extra_args) {
  return uac_loop(scenario, local_ip, edge_port, 1, 10, replacements, extra_args);
}

Sipp Sipp::uac_loop(const std::string& scenario, const std::string& local_ip, int edge_port,
                    int calls, int calls_per_second,
                    const std::vector<std::pair<std::string, std::string>>& replacements,
                    const std::vector<std::string>& extra_args) {
  Sipp sipp;
  sipp.dir_ = std::make_unique<TempDir>();
  auto path = prepare_scenario(scenario, *sipp.dir_, replacements);
  std::vector<std::string> arguments{"sipp",
                                     "127.0.0.1:" + std::to_string(edge_port),
                                     "-sf",
                                     path,
                                     "-i",
                                     local_ip,
                                     "-p",
                                     std::to_string(reserve_port()),
                                     "-m",
                                     std::to_string(calls),
                                     "-r",
                                     std::to_string(calls_per_second),
                                     "-cp",
                                     std::to_string(reserve_port()),
                                     "-timeout",
                                     std::to_string(15 + calls / calls_per_second) + "s",
                                     "-timeout_error",
                                     "-nostdin",
                                     "-trace_err",
                                     "-error_file",
                                     sipp.dir_->path() + "/errors.log"};
  arguments.insert(arguments.end(), extra_args.begin(), extra_args.end());
  sipp.process_ = ChildProcess(arguments, sipp.dir_->path() + "/sipp.log");
  return sipp;
}

int Sipp::finish(std::chrono::milliseconds limit) { return process_.wait_exit(limit); }

std::string Sipp::log_text() const {
  return read_file(dir_->path() + "/sipp.log") + read_file(dir_->path() + "/errors.log");
}

}  // namespace mv::test
