#include "api/edge_handlers.h"

#include <nlohmann/json.hpp>

#include "api/api_service.h"
#include "model/trunk.h"

namespace mv::api {

HttpResponse edge_status(const edge::EdgeStatusSource& edge) {
  auto nodes = nlohmann::ordered_json::array();
  for (const auto& node : edge.status()) {
    nodes.push_back({
        {"endpoint", node.endpoint},
        {"last_result", node.last_result},
        {"last_reload_at",
         node.last_reload_unix_ns == 0
             ? nlohmann::ordered_json(nullptr)
             : nlohmann::ordered_json(model::format_rfc3339(node.last_reload_unix_ns))},
        {"expected_rows", node.expected_rows},
        {"loaded_rows", node.loaded_rows},
        {"in_sync", node.last_result == "ok" && node.loaded_rows == node.expected_rows},
        {"reloads", node.reloads},
    });
  }
  nlohmann::ordered_json body = {{"nodes", std::move(nodes)}};
  return json_response(200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace mv::api
