#pragma once

#include <string>

#include <nlohmann/json.hpp>

// Turns API answers into what mvctl prints: human tables, or the JSON itself (pretty) for
// scripts. Pure functions of the body; no I/O.
namespace mv::cli {

// What an answer is, and so how it is shown.
enum class View {
  trunk_list,
  trunk,
  trunk_deleted,
  dispatcher,
  permissions,
  registrations,
  drift,
  key_list,
  key_created,
  key_revoked,
  edge_status,
  edge_resync,
};

// The answer as a human table. `subject` names what a body-less answer (204) was about.
// Throws nlohmann::json::exception when the body does not have the view's shape.
std::string render_table(View view, const nlohmann::ordered_json& body, const std::string& subject);

// The answer for scripts: indented by two, one trailing newline; empty for an empty body.
std::string render_json(const nlohmann::ordered_json& body);

// Removes every member called "password" or ending in "_password", at any depth: the API never
// sends one, and mvctl would not print one if it did.
void drop_passwords(nlohmann::ordered_json& body);

}  // namespace mv::cli
