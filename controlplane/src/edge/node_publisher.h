#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <nlohmann/json.hpp>

#include "edge/edge_ledger.h"
#include "edge/edge_status.h"
#include "kamailio/kamailio_rpc.h"

namespace mv::edge {

// Changes a node's tables to what the ledger says: htable mv key by key from its change log,
// whole-table reloads (paced and spaced as Kamailio needs), uacreg record by record, the
// dispatcher's reload with the probed-down destinations kept out. It decides nothing about
// whether a node is in step (NodeVerifier) or when to act (EdgeReloader). Calls throw
// kamailio::RpcError, store::StoreUnavailable or nlohmann::json::exception (a reply of another
// shape).
class NodePublisher {
 public:
  struct Settings {
    // More htable changes than this and than this share of the table's keys at once reload the
    // table instead. Set when a change through JSON-RPC cost a node ~3 times what a key costs in
    // a whole reload (43 us against ~14 us, bench/edge/rpc_cost.sh and the 100k imports); a
    // batched change (kamailio::apply_htable_changes) costs the node ~6 us, but reading the log
    // costs the daemon and Redis too, and these were not measured again.
    std::int64_t max_htable_changes = 2000;
    double max_htable_changes_per_key = 0.33;
    // A paced reload waits this many times its previous reload's duration after that one ended.
    double reload_pause_factor = 2.0;
    // A table loaded at a known version whose changes since the node confirmed one by one is
    // counted on the node again (htable.stats, which walks every slot of every htable: ~45 % of
    // the nodes' CPU in a bulk import when counted every round) at most this often.
    std::chrono::milliseconds count_every{1000};
  };

  NodePublisher(kamailio::KamailioRpc& rpc, EdgeLedger& ledger, Settings settings,
                spdlog::logger& log);

  // What apply_htable_log did: the changes are on the node, or the table must be reloaded whole,
  // at once (no version recorded: the node started since; the log no longer reaches back; the
  // node ahead of Redis) or paced (more changes behind than are worth applying one by one).
  enum class HtableLog { applied, reload, catch_up };
  // Applies htable mv's change log on the node, from the version recorded there up to `version`,
  // in order, kChangesPerSlice at a time (recording each slice's last version there and calling
  // `keep_lock` after it), when it can. With the changes applied, `table` is loaded at `version`
  // and holds the node's and Redis's counts (read in O(1)); between the node's counts
  // (count_every), its count is what its confirmed changes give.
  HtableLog apply_htable_log(const std::string& endpoint, TableStatus& table, std::int64_t version,
                             const std::function<void()>& keep_lock);
  // ~0.3 s of a node's time: well inside the node's lock expiry.
  static constexpr std::int64_t kChangesPerSlice = 4000;
  // Sets keys of the node's htable mv to the values given (the audit's repairs).
  void set_htable_keys(const std::string& endpoint, const std::vector<HtableKey>& keys);
  // Records on the node the version of a table it has now loaded, or forgets it (an operator's
  // resync: the next round reloads it). htable and dispatcher only.
  void record_node_version(const std::string& endpoint, const std::string& table,
                           std::int64_t version);
  void forget_node_version(const std::string& endpoint, const std::string& table);
  // Records on the node that every write up to `generation` is loaded there (mvnode "applied").
  void record_node_applied(const std::string& endpoint, std::int64_t generation);

  // The reload RPC. False when it must wait (nothing done): the node reloaded the table in this
  // wall-clock second (Kamailio's reload_delta would refuse it), the nodes' Redis replicas lag,
  // or, when `paced`, the pause after its last reload (reload_pause_factor) is not over. Until
  // counted, the table is loaded at no known version.
  bool reload_table(const std::string& endpoint, TableStatus& table, bool paced = false);
  // How long after its last reload a paced reload of `table` waits still (zero: none).
  std::chrono::nanoseconds reload_pause_left(const TableStatus& table) const;
  // The dispatcher's reload, with the destinations probing had taken out kept out (a reload marks
  // every destination active). `keep_lock` runs between its steps. False as reload_table.
  bool reload_dispatcher(const std::string& endpoint, TableStatus& table,
                         const std::function<void()>& keep_lock);

  // uacreg: per-record uac.reg_refresh / reg_unregister / reg_remove until the node's
  // registrations are the rows in Redis (uac.reg_reload would drop every registration first).
  // Loaded at `version` and no `audit`: nothing read; at `version`: the counts compared first.
  // True when the node has them; `changed` says whether records were changed.
  bool sync_registrations(const std::string& endpoint, TableStatus& table, std::int64_t version,
                          bool audit, bool& changed);

 private:
  static bool same_registration(const std::map<std::string, std::string>& row,
                                const nlohmann::json& record);

  kamailio::KamailioRpc& rpc_;
  EdgeLedger& ledger_;
  Settings settings_;
  spdlog::logger& log_;
  // "<endpoint> <l_uuid>" -> when its un-REGISTER went out.
  std::map<std::string, std::chrono::steady_clock::time_point> unregister_sent_;
  std::mutex unregister_sent_mutex_;
};

}  // namespace mv::edge
