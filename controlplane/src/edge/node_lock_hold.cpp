#include "edge/node_lock_hold.h"

#include <utility>

#include "store/store_unavailable.h"

namespace mv::edge {

NodeLockHold::NodeLockHold(store::RedisPool& db, std::string key, std::chrono::milliseconds expiry,
                           spdlog::logger& log)
    : lock_(db, std::move(key)), expiry_(expiry), log_(log), token_(lock_.try_acquire(expiry)) {}

NodeLockHold::~NodeLockHold() {
  if (!token_) return;
  try {
    lock_.release(*token_);
  } catch (const store::StoreUnavailable& e) {
    log_.warn("cannot release {} (it expires by itself): {}", lock_.key(), e.what());
  }
}

void NodeLockHold::keep() {
  if (!token_ || lost_) return;
  try {
    if (lock_.extend(*token_, expiry_)) return;
    log_.warn("a step took longer than {} ms: {} expired", expiry_.count(), lock_.key());
  } catch (const store::StoreUnavailable& e) {
    log_.warn("cannot extend {}: {}", lock_.key(), e.what());
  }
  lost_ = true;
}

}  // namespace mv::edge
