#include "model/api_error.h"

#include <nlohmann/json.hpp>

namespace mv::model {

namespace {

struct ErrorWire {
  int status;
  std::string_view name;
};

// The one mapping of error codes to the wire.
ErrorWire wire(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_request:
      return {400, "invalid_request"};
    case ErrorCode::unauthorized:
      return {401, "unauthorized"};
    case ErrorCode::forbidden:
      return {403, "forbidden"};
    case ErrorCode::not_found:
      return {404, "not_found"};
    case ErrorCode::key_not_found:
      return {404, "key_not_found"};
    case ErrorCode::method_not_allowed:
      return {405, "method_not_allowed"};
    case ErrorCode::gateway_name_exists:
      return {409, "gateway_name_exists"};
    case ErrorCode::inbound_ip_exists:
      return {409, "inbound_ip_exists"};
    case ErrorCode::trunk_inactive:
      return {409, "trunk_inactive"};
    case ErrorCode::no_active_trunk:
      return {409, "no_active_trunk"};
    case ErrorCode::request_timeout:
      return {408, "request_timeout"};
    case ErrorCode::idempotency_mismatch:
      return {409, "idempotency_mismatch"};
    case ErrorCode::precondition_failed:
      return {412, "precondition_failed"};
    case ErrorCode::payload_too_large:
      return {413, "payload_too_large"};
    case ErrorCode::unsupported_media_type:
      return {415, "unsupported_media_type"};
    case ErrorCode::rate_limited:
      return {429, "rate_limited"};
    case ErrorCode::headers_too_large:
      return {431, "headers_too_large"};
    case ErrorCode::service_unavailable:
      return {503, "service_unavailable"};
    case ErrorCode::internal_error:
      return {500, "internal_error"};
  }
  return {500, "internal_error"};
}

}  // namespace

int http_status(ErrorCode code) { return wire(code).status; }

std::string_view code_name(ErrorCode code) { return wire(code).name; }

std::string error_body(const ApiError& error) {
  nlohmann::json body = {{"error", {{"code", code_name(error.code)}, {"message", error.message}}}};
  // Invalid UTF-8 from a client could end up in a message: replace rather than throw.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mv::model
