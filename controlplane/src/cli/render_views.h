#pragma once

#include <string>

#include <nlohmann/json.hpp>

// One renderer per view (see render.h); each takes the API's body.
namespace mv::cli {

std::string render_trunk_list(const nlohmann::ordered_json& body);
std::string render_trunk(const nlohmann::ordered_json& body);
std::string render_key_list(const nlohmann::ordered_json& body);
std::string render_key_created(const nlohmann::ordered_json& body);
std::string render_dispatcher(const nlohmann::ordered_json& body);
std::string render_permissions(const nlohmann::ordered_json& body);
std::string render_registrations(const nlohmann::ordered_json& body);
std::string render_drift(const nlohmann::ordered_json& body);
std::string render_edge_status(const nlohmann::ordered_json& body);

}  // namespace mv::cli
