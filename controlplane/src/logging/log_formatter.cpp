#include "logging/log_formatter.h"

#include <chrono>

#include "logging/log_line.h"

namespace mv::logging {

const char* level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

void LineFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  auto unix_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(msg.time.time_since_epoch()).count();
  std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
  std::string_view text(msg.payload.data(), msg.payload.size());
  auto line =
      format_ == LogFormat::json
          ? json_log_line(unix_ns, level_name(msg.level), logger, text, current_log_fields())
          : text_log_line(unix_ns, level_name(msg.level), logger, text, current_log_fields());
  line += '\n';
  dest.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> LineFormatter::clone() const {
  return std::make_unique<LineFormatter>(format_);
}

}  // namespace mv::logging
