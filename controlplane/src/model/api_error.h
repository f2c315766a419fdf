#pragma once

#include <string>
#include <string_view>

namespace mv::model {

// Every error the API can answer with. http_status() and code() are the one mapping to the wire.
enum class ErrorCode {
  invalid_request,
  unauthorized,
  forbidden,
  not_found,
  key_not_found,
  method_not_allowed,
  gateway_name_exists,
  inbound_ip_exists,
  trunk_inactive,
  no_active_trunk,
  request_timeout,
  idempotency_mismatch,
  precondition_failed,
  payload_too_large,
  unsupported_media_type,
  rate_limited,
  headers_too_large,
  service_unavailable,
  internal_error,
};

int http_status(ErrorCode code);
std::string_view code_name(ErrorCode code);

// An expected outcome that is not success: returned as a value, never thrown.
struct ApiError {
  ErrorCode code;
  std::string message;
};

// {"error": {"code": "...", "message": "..."}}
std::string error_body(const ApiError& error);

}  // namespace mv::model
