#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <spdlog/logger.h>

#include "store/redis_client.h"
#include "store/redis_lock.h"

namespace mv::edge {

// One round's hold of a lock on a node (store::RedisLock): tried once, kept (extended) between
// the round's steps, let go at the end. Keeping and letting go never throw: Redis going away
// mid-round must not end a node's thread (the lock then expires by itself).
class NodeLockHold {
 public:
  // Tries to take the lock; taken() says whether. Throws store::StoreUnavailable.
  NodeLockHold(store::RedisPool& db, std::string key, std::chrono::milliseconds expiry,
               spdlog::logger& log);
  ~NodeLockHold();
  NodeLockHold(const NodeLockHold&) = delete;
  NodeLockHold& operator=(const NodeLockHold&) = delete;

  bool taken() const { return token_.has_value(); }
  const std::string& key() const { return lock_.key(); }
  // Makes the lock last its expiry again from now; logs once when it was lost.
  void keep();

 private:
  store::RedisLock lock_;
  std::chrono::milliseconds expiry_;
  spdlog::logger& log_;
  std::optional<std::string> token_;
  bool lost_ = false;
};

}  // namespace mv::edge
