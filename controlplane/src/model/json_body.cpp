#include "model/json_body.h"

#include <algorithm>
#include <set>
#include <vector>

namespace mv::model {
namespace {

using json = nlohmann::json;

struct BodyShapeError {
  std::string message;
};

json parse_strict(std::string_view body) {
  std::vector<std::set<std::string>> open_objects;
  json::parser_callback_t callback = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > 16) throw BodyShapeError{"request body is nested too deeply"};
    if (event == json::parse_event_t::object_start) open_objects.emplace_back();
    if (event == json::parse_event_t::object_end && !open_objects.empty()) open_objects.pop_back();
    if (event == json::parse_event_t::key && !open_objects.empty()) {
      if (!open_objects.back().insert(parsed.get<std::string>()).second) {
        throw BodyShapeError{"duplicate field " + describe_key(parsed.get<std::string>())};
      }
    }
    return true;
  };
  return json::parse(body.begin(), body.end(), callback);
}

ApiError invalid(std::string message) { return {ErrorCode::invalid_request, std::move(message)}; }

}  // namespace

std::string describe_key(std::string_view key) {
  bool plain = !key.empty() && key.size() <= 40 && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  return plain ? "'" + std::string(key) + "'" : "(name not shown)";
}

std::variant<json, ApiError> parse_json_object_body(std::string_view body) {
  if (body.empty()) return invalid("request body is empty; send a JSON object");
  json document;
  try {
    document = parse_strict(body);
  } catch (const BodyShapeError& e) {
    return invalid(e.message);
  } catch (const json::parse_error& e) {
    return invalid("request body is not valid JSON (error at byte " + std::to_string(e.byte) + ")");
  } catch (const json::out_of_range&) {
    // A number beyond a double (1e400) is thrown as out_of_range, not parse_error.
    return invalid("request body has a number out of range");
  }
  if (!document.is_object()) return invalid("request body must be a JSON object");
  return document;
}

}  // namespace mv::model
