#pragma once

#include <memory>

#include <spdlog/formatter.h>
#include <spdlog/logger.h>

namespace mv::logging {

enum class LogFormat { json, text };

// An spdlog formatter that writes each message as one line (log_line.h) with the fields of the
// logging thread's LogScopes.
class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(LogFormat format) : format_(format) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

 private:
  LogFormat format_;
};

// trace, debug, info, warn, error, critical: the names the config's log_level uses.
const char* level_name(spdlog::level::level_enum level);

}  // namespace mv::logging
