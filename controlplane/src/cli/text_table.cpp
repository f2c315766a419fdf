#include "cli/text_table.h"

#include <algorithm>

namespace mv::cli {
namespace {

std::string pad_to(std::string text, std::size_t width) {
  auto have = display_width(text);
  if (have < width) text.append(width - have, ' ');
  return text;
}

std::string render_lines(const std::vector<std::vector<std::string>>& lines) {
  std::vector<std::size_t> widths;
  for (const auto& line : lines) {
    if (widths.size() < line.size()) widths.resize(line.size(), 0);
    for (std::size_t i = 0; i < line.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(line[i]));
    }
  }
  std::string out;
  for (const auto& line : lines) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (i > 0) text += "  ";
      text += i + 1 == line.size() ? line[i] : pad_to(line[i], widths[i]);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) c = '?';
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

void TextTable::add_row(std::vector<std::string> cells) {
  for (auto& cell : cells) cell = printable(cell);
  rows_.push_back(std::move(cells));
}

std::string TextTable::render() const {
  std::vector<std::vector<std::string>> lines{header_};
  lines.insert(lines.end(), rows_.begin(), rows_.end());
  return render_lines(lines);
}

std::string render_fields(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::vector<std::vector<std::string>> lines;
  for (const auto& [name, value] : fields) lines.push_back({name, printable(value)});
  return render_lines(lines);
}

}  // namespace mv::cli
