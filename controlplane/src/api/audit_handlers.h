#pragma once

#include <string_view>
#include <variant>

#include "api/router.h"
#include "service/trunk_service.h"
#include "store/trunk_store.h"

// The audit trail of trunk writes over HTTP.
namespace mv::api {

// GET /v1/audit (admin keys): every customer's trunk writes, newest first.
HttpResponse list_audit(service::TrunkService& trunks, const RequestContext& context);
// GET /v1/trunks/{id}/events: one trunk's writes, for its owner.
HttpResponse trunk_events(service::TrunkService& trunks, const RequestContext& context);

// The query of both: limit (1..1000, default 100), and at most one of before / after (a stream
// id from an earlier page: older / newer entries than it).
std::variant<store::AuditQuery, model::ApiError> parse_audit_query(std::string_view query);

}  // namespace mv::api
