#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "logging/log_context.h"

namespace mv::logging {

// Appends `text` as a JSON string (with its quotes): " and \ escaped, control characters as
// \n, \t... or \u00XX, DEL as \u007f, and bytes that are not valid UTF-8 as \ufffd, so any input
// gives one line of valid JSON.
void append_json_string(std::string& out, std::string_view text);

// One log line as a JSON object (no newline): ts (RFC 3339 UTC, ms), level, logger, msg, then
// `fields` (a key given twice keeps its last value). Non-finite numbers are written as null.
std::string json_log_line(std::int64_t unix_ns, std::string_view level, std::string_view logger,
                          std::string_view msg, const std::vector<LogField>& fields);

// The same for people: "<ts> <level> <logger>: <msg> key=value ...", values quoted as JSON
// strings when they hold anything but plain characters.
std::string text_log_line(std::int64_t unix_ns, std::string_view level, std::string_view logger,
                          std::string_view msg, const std::vector<LogField>& fields);

}  // namespace mv::logging
