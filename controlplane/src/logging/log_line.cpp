#include "logging/log_line.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model/trunk.h"
#include "util/utf8.h"

namespace mv::logging {
namespace {

void append_escaped_byte(std::string& out, char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      break;
  }
  auto byte = static_cast<unsigned char>(c);
  if (byte < 0x20 || byte == 0x7F) {
    char escaped[8];
    std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
    out += escaped;
  } else {
    out += c;
  }
}

void append_value(std::string& out, const LogValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) {
    append_json_string(out, *text);
  } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    out += std::to_string(*integer);
  } else {
    double number = std::get<double>(value);
    if (!std::isfinite(number)) {
      out += "null";
      return;
    }
    char formatted[64];
    std::snprintf(formatted, sizeof formatted, "%.3f", number);
    out += formatted;
  }
}

bool is_plain(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 std::string_view("._-:/{}@").find(c) != std::string_view::npos;
    if (!plain) return false;
  }
  return true;
}

// Whether a later field has the same key (that one wins).
bool overridden(const std::vector<LogField>& fields, std::size_t index) {
  for (std::size_t later = index + 1; later < fields.size(); ++later) {
    if (fields[later].key == fields[index].key) return true;
  }
  return false;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  while (!text.empty()) {
    auto length = util::utf8_sequence_length(text);
    if (length == 0) {
      out += "\\ufffd";
      length = 1;
    } else if (length == 1) {
      append_escaped_byte(out, text.front());
    } else {
      out.append(text.substr(0, length));
    }
    text.remove_prefix(length);
  }
  out += '"';
}

std::string json_log_line(std::int64_t unix_ns, std::string_view level, std::string_view logger,
                          std::string_view msg, const std::vector<LogField>& fields) {
  std::string line = "{\"ts\":";
  append_json_string(line, model::format_rfc3339(unix_ns));
  line += ",\"level\":";
  append_json_string(line, level);
  line += ",\"logger\":";
  append_json_string(line, logger);
  line += ",\"msg\":";
  append_json_string(line, msg);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& key = fields[i].key;
    if (overridden(fields, i) || key == "ts" || key == "level" || key == "logger" || key == "msg") {
      continue;
    }
    line += ',';
    append_json_string(line, key);
    line += ':';
    append_value(line, fields[i].value);
  }
  line += '}';
  return line;
}

std::string text_log_line(std::int64_t unix_ns, std::string_view level, std::string_view logger,
                          std::string_view msg, const std::vector<LogField>& fields) {
  std::string line = model::format_rfc3339(unix_ns) + " " + std::string(level) + " ";
  util::append_valid_utf8(line, logger);
  line += ": ";
  // A message is free text, but never spans lines.
  std::string one_line(msg);
  std::replace_if(
      one_line.begin(), one_line.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  util::append_valid_utf8(line, one_line);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (overridden(fields, i)) continue;
    line += ' ' + fields[i].key + '=';
    const auto* text = std::get_if<std::string>(&fields[i].value);
    if (text && is_plain(*text)) {
      line += *text;
    } else {
      append_value(line, fields[i].value);
    }
  }
  return line;
}

}  // namespace mv::logging
