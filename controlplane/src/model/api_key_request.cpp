#include "model/api_key_request.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace mv::model {
namespace {

ApiError invalid(std::string message) { return {ErrorCode::invalid_request, std::move(message)}; }

}  // namespace

bool is_customer_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

bool is_api_key_role(std::string_view role) { return role == "customer" || role == "admin"; }

std::variant<NewApiKeyRequest, ApiError> parse_new_api_key(std::string_view body) {
  if (body.empty()) return invalid("request body is empty; send a JSON object");
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    return invalid("request body is not valid JSON (error at byte " + std::to_string(e.byte) + ")");
  }
  if (!document.is_object()) return invalid("request body must be a JSON object");
  NewApiKeyRequest request;
  bool has_customer = false;
  for (const auto& [name, value] : document.items()) {
    if (name == "customer_id") {
      if (!value.is_string() || !is_customer_id(value.get_ref<const std::string&>())) {
        return invalid("customer_id: letters, digits, '_' and '-' only, 1 to 64 characters");
      }
      request.customer_id = value.get<std::string>();
      has_customer = true;
    } else if (name == "role") {
      if (!value.is_string() || !is_api_key_role(value.get_ref<const std::string&>())) {
        return invalid("role: must be customer or admin");
      }
      request.role = value.get<std::string>();
    } else {
      return invalid("unknown field; use customer_id and role");
    }
  }
  if (!has_customer) return invalid("customer_id: is required");
  return request;
}

}  // namespace mv::model
