// The NOC views (GET /v1/noc/*): one section per Kamailio node, in the API's order.
#include <map>
#include <vector>

#include "cli/render_common.h"
#include "cli/render_views.h"
#include "cli/text_table.h"

namespace mv::cli {
namespace {

using detail::cell;
using detail::Json;
using detail::node_heading;
using detail::node_rows;

// Sections separated by one blank line.
std::string join_sections(const std::vector<std::string>& sections) {
  std::string out;
  for (const auto& section : sections) out += (out.empty() ? "" : "\n") + section;
  return out;
}

std::string per_node(const Json& body, const auto& render_node) {
  std::vector<std::string> sections;
  for (const auto& node : body.at("nodes")) sections.push_back(render_node(node));
  if (sections.empty()) return "no Kamailio nodes configured\n";
  return join_sections(sections);
}

// "3 destinations: 2 active, 1 inactive", states in a fixed order, then any others.
std::string state_summary(const std::vector<std::string>& states) {
  static const std::vector<std::string> kOrder{"active", "inactive", "trying", "disabled"};
  std::map<std::string, int> counts;
  for (const auto& state : states) ++counts[state];
  std::string out =
      std::to_string(states.size()) + (states.size() == 1 ? " destination" : " destinations");
  std::string separator = ": ";
  for (const auto& state : kOrder) {
    if (auto it = counts.find(state); it != counts.end()) {
      out += separator + std::to_string(it->second) + " " + state;
      separator = ", ";
      counts.erase(it);
    }
  }
  for (const auto& [state, count] : counts) {
    out += separator + std::to_string(count) + " " + state;
    separator = ", ";
  }
  return out + "\n";
}

std::string dispatcher_node(const Json& node) {
  std::string out = node_heading(node) + "\n";
  if (detail::node_failed(node)) return out;
  TextTable table({"SET", "KIND", "CUSTOMER", "URI", "STATE", "PROBING", "FLAGS", "PRIORITY",
                   "TRUNK", "GATEWAY", "AVG_MS", "MAX_MS", "TIMEOUTS"});
  std::vector<std::string> states;
  for (const auto& set : node_rows(node, "sets")) {
    for (const auto& destination : node_rows(set, "destinations")) {
      const auto& latency = destination.value("latency", Json());
      bool has_latency = latency.is_object();
      states.push_back(cell(destination, "state"));
      table.add_row({cell(set, "id"), cell(set, "kind"), cell(set, "customer_id"),
                     cell(destination, "uri"), cell(destination, "state"),
                     cell(destination, "probing"), cell(destination, "flags"),
                     cell(destination, "priority"), cell(destination, "trunk_id"),
                     cell(destination, "gateway_name"),
                     has_latency ? detail::milliseconds(latency.value("avg_ms", Json())) : "-",
                     has_latency ? detail::milliseconds(latency.value("max_ms", Json())) : "-",
                     has_latency ? cell(latency, "timeouts") : "-"});
    }
  }
  if (table.empty()) return out + "no dispatcher destinations loaded\n";
  return out + table.render() + state_summary(states);
}

std::string permissions_node(const Json& node) {
  std::string out = node_heading(node) + "\n";
  if (detail::node_failed(node)) return out;
  TextTable table({"GROUP", "ADDRESS", "PORT", "TRUNK", "CUSTOMER", "TAG"});
  for (const auto& entry : node_rows(node, "entries")) {
    auto port = cell(entry, "port");
    table.add_row({cell(entry, "group"), cell(entry, "ip") + "/" + cell(entry, "mask"),
                   port == "0" ? "any" : port, cell(entry, "trunk_id"), cell(entry, "customer_id"),
                   cell(entry, "tag")});
  }
  if (table.empty()) return out + "no addresses loaded\n";
  return out + table.render();
}

std::string registrations_node(const Json& node) {
  std::string out = node_heading(node) + "\n";
  if (detail::node_failed(node)) return out;
  TextTable table({"TRUNK", "CUSTOMER", "AOR", "REGISTRAR", "STATE", "EXPIRES_IN", "LAST_ERROR"});
  for (const auto& registration : node_rows(node, "registrations")) {
    const auto& expires = registration.value("expires_in_s", Json());
    table.add_row({cell(registration, "trunk_id"), cell(registration, "customer_id"),
                   cell(registration, "aor"), cell(registration, "registrar"),
                   cell(registration, "state"), expires.is_null() ? "-" : cell(expires) + " s",
                   cell(registration, "last_error")});
  }
  if (table.empty()) return out + "no registrations\n";
  return out + table.render();
}

// A drift row without its trunk id: the row text, or the remaining members as JSON.
std::string drift_row_text(Json row) {
  if (!row.is_object()) return cell(row);
  row.erase("trunk_id");
  if (row.size() == 1 && row.contains("row")) return cell(row.at("row"));
  return row.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string drift_node(const Json& node) {
  auto error = node.value("error", Json());
  std::string state = !error.is_null()               ? "UNREACHABLE: " + cell(error)
                      : node.value("in_sync", false) ? "in sync"
                                                     : "DRIFT";
  std::string out = "node " + cell(node, "endpoint") + "  " + state + "\n";
  if (!error.is_null()) return out;
  auto last_reload = cell(node, "last_reload_at");
  out += "last reload " + (last_reload == "-" ? "never" : last_reload) +
         ", restarted since: " + cell(node, "restarted_since_reload") +
         ", restarts seen: " + cell(node, "restarts_seen") + "\n";
  TextTable counts({"TABLE", "EXPECTED", "LOADED", "MISSING", "EXTRA", "DIFFERING"});
  TextTable rows({"DRIFT", "TABLE", "TRUNK", "ROW"});
  for (const auto& [name, table] : node.at("tables").items()) {
    std::vector<std::string> line{name, cell(table, "expected_rows"), cell(table, "loaded_rows")};
    for (const char* kind : {"missing", "extra", "differing"}) {
      const auto& list = node_rows(table, kind);
      line.push_back(std::to_string(list.size()));
      for (const auto& row : list) {
        rows.add_row({kind, name, cell(row, "trunk_id"), drift_row_text(row)});
      }
    }
    counts.add_row(std::move(line));
  }
  out += counts.render();
  if (!rows.empty()) out += "\n" + rows.render();
  return out;
}

}  // namespace

std::string render_dispatcher(const Json& body) { return per_node(body, dispatcher_node); }

std::string render_permissions(const Json& body) { return per_node(body, permissions_node); }

std::string render_registrations(const Json& body) { return per_node(body, registrations_node); }

std::string render_drift(const Json& body) {
  return "drift rows: " + cell(body, "drift_rows") + "\n\n" + per_node(body, drift_node);
}

// GET /v1/edge/status: one line per node, then its tables.
std::string render_edge_status(const Json& body) {
  return per_node(body, [](const Json& node) {
    std::string out = cell(node, "name") + "  " + cell(node, "endpoint") + "  " +
                      (node.value("in_sync", false) ? "in sync" : "NOT IN SYNC") +
                      "\n  applied generation: " + cell(node, "applied_generation") +
                      ", last result: " + cell(node, "last_result") +
                      ", last reload: " + cell(node, "last_reload_at") +
                      ", reloads: " + cell(node, "reloads") +
                      ", restarts seen: " + cell(node, "restarts_seen") + "\n";
    TextTable table({"TABLE", "EXPECTED", "LOADED"});
    if (node.contains("tables") && node.at("tables").is_object()) {
      for (const auto& [name, counts] : node.at("tables").items()) {
        table.add_row({name, cell(counts, "expected_rows"), cell(counts, "loaded_rows")});
      }
    }
    return out + table.render();
  });
}

}  // namespace mv::cli
