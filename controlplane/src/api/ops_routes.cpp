#include "api/ops_routes.h"

#include <nlohmann/json.hpp>

#include "api/api_service.h"

namespace mv::api {

HttpResponse readiness(bool redis_answers, const std::vector<edge::NodeStatus>& nodes) {
  bool ready = redis_answers;
  auto node_states = nlohmann::ordered_json::array();
  for (const auto& node : nodes) {
    ready &= node.in_sync();
    node_states.push_back({{"endpoint", node.endpoint}, {"in_sync", node.in_sync()}});
  }
  nlohmann::ordered_json body = {{"status", ready ? "ready" : "not_ready"},
                                 {"redis", redis_answers ? "ok" : "unavailable"},
                                 {"nodes", std::move(node_states)}};
  return json_response(ready ? 200 : 503,
                       body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void add_ops_routes(Router& router, OpsContext ops) {
  using enum Access;
  router.add({"GET", "/healthz", anyone, false,
              [](const auto&) { return json_response(200, R"({"status":"ok"})"); }});
  router.add({"GET", "/readyz", anyone, false,
              [ops](const auto&) { return readiness(ops.redis_answers(), ops.edge.status()); }});
  router.add({"GET", "/metrics", anyone, false, [ops](const auto&) {
                return HttpResponse{200,
                                    {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}},
                                    ops.metrics.render()};
              }});
}

}  // namespace mv::api
