#pragma once

#include "api/router.h"
#include "service/noc_service.h"
#include "service/trunk_service.h"

// The NOC views (admin keys) and a trunk's gateway health (its owner): JSON out of NocService.
namespace mv::api {

HttpResponse noc_dispatcher(service::NocService& noc);
HttpResponse noc_permissions(service::NocService& noc);
HttpResponse noc_registrations(service::NocService& noc);
HttpResponse noc_drift(service::NocService& noc);
// GET /v1/trunks/{id}/health: 404 for another customer's trunk, as every trunk route.
HttpResponse trunk_health(service::TrunkService& trunks, service::NocService& noc,
                          const RequestContext& context);

}  // namespace mv::api
