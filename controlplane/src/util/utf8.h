#pragma once

#include <string>
#include <string_view>

namespace mv::util {

// Appends `text` to `out` with every byte that is not part of a well-formed UTF-8 sequence
// (stray continuation bytes, truncated or overlong sequences, surrogates, code points above
// U+10FFFF) replaced by U+FFFD, so the result is always valid UTF-8.
void append_valid_utf8(std::string& out, std::string_view text);

// Length of the well-formed UTF-8 sequence at the start of `text`; 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view text);

}  // namespace mv::util
