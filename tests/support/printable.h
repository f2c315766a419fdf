#pragma once

#include <string>
#include <string_view>

namespace mv::test {

// Renders a test input for BOOST_TEST_CONTEXT with control and non-ASCII bytes escaped.
inline std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(ch);
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out + "\"";
}

}  // namespace mv::test
