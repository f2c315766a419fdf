#include "model/etag.h"

namespace mv::model {
namespace {

bool is_ows(char c) { return c == ' ' || c == '\t'; }

// etagc = %x21 / %x23-7E / obs-text
bool is_etagc(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte == 0x21 || (byte >= 0x23 && byte <= 0x7e) || byte >= 0x80;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
  return text;
}

ApiError malformed() {
  return {ErrorCode::invalid_request, "If-Match: must be * or a list of entity tags (\"...\")"};
}

}  // namespace

std::string trunk_etag(const Trunk& trunk) {
  return "\"" + std::to_string(trunk.updated_ns) + "\"";
}

std::variant<IfMatch, ApiError> parse_if_match(std::string_view value) {
  value = trim(value);
  IfMatch condition;
  if (value == "*") {
    condition.any = true;
    return condition;
  }
  bool any_element = false;
  while (!(value = trim(value)).empty()) {
    // #rule: empty list elements are allowed and ignored.
    if (value.front() == ',') {
      value.remove_prefix(1);
      continue;
    }
    bool weak = value.starts_with("W/");
    if (weak) value.remove_prefix(2);
    if (value.empty() || value.front() != '"') return malformed();
    auto closing = value.find('"', 1);
    if (closing == std::string_view::npos) return malformed();
    auto tag = value.substr(0, closing + 1);
    for (char c : tag.substr(1, tag.size() - 2)) {
      if (!is_etagc(c)) return malformed();
    }
    if (!weak) condition.strong_tags.emplace_back(tag);
    any_element = true;
    value = trim(value.substr(closing + 1));
    if (!value.empty() && value.front() != ',') return malformed();
  }
  if (!any_element) return malformed();
  return condition;
}

bool if_match_passes(const IfMatch& condition, std::string_view current_etag) {
  if (condition.any) return true;
  for (const auto& tag : condition.strong_tags) {
    if (tag == current_etag) return true;
  }
  return false;
}

}  // namespace mv::model
