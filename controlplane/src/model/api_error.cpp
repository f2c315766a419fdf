#include "model/api_error.h"

#include <nlohmann/json.hpp>

namespace mv::model {

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_request:
      return 400;
    case ErrorCode::unauthorized:
      return 401;
    case ErrorCode::forbidden:
      return 403;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::method_not_allowed:
      return 405;
    case ErrorCode::gateway_name_exists:
      return 409;
    case ErrorCode::inbound_ip_exists:
      return 409;
    case ErrorCode::payload_too_large:
      return 413;
    case ErrorCode::unsupported_media_type:
      return 415;
    case ErrorCode::service_unavailable:
      return 503;
    case ErrorCode::internal_error:
      return 500;
  }
  return 500;
}

std::string_view code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_request:
      return "invalid_request";
    case ErrorCode::unauthorized:
      return "unauthorized";
    case ErrorCode::forbidden:
      return "forbidden";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::method_not_allowed:
      return "method_not_allowed";
    case ErrorCode::gateway_name_exists:
      return "gateway_name_exists";
    case ErrorCode::inbound_ip_exists:
      return "inbound_ip_exists";
    case ErrorCode::payload_too_large:
      return "payload_too_large";
    case ErrorCode::unsupported_media_type:
      return "unsupported_media_type";
    case ErrorCode::service_unavailable:
      return "service_unavailable";
    case ErrorCode::internal_error:
      return "internal_error";
  }
  return "internal_error";
}

std::string error_body(const ApiError& error) {
  nlohmann::json body = {{"error", {{"code", code_name(error.code)}, {"message", error.message}}}};
  // Invalid UTF-8 from a client could end up in a message: replace rather than throw.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mv::model
