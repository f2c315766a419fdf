#include "api/trunk_handlers.h"

#include "api/api_service.h"
#include "crypto/api_key.h"
#include "model/etag.h"
#include "model/idempotency.h"
#include "model/sip_syntax.h"
#include "model/test_call.h"

namespace mv::api {
namespace {

using model::ApiError;
using model::ErrorCode;

ApiError invalid(std::string message) { return {ErrorCode::invalid_request, std::move(message)}; }

// The service's outcome as HTTP: the trunk with `status` and its ETag, or the error.
HttpResponse respond(service::TrunkService& trunks, int status,
                     const service::Outcome<model::Trunk>& outcome) {
  if (const auto* error = std::get_if<ApiError>(&outcome)) return error_response(*error);
  const auto& trunk = std::get<model::Trunk>(outcome);
  auto response = json_response(status, model::trunk_to_json(trunk, trunks.edge_progress()).dump());
  response.headers.emplace_back("ETag", model::trunk_etag(trunk));
  return response;
}

const std::string& customer_of(const RequestContext& context) {
  return context.principal->customer_id;
}

model::Actor actor_of(const RequestContext& context) {
  return {context.principal->key_id, context.principal->customer_id};
}

// The If-Match header, when there is one: its condition, or 400 when it is malformed.
std::variant<std::optional<model::IfMatch>, ApiError> precondition_of(
    const RequestContext& context) {
  auto header = context.request.header("if-match");
  if (!header) return std::optional<model::IfMatch>{};
  auto parsed = model::parse_if_match(*header);
  if (const auto* error = std::get_if<ApiError>(&parsed)) return *error;
  return std::optional<model::IfMatch>(std::get<model::IfMatch>(std::move(parsed)));
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
      auto limit = parse_page_limit(value);
      if (!limit) return invalid("limit: must be an integer from 1 to 1000");
      query.limit = *limit;
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
  std::optional<service::IdempotencyRequest> idempotency;
  if (auto header = context.request.header("idempotency-key")) {
    auto key = model::parse_idempotency_key(*header);
    if (const auto* error = std::get_if<ApiError>(&key)) return error_response(*error);
    idempotency = service::IdempotencyRequest{std::get<std::string>(std::move(key)), ""};
  }
  auto body = model::parse_trunk_patch(context.request.body);
  if (const auto* error = std::get_if<ApiError>(&body)) return error_response(*error);
  const auto& patch = std::get<model::TrunkPatch>(body);
  if (idempotency) {
    idempotency->request_sha256 = crypto::sha256_hex(model::canonical_trunk_request(patch));
  }
  auto outcome = trunks.create(actor_of(context), patch, idempotency);
  if (const auto* error = std::get_if<ApiError>(&outcome)) return error_response(*error);
  const auto& created = std::get<service::CreatedTrunk>(outcome);
  auto response = json_response(201, created.response.body);
  response.headers.emplace_back("Location", "/v1/trunks/" + created.response.trunk_id);
  response.headers.emplace_back("ETag", created.response.etag);
  if (created.replayed) response.headers.emplace_back("Idempotent-Replayed", "true");
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
  auto precondition = precondition_of(context);
  if (const auto* error = std::get_if<ApiError>(&precondition)) return error_response(*error);
  auto body = model::parse_trunk_patch(context.request.body);
  if (const auto* error = std::get_if<ApiError>(&body)) return error_response(*error);
  return respond(trunks, 200,
                 trunks.update(actor_of(context), context.path_params.at("id"),
                               std::get<model::TrunkPatch>(body),
                               std::get<std::optional<model::IfMatch>>(precondition)));
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
  auto precondition = precondition_of(context);
  if (const auto* error = std::get_if<ApiError>(&precondition)) return error_response(*error);
  auto outcome = trunks.remove(actor_of(context), context.path_params.at("id"),
                               std::get<std::optional<model::IfMatch>>(precondition));
  if (const auto* error = std::get_if<ApiError>(&outcome)) return error_response(*error);
  return HttpResponse{204, {}, {}};
}

}  // namespace mv::api
