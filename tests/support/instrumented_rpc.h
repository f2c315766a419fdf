#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>
#include <nlohmann/json.hpp>

#include "kamailio/kamailio_rpc.h"
#include "support/http_client.h"
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
      std::lock_guard lock(mutex_);
      auto odd = odd_replies_.find({method, params.empty() ? "" : params[0].dump()});
      if (odd != odd_replies_.end()) return odd->second;
    }
    {
      std::unique_lock lock(mutex_);
      if (held_.contains(method)) {
        ++waiting_[method];
        // Bounded, so a test that fails while holding cannot hang the reloader's destructor.
        released_.wait_for(lock, std::chrono::seconds(30), [&] { return !held_.contains(method); });
        --waiting_[method];
      }
    }
    nlohmann::json reply;
    try {
      reply = node_.rpc(method, params);
    } catch (const std::exception& e) {
      // A stopped or restarting node: what JsonRpcHttpClient says of it.
      throw kamailio::RpcError(method + ": " + e.what());
    }
    if (reply.is_object() && reply.contains("error")) {
      throw kamailio::RpcError(method + ": " + reply["error"].value("message", ""));
    }
    return reply;
  }

  // kamailio.cfg's /mv/htable batch, sent to the node. It counts as "POST /mv/htable", and each
  // of its lines is logged as the JSON-RPC call it stands for (htable.sets, htable.seti or
  // htable.delete on table mv), so the log reads the same whichever way a change was applied.
  std::string post(const std::string&, const std::string& path, const std::string& body) override {
    {
      std::lock_guard lock(mutex_);
      ++calls_["POST " + path];
      if (path == "/mv/htable") log_batch(body);
    }
    auto reply =
        http_request(node_.rpc_port(), "POST", path, {{"Content-Type", "text/plain"}}, body);
    if (reply.status != 200) {
      throw kamailio::RpcError(path + ": HTTP " + std::to_string(reply.status));
    }
    return reply.body;
  }

  // Calls of `method` whose first parameter is `first` get `reply` instead of the node's answer
  // (a reply of a shape the client does not expect); a null `reply` ends that.
  void answer(const std::string& method, const nlohmann::json& first, nlohmann::json reply) {
    std::lock_guard lock(mutex_);
    if (reply.is_null()) {
      odd_replies_.erase({method, first.dump()});
    } else {
      odd_replies_[{method, first.dump()}] = std::move(reply);
    }
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
  static std::string unhex(const std::string& digits) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < digits.size(); i += 2) {
      bytes += static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16));
    }
    return bytes;
  }
  void log_batch(const std::string& body) {
    std::istringstream lines(body);
    for (std::string line; std::getline(lines, line);) {
      std::istringstream fields(line);
      std::string op, key, value;
      fields >> op >> key >> value;
      if (op == "D") {
        ++calls_["htable.delete"];
        log_.emplace_back("htable.delete", nlohmann::json::array({"mv", unhex(key)}));
      } else if (op == "I") {
        ++calls_["htable.seti"];
        log_.emplace_back("htable.seti",
                          nlohmann::json::array({"mv", unhex(key), std::stoll(value)}));
      } else {
        ++calls_["htable.sets"];
        log_.emplace_back("htable.sets", nlohmann::json::array({"mv", unhex(key), unhex(value)}));
      }
    }
  }

  const KamailioEdge& node_;
  std::set<std::string> failing_;
  std::mutex mutex_;
  std::condition_variable released_;
  std::set<std::string> held_;
  std::map<std::string, int> waiting_;
  std::map<std::string, int> calls_;
  std::map<std::pair<std::string, std::string>, nlohmann::json> odd_replies_;
  std::vector<std::pair<std::string, nlohmann::json>> log_;
};

// A logger that drops everything, for a reloader run inside a test.
inline std::shared_ptr<spdlog::logger> quiet_log() {
  return std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

}  // namespace mv::test
