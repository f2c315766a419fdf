#pragma once

#include <functional>

#include "api/router.h"
#include "edge/edge_status.h"
#include "metrics/registry.h"

namespace mv::api {

// What the routes for scrapers and load balancers read.
struct OpsContext {
  const metrics::Registry& metrics;
  const edge::EdgeStatusSource& edge;
  std::function<bool()> redis_answers;  // true when Redis answers PING now
};

// GET /healthz, /readyz and /metrics: no key (Access::anyone) and no customer data. Added to the
// main router, or to the admin router alone when http.admin_port is set.
void add_ops_routes(Router& router, OpsContext ops);

// /readyz: 200 "ready" when Redis answers and every node is in sync, else 503 "not_ready".
HttpResponse readiness(bool redis_answers, const std::vector<edge::NodeStatus>& nodes);

}  // namespace mv::api
