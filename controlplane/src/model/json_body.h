#pragma once

#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "model/api_error.h"

namespace mv::model {

// Parses a request body that must be one JSON object: no duplicate keys, no deep nesting. The
// error names the problem without repeating the client's text.
std::variant<nlohmann::json, ApiError> parse_json_object_body(std::string_view body);

// 'name' for a plain field name; "(name not shown)" for anything a log should not repeat.
std::string describe_key(std::string_view key);

}  // namespace mv::model
