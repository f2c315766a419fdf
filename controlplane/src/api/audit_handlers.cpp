#include "api/audit_handlers.h"

#include "api/api_service.h"
#include "model/audit.h"

namespace mv::api {
namespace {

using model::ApiError;
using model::ErrorCode;

ApiError invalid(std::string message) { return {ErrorCode::invalid_request, std::move(message)}; }

// {"data": [entries, newest first], "has_more"}: page on with before=<last id> (older) or
// after=<first id> (newer).
HttpResponse page_response(const store::AuditPage& page) {
  nlohmann::ordered_json data = nlohmann::ordered_json::array();
  for (const auto& record : page.records) {
    data.push_back(model::audit_entry_json(record.id, record.fields));
  }
  nlohmann::ordered_json body = {{"data", std::move(data)}, {"has_more", page.has_more}};
  return json_response(200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

std::variant<store::AuditQuery, ApiError> parse_audit_query(std::string_view raw) {
  auto pairs = parse_query(raw);
  if (!pairs) return invalid("query string has a malformed percent escape");
  store::AuditQuery query;
  for (const auto& [name, value] : *pairs) {
    if (name == "limit") {
      auto limit = parse_page_limit(value);
      if (!limit) return invalid("limit: must be an integer from 1 to 1000");
      query.limit = *limit;
    } else if (name == "before" || name == "after") {
      if (!model::is_stream_id(value)) return invalid(name + ": must be an event id");
      (name == "before" ? query.before : query.after) = value;
    } else {
      return invalid("unknown query parameter; use limit, before or after");
    }
  }
  if (query.before && query.after) return invalid("give before or after, not both");
  return query;
}

HttpResponse list_audit(service::TrunkService& trunks, const RequestContext& context) {
  auto query = parse_audit_query(context.request.query);
  if (const auto* error = std::get_if<ApiError>(&query)) return error_response(*error);
  return page_response(trunks.audit(std::get<store::AuditQuery>(query)));
}

HttpResponse trunk_events(service::TrunkService& trunks, const RequestContext& context) {
  auto query = parse_audit_query(context.request.query);
  if (const auto* error = std::get_if<ApiError>(&query)) return error_response(*error);
  auto page = trunks.events(context.principal->customer_id, context.path_params.at("id"),
                            std::get<store::AuditQuery>(std::move(query)));
  if (const auto* error = std::get_if<ApiError>(&page)) return error_response(*error);
  return page_response(std::get<store::AuditPage>(page));
}

}  // namespace mv::api
