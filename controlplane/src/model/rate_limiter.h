#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

// A token bucket per key (customer): `burst` requests at once, then one every `refill_ns`.
// Time comes from the caller, so it is tested without sleeping. Thread-safe.
namespace mv::model {

class RateLimiter {
 public:
  RateLimiter(int burst, std::int64_t refill_ns) : burst_(burst), refill_ns_(refill_ns) {}

  // 0 when `key` may go ahead now (and takes a token); else the nanoseconds until it may.
  std::int64_t acquire(const std::string& key, std::int64_t now_ns);

 private:
  struct Bucket {
    std::int64_t credit_ns;
    std::int64_t updated_ns;
  };
  std::int64_t burst_;
  std::int64_t refill_ns_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace mv::model
