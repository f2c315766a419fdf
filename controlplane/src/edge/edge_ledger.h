#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/logger.h>

#include "kamailio/node_record.h"
#include "store/redis_client.h"
#include "store/script_runner.h"

namespace mv::edge {

using kamailio::HtableChange;

// A key of htable mv as its row in Kamailio's database holds it.
struct HtableKey {
  std::string key;
  std::string value;
  int value_type = 0;
};

// Where a node's comparison of htable keys with Redis stands: the daemon's row map is read with
// HSCAN from `cursor`; rows read but not compared yet wait in `pending_rows` (row ids).
struct HtableAudit {
  std::string cursor = "0";
  std::vector<std::string> pending_rows;
};

// What Redis says the edge should have, and what the edge layer records there: table versions,
// row counts, htable mv's change log, the write generation, the nodes' Redis replicas, each
// node's last reload of a table and each round's outcome (the nodes' locks apart: NodeLockHold).
// Every call may throw store::StoreUnavailable unless it says otherwise.
class EdgeLedger {
 public:
  // `daemon_db`: the trunks and the edge's bookkeeping; `kamailio_db`: the rows Kamailio loads;
  // `edge_replicas`: the Redis replicas the nodes read from (0: none), each waited for up to
  // `replica_wait`; `nodes`: every node's endpoint, in order (a round's record derives the
  // generation all of them have).
  EdgeLedger(store::RedisPool& daemon_db, store::RedisPool& kamailio_db, int edge_replicas,
             std::chrono::milliseconds replica_wait, std::vector<std::string> nodes,
             spdlog::logger& log);

  // Every table's version (mv:edge:table_versions), and one table's in one HGET (0: none yet).
  std::map<std::string, std::int64_t> table_versions();
  std::int64_t table_version(const std::string& table);
  // The rows the daemon wrote to `table` (its row map, and the padding row), in O(1).
  std::size_t owned_rows(const std::string& table);
  // Every row of `table` in Kamailio's database, the daemon's or not (a SCAN).
  std::size_t database_rows(const std::string& table);
  // The write generation now (nullopt when Redis cannot say): read before a reload, every write
  // up to it is in Redis already. Never throws.
  std::optional<std::int64_t> current_generation();
  // True when the nodes' Redis replicas have every write made so far (WAIT on the primary): a
  // node reading a lagging replica would load old rows, which the row counts need not show.
  // Never throws.
  bool replicas_caught_up();

  // htable mv's changes after version `after` up to `upto`, in order; nullopt when the log no
  // longer reaches back that far (trimmed).
  std::optional<std::vector<HtableChange>> htable_changes(std::int64_t after, std::int64_t upto);
  // Remembers that htable mv was at `version` (or later) when read just before `unix_s`; each
  // round notes what it read. Kept in this process for kVersionHistory. Never throws.
  void note_htable_version(std::int64_t unix_s, std::int64_t version);
  // The highest version noted at or before `unix_s`: every write up to it was made by then.
  // nullopt when none is (this daemon started later, or it was longer ago).
  std::optional<std::int64_t> htable_version_at(std::int64_t unix_s) const;
  static constexpr std::int64_t kVersionHistory = 600;
  // The next `count` of the daemon's htable rows from where `audit` stands, read only while
  // htable mv is at `version` (nullopt otherwise: a change is on its way through the log, and
  // the rows are compared later). Rows removed meanwhile are left out.
  std::optional<std::vector<HtableKey>> next_htable_rows(HtableAudit& audit, std::size_t count,
                                                         std::int64_t version);
  // The keys of every uacreg row (a SCAN), and those rows by l_uuid (field -> value).
  std::vector<std::string> registration_row_keys();
  std::map<std::string, std::map<std::string, std::string>> registration_rows(
      const std::vector<std::string>& keys);

  // When `table` was last reloaded on `endpoint` by any replica (unix ms), and recording it: a
  // module's reload_delta refuses a second reload in one wall-clock second.
  std::optional<std::int64_t> last_reload_ms(const std::string& table, const std::string& endpoint);
  void record_reload(const std::string& table, const std::string& endpoint, std::int64_t unix_ms);

  // After a round on `endpoint`: it has every write up to `generation` (nullopt: it is not in
  // step), its `error` ("ok" when none). Returns the generation recorded for the node (the
  // highest verified); the generation every node has and the edge's last error are derived again.
  std::int64_t record_round(const std::string& endpoint, const std::string& error,
                            std::optional<std::int64_t> generation);

 private:
  store::RedisPool& daemon_db_;
  store::RedisPool& kamailio_db_;
  int edge_replicas_;
  std::chrono::milliseconds replica_wait_;
  std::vector<std::string> nodes_;
  spdlog::logger& log_;
  const store::Script record_round_;  // lua/edge_record_round.lua
  mutable std::mutex versions_mutex_;
  std::deque<std::pair<std::int64_t, std::int64_t>> htable_versions_;  // (unix s, version), by time
};

}  // namespace mv::edge
