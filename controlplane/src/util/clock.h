#pragma once

#include <chrono>
#include <cstdint>

namespace mv::util {

// The system clock's wall-clock time, for code that stamps real events (reloads, polls) and needs
// no test clock.
inline std::int64_t system_now_unix_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
inline std::int64_t system_now_unix_s() { return system_now_unix_ns() / 1'000'000'000; }

// Wall-clock time, behind an interface so tests can use a manual clock instead of sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t now_unix_ns() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_unix_ns() const override { return system_now_unix_ns(); }
};

}  // namespace mv::util
