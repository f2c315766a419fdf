#include "api/api_service.h"

#include <algorithm>
#include <chrono>

#include "api/auth.h"
#include "crypto/api_key.h"
#include "model/trunk_validation.h"
#include "store/store_unavailable.h"

namespace mv::api {
namespace {

using model::ApiError;
using model::ErrorCode;

bool is_json_media_type(const std::optional<std::string>& content_type) {
  if (!content_type) return false;
  std::string media = content_type->substr(0, content_type->find(';'));
  media.erase(std::remove(media.begin(), media.end(), ' '), media.end());
  std::transform(media.begin(), media.end(), media.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return media == "application/json";
}

// A client's X-Request-Id is kept only when it is short and plain, so it is safe in logs.
std::string request_id_for(const HttpRequest& request) {
  auto given = request.header("x-request-id");
  bool usable = given && !given->empty() && given->size() <= 64 &&
                std::all_of(given->begin(), given->end(), [](char c) {
                  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
                });
  return usable ? *given : crypto::random_hex(8);
}

// A trunk id as the client wrote it in the path: logged only when it could be one.
bool is_plain_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

constexpr std::string_view kTrunkPathPrefix = "/v1/trunks/";

// The trunk a create made, from its Location header.
std::optional<std::string> created_trunk(const HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (name == "Location" && value.starts_with(kTrunkPathPrefix)) {
      return value.substr(kTrunkPathPrefix.size());
    }
  }
  return std::nullopt;
}

}  // namespace

HttpResponse json_response(int status, std::string body) {
  return {status, {{"Content-Type", "application/json; charset=utf-8"}}, std::move(body)};
}

HttpResponse error_response(const ApiError& error) {
  auto response = json_response(model::http_status(error.code), model::error_body(error));
  if (error.code == ErrorCode::unauthorized) {
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
  }
  if (error.code == ErrorCode::service_unavailable)
    response.headers.emplace_back("Retry-After", "1");
  return response;
}

ApiService::ApiService(Router router, store::ApiKeyStore& keys, std::shared_ptr<spdlog::logger> log,
                       metrics::HttpMetrics* metrics, std::optional<KeyRateLimits> limits)
    : router_(std::move(router)),
      keys_(keys),
      log_(std::move(log)),
      metrics_(metrics),
      limits_(std::move(limits)) {}

std::optional<HttpResponse> ApiService::over_rate_limit(const Principal& principal) const {
  if (!limits_) return std::nullopt;
  auto& limiter = principal.role == "admin" ? limits_->admin : limits_->customer;
  auto wait_ns = limiter.acquire(principal.key_id, limits_->clock.now_unix_ns());
  if (wait_ns == 0) return std::nullopt;
  auto retry_after_s = std::to_string((wait_ns + 999'999'999) / 1'000'000'000);
  auto response =
      error_response({ErrorCode::rate_limited,
                      "too many requests for this API key; retry in " + retry_after_s + " s"});
  response.headers.emplace_back("Retry-After", retry_after_s);
  return response;
}

HttpResponse ApiService::dispatch(const HttpRequest& request, std::string& route_pattern,
                                  logging::LogScope& log_fields) const {
  if (request.transport_error) return error_response(*request.transport_error);
  auto match = router_.match(request.method, request.path);
  if (!match.route) {
    if (match.allowed_methods.empty())
      return error_response({ErrorCode::not_found, "no such resource"});
    auto response = error_response(
        {ErrorCode::method_not_allowed, request.method.substr(0, 16) + " is not allowed here"});
    std::string allow;
    for (const auto& method : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + method;
    response.headers.emplace_back("Allow", allow);
    return response;
  }
  const Route& route = *match.route;
  route_pattern = route.pattern;
  if (auto id = match.path_params.find("id"); id != match.path_params.end() &&
                                              route.pattern.starts_with(kTrunkPathPrefix) &&
                                              is_plain_id(id->second)) {
    log_fields.add("trunk_id", id->second);
  }
  if (request.body_over_limit || request.body.size() > model::kMaxBodyBytes) {
    return error_response({ErrorCode::payload_too_large, "request body is larger than 64 KiB"});
  }
  std::optional<Principal> principal;
  if (route.access != Access::anyone) {
    principal = authenticate(request.header("authorization"), keys_);
    if (!principal) {
      return error_response({ErrorCode::unauthorized, "a valid Bearer API key is required"});
    }
    log_fields.add("customer_id", principal->customer_id);
    if (auto limited = over_rate_limit(*principal)) return *limited;
    if (route.access == Access::admin && principal->role != "admin") {
      return error_response({ErrorCode::forbidden, "this resource needs an admin key"});
    }
  }
  if (route.takes_json_body && !is_json_media_type(request.header("content-type"))) {
    return error_response(
        {ErrorCode::unsupported_media_type, "Content-Type must be application/json"});
  }
  return route.handler(RequestContext{request, std::move(match.path_params), principal});
}

HttpResponse ApiService::handle(const HttpRequest& request) const {
  auto started = std::chrono::steady_clock::now();
  auto request_id = request_id_for(request);
  logging::LogScope log_fields({{"request_id", request_id}});
  std::string route;
  HttpResponse response;
  try {
    response = dispatch(request, route, log_fields);
  } catch (const store::StoreUnavailable& e) {
    log_->warn("storage unavailable: {}", e.what());
    response =
        error_response({ErrorCode::service_unavailable, "storage is unavailable; retry shortly"});
  } catch (const std::exception& e) {
    log_->error("internal error: {}", e.what());
    response = error_response({ErrorCode::internal_error, "internal error"});
  }
  if (auto trunk_id = created_trunk(response)) log_fields.add("trunk_id", *trunk_id);
  response.headers.emplace_back("X-Request-Id", request_id);
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");

  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  if (metrics_) metrics_->observe(route, request.method, response.status, elapsed.count());
  // Never a header: the Authorization header carries the key.
  logging::LogScope request_fields({{"method", request.method.substr(0, 16)},
                                    {"route", route.empty() ? "unmatched" : route},
                                    {"path", request.path.substr(0, 200)},
                                    {"status", std::int64_t{response.status}},
                                    {"duration_ms", elapsed.count() * 1000}});
  log_->info("request");
  return response;
}

}  // namespace mv::api
