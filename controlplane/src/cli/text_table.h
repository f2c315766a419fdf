#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mv::cli {

// Columns aligned by the widest cell (in UTF-8 code points), two spaces apart, no trailing
// blanks. Control characters in cells are shown as '?' so a value cannot move the cursor.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void add_row(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Name/value lines with the names padded to one width, e.g. for a single trunk.
std::string render_fields(const std::vector<std::pair<std::string, std::string>>& fields);

// The text with control characters replaced by '?'.
std::string printable(std::string_view text);
// Width on a terminal, counted in code points (wide characters count one).
std::size_t display_width(std::string_view text);

}  // namespace mv::cli
