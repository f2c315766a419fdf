#include "model/rate_limiter.h"

#include <algorithm>

namespace mv::model {

std::int64_t RateLimiter::acquire(const std::string& key, std::int64_t now_ns) {
  // Credit is kept in nanoseconds of refill time: one request costs refill_ns_.
  const std::int64_t capacity = burst_ * refill_ns_;
  std::lock_guard lock(mutex_);
  auto [it, created] = buckets_.try_emplace(key, Bucket{capacity, now_ns});
  auto& bucket = it->second;
  bucket.credit_ns =
      std::min(capacity, bucket.credit_ns + std::max<std::int64_t>(0, now_ns - bucket.updated_ns));
  bucket.updated_ns = now_ns;
  if (bucket.credit_ns >= refill_ns_) {
    bucket.credit_ns -= refill_ns_;
    return 0;
  }
  return refill_ns_ - bucket.credit_ns;
}

}  // namespace mv::model
