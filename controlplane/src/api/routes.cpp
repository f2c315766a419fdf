#include "api/routes.h"

#include "api/api_service.h"
#include "api/trunk_handlers.h"

namespace mv::api {

Router build_router(service::TrunkService& trunks, std::string openapi_yaml) {
  auto with = [&trunks](HttpResponse (*handler)(service::TrunkService&, const RequestContext&)) {
    return [&trunks, handler](const RequestContext& context) { return handler(trunks, context); };
  };
  Router router;
  //          method    pattern               auth   json body  handler
  router.add({"POST", "/v1/trunks", true, true, with(create_trunk)});
  router.add({"GET", "/v1/trunks", true, false, with(list_trunks)});
  router.add({"GET", "/v1/trunks/{id}", true, false, with(get_trunk)});
  router.add({"PATCH", "/v1/trunks/{id}", true, true, with(update_trunk)});
  router.add({"DELETE", "/v1/trunks/{id}", true, false, with(delete_trunk)});
  router.add(
      {"GET", "/v1/openapi.yaml", false, false, [yaml = std::move(openapi_yaml)](const auto&) {
         return HttpResponse{200, {{"Content-Type", "application/yaml"}}, yaml};
       }});
  router.add({"GET", "/healthz", false, false,
              [](const auto&) { return json_response(200, R"({"status":"ok"})"); }});
  return router;
}

}  // namespace mv::api
