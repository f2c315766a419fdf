#include "api/trunk_handlers.h"

#include <charconv>

#include "api/api_service.h"
#include "model/sip_syntax.h"
#include "model/test_call.h"

namespace mv::api {
namespace {

using model::ApiError;
using model::ErrorCode;

ApiError invalid(std::string message) { return {ErrorCode::invalid_request, std::move(message)}; }

// The service's outcome as HTTP: the trunk with `status`, or the error.
HttpResponse respond(service::TrunkService& trunks, int status,
                     const service::Outcome<model::Trunk>& outcome) {
  if (const auto* error = std::get_if<ApiError>(&outcome)) return error_response(*error);
  auto body = model::trunk_to_json(std::get<model::Trunk>(outcome), trunks.edge_progress());
  return json_response(status, body.dump());
}

const std::string& customer_of(const RequestContext& context) {
  return context.principal->customer_id;
}

HttpResponse rate_limited_response(const service::RateLimited& limited) {
  auto response =
      error_response({ErrorCode::rate_limited, "too many trunk tests for this customer; retry in " +
                                                   std::to_string(limited.retry_after_s) + " s"});
  response.headers.emplace_back("Retry-After", std::to_string(limited.retry_after_s));
  return response;
}

}  // namespace

std::variant<store::TrunkListQuery, ApiError> parse_list_query(std::string_view raw) {
  auto pairs = parse_query(raw);
  if (!pairs) return invalid("query string has a malformed percent escape");
  store::TrunkListQuery query;
  for (const auto& [name, value] : *pairs) {
    if (name == "limit") {
      std::size_t limit = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (value.empty() || ec != std::errc{} || end != value.data() + value.size() || limit < 1 ||
          limit > 1000) {
        return invalid("limit: must be an integer from 1 to 1000");
      }
      query.limit = limit;
    } else if (name == "starting_after") {
      if (!model::is_trunk_id(value)) return invalid("starting_after: must be a trunk id");
      query.starting_after = value;
    } else if (name == "is_active") {
      if (value != "true" && value != "false") return invalid("is_active: must be true or false");
      query.is_active = value == "true";
    } else if (name == "gateway_name") {
      if (value.size() > 64 || !model::is_gateway_name(value)) {
        return invalid("gateway_name: is not a valid gateway name");
      }
      query.gateway_name = value;
    } else {
      return invalid(
          "unknown query parameter; use limit, starting_after, is_active or gateway_name");
    }
  }
  return query;
}

HttpResponse create_trunk(service::TrunkService& trunks, const RequestContext& context) {
  auto body = model::parse_trunk_patch(context.request.body);
  if (const auto* error = std::get_if<ApiError>(&body)) return error_response(*error);
  auto outcome = trunks.create(customer_of(context), std::get<model::TrunkPatch>(body));
  auto response = respond(trunks, 201, outcome);
  if (const auto* trunk = std::get_if<model::Trunk>(&outcome)) {
    response.headers.emplace_back("Location", "/v1/trunks/" + trunk->id);
  }
  return response;
}

HttpResponse list_trunks(service::TrunkService& trunks, const RequestContext& context) {
  auto parsed = parse_list_query(context.request.query);
  if (const auto* error = std::get_if<ApiError>(&parsed)) return error_response(*error);
  auto query = std::get<store::TrunkListQuery>(std::move(parsed));
  query.customer_id = customer_of(context);
  auto page = trunks.list(query);
  auto edge = trunks.edge_progress();
  nlohmann::ordered_json data = nlohmann::ordered_json::array();
  for (const auto& trunk : page.trunks) data.push_back(model::trunk_to_json(trunk, edge));
  nlohmann::ordered_json body = {
      {"data", std::move(data)}, {"count", page.total}, {"has_more", page.has_more}};
  return json_response(200, body.dump());
}

HttpResponse get_trunk(service::TrunkService& trunks, const RequestContext& context) {
  return respond(trunks, 200, trunks.get(customer_of(context), context.path_params.at("id")));
}

HttpResponse update_trunk(service::TrunkService& trunks, const RequestContext& context) {
  auto body = model::parse_trunk_patch(context.request.body);
  if (const auto* error = std::get_if<ApiError>(&body)) return error_response(*error);
  return respond(trunks, 200,
                 trunks.update(customer_of(context), context.path_params.at("id"),
                               std::get<model::TrunkPatch>(body)));
}

HttpResponse test_trunk(service::TrunkCheckService& checks, const RequestContext& context) {
  auto outcome = checks.options(customer_of(context), context.path_params.at("id"));
  if (const auto* error = std::get_if<ApiError>(&outcome)) return error_response(*error);
  if (const auto* limited = std::get_if<service::RateLimited>(&outcome)) {
    return rate_limited_response(*limited);
  }
  const auto& check = std::get<service::TrunkCheck>(outcome);
  nlohmann::ordered_json body = {{"sip_status", check.sip_status},
                                 {"reason", check.reason},
                                 {"latency_ms", check.latency_ms},
                                 {"result", check.result},
                                 {"registration_status", check.registration_status}};
  return json_response(200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpResponse test_call_trunk(service::TrunkCheckService& checks, const RequestContext& context) {
  auto numbers = model::parse_test_call_request(context.request.body);
  if (const auto* error = std::get_if<ApiError>(&numbers)) return error_response(*error);
  auto outcome = checks.test_call(customer_of(context), context.path_params.at("id"),
                                  std::get<model::TestCallNumbers>(numbers));
  if (const auto* error = std::get_if<ApiError>(&outcome)) return error_response(*error);
  if (const auto* limited = std::get_if<service::RateLimited>(&outcome)) {
    return rate_limited_response(*limited);
  }
  const auto& call = std::get<service::TestCall>(outcome);
  nlohmann::ordered_json body = {{"sip_status", call.sip_status}, {"reason", call.reason},
                                 {"latency_ms", call.latency_ms}, {"call_id", call.call_id},
                                 {"result", call.result},         {"ended", call.ended}};
  return json_response(200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpResponse delete_trunk(service::TrunkService& trunks, const RequestContext& context) {
  auto outcome = trunks.remove(customer_of(context), context.path_params.at("id"));
  if (const auto* error = std::get_if<ApiError>(&outcome)) return error_response(*error);
  return HttpResponse{204, {}, {}};
}

}  // namespace mv::api
