#include "api/noc_handlers.h"

#include <nlohmann/json.hpp>

#include "api/api_service.h"
#include "model/trunk.h"

namespace mv::api {
namespace {

using ojson = nlohmann::ordered_json;

template <typename T>
ojson or_null(const std::optional<T>& value) {
  return value ? ojson(*value) : ojson(nullptr);
}

ojson latency_json(const std::optional<model::DestinationLatency>& latency) {
  if (!latency) return nullptr;
  return {{"avg_ms", latency->avg_ms},
          {"std_ms", latency->std_ms},
          {"est_ms", latency->est_ms},
          {"max_ms", latency->max_ms},
          {"timeouts", latency->timeouts}};
}

ojson destination_json(const model::DispatcherDestination& destination) {
  return {{"uri", destination.uri},
          {"state", destination.state},
          {"probing", destination.probing},
          {"flags", destination.flags},
          {"priority", destination.priority},
          {"attrs", destination.attrs},
          {"trunk_id", or_null(destination.trunk_id)},
          {"customer_id", or_null(destination.customer_id)},
          {"gateway_name", or_null(destination.gateway_name)},
          {"latency", latency_json(destination.latency)}};
}

ojson set_json(const model::DispatcherSet& set) {
  auto destinations = ojson::array();
  for (const auto& destination : set.destinations)
    destinations.push_back(destination_json(destination));
  return {{"id", set.id},
          {"kind", set.kind},
          {"customer_id", or_null(set.customer_id)},
          {"destinations", std::move(destinations)}};
}

ojson permission_json(const model::PermissionEntry& entry) {
  return {{"group", entry.group},
          {"ip", entry.ip},
          {"mask", entry.mask},
          {"port", entry.port},
          {"tag", entry.tag},
          {"trunk_id", or_null(entry.trunk_id)},
          {"customer_id", or_null(entry.customer_id)}};
}

ojson registration_json(const model::RegistrationEntry& entry) {
  return {{"trunk_id", entry.trunk_id},
          {"customer_id", or_null(entry.customer_id)},
          {"aor", entry.aor},
          {"registrar", entry.registrar},
          {"state", entry.state},
          {"expires_in_s", or_null(entry.expires_in_s)},
          {"last_error", or_null(entry.last_error)}};
}

ojson row_drifts_json(const std::vector<model::RowDrift>& rows) {
  auto list = ojson::array();
  for (const auto& row : rows) {
    ojson item = {{"trunk_id", or_null(row.trunk_id)}, {"row", row.row}};
    if (row.loaded) item["loaded"] = *row.loaded;
    list.push_back(std::move(item));
  }
  return list;
}

ojson table_drift_json(const model::TableDrift& table) {
  return {{"expected_rows", table.expected_rows},
          {"loaded_rows", table.loaded_rows},
          {"missing", row_drifts_json(table.missing)},
          {"extra", row_drifts_json(table.extra)},
          {"differing", row_drifts_json(table.differing)}};
}

// {"nodes": [{"endpoint", "error", <list_name>: [...]}]}: one entry per node, in config order.
template <typename T, typename ToJson>
HttpResponse nodes_response(const std::vector<service::NodeView<std::vector<T>>>& views,
                            const char* list_name, ToJson to_json) {
  auto nodes = ojson::array();
  for (const auto& view : views) {
    auto items = ojson::array();
    for (const auto& item : view.value) items.push_back(to_json(item));
    nodes.push_back({{"endpoint", view.endpoint},
                     {"error", or_null(view.error)},
                     {list_name, std::move(items)}});
  }
  ojson body = {{"nodes", std::move(nodes)}};
  return json_response(200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// The whole-table views are read one at a time (NocService): one that waited too long for its
// turn is a 503 to retry, not a second listing on the nodes.
template <typename Read>
HttpResponse one_at_a_time(Read read) {
  try {
    return read();
  } catch (const service::NocBusy&) {
    return error_response(
        {model::ErrorCode::service_unavailable, "another NOC view is being read; retry shortly"});
  }
}

HttpResponse drift_response(service::NocService& noc) {
  auto nodes = ojson::array();
  std::size_t drift_rows = 0;
  for (const auto& node : noc.drift()) {
    drift_rows += node.drift_rows();
    auto tables = ojson::object();
    for (const auto& table : node.tables) tables[table.table] = table_drift_json(table);
    nodes.push_back(
        {{"endpoint", node.endpoint},
         {"name", node.name},
         {"applied_generation", node.applied_generation},
         {"error", or_null(node.error)},
         {"in_sync", node.in_sync()},
         {"last_reload_at", node.last_reload_unix_ns == 0
                                ? ojson(nullptr)
                                : ojson(model::format_rfc3339(node.last_reload_unix_ns))},
         {"restarted_since_reload", node.restarted_since_reload},
         {"restarts_seen", node.restarts_seen},
         {"tables", std::move(tables)}});
  }
  ojson body = {{"drift_rows", drift_rows}, {"nodes", std::move(nodes)}};
  return json_response(200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

HttpResponse noc_dispatcher(service::NocService& noc) {
  return one_at_a_time([&] { return nodes_response(noc.dispatcher(), "sets", set_json); });
}

HttpResponse noc_permissions(service::NocService& noc) {
  return one_at_a_time(
      [&] { return nodes_response(noc.permissions(), "entries", permission_json); });
}

HttpResponse noc_registrations(service::NocService& noc) {
  return one_at_a_time(
      [&] { return nodes_response(noc.registrations(), "registrations", registration_json); });
}

HttpResponse noc_drift(service::NocService& noc) {
  return one_at_a_time([&] { return drift_response(noc); });
}

HttpResponse trunk_health(service::TrunkService& trunks, service::NocService& noc,
                          const RequestContext& context) {
  const auto& trunk_id = context.path_params.at("id");
  auto owned = trunks.get(context.principal->customer_id, trunk_id);
  if (const auto* error = std::get_if<model::ApiError>(&owned)) return error_response(*error);
  auto nodes = ojson::array();
  for (const auto& node : noc.gateway_health(trunk_id)) {
    nodes.push_back({{"endpoint", node.endpoint},
                     {"error", or_null(node.error)},
                     {"state", node.error ? ojson(nullptr) : ojson(node.state)},
                     {"probing", node.error ? ojson(nullptr) : ojson(node.probing)},
                     // Per destination only in the NOC's dispatcher view (a whole listing).
                     {"latency", nullptr}});
  }
  ojson body = {{"trunk_id", trunk_id}, {"nodes", std::move(nodes)}};
  return json_response(200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace mv::api
