#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/edge_rows.h"
#include "model/noc_views.h"

// Desired rows (what the trunks call for, model/edge_rows.h) against the rows a Kamailio node
// has loaded, table by table. Pure. Both sides are reduced to the fields the node reports back,
// under the db_redis column names, so they compare field by field.
namespace mv::model {

struct ComparableRow {
  std::string owner;  // the trunk id, an htable key ("t:<trunk id>", "p:<index>"), "app:<n>"
  std::optional<std::string> trunk_id;
  RowFields fields;  // in a fixed order per table
  bool operator==(const ComparableRow&) const = default;
};

struct RowDrift {
  std::optional<std::string> trunk_id;
  std::string row;                    // display_row(): passwords masked
  std::optional<std::string> loaded;  // differing rows: what the node has, masked the same way
};

struct TableDrift {
  std::string table;
  std::size_t expected_rows = 0;
  std::size_t loaded_rows = 0;
  std::vector<RowDrift> missing;    // desired, not loaded
  std::vector<RowDrift> extra;      // loaded, not desired
  std::vector<RowDrift> differing;  // the same owner, other fields
  std::size_t drift_rows() const { return missing.size() + extra.size() + differing.size(); }
};

// A desired row (with fields) in comparable form.
ComparableRow desired_row(const EdgeRow& row);

// Every row the trunks call for, by table (each of kEdgeTables present): the trunks' own rows,
// their source prefixes and routes, the probe list (`probe_list`: its destinations by index, as
// Redis holds it), the application servers.
std::map<std::string, std::vector<ComparableRow>> desired_rows(
    const std::vector<Trunk>& trunks, const std::vector<std::string>& probe_list,
    const std::vector<std::string>& app_servers, const EdgeSettings& settings);

// What a node loaded, in comparable form: its dispatcher sets, its htable `mv` items (name ->
// value), its uac records (column -> text, kamailio::decode_registration_records).
using RecordColumns = std::map<std::string, std::string>;
std::vector<ComparableRow> loaded_dispatcher_rows(const std::vector<DispatcherSet>& sets);
std::vector<ComparableRow> loaded_htable_rows(const std::map<std::string, std::string>& items);
std::vector<ComparableRow> loaded_uacreg_rows(const std::vector<RecordColumns>& records);

// "name=value name=value", with uacreg's auth_password and htable "a:" values as "***".
std::string display_row(const std::string& table, const ComparableRow& row);

TableDrift diff_table(const std::string& table, const std::vector<ComparableRow>& desired,
                      const std::vector<ComparableRow>& loaded);

}  // namespace mv::model
