#pragma once

#include <variant>

#include "api/router.h"
#include "service/trunk_check_service.h"
#include "service/trunk_service.h"
#include "store/trunk_store.h"

// Thin handlers: HTTP in, service call, HTTP out.
namespace mv::api {

HttpResponse create_trunk(service::TrunkService& trunks, const RequestContext& context);
HttpResponse list_trunks(service::TrunkService& trunks, const RequestContext& context);
HttpResponse get_trunk(service::TrunkService& trunks, const RequestContext& context);
HttpResponse update_trunk(service::TrunkService& trunks, const RequestContext& context);
HttpResponse delete_trunk(service::TrunkService& trunks, const RequestContext& context);
// POST /v1/trunks/{id}/test: an OPTIONS from the edge to the trunk's proxy.
HttpResponse test_trunk(service::TrunkCheckService& checks, const RequestContext& context);
// POST /v1/trunks/{id}/test-call: a short call through the outbound route, hung up if answered.
HttpResponse test_call_trunk(service::TrunkCheckService& checks, const RequestContext& context);

// GET /v1/trunks query parameters: limit (1..1000, default 100), starting_after, is_active,
// gateway_name. Unknown parameters are refused so a typo does not silently list everything.
std::variant<store::TrunkListQuery, model::ApiError> parse_list_query(std::string_view query);

}  // namespace mv::api
