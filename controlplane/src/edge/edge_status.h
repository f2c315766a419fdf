#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mv::edge {

// One Kamailio table on one node, as last checked.
struct TableStatus {
  std::string table;                     // db_redis name: address, dispatcher, htable
  std::size_t expected_rows = 0;         // rows in Redis (Kamailio's database)
  std::size_t loaded_rows = 0;           // what the node reports it has loaded
  std::int64_t loaded_version = -1;      // mv:edge:table_versions when it last loaded; -1 unknown
  std::int64_t last_reload_unix_ns = 0;  // its last whole-table reload on the node (its end)
  std::int64_t last_reload_took_ns = 0;  // how long that reload's RPC took
  // When the node last counted the table's rows itself (htable: NodePublisher::Settings::
  // count_every; between counts loaded_rows is what its confirmed changes give).
  std::chrono::steady_clock::time_point counted_at{};
};

// What one Kamailio node has loaded, as last checked.
struct NodeStatus {
  std::string endpoint;
  std::string name;                   // model::edge_node_name of its position
  std::string last_result = "never";  // "ok", "mismatch" or the error
  std::int64_t last_reload_unix_ns = 0;
  std::string boot_id;  // the node's own id of its start (htable mvnode "boot"): new = restarted
  // The edge generation last verified on the node (recorded there as mvnode "applied" and in
  // Redis); 0 before the first verified round.
  std::int64_t applied_generation = 0;
  std::size_t reloads = 0;
  std::size_t restarts_seen = 0;
  std::size_t audit_repaired_rows = 0;  // keys the audit's slices found differing and set again
  std::vector<TableStatus> tables;

  std::size_t expected_rows() const {
    std::size_t rows = 0;
    for (const auto& table : tables) rows += table.expected_rows;
    return rows;
  }
  std::size_t loaded_rows() const {
    std::size_t rows = 0;
    for (const auto& table : tables) rows += table.loaded_rows;
    return rows;
  }
  bool in_sync() const { return last_result == "ok" && loaded_rows() == expected_rows(); }
};

// Where the API reads the edge's state from.
class EdgeStatusSource {
 public:
  virtual ~EdgeStatusSource() = default;
  virtual std::vector<NodeStatus> status() const = 0;
};

// The operator's repair path: every table of one node reloaded in full, and its row counts
// compared with Redis, at the node's next round (POST /v1/edge/nodes/{node}/resync).
class EdgeRepair {
 public:
  virtual ~EdgeRepair() = default;
  // False when no configured node has this name (edge-<n>).
  virtual bool resync(const std::string& node_name) = 0;
};

}  // namespace mv::edge
