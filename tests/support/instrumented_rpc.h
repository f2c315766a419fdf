#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>
#include <nlohmann/json.hpp>

#include "kamailio/kamailio_rpc.h"
#include "support/sip_edge.h"

namespace mv::test {

// A real node's JSON-RPC, counting the calls by method (and keeping every call's parameters in
// order), with chosen methods failing as if the node had refused them.
class InstrumentedRpc final : public kamailio::KamailioRpc {
 public:
  explicit InstrumentedRpc(const KamailioEdge& node, std::set<std::string> failing = {})
      : node_(node), failing_(std::move(failing)) {}

  nlohmann::json call(const std::string&, const std::string& method,
                      const nlohmann::json& params) override {
    {
      std::lock_guard lock(mutex_);
      ++calls_[method];
      log_.emplace_back(method, params);
    }
    if (failing_.contains(method)) throw kamailio::RpcError(method + ": injected failure");
    auto reply = node_.rpc(method, params);
    if (reply.is_object() && reply.contains("error")) {
      throw kamailio::RpcError(method + ": " + reply["error"].value("message", ""));
    }
    return reply;
  }

  // The calls by method since the last take.
  std::map<std::string, int> take_calls() {
    std::lock_guard lock(mutex_);
    return std::exchange(calls_, {});
  }

  // Every call (method, parameters) since the last take, in order.
  std::vector<std::pair<std::string, nlohmann::json>> take_log() {
    std::lock_guard lock(mutex_);
    return std::exchange(log_, {});
  }

 private:
  const KamailioEdge& node_;
  std::set<std::string> failing_;
  std::mutex mutex_;
  std::map<std::string, int> calls_;
  std::vector<std::pair<std::string, nlohmann::json>> log_;
};

// A logger that drops everything, for a reloader run inside a test.
inline std::shared_ptr<spdlog::logger> quiet_log() {
  return std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

}  // namespace mv::test
