#include "service/noc_sampler.h"

#include "store/store_unavailable.h"

namespace mv::service {

NocSampler::NocSampler(NocService& noc, std::chrono::milliseconds interval,
                       std::shared_ptr<spdlog::logger> log)
    : noc_(noc), interval_(interval), log_(std::move(log)), worker_([this] { run(); }) {}

NocSampler::~NocSampler() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

void NocSampler::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      noc_.refresh_sample();
    } catch (const store::StoreUnavailable& e) {
      log_->warn("noc sample: drift needs Redis: {}", e.what());
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [&] { return stopping_; });
  }
}

}  // namespace mv::service
