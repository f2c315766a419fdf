#pragma once

#include <string>
#include <vector>

#include "api/router.h"
#include "edge/edge_status.h"
#include "service/noc_service.h"
#include "service/trunk_check_service.h"
#include "service/trunk_service.h"
#include "store/api_key_store.h"
#include "util/clock.h"

namespace mv::api {

// A file served as is, compiled into the daemon (the NOC page: controlplane/web/noc).
struct StaticFile {
  std::string path;  // e.g. "/noc/noc.js"
  std::string content_type;
  std::string body;
};

// The NOC page at /noc/: its HTML, stylesheet and script (controlplane/web/noc, compiled in).
std::vector<StaticFile> noc_page_files(std::string index_html, std::string css, std::string js);

// What the routes call into; main owns all of it.
struct RouteTargets {
  service::TrunkService& trunks;
  service::TrunkCheckService& checks;
  const edge::EdgeStatusSource& edge;
  edge::EdgeRepair& repair;
  service::NocService& noc;
  store::ApiKeyStore& keys;
  const util::Clock& clock;
};

// Every route of the API, in one table; with the ops routes (api/ops_routes.h) they are what
// schemas/openapi.yaml lists (a unit test compares them).
Router build_router(const RouteTargets& targets, std::string openapi_yaml,
                    std::vector<StaticFile> static_files = {});

}  // namespace mv::api
