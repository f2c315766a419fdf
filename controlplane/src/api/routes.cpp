#include "api/routes.h"

#include "api/api_service.h"
#include "api/audit_handlers.h"
#include "api/edge_handlers.h"
#include "api/key_handlers.h"
#include "api/noc_handlers.h"
#include "api/trunk_handlers.h"

namespace mv::api {

namespace {

// The NOC page loads nothing from anywhere else and cannot be framed; its API calls carry the
// admin key the user typed (kept in the browser session).
const std::vector<std::pair<std::string, std::string>> kStaticFileHeaders = {
    {"Content-Security-Policy",
     "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
     "img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
};

}  // namespace

std::vector<StaticFile> noc_page_files(std::string index_html, std::string css, std::string js) {
  return {{"/noc/", "text/html; charset=utf-8", std::move(index_html)},
          {"/noc/noc.css", "text/css; charset=utf-8", std::move(css)},
          {"/noc/noc.js", "text/javascript; charset=utf-8", std::move(js)}};
}

Router build_router(const RouteTargets& targets, std::string openapi_yaml,
                    std::vector<StaticFile> static_files) {
  auto& trunks = targets.trunks;
  auto& checks = targets.checks;
  const auto& edge = targets.edge;
  auto& noc = targets.noc;
  auto& keys = targets.keys;
  const auto& clock = targets.clock;
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
  router.add(
      {"POST", "/v1/trunks/{id}/test-call", customer, true,
       [&checks](const RequestContext& context) { return test_call_trunk(checks, context); }});
  router.add({"GET", "/v1/trunks/{id}/events", customer, false, with(trunk_events)});
  router.add({"GET", "/v1/audit", admin, false, with(list_audit)});
  router.add({"GET", "/v1/trunks/{id}/health", customer, false,
              [&trunks, &noc](const RequestContext& context) {
                return trunk_health(trunks, noc, context);
              }});
  router.add({"GET", "/v1/edge/status", admin, false,
              [&edge](const RequestContext&) { return edge_status(edge); }});
  router.add({"POST", "/v1/edge/nodes/{node}/resync", admin, false,
              [&repair = targets.repair](const RequestContext& context) {
                return edge_resync(repair, context);
              }});
  auto noc_view = [&noc](HttpResponse (*view)(service::NocService&)) {
    return [&noc, view](const RequestContext&) { return view(noc); };
  };
  router.add({"GET", "/v1/noc/dispatcher", admin, false, noc_view(noc_dispatcher)});
  router.add({"GET", "/v1/noc/permissions", admin, false, noc_view(noc_permissions)});
  router.add({"GET", "/v1/noc/registrations", admin, false, noc_view(noc_registrations)});
  router.add({"GET", "/v1/noc/drift", admin, false, noc_view(noc_drift)});
  router.add({"GET", "/v1/keys", admin, false,
              [&keys](const RequestContext& context) { return list_keys(keys, context); }});
  router.add({"POST", "/v1/keys", admin, true, [&keys, &clock](const RequestContext& context) {
                return create_key(keys, clock, context);
              }});
  router.add({"DELETE", "/v1/keys/{key_id}", admin, false,
              [&keys](const RequestContext& context) { return revoke_key(keys, context); }});
  router.add(
      {"GET", "/v1/openapi.yaml", anyone, false, [yaml = std::move(openapi_yaml)](const auto&) {
         return HttpResponse{200, {{"Content-Type", "application/yaml"}}, yaml};
       }});
  for (auto& file : static_files) {
    auto headers = kStaticFileHeaders;
    headers.emplace_back("Content-Type", file.content_type);
    router.add({"GET", file.path, anyone, false,
                [headers = std::move(headers), body = std::move(file.body)](const auto&) {
                  return HttpResponse{200, headers, body};
                }});
  }
  return router;
}

}  // namespace mv::api
