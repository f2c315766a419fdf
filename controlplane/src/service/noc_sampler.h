#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include <spdlog/logger.h>

#include "service/noc_service.h"

namespace mv::service {

// Reads the NOC's drift and dispatcher views every `interval` on its own thread, so /metrics
// shows them without a scrape reading any table (NocService::last_sample). Each refresh lists
// every table of every node: its cost grows with the trunks, and `interval` bounds how often it
// is paid. The first refresh runs at once.
class NocSampler {
 public:
  NocSampler(NocService& noc, std::chrono::milliseconds interval,
             std::shared_ptr<spdlog::logger> log);
  ~NocSampler();
  NocSampler(const NocSampler&) = delete;
  NocSampler& operator=(const NocSampler&) = delete;

 private:
  void run();

  NocService& noc_;
  std::chrono::milliseconds interval_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace mv::service
