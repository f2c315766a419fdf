#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace mv::logging {

using LogValue = std::variant<std::string, std::int64_t, double>;

struct LogField {
  std::string key;
  LogValue value;
};

// Fields (request_id, customer_id, trunk_id...) added to every line this thread logs while the
// scope lives, so a line written deep in a handler still says which request it belongs to. This
// is spdlog 1.13's MDC, which Debian 12's spdlog 1.10 lacks; it relies on synchronous loggers
// (the formatter runs on the logging thread). The scope removes exactly the fields it added.
class LogScope {
 public:
  LogScope() = default;
  explicit LogScope(std::vector<LogField> fields);
  ~LogScope();
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;

  void add(std::string key, LogValue value);

 private:
  bool added_ = false;
};

// The fields of every live scope on this thread, oldest first.
std::vector<LogField> current_log_fields();

}  // namespace mv::logging
