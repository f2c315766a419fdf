#include "edge/node_verifier.h"

#include "kamailio/node_record.h"
#include "kamailio/node_tables.h"
#include "model/edge_rows.h"
#include "util/clock.h"

namespace mv::edge {

NodeVerifier::NodeVerifier(kamailio::KamailioRpc& rpc, EdgeLedger& ledger, spdlog::logger& log)
    : rpc_(rpc), ledger_(ledger), log_(log) {}

bool NodeVerifier::detect_restart(NodeStatus& node) {
  auto boot_id = kamailio::node_boot_id(rpc_, node.endpoint);
  bool restarted = !node.boot_id.empty() && boot_id != node.boot_id;
  if (restarted) {
    log_.warn("edge {} restarted (boot {}): bringing every table in step", node.endpoint, boot_id);
    ++node.restarts_seen;
    for (auto& table : node.tables) table.loaded_version = -1;
  }
  node.boot_id = boot_id;
  return restarted;
}

std::optional<std::int64_t> NodeVerifier::start_up_version(const std::string& endpoint,
                                                           std::chrono::seconds margin) {
  auto now_s = util::system_now_unix_s();
  auto started_s = now_s - kamailio::node_uptime_s(rpc_, endpoint);
  return ledger_.htable_version_at(started_s - margin.count());
}

bool NodeVerifier::count_table(const std::string& endpoint, TableStatus& table,
                               std::int64_t version) {
  table.loaded_rows = kamailio::loaded_row_count(rpc_, endpoint, table.table);
  table.counted_at = std::chrono::steady_clock::now();
  // Redis may have changed since it was counted; the next round settles that. The rows this
  // daemon wrote are counted in O(1); Kamailio's whole database (a SCAN) only when they differ.
  table.expected_rows = ledger_.owned_rows(table.table);
  if (table.loaded_rows != table.expected_rows) {
    table.expected_rows = ledger_.database_rows(table.table);
  }
  bool in_sync = table.loaded_rows == table.expected_rows;
  table.loaded_version = in_sync ? version : -1;
  if (!in_sync) {
    // Writes landing during the reload make this too: the next round reloads again.
    log_.warn("edge {} loaded {} {} rows, Redis holds {}", endpoint, table.loaded_rows, table.table,
              table.expected_rows);
  }
  return in_sync;
}

bool NodeVerifier::counts_match(const std::string& endpoint, TableStatus& table) {
  table.expected_rows = ledger_.owned_rows(table.table);
  table.loaded_rows = kamailio::loaded_row_count(rpc_, endpoint, table.table);
  table.counted_at = std::chrono::steady_clock::now();
  if (table.loaded_rows == table.expected_rows) return true;
  // Counted after writes moved Redis past the version the node has: no proof of drift (a bulk
  // import's audits reloaded 330,000 keys on both nodes for nothing); the next audit compares.
  if (ledger_.table_version(table.table) != table.loaded_version) {
    log_.debug("edge {}: {} counted while writes land: compared at the next audit", endpoint,
               table.table);
    return true;
  }
  // Rows in Kamailio's database this daemon did not write are loaded too (the NOC's drift view
  // names them): the node matching the database needs no reload.
  table.expected_rows = ledger_.database_rows(table.table);
  if (table.loaded_rows == table.expected_rows) return true;
  log_.warn("edge {} has {} {} rows loaded, Redis holds {}", endpoint, table.loaded_rows,
            table.table, table.expected_rows);
  return false;
}

std::vector<HtableKey> NodeVerifier::differing_htable_keys(const std::string& endpoint,
                                                           HtableAudit& audit, std::size_t count,
                                                           std::int64_t node_version) {
  std::vector<HtableKey> differing;
  auto rows = ledger_.next_htable_rows(audit, count, node_version);
  if (!rows) return differing;
  for (auto& row : *rows) {
    if (kamailio::htable_value(rpc_, endpoint, row.key) != row.value) {
      differing.push_back(std::move(row));
    }
  }
  return differing;
}

std::optional<std::int64_t> NodeVerifier::node_version(const std::string& endpoint,
                                                       const std::string& table) {
  if (table == model::kDispatcherTable) return kamailio::node_dispatcher_version(rpc_, endpoint);
  return kamailio::node_htable_version(rpc_, endpoint);
}

}  // namespace mv::edge
