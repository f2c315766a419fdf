#pragma once

#include <chrono>
#include <cstdint>

namespace mv::util {

// Wall-clock time, behind an interface so tests can use a manual clock instead of sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now_unix_ns() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_unix_ns() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace mv::util
