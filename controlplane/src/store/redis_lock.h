#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "store/redis_client.h"
#include "store/script_runner.h"

namespace mv::store {

// A lock in Redis with an expiry, shared by every daemon replica on one Redis: SET key token NX
// PX. Only the holder's token releases it (a Lua compare-and-delete), so a holder whose lock had
// expired and was taken by another replica cannot release the other's lock. The expiry frees
// the lock when its holder dies.
class RedisLock {
 public:
  RedisLock(RedisPool& pool, std::string key);

  // The token that holds the lock now, or nullopt when someone else holds it.
  std::optional<std::string> try_acquire(std::chrono::milliseconds expiry);
  // Lets go of the lock if `token` still holds it: at once, or after `linger` (the lock then
  // stays taken that long, and expires by itself). False when the token no longer held it.
  bool release(const std::string& token,
               std::chrono::milliseconds linger = std::chrono::milliseconds(0));
  // Makes the lock last `expiry` from now if `token` still holds it; false when it does not.
  bool extend(const std::string& token, std::chrono::milliseconds expiry);
  const std::string& key() const { return key_; }

 private:
  // The holder's lock expires after `ms`, or goes now when `ms` is 0.
  bool expire_if_held(const std::string& token, std::chrono::milliseconds ms);

  RedisPool& pool_;
  std::string key_;
  const Script expire_if_held_;  // lua/lock_expire_if_held.lua
};

}  // namespace mv::store
