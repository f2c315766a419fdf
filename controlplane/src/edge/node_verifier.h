#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "edge/edge_ledger.h"
#include "edge/edge_status.h"
#include "kamailio/kamailio_rpc.h"

namespace mv::edge {

// Checks what a node has against the ledger, changing nothing: whether it restarted, whether a
// table's row count matches Redis, which htable keys of a slice differ, which version of a table
// the node says it has. What it finds lands in the node's TableStatus / NodeStatus, whose
// in_sync() is the one definition of "in step" that sync, /readyz, /metrics and the NOC read.
// Calls throw kamailio::RpcError, store::StoreUnavailable or nlohmann::json::exception.
class NodeVerifier {
 public:
  NodeVerifier(kamailio::KamailioRpc& rpc, EdgeLedger& ledger, spdlog::logger& log);

  // Reads the node's boot id; a new one (the node restarted, and loaded its tables at start,
  // possibly while writes were landing) marks every table as loaded at no known version and
  // returns true.
  bool detect_restart(NodeStatus& node);
  // The htable version a node that just started certainly loaded: the last one this daemon noted
  // `margin` or more before the node's process started (its tables are loaded after that, from a
  // Redis that had every write up to it, its replica's lag within `margin`); nullopt when none is.
  std::optional<std::int64_t> start_up_version(const std::string& endpoint,
                                               std::chrono::seconds margin);
  // After a reload: what the node loaded counted against Redis; in step, the table is loaded at
  // `version` (otherwise at none, so it reloads again).
  bool count_table(const std::string& endpoint, TableStatus& table, std::int64_t version);
  // A table loaded (at table.loaded_version) and unchanged since: do the node's and Redis's counts
  // still agree? Both in O(1) (the rows this daemon wrote against the node's item count),
  // Kamailio's whole database (a SCAN) only when they differ: its rows the daemon did not write
  // are loaded too. Counts that differ once Redis moved past that version prove nothing: true.
  bool counts_match(const std::string& endpoint, TableStatus& table);
  // The next `count` htable rows from where `audit` stands whose key the node holds with another
  // value or not at all (one htable.get each); only while Redis's htable version is
  // `node_version`, the one the node has (otherwise none: the change on its way comes first).
  std::vector<HtableKey> differing_htable_keys(const std::string& endpoint, HtableAudit& audit,
                                               std::size_t count, std::int64_t node_version);
  // The version of `table` (htable or dispatcher) the node recorded it has; nullopt when none is
  // (it started since, or a resync made it forget).
  std::optional<std::int64_t> node_version(const std::string& endpoint, const std::string& table);

 private:
  kamailio::KamailioRpc& rpc_;
  EdgeLedger& ledger_;
  spdlog::logger& log_;
};

}  // namespace mv::edge
