#include "api/routes.h"

#include "api/api_service.h"
#include "api/edge_handlers.h"
#include "api/trunk_handlers.h"

namespace mv::api {

Router build_router(service::TrunkService& trunks, service::TrunkCheckService& checks,
                    const edge::EdgeStatusSource& edge, std::string openapi_yaml) {
  auto with = [&trunks](HttpResponse (*handler)(service::TrunkService&, const RequestContext&)) {
    return [&trunks, handler](const RequestContext& context) { return handler(trunks, context); };
  };
  using enum Access;
  Router router;
  //          method    pattern            access    json body  handler
  router.add({"POST", "/v1/trunks", customer, true, with(create_trunk)});
  router.add({"GET", "/v1/trunks", customer, false, with(list_trunks)});
  router.add({"GET", "/v1/trunks/{id}", customer, false, with(get_trunk)});
  router.add({"PATCH", "/v1/trunks/{id}", customer, true, with(update_trunk)});
  router.add({"DELETE", "/v1/trunks/{id}", customer, false, with(delete_trunk)});
  router.add({"POST", "/v1/trunks/{id}/test", customer, false,
              [&checks](const RequestContext& context) { return test_trunk(checks, context); }});
  router.add({"GET", "/v1/edge/status", admin, false,
              [&edge](const RequestContext&) { return edge_status(edge); }});
  router.add(
      {"GET", "/v1/openapi.yaml", anyone, false, [yaml = std::move(openapi_yaml)](const auto&) {
         return HttpResponse{200, {{"Content-Type", "application/yaml"}}, yaml};
       }});
  return router;
}

}  // namespace mv::api
