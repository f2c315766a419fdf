#pragma once

#include <chrono>
#include <condition_variable>
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
// order), with chosen methods failing as if the node had refused them, or held as if the node
// were slow to answer them.
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
    {
      std::unique_lock lock(mutex_);
      if (held_.contains(method)) {
        ++waiting_[method];
        // Bounded, so a test that fails while holding cannot hang the reloader's destructor.
        released_.wait_for(lock, std::chrono::seconds(30), [&] { return !held_.contains(method); });
        --waiting_[method];
      }
    }
    auto reply = node_.rpc(method, params);
    if (reply.is_object() && reply.contains("error")) {
      throw kamailio::RpcError(method + ": " + reply["error"].value("message", ""));
    }
    return reply;
  }

  // Calls of `method` wait (up to 30 s) until release().
  void hold(const std::string& method) {
    std::lock_guard lock(mutex_);
    held_.insert(method);
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      held_.clear();
    }
    released_.notify_all();
  }
  // How many calls of `method` wait on a hold now.
  int waiting(const std::string& method) {
    std::lock_guard lock(mutex_);
    return waiting_[method];
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
  std::condition_variable released_;
  std::set<std::string> held_;
  std::map<std::string, int> waiting_;
  std::map<std::string, int> calls_;
  std::vector<std::pair<std::string, nlohmann::json>> log_;
};

// A logger that drops everything, for a reloader run inside a test.
inline std::shared_ptr<spdlog::logger> quiet_log() {
  return std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

}  // namespace mv::test
