#include "store/redis_lock.h"

#include "crypto/api_key.h"

namespace mv::store {
namespace {

// KEYS[1] the lock, ARGV[1] the holder's token, ARGV[2] milliseconds to keep it (0: delete now).
constexpr const char* kExpireIfHeld =
    "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end "
    "if tonumber(ARGV[2]) > 0 then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end "
    "return redis.call('DEL', KEYS[1])";

}  // namespace

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
  auto reply = pool_.command({"EVAL", kExpireIfHeld, "1", key_, token, std::to_string(ms.count())});
  return reply.integer == 1;
}

}  // namespace mv::store
