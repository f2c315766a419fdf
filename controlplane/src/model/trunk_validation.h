#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "model/api_error.h"
#include "model/trunk.h"

namespace mv::model {

// A parsed and validated trunk request body. Each optional field is absent (outer nullopt),
// cleared with JSON null (inner nullopt), or set.
struct TrunkPatch {
  std::optional<std::string> name;
  std::optional<std::string> proxy;
  std::optional<std::optional<std::string>> username;
  std::optional<std::optional<std::string>> password;
  std::optional<std::optional<std::string>> realm;
  std::optional<std::optional<std::string>> from_domain;
  std::optional<std::optional<std::string>> inbound_ip;
  std::optional<std::optional<std::string>> gateway_name;
  std::optional<bool> is_active;
  std::optional<std::optional<bool>> register_requested;  // `register`; null: back to the default
};

inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;

// The outcome of checking one string field: the stored (canonical) value, or why it is refused.
struct FieldCheck {
  std::optional<std::string> value;
  std::string error;  // "<field>: <reason>"; never repeats the value
};

// Checks one writable string field by name ("proxy", "inbound_ip", ...).
FieldCheck check_string_field(std::string_view field, std::string_view value);

// Parses a POST/PATCH body: a JSON object of known fields with the right types and valid values.
std::variant<TrunkPatch, ApiError> parse_trunk_patch(std::string_view body);

// POST: the required fields are present; the result is a trunk without id, owner or times.
std::variant<Trunk, ApiError> trunk_from_create(const TrunkPatch& patch);

// PATCH: applies the body to a stored trunk and checks the rules that span fields.
std::variant<Trunk, ApiError> apply_trunk_patch(Trunk trunk, const TrunkPatch& patch);

}  // namespace mv::model
