#pragma once

#include <string>

#include "api/router.h"
#include "edge/edge_status.h"
#include "service/trunk_check_service.h"
#include "service/trunk_service.h"

namespace mv::api {

// Every route of the API, in one table; with the ops routes (api/ops_routes.h) they are what
// schemas/openapi.yaml lists (a unit test compares them).
Router build_router(service::TrunkService& trunks, service::TrunkCheckService& checks,
                    const edge::EdgeStatusSource& edge, std::string openapi_yaml);

}  // namespace mv::api
