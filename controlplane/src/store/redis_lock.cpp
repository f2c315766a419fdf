#include "store/redis_lock.h"

#include "crypto/api_key.h"

#include "lua_sources.h"

namespace mv::store {

RedisLock::RedisLock(RedisPool& pool, std::string key)
    : pool_(pool), key_(std::move(key)), expire_if_held_({lua_source::kLockExpireIfHeld}) {}

std::optional<std::string> RedisLock::try_acquire(std::chrono::milliseconds expiry) {
  auto token = crypto::random_hex(16);
  auto reply = pool_.command({"SET", key_, token, "NX", "PX", std::to_string(expiry.count())});
  if (reply.is_nil()) return std::nullopt;
  return token;
}

bool RedisLock::release(const std::string& token, std::chrono::milliseconds linger) {
  return expire_if_held(token, linger);
}

bool RedisLock::extend(const std::string& token, std::chrono::milliseconds expiry) {
  return expiry.count() > 0 && expire_if_held(token, expiry);
}

bool RedisLock::expire_if_held(const std::string& token, std::chrono::milliseconds ms) {
  auto reply = run_script(pool_, expire_if_held_, {{"lock", key_}},
                          {{"token", token}, {"ms", std::to_string(ms.count())}});
  return reply.integer == 1;
}

}  // namespace mv::store
