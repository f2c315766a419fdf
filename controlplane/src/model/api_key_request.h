#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "model/api_error.h"

namespace mv::model {

// A customer id as keys and trunks carry it: 1..64 of [A-Za-z0-9_-].
bool is_customer_id(std::string_view id);
// "customer" (the default) or "admin".
bool is_api_key_role(std::string_view role);

// POST /v1/keys: {"customer_id": "...", "role": "customer"|"admin"} (role optional).
struct NewApiKeyRequest {
  std::string customer_id;
  std::string role = "customer";
};

std::variant<NewApiKeyRequest, ApiError> parse_new_api_key(std::string_view body);

}  // namespace mv::model
