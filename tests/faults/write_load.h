#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/stack.h"

namespace mv::test {

// Creates trunks through the API from a few threads until stopped, each with its own inbound_ip
// (127.2.<n / 250>.<n % 250 + 1>) and gateway_name, and keeps every answer with its latency.
// Paced (one create per thread every `pause`) so a run of a few seconds stays well under 1,000
// trunks.
class WriteLoad {
 public:
  struct Write {
    int n = 0;
    int status = 0;  // 0: no answer
    std::chrono::milliseconds elapsed{0};
    std::string trunk_id;  // for a 201
  };

  WriteLoad(const ControlPlane& daemon, std::string key, int threads = 2,
            std::chrono::milliseconds pause = std::chrono::milliseconds(25))
      : daemon_(daemon), key_(std::move(key)) {
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this, pause] {
        while (!stopping_) {
          send(next_++);
          std::this_thread::sleep_for(pause);
        }
      });
    }
  }
  ~WriteLoad() { stop(); }

  void stop() {
    stopping_ = true;
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }
  int count(int status) const {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const auto& write : writes_) n += write.status == status;
    return n;
  }
  std::vector<Write> writes() const {
    std::lock_guard lock(mutex_);
    return writes_;
  }

 private:
  void send(int n) {
    Write write;
    write.n = n;
    auto ip = "127.2." + std::to_string(n / 250) + "." + std::to_string(n % 250 + 1);
    auto result = daemon_.call("POST", "/v1/trunks", key_,
                               R"({"name":"load","proxy":"127.0.0.1:9","gateway_name":"gw-)" +
                                   std::to_string(n) + R"(","inbound_ip":")" + ip + "\"}");
    write.status = result.status;
    write.elapsed = result.elapsed;
    if (result.status == 201) write.trunk_id = nlohmann::json::parse(result.body)["id"];
    std::lock_guard lock(mutex_);
    writes_.push_back(std::move(write));
  }

  const ControlPlane& daemon_;
  std::string key_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> next_{0};
  mutable std::mutex mutex_;
  std::vector<Write> writes_;
  std::vector<std::thread> threads_;
};

}  // namespace mv::test
