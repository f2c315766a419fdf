// Trunks and keys: the resources mvctl creates and changes.
#include <vector>

#include "cli/render_common.h"
#include "cli/render_views.h"
#include "cli/text_table.h"

namespace mv::cli {
namespace {

using detail::cell;
using detail::Json;

// Nested objects become "parent.member" lines so every field gets its own line.
void flatten(const Json& object, const std::string& prefix,
             std::vector<std::pair<std::string, std::string>>& fields) {
  for (const auto& [name, value] : object.items()) {
    if (value.is_object() && !value.empty()) {
      flatten(value, prefix + name + ".", fields);
    } else {
      fields.emplace_back(prefix + name, cell(value));
    }
  }
}

std::string render_object(const Json& object) {
  std::vector<std::pair<std::string, std::string>> fields;
  flatten(object, "", fields);
  return render_fields(fields);
}

}  // namespace

std::string render_trunk_list(const Json& body) {
  const auto& data = body.at("data");
  if (data.empty()) return "no trunks\n";
  TextTable table(
      {"ID", "NAME", "GATEWAY", "PROXY", "DIRECTION", "ACTIVE", "REGISTRATION", "SYNC"});
  for (const auto& trunk : data) {
    table.add_row({cell(trunk, "id"), cell(trunk, "name"), cell(trunk, "gateway_name"),
                   cell(trunk, "proxy"), cell(trunk, "direction"), cell(trunk, "is_active"),
                   cell(trunk, "registration_status"),
                   trunk.contains("sync") ? cell(trunk.at("sync"), "state") : "-"});
  }
  auto out = table.render();
  auto total = body.value("count", data.size());
  out += std::to_string(data.size()) + " of " + std::to_string(total) +
         (total == 1 ? " trunk" : " trunks");
  if (body.value("has_more", false)) {
    out += "; next page: mvctl trunks list --starting-after " + cell(data.back(), "id");
  }
  return out + "\n";
}

std::string render_trunk(const Json& body) { return render_object(body); }

std::string render_key_list(const Json& body) {
  const auto& data = body.at("data");
  if (data.empty()) return "no keys\n";
  TextTable table({"KEY_ID", "CUSTOMER", "ROLE", "CREATED_AT"});
  for (const auto& key : data) {
    table.add_row({cell(key, "key_id"), cell(key, "customer_id"), cell(key, "role"),
                   cell(key, "created_at")});
  }
  return table.render() + std::to_string(data.size()) + (data.size() == 1 ? " key\n" : " keys\n");
}

std::string render_key_created(const Json& body) {
  return render_object(body) + "\nThe token is shown only once: store it now.\n";
}

}  // namespace mv::cli
