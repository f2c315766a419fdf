#pragma once

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "model/api_error.h"

// Invariants the fuzz targets share. A broken invariant aborts, which libFuzzer reports as a
// crash and saves the input under build-fuzz/artifacts.
namespace mv::fuzz {

inline void require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The input split at its first newline: {line, rest}; rest is empty without a newline.
inline std::pair<std::string_view, std::string_view> split_line(std::string_view text) {
  auto newline = text.find('\n');
  if (newline == std::string_view::npos) return {text, {}};
  return {text.substr(0, newline), text.substr(newline + 1)};
}

// Bytes that end a SIP header or parameter, or open a quoted string or an angle-bracket URI.
inline bool is_sip_breaking(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte <= 0x20 || byte >= 0x7f || c == '"' || c == ';' || c == ',' || c == '<' || c == '>' ||
         c == '\\' || c == '\'';
}

inline bool has_sip_breaking_byte(std::string_view value) {
  for (char c : value) {
    if (is_sip_breaking(c)) return true;
  }
  return false;
}

// The characters fixed error texts are written with: letters, digits, space and the punctuation
// the texts use. No control byte, non-ASCII byte, quote, backslash, brace, angle bracket, '@' or
// '%': a message made only of these cannot carry a body, markup or a header break, and it cannot
// repeat any input that holds one of the excluded bytes.
inline bool is_message_char(char c) {
  static constexpr std::string_view kPunctuation = " :;,'./()?=-_!~*&$+[]";
  auto byte = static_cast<unsigned char>(c);
  return (byte < 0x80 && std::isalnum(byte) != 0) || kPunctuation.find(c) != kPunctuation.npos;
}

// An error a client sees: non-empty, short and plain (see is_message_char).
inline void require_clean_error(const model::ApiError& error) {
  require(!error.message.empty(), "an error has a message");
  require(error.message.size() <= 200, "an error message is short");
  for (char c : error.message) require(is_message_char(c), "an error message is plain text");
  require(model::http_status(error.code) >= 400, "an error maps to a 4xx or 5xx status");
}

}  // namespace mv::fuzz
