#pragma once

#include <string>

#include "api/router.h"
#include "edge/edge_status.h"
#include "service/noc_service.h"
#include "service/trunk_check_service.h"
#include "service/trunk_service.h"

namespace mv::api {

// Every route the daemon serves, in one table. schemas/openapi.yaml must list the same set (a
// unit test compares them).
Router build_router(service::TrunkService& trunks, service::TrunkCheckService& checks,
                    const edge::EdgeStatusSource& edge, service::NocService& noc,
                    std::string openapi_yaml);

}  // namespace mv::api
