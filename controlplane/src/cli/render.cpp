#include "cli/render.h"

#include <cstdio>

#include "cli/render_common.h"
#include "cli/render_views.h"
#include "cli/text_table.h"

namespace mv::cli {

namespace detail {

std::string cell(const Json& value) {
  if (value.is_null()) return "-";
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string cell(const Json& object, const char* name) {
  if (!object.is_object() || !object.contains(name)) return "-";
  return cell(object.at(name));
}

std::string milliseconds(const Json& value) {
  if (!value.is_number()) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value.get<double>());
  return text;
}

bool node_failed(const Json& node) { return !node.value("error", Json()).is_null(); }

std::string node_heading(const Json& node) {
  std::string state = node_failed(node) ? "UNREACHABLE: " + cell(node, "error") : "ok";
  return "node " + cell(node, "endpoint") + "  " + state;
}

const Json& node_rows(const Json& node, const char* member) {
  static const Json kNone = Json::array();
  if (!node.contains(member) || !node.at(member).is_array()) return kNone;
  return node.at(member);
}

}  // namespace detail

std::string render_table(View view, const nlohmann::ordered_json& body,
                         const std::string& subject) {
  switch (view) {
    case View::trunk_list:
      return render_trunk_list(body);
    case View::trunk:
      return render_trunk(body);
    case View::trunk_deleted:
      return "deleted trunk " + printable(subject) + "\n";
    case View::dispatcher:
      return render_dispatcher(body);
    case View::permissions:
      return render_permissions(body);
    case View::registrations:
      return render_registrations(body);
    case View::drift:
      return render_drift(body);
    case View::key_list:
      return render_key_list(body);
    case View::key_created:
      return render_key_created(body);
    case View::key_revoked:
      return "revoked key " + printable(subject) + "\n";
    case View::edge_status:
      return render_edge_status(body);
    case View::edge_resync:
      return "resync of " + detail::cell(body, "node") + " " + detail::cell(body, "resync") +
             " (see mvctl edge status)\n";
  }
  return {};
}

std::string render_json(const nlohmann::ordered_json& body) {
  if (body.is_discarded() || body.is_null()) return {};
  return body.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

void drop_passwords(nlohmann::ordered_json& body) {
  if (body.is_array()) {
    for (auto& item : body) drop_passwords(item);
    return;
  }
  if (!body.is_object()) return;
  for (auto it = body.begin(); it != body.end();) {
    const auto& name = it.key();
    if (name == "password" || name.ends_with("_password")) {
      it = body.erase(it);
    } else {
      drop_passwords(it.value());
      ++it;
    }
  }
}

}  // namespace mv::cli
