#include "model/idempotency.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace mv::model {
namespace {

bool is_key_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("-_.:~+/=").find(c) != std::string_view::npos;
}

template <typename T>
void put(nlohmann::json& object, const char* name, const std::optional<std::optional<T>>& field) {
  if (!field) return;
  object[name] = *field ? nlohmann::json(**field) : nlohmann::json(nullptr);
}

template <typename T>
void put(nlohmann::json& object, const char* name, const std::optional<T>& field) {
  if (field) object[name] = *field;
}

}  // namespace

std::variant<std::string, ApiError> parse_idempotency_key(std::string_view value) {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  if (value.empty() || value.size() > kMaxIdempotencyKeyLength ||
      !std::all_of(value.begin(), value.end(), is_key_character)) {
    return ApiError{ErrorCode::invalid_request,
                    "Idempotency-Key: must be 1 to 255 of A-Z a-z 0-9 - _ . : ~ + / ="};
  }
  return std::string(value);
}

std::string canonical_trunk_request(const TrunkPatch& patch) {
  // nlohmann::json keeps object members sorted by name: the order is fixed.
  nlohmann::json object = nlohmann::json::object();
  put(object, "name", patch.name);
  put(object, "proxy", patch.proxy);
  put(object, "username", patch.username);
  put(object, "password", patch.password);
  put(object, "realm", patch.realm);
  put(object, "from_domain", patch.from_domain);
  put(object, "inbound_ip", patch.inbound_ip);
  put(object, "gateway_name", patch.gateway_name);
  put(object, "is_active", patch.is_active);
  put(object, "register", patch.register_requested);
  return object.dump(-1, ' ', true);
}

}  // namespace mv::model
