#include "api/edge_handlers.h"

#include <nlohmann/json.hpp>

#include "api/api_service.h"
#include "model/trunk.h"

namespace mv::api {

HttpResponse edge_status(const edge::EdgeStatusSource& edge) {
  auto nodes = nlohmann::ordered_json::array();
  for (const auto& node : edge.status()) {
    auto tables = nlohmann::ordered_json::object();
    for (const auto& table : node.tables) {
      tables[table.table] = {{"expected_rows", table.expected_rows},
                             {"loaded_rows", table.loaded_rows}};
    }
    nodes.push_back({
        {"endpoint", node.endpoint},
        {"name", node.name},
        {"boot_id", node.boot_id.empty() ? nlohmann::ordered_json(nullptr)
                                         : nlohmann::ordered_json(node.boot_id)},
        {"applied_generation", node.applied_generation},
        {"last_result", node.last_result},
        {"last_reload_at",
         node.last_reload_unix_ns == 0
             ? nlohmann::ordered_json(nullptr)
             : nlohmann::ordered_json(model::format_rfc3339(node.last_reload_unix_ns))},
        {"expected_rows", node.expected_rows()},
        {"loaded_rows", node.loaded_rows()},
        {"in_sync", node.in_sync()},
        {"reloads", node.reloads},
        {"restarts_seen", node.restarts_seen},
        {"tables", std::move(tables)},
    });
  }
  nlohmann::ordered_json body = {{"nodes", std::move(nodes)}};
  return json_response(200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpResponse edge_resync(edge::EdgeRepair& repair, const RequestContext& context) {
  const auto& node = context.path_params.at("node");
  if (!repair.resync(node)) {
    return error_response({model::ErrorCode::not_found, "no edge node named " + node});
  }
  nlohmann::ordered_json body = {{"node", node}, {"resync", "scheduled"}};
  return json_response(202, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace mv::api
