#pragma once

#include "api/http_types.h"
#include "api/router.h"
#include "edge/edge_status.h"

namespace mv::api {

// GET /v1/edge/status: per Kamailio node, the last reload, its result and the row counts.
HttpResponse edge_status(const edge::EdgeStatusSource& edge);

// POST /v1/edge/nodes/{node}/resync: 202 {"node": "edge-1", "resync": "scheduled"}, or 404 when
// no configured node has that name.
HttpResponse edge_resync(edge::EdgeRepair& repair, const RequestContext& context);

}  // namespace mv::api
