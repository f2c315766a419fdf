#include "store/redis_consistency.h"

#include <map>
#include <optional>
#include <set>

#include "model/edge_rows.h"
#include "model/ip_network.h"
#include "store/redis_keys.h"
#include "store/redis_trunk_store.h"

namespace mv::store {
namespace {

std::string customer_from_key(const std::string& key, const std::string& suffix) {
  constexpr std::string_view kPrefix = "mv:customer:";
  return key.substr(kPrefix.size(), key.size() - kPrefix.size() - suffix.size());
}

// The probe list holds each routable trunk's destination once, and its bookkeeping (which trunk
// has which destination, how many have each, where each is) agrees with it.
void check_probe_list(RedisPool& pool, const std::map<std::string, model::Trunk>& trunks,
                      const std::vector<std::string>& list, std::vector<std::string>& problems) {
  std::map<std::string, std::string> wanted_of;  // trunk -> destination
  std::map<std::string, std::int64_t> wanted_refs;
  for (const auto& [id, trunk] : trunks) {
    if (auto destination = model::probe_destination(trunk)) {
      wanted_of[id] = *destination;
      ++wanted_refs[*destination];
    }
  }
  std::map<std::string, std::string> wanted_slots;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].empty()) problems.push_back("probe list: index " + std::to_string(i) + " empty");
    wanted_slots[list[i]] = std::to_string(i);
  }
  std::map<std::string, std::string> refs;
  for (const auto& [destination, count] : wanted_refs) refs[destination] = std::to_string(count);
  auto stored = [&](std::string_view key) {
    return to_field_map(pool.command({"HGETALL", std::string(key)}));
  };
  if (stored(keys::kEdgeProbeOf) != wanted_of) {
    problems.push_back(std::string(keys::kEdgeProbeOf) + ": differs from the trunks");
  }
  if (stored(keys::kEdgeProbeRefs) != refs) {
    problems.push_back(std::string(keys::kEdgeProbeRefs) + ": differs from the trunks");
  }
  if (wanted_slots.size() != list.size() || stored(keys::kEdgeProbeSlots) != wanted_slots) {
    problems.push_back(std::string(keys::kEdgeProbeSlots) + ": differs from the probe list");
  }
  std::set<std::string> listed(list.begin(), list.end());
  for (const auto& [destination, count] : wanted_refs) {
    if (!listed.contains(destination)) problems.push_back(destination + ": not in the probe list");
  }
}

}  // namespace

// Every row the trunks call for (their own, their customers' routes, the source prefix lengths,
// the probe list) is in Kamailio's database with exactly those fields; no other row is, except the
// application servers' and a padding row where the count calls for one.
void check_edge_rows(RedisPool& pool, RedisPool& kamailio_db,
                     const std::map<std::string, model::Trunk>& trunks,
                     const model::EdgeSettings& settings, std::vector<std::string>& problems) {
  auto customer_sets =
      to_field_map(pool.command({"HGETALL", std::string(keys::kEdgeCustomerSets)}));
  std::map<std::string, std::map<std::string, model::RowFields>> expected;  // table -> owner
  for (const auto& [id, trunk] : trunks) {
    for (auto& row : model::edge_rows_for(trunk, settings)) {
      if (row.fields) expected[row.table][row.owner] = *row.fields;
    }
    auto set = customer_sets.find(trunk.customer_id);
    if (set == customer_sets.end() || set->second != std::to_string(trunk.edge_set)) {
      problems.push_back(id + ": edge_set is not its customer's set");
    }
  }
  auto probe_list = read_probe_list(pool);
  check_probe_list(pool, trunks, probe_list, problems);
  for (auto& row : model::probe_rows(probe_list)) {
    if (row.fields) expected[row.table][row.owner] = *row.fields;
  }
  std::vector<model::Trunk> all;
  for (const auto& [id, trunk] : trunks) all.push_back(trunk);
  for (auto& row : model::source_prefix_rows(all)) {
    if (row.fields) expected[row.table][row.owner] = *row.fields;
  }
  for (auto& row : model::customer_routes_rows(all)) {
    if (row.fields) expected[row.table][row.owner] = *row.fields;
  }

  for (const char* table : model::kEdgeTables) {
    auto row_ids = to_field_map(pool.command({"HGETALL", keys::edge_row_ids(table)}));
    auto& wanted = expected[table];
    bool by_owner = model::keyed_by_owner(table);
    auto row_key = [&](const std::string& owner, const std::string& row_id) {
      return keys::kamailio_row(table, by_owner ? owner : row_id);
    };
    std::set<std::string> owned_keys;
    for (const auto& [owner, row_id] : row_ids) {
      owned_keys.insert(row_key(owner, row_id));
      bool app_server = owner.starts_with("app:") && std::string(table) == model::kDispatcherTable;
      if (!wanted.contains(owner) && !app_server) {
        problems.push_back(keys::edge_row_ids(table) + ": entry " + owner + " calls for no row");
      }
      if (app_server && kamailio_db.command({"EXISTS", row_key(owner, row_id)}).integer != 1) {
        problems.push_back(owner + ": missing its " + table + " row");
      }
    }
    for (const auto& [owner, fields] : wanted) {
      auto row_id = row_ids.find(owner);
      if (row_id == row_ids.end()) {
        problems.push_back(owner + ": missing its " + table + " row");
        continue;
      }
      std::map<std::string, std::string> want{{"id", row_id->second}};
      for (const auto& [name, value] : fields) want[name] = value;
      auto row = to_field_map(kamailio_db.command({"HGETALL", row_key(owner, row_id->second)}));
      if (row != want) {
        problems.push_back(owner + ": " + table + " row differs from what it calls for");
      }
    }
    std::size_t padding = 0;
    for (const auto& key : scan_keys(kamailio_db, keys::kamailio_row(table, "*"))) {
      if (owned_keys.contains(key)) continue;
      if (key == row_key(model::kPaddingOwner, std::string(keys::kPaddingRowId))) {
        ++padding;
        continue;
      }
      problems.push_back(key + ": orphan " + table + " row");
    }
    bool needed = model::padding_needed(row_ids.size());
    if ((padding == 1) != needed) {
      problems.push_back(std::string(table) + " table: padding row " +
                         (needed ? "missing" : "present without need"));
    }
  }
}

std::vector<std::string> check_trunk_consistency(RedisPool& pool, RedisPool& kamailio_db,
                                                 const model::EdgeSettings& settings) {
  std::vector<std::string> problems;
  std::map<std::string, model::Trunk> trunks;
  for (const auto& key : scan_keys(pool, keys::trunk("*"))) {
    auto trunk = trunk_from_fields(to_field_map(pool.command({"HGETALL", key})));
    if (!trunk || keys::trunk(trunk->id) != key) {
      problems.push_back(key + ": not a well-formed trunk");
      continue;
    }
    trunks.emplace(trunk->id, *trunk);
  }

  std::set<std::string> expected_ranges;
  for (const auto& [id, trunk] : trunks) {
    if (pool.command({"ZSCORE", keys::customer_trunks(trunk.customer_id), id}).is_nil()) {
      problems.push_back(id + ": missing from " + keys::customer_trunks(trunk.customer_id));
    }
    if (trunk.gateway_name) {
      auto owner = pool.command(
          {"HGET", keys::customer_gateway_names(trunk.customer_id), *trunk.gateway_name});
      if (owner.text != id) problems.push_back(id + ": gateway_name index does not point at it");
    }
    if (trunk.inbound_ip) {
      auto net = model::parse_ip_network(*trunk.inbound_ip).network;
      if (!net) {
        problems.push_back(id + ": inbound_ip is not a network");
        continue;
      }
      auto member = keys::inbound_range_member(*net, id);
      expected_ranges.insert(member);
      if (pool.command({"ZSCORE", std::string(keys::kInboundRanges), member}).is_nil()) {
        problems.push_back(id + ": missing from " + std::string(keys::kInboundRanges));
      }
    }
  }

  for (const auto& key : scan_keys(pool, keys::customer_trunks("*"))) {
    auto customer = customer_from_key(key, ":trunks");
    for (const auto& member : pool.command({"ZRANGE", key, "0", "-1"}).elements) {
      auto it = trunks.find(member.text);
      if (it == trunks.end() || it->second.customer_id != customer) {
        problems.push_back(key + ": dangling entry " + member.text);
      }
    }
  }
  for (const auto& key : scan_keys(pool, keys::customer_gateway_names("*"))) {
    auto customer = customer_from_key(key, ":gateway_names");
    auto entries = to_field_map(pool.command({"HGETALL", key}));
    for (const auto& [gateway, id] : entries) {
      auto it = trunks.find(id);
      if (it == trunks.end() || it->second.customer_id != customer ||
          it->second.gateway_name != gateway) {
        problems.push_back(key + ": dangling entry for trunk " + id);
      }
    }
  }
  // Members sort by family, then first address: each must end before the next one starts.
  struct Range {
    std::string family, first, last;
  };
  auto parse_range = [](const std::string& member) {
    auto a = member.find(':'), b = member.find(':', a + 1), c = member.find(':', b + 1);
    return Range{member.substr(0, a), member.substr(a + 1, b - a - 1),
                 member.substr(b + 1, c - b - 1)};
  };
  std::optional<Range> previous;
  for (const auto& member :
       pool.command({"ZRANGE", std::string(keys::kInboundRanges), "0", "-1"}).elements) {
    if (!expected_ranges.contains(member.text)) {
      problems.push_back(std::string(keys::kInboundRanges) + ": dangling entry " + member.text);
    }
    auto range = parse_range(member.text);
    if (previous && previous->family == range.family && range.first <= previous->last) {
      problems.push_back(std::string(keys::kInboundRanges) + ": overlapping entry " + member.text);
    }
    previous = range;
  }
  check_edge_rows(pool, kamailio_db, trunks, settings, problems);
  for (const auto& key : scan_keys(pool, keys::trunk_registration("*"))) {
    if (!trunks.contains(key.substr(keys::kRegistrationPrefix.size()))) {
      problems.push_back(key + ": registration state of no trunk");
    }
  }
  return problems;
}

}  // namespace mv::store
