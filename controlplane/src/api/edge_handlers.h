#pragma once

#include "api/http_types.h"
#include "edge/edge_status.h"

namespace mv::api {

// GET /v1/edge/status: per Kamailio node, the last reload, its result and the row counts.
HttpResponse edge_status(const edge::EdgeStatusSource& edge);

}  // namespace mv::api
