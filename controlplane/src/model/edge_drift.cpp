#include "model/edge_drift.h"

#include <map>
#include <set>

#include "model/noc_views.h"

namespace mv::model {
namespace {

constexpr const char* kMask = "***";

// The columns a node reports back, per table, in display order.
const std::vector<std::string>& compared_columns(const std::string& table) {
  static const std::map<std::string, std::vector<std::string>> kColumns{
      {kDispatcherTable, {"setid", "destination", "priority", "attrs"}},
      {kHtableTable, {"key_name", "key_value"}},
      {kUacregTable,
       {"l_uuid", "l_domain", "r_username", "r_domain", "realm", "auth_username", "auth_password",
        "auth_ha1", "auth_proxy", "expires"}}};
  static const std::vector<std::string> kNone;
  auto it = kColumns.find(table);
  return it == kColumns.end() ? kNone : it->second;
}

// A trunk's credentials key ("a:" or "h:<trunk id>"): its value is a secret.
bool is_credentials_key(const std::string& owner) {
  return owner.starts_with("a:") || owner.starts_with("h:");
}

// The trunk an htable key belongs to: the credentials' in their key, the source keys' in their
// value ("<trunk id>,<customer id>"); none for the customers' sets and the prefix lengths.
std::optional<std::string> trunk_of_htable_key(const std::string& key, const std::string& value) {
  if (is_credentials_key(key) || key.starts_with("t:") || key.starts_with("n:")) {
    return key.substr(2);
  }
  auto comma = value.find(',');
  if (key.starts_with("s:") && comma != std::string::npos) return value.substr(0, comma);
  return std::nullopt;
}

// The trunk a dispatcher or uacreg row belongs to: owners are trunk ids but for the application
// servers.
std::optional<std::string> trunk_of_owner(const std::string& owner) {
  if (owner.starts_with("app:") || owner.empty()) return std::nullopt;
  return owner;
}

}  // namespace

ComparableRow desired_row(const EdgeRow& row) {
  std::map<std::string, std::string> by_name;
  if (row.fields) by_name.insert(row.fields->begin(), row.fields->end());
  RowFields fields;
  for (const auto& column : compared_columns(row.table)) {
    auto value = by_name[column];
    fields.emplace_back(column,
                        row.table == kUacregTable ? uacreg_dump_value(column, value) : value);
  }
  if (row.table == kHtableTable) {
    // A node holds keys, not rows: compared by key (a trunk's source rows own changing keys).
    auto key = by_name["key_name"];
    return {key, trunk_of_htable_key(key, by_name["key_value"]), std::move(fields)};
  }
  return {row.owner, trunk_of_owner(row.owner), std::move(fields)};
}

std::map<std::string, std::vector<ComparableRow>> desired_rows(
    const std::vector<Trunk>& trunks, const std::vector<std::string>& probe_list,
    const std::vector<std::string>& app_servers, const EdgeSettings& settings) {
  std::map<std::string, std::vector<ComparableRow>> rows;
  for (const char* table : kEdgeTables) rows[table];
  for (const auto& trunk : trunks) {
    for (const auto& row : edge_rows_for(trunk, settings)) {
      if (row.fields) rows[row.table].push_back(desired_row(row));
    }
  }
  for (const auto& row : source_prefix_rows(trunks)) {
    if (row.fields) rows[row.table].push_back(desired_row(row));
  }
  for (const auto& row : customer_routes_rows(trunks)) {
    if (row.fields) rows[row.table].push_back(desired_row(row));
  }
  for (const auto& row : probe_rows(probe_list)) {
    if (row.fields) rows[row.table].push_back(desired_row(row));
  }
  for (std::size_t i = 0; i < app_servers.size(); ++i) {
    auto row = app_server_row(i, app_servers[i]);
    rows[row.table].push_back(desired_row(row));
  }
  return rows;
}

std::vector<ComparableRow> loaded_dispatcher_rows(const std::vector<DispatcherSet>& sets) {
  std::vector<ComparableRow> rows;
  for (const auto& set : sets) {
    for (const auto& destination : set.destinations) {
      auto app = attr_value(destination.attrs, "app_server");
      auto owner = destination.trunk_id ? *destination.trunk_id
                   : app                ? "app:" + *app
                                        : destination.uri;
      rows.push_back({std::move(owner),
                      destination.trunk_id,
                      {{"setid", std::to_string(set.id)},
                       {"destination", destination.uri},
                       {"priority", std::to_string(destination.priority)},
                       {"attrs", destination.attrs}}});
    }
  }
  return rows;
}

std::vector<ComparableRow> loaded_htable_rows(const std::map<std::string, std::string>& items) {
  std::vector<ComparableRow> rows;
  auto padding = padding_row(kHtableTable).front().second;  // the padding row's key_name
  for (const auto& [name, value] : items) {
    if (name == padding) continue;
    rows.push_back(
        {name, trunk_of_htable_key(name, value), {{"key_name", name}, {"key_value", value}}});
  }
  return rows;
}

std::vector<ComparableRow> loaded_uacreg_rows(const std::vector<RecordColumns>& records) {
  std::vector<ComparableRow> rows;
  for (const auto& record : records) {
    auto uuid = record.contains("l_uuid") ? record.at("l_uuid") : "";
    if (uuid == kPaddingOwner) continue;
    RowFields fields;
    for (const auto& column : compared_columns(kUacregTable)) {
      fields.emplace_back(column, record.contains(column) ? record.at(column) : "");
    }
    rows.push_back({uuid, uuid, std::move(fields)});
  }
  return rows;
}

std::string display_row(const std::string& table, const ComparableRow& row) {
  bool secret_value = table == kHtableTable && is_credentials_key(row.owner);
  std::string text;
  for (const auto& [name, value] : row.fields) {
    // An HA1 answers the carrier's challenges as well as the password does: masked alike.
    bool secret = (table == kUacregTable && (name == "auth_password" || name == "auth_ha1")) ||
                  (secret_value && name == "key_value");
    text += (text.empty() ? "" : " ") + name + "=" + (secret ? kMask : value);
  }
  return text;
}

TableDrift diff_table(const std::string& table, const std::vector<ComparableRow>& desired,
                      const std::vector<ComparableRow>& loaded) {
  TableDrift drift;
  drift.table = table;
  drift.expected_rows = desired.size();
  drift.loaded_rows = loaded.size();
  std::map<std::string, const ComparableRow*> wanted;
  for (const auto& row : desired) wanted.emplace(row.owner, &row);
  std::set<std::string> seen;
  std::multimap<std::string, const ComparableRow*> loaded_by_owner;
  for (const auto& row : loaded) loaded_by_owner.emplace(row.owner, &row);
  for (const auto& [owner, row] : loaded_by_owner) {
    auto want = wanted.find(owner);
    // A second loaded row for one owner is extra whatever it holds.
    if (want == wanted.end() || !seen.insert(owner).second) {
      drift.extra.push_back({row->trunk_id, display_row(table, *row), std::nullopt});
    } else if (want->second->fields != row->fields) {
      drift.differing.push_back(
          {row->trunk_id, display_row(table, *want->second), display_row(table, *row)});
    }
  }
  for (const auto& [owner, row] : wanted) {
    if (!seen.contains(owner))
      drift.missing.push_back({row->trunk_id, display_row(table, *row), std::nullopt});
  }
  return drift;
}

}  // namespace mv::model
