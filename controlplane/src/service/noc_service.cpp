#include "service/noc_service.h"

#include <algorithm>
#include <iterator>
#include <map>

#include "kamailio/node_record.h"
#include "kamailio/node_replies.h"
#include "kamailio/node_tables.h"
#include "model/edge_rows.h"
#include "store/store_unavailable.h"

namespace mv::service {
namespace {

using json = nlohmann::json;

// A node holds more rows than a whole-table view lists: that node's error.
class TooManyRows : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

const model::Trunk* find_trunk(const std::map<std::string, const model::Trunk*>& trunks,
                               const std::optional<std::string>& trunk_id) {
  if (!trunk_id) return nullptr;
  auto it = trunks.find(*trunk_id);
  return it == trunks.end() ? nullptr : it->second;
}

std::map<std::string, const model::Trunk*> by_id(const std::vector<model::Trunk>& trunks) {
  std::map<std::string, const model::Trunk*> index;
  for (const auto& trunk : trunks) index[trunk.id] = &trunk;
  return index;
}

}  // namespace

std::size_t NodeDrift::drift_rows() const {
  std::size_t rows = 0;
  for (const auto& table : tables) rows += table.drift_rows();
  return rows;
}

template <typename T, typename Read>
std::vector<NodeView<T>> NocService::per_node(Read read) {
  std::vector<NodeView<T>> views;
  for (const auto& endpoint : settings_.endpoints) {
    NodeView<T> view;
    view.endpoint = endpoint;
    try {
      view.value = read(endpoint);
    } catch (const kamailio::RpcError& e) {
      view.error = e.what();
      view.value = T{};
    } catch (const json::exception& e) {
      // Another Kamailio version may answer in another shape: that node's error, not a 500.
      view.error = std::string("unexpected JSON-RPC reply: ") + e.what();
      view.value = T{};
    } catch (const TooManyRows& e) {
      view.error = e.what();
      view.value = T{};
    }
    views.push_back(std::move(view));
  }
  return views;
}

std::vector<model::Trunk> NocService::trunks_if_reachable(const auto& views) {
  // Every trunk from Redis (~2.5 s at 100k) only when some node was listed.
  if (std::all_of(views.begin(), views.end(), [](const auto& view) { return view.error; })) {
    return {};
  }
  try {
    return catalog_.all_trunks();
  } catch (const store::StoreUnavailable&) {
    return {};
  }
}

void NocService::check_listable(std::size_t rows, const char* holder, const char* rows_are,
                                const char* per_trunk) const {
  if (settings_.max_listed_rows == 0 || rows <= settings_.max_listed_rows) return;
  throw TooManyRows(std::string(holder) + " holds " + std::to_string(rows) + " " + rows_are +
                    ", more than a view lists (" + std::to_string(settings_.max_listed_rows) +
                    ", kamailio.noc_max_listed_rows); per trunk: " + per_trunk);
}

void NocService::check_routing_listable(const std::string& endpoint) {
  check_listable(kamailio::loaded_row_count(rpc_, endpoint, model::kHtableTable), "htable mv",
                 "keys", "GET /v1/trunks/{id}/health");
}

void NocService::check_registrations_listable(const std::string& endpoint) {
  check_listable(kamailio::registration_count(rpc_, endpoint), "uac", "registrations",
                 "GET /v1/trunks/{id}");
}

std::unique_lock<std::timed_mutex> NocService::listing_turn() {
  std::unique_lock turn(listing_mutex_, std::defer_lock);
  if (!turn.try_lock_for(settings_.listing_wait)) throw NocBusy();
  return turn;
}

NocSample NocService::last_sample() const {
  std::lock_guard lock(sample_mutex_);
  return sample_;
}

void NocService::refresh_sample() {
  // Two keys per node: the length of its probe list and the number of marks in mvdown.
  NocSample sample;
  for (auto& view : per_node<std::pair<std::size_t, std::size_t>>([&](const std::string& endpoint) {
         auto listed = kamailio::htable_value(rpc_, endpoint, model::kProbeCountKey);
         return std::pair{listed ? std::stoul(*listed) : 0,
                          kamailio::down_mark_count(rpc_, endpoint)};
       })) {
    sample.destinations.push_back(
        {view.endpoint, std::move(view.error), view.value.first, view.value.second});
  }
  std::lock_guard lock(sample_mutex_);
  sample_ = std::move(sample);
}

std::vector<NodeView<std::vector<model::DispatcherSet>>> NocService::dispatcher() {
  auto turn = listing_turn();
  // The application servers from the dispatcher; the trunks' destinations from the routes the
  // node holds, with the verdict of its probes.
  auto views = per_node<std::vector<model::DispatcherSet>>([&](const std::string& endpoint) {
    check_routing_listable(endpoint);
    auto sets = kamailio::decode_dispatcher_list(kamailio::dispatcher_list(rpc_, endpoint));
    auto trunk_sets = model::decode_trunk_destinations(
        kamailio::decode_htable_dump(kamailio::routing_htable_dump(rpc_, endpoint)),
        kamailio::down_marks(rpc_, endpoint));
    std::move(trunk_sets.begin(), trunk_sets.end(), std::back_inserter(sets));
    return sets;
  });
  auto trunks = trunks_if_reachable(views);
  auto index = by_id(trunks);
  for (auto& view : views) {
    for (auto& set : view.value) {
      for (auto& destination : set.destinations) {
        if (const auto* trunk = find_trunk(index, destination.trunk_id)) {
          destination.gateway_name = trunk->gateway_name;
          if (set.id == 0) set.id = trunk->edge_set;
        }
      }
    }
    std::stable_sort(view.value.begin(), view.value.end(),
                     [](const auto& a, const auto& b) { return a.id < b.id; });
  }
  return views;
}

std::vector<NodeView<std::vector<model::PermissionEntry>>> NocService::permissions() {
  auto turn = listing_turn();
  return per_node<std::vector<model::PermissionEntry>>([&](const std::string& endpoint) {
    check_routing_listable(endpoint);
    return model::decode_sources(
        kamailio::decode_htable_dump(kamailio::routing_htable_dump(rpc_, endpoint)));
  });
}

std::vector<NodeView<std::vector<model::RegistrationEntry>>> NocService::registrations() {
  auto turn = listing_turn();
  auto now_s = clock_.now_unix_ns() / 1'000'000'000;
  auto views = per_node<std::vector<model::RegistrationEntry>>([&](const std::string& endpoint) {
    check_registrations_listable(endpoint);
    // AOR -> the last error reply to its REGISTER (kamailio.cfg's reply_route).
    auto errors = kamailio::registration_errors(rpc_, endpoint);
    // The dump holds passwords: decoded right here, the records dropped with this scope.
    return kamailio::decode_registrations(kamailio::registration_dump(rpc_, endpoint), errors,
                                          now_s);
  });
  auto trunks = trunks_if_reachable(views);
  auto index = by_id(trunks);
  for (auto& view : views) {
    for (auto& registration : view.value) {
      if (const auto* trunk = find_trunk(index, registration.trunk_id)) {
        registration.customer_id = trunk->customer_id;
      }
    }
  }
  return views;
}

std::vector<NodeDrift> NocService::drift() {
  auto turn = listing_turn();
  std::map<std::string, edge::NodeStatus> reloads;
  for (auto& status : reloader_.status()) reloads[status.endpoint] = std::move(status);

  struct Loaded {
    std::string boot_id;
    std::map<std::string, std::vector<model::ComparableRow>> rows;
  };
  auto views = per_node<Loaded>([&](const std::string& endpoint) {
    check_routing_listable(endpoint);
    check_registrations_listable(endpoint);
    Loaded loaded;
    loaded.boot_id = kamailio::node_boot_id(rpc_, endpoint);
    loaded.rows[model::kDispatcherTable] = model::loaded_dispatcher_rows(
        kamailio::decode_dispatcher_list(kamailio::dispatcher_list(rpc_, endpoint)));
    loaded.rows[model::kHtableTable] = model::loaded_htable_rows(
        kamailio::decode_htable_dump(kamailio::routing_htable_dump(rpc_, endpoint)));
    // Passwords in clear text: compared, then shown masked only.
    loaded.rows[model::kUacregTable] = model::loaded_uacreg_rows(
        kamailio::decode_registration_records(kamailio::registration_dump(rpc_, endpoint)));
    return loaded;
  });
  // Every trunk from Redis only when some node was listed.
  std::map<std::string, std::vector<model::ComparableRow>> desired;
  if (std::any_of(views.begin(), views.end(), [](const auto& view) { return !view.error; })) {
    desired = model::desired_rows(catalog_.all_trunks(), catalog_.probe_list(),
                                  settings_.app_servers, settings_.edge);
  }

  std::vector<NodeDrift> nodes;
  for (auto& view : views) {
    NodeDrift node;
    node.endpoint = view.endpoint;
    node.error = view.error;
    if (auto reload = reloads.find(view.endpoint); reload != reloads.end()) {
      node.last_reload_unix_ns = reload->second.last_reload_unix_ns;
      node.restarts_seen = reload->second.restarts_seen;
      node.name = reload->second.name;
      node.applied_generation = reload->second.applied_generation;
      // The reloader's last look saw another boot id: the node restarted since, and still runs
      // on what it loaded at its own start.
      node.restarted_since_reload = !view.error && !reload->second.boot_id.empty() &&
                                    reload->second.boot_id != view.value.boot_id;
    }
    if (!view.error) {
      for (const char* table : model::kEdgeTables) {
        node.tables.push_back(model::diff_table(table, desired[table], view.value.rows[table]));
      }
    }
    nodes.push_back(std::move(node));
  }
  return nodes;
}

std::vector<GatewayHealth> NocService::gateway_health(const std::string& trunk_id) {
  // Two keys per node whatever the number of trunks (a customer may ask as often as it likes):
  // what the node routes the trunk's calls to, and whether its probes hold that destination down
  // (route USE_TRUNK skips it then).
  auto views = per_node<std::string>([&](const std::string& endpoint) -> std::string {
    auto route = kamailio::htable_value(rpc_, endpoint, model::route_key(trunk_id));
    auto destination = route ? model::route_destination(*route) : std::nullopt;
    if (!destination) return "not_loaded";
    return kamailio::destination_marked_down(rpc_, endpoint, *destination) ? "inactive" : "active";
  });
  std::vector<GatewayHealth> nodes;
  for (auto& view : views) {
    GatewayHealth health;
    health.endpoint = view.endpoint;
    health.error = view.error;
    health.state = std::move(view.value);
    // The node probes every trunk destination it routes to (its probe list).
    health.probing = !view.error && health.state != "not_loaded";
    nodes.push_back(std::move(health));
  }
  return nodes;
}

}  // namespace mv::service
