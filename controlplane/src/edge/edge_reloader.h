#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/logger.h>

#include "edge/edge_ledger.h"
#include "edge/edge_ports.h"
#include "edge/edge_status.h"
#include "edge/node_publisher.h"
#include "edge/node_verifier.h"
#include "kamailio/kamailio_rpc.h"
#include "model/edge_rows.h"
#include "store/redis_client.h"

namespace mv::edge {

// Decides when each Kamailio node's tables are brought in step with Redis, and composes the
// rounds that do it: NodePublisher applies changes, NodeVerifier checks what a node has, and
// EdgeLedger is Redis's side of both; this class holds the threads, the locks and the timing.
// It brings every node's tables in step with the rows in Redis: htable mv (the keys calls
// route on) key by key from its change log (mv:edge:htable_log, from the version the node
// recorded it has, mvnode "mv_version"), uacreg record by record, and the dispatcher (the
// application servers alone: trunks are probed from htable mv) by reloading it, at most every
// `health_reload_every`. Each node has two threads: one for the tables calls route with (htable,
// uacreg), one for the dispatcher, whose reload must not hold a routing change back (a reload
// with 100k trunks took 15-25 s when trunks were in it). A node that is down or slow never holds up
// the others, and a node never sees two rounds of one kind at once. A burst of writes waits
// `settle` and then costs one round per node. A failed round is retried after `retry`. Without
// changes every node is checked every `verify_every` without reading a whole table: a node that
// restarted (its boot id, htable mvnode "boot", changed; its dispatcher version, mvnode
// "ds_version", gone) is brought in step again (htable mv by the change log from a version noted
// `start_up_margin` before its start, else reloaded), and a slice of htable keys is compared with
// Redis
// (`audit_keys_per_round`). Every `audit_every` each node's row counts are compared with Redis
// (the dispatcher's by its own thread): a table whose count differs reloads. After each round whose
// routing tables are in step (and the dispatcher was loaded once, for the application servers) the
// node's applied generation is recorded on the node (mvnode "applied") and in Redis
// (mv:edge:node_applied), and the generation every node has is raised from those. Destinations that
// probing had taken out stay out across a dispatcher reload. Replicas of the daemon share the
// nodes: each node's routing round runs under a lock in Redis (mv:edge:reload_lock:<endpoint>), its
// dispatcher reload under another (mv:edge:health_lock:<endpoint>), so two replicas never change
// one node's tables at once, and a dispatcher version one replica loaded is not loaded again by the
// other; a replica that finds a lock taken tries again `lock_poll` later. A reload waits for the
// wall-clock second after the node's last one of that table (mv:edge:reload_at:<table>:<endpoint>),
// as the module's reload_delta wants.
class EdgeReloader final : public TrunkChangeListener, public EdgeStatusSource, public EdgeRepair {
 public:
  struct Timing {
    // A burst of writes lands in one round (changes apply key by key: a short wait will do).
    std::chrono::milliseconds settle{10};
    std::chrono::milliseconds retry{1100};  // above Kamailio's reload_delta of 1 s
    // How soon a node is tried again when its lock is taken (another replica's round).
    std::chrono::milliseconds lock_poll{100};
    std::chrono::milliseconds verify_every{10000};
    // How often each node's row counts are compared with Redis when nothing changed (a restart
    // or a table version that moved is noticed every verify_every without reading any row).
    std::chrono::milliseconds audit_every{60000};
    // A node's reload lock expires this long after it was taken or last extended (after each
    // table, and each step of a dispatcher reload), even if its holder died: above the longest
    // single step (~5 s at 100k rows).
    std::chrono::milliseconds lock_expiry{10000};
    // Up to this long, before reloading after a change, for the nodes' Redis replicas.
    std::chrono::milliseconds replica_wait{200};
    // More htable changes than this and than this share of the table's keys at once (a node far
    // behind) reload the table instead: one RPC per change costs the node more beyond. Defaults
    // from NodePublisher::Settings, where the measured costs are.
    std::int64_t max_htable_changes = NodePublisher::Settings{}.max_htable_changes;
    double max_htable_changes_per_key = NodePublisher::Settings{}.max_htable_changes_per_key;
    // The dispatcher's whole-list reload (the application servers changed, or its count
    // differs) runs at most this often per node.
    std::chrono::milliseconds health_reload_every{30000};
    // A whole-table reload that only catches up (a node more than max_htable_changes behind, as
    // in a bulk import; the dispatcher's health reloads) waits at least this many times its
    // previous reload's duration after that one ended, so catching up takes at most a third of
    // the node's time (measured at 100k trunks on 2 nodes: reloading back to back cost the nodes
    // more CPU than the import itself). A node that restarted or lost its version is not paced.
    double reload_pause_factor = NodePublisher::Settings{}.reload_pause_factor;
    // Writes this far apart are no longer a stream: a node far behind reloads without a pause.
    std::chrono::milliseconds writes_quiet{1000};
    // htable mv is counted on the node at most this often while its changes are confirmed one
    // by one (they keep the count between): NodePublisher::Settings, where the cost is.
    std::chrono::milliseconds count_every = NodePublisher::Settings{}.count_every;
    // htable mv keys compared with Redis, one by one, in every round that finds the node in
    // step: a value changed on the node behind the daemon's back is found within (keys in the
    // table / this) rounds, one round per verify_every at rest. 0: none.
    std::size_t audit_keys_per_round = 100;
    // A restarted node is taken to have every write this daemon saw in Redis this long before
    // its start (its Redis replica's lag, clock steps): the change log replays the rest.
    std::chrono::seconds start_up_margin{5};
  };

  // A node's last_result while another replica holds its reload lock.
  static constexpr const char* kWaitingForLock = "waiting for the reload lock";
  // A node's last_result while its routing tables are in step but its dispatcher (which holds the
  // application servers too) was never loaded by this daemon.
  static constexpr const char* kWaitingForDispatcher = "waiting for the dispatcher's first load";

  // `daemon_db`: where the trunks and the edge generations live; `kamailio_db`: Kamailio's rows;
  // `reload_observer`: told of every reload with its result and duration (the metrics);
  // `edge_replicas`: the Redis replicas the nodes read from, which must have every write before a
  // reload (0: none).
  EdgeReloader(kamailio::KamailioRpc& rpc, store::RedisPool& daemon_db,
               store::RedisPool& kamailio_db, std::vector<std::string> endpoints, Timing timing,
               ReloadObserver& reload_observer, std::shared_ptr<spdlog::logger> log,
               int edge_replicas = 0);
  ~EdgeReloader() override;

  void trunks_changed() override;
  std::vector<NodeStatus> status() const override;
  bool resync(const std::string& node_name) override;

 private:
  // The node's dispatcher as its health thread last found it.
  struct HealthStatus {
    TableStatus table{.table = model::kDispatcherTable};
    std::string last_result = "never";  // "ok", "mismatch", kWaitingForLock or the error
    std::size_t reloads = 0;
    std::chrono::steady_clock::time_point next_node_check;  // the first round reads the node
    std::chrono::steady_clock::time_point next_audit;       // the first look counts it
  };

  // One node's threads and what they last found.
  struct NodeWorker {
    NodeStatus status;        // the routing tables (htable, uacreg); status() adds the dispatcher
    bool changed = true;      // load once at start: the node may predate this daemon's writes
    bool new_writes = false;  // writes since this node's round began
    std::chrono::steady_clock::time_point next_audit;  // the first round audits
    bool resync_requested = false;  // by an operator: reload every table, then audit
    HtableAudit htable_audit;
    HealthStatus health;
    bool health_changed = true;      // writes since the health thread's last round
    bool health_resync = false;      // by an operator: reload the dispatcher
    bool dispatcher_loaded = false;  // in step once since this daemon started (application servers)
    std::thread thread;
    std::thread health_thread;
  };

  void run(NodeWorker& worker);
  // What a routing round is asked to do beyond applying changes. `audit`: count every table's
  // rows on the node and in Redis even where nothing changed. `resync`: reload every table whole.
  // `writes_streaming`: a write came within `writes_quiet` (a bulk import): a node far behind
  // then catches up by paced reloads; once the writes stop, the last reload goes at once.
  struct RoundMode {
    bool audit = false;
    bool resync = false;
    bool writes_streaming = false;
  };
  // sync_node under the node's reload lock; nullopt when the lock is taken (another replica's
  // round, or a reload in this wall-clock second, which Kamailio's reload_delta would refuse).
  // The value: the tables calls route with (htable mv, uacreg) are in step with Redis.
  std::optional<bool> sync_node_locked(NodeStatus& node, const RoundMode& mode, bool& paced);
  // The audit's slice of htable keys (the verifier finds the keys that differ, the publisher sets
  // them) under the node's reload lock, after a round in step; none when another replica holds
  // the lock. It compares kAuditChunk keys at a time and stops once `worker` has new writes (the
  // keys not compared yet wait in the audit for the next round), so a change never waits for
  // more than one chunk's reads. Never throws.
  static constexpr std::size_t kAuditChunk = 10;
  void audit_htable_locked(NodeStatus& node, NodeWorker& worker);
  // Applies or reloads what the node needs and checks it; true when it matches Redis.
  // `after_table` runs after each table (to keep the node's lock). `audit`: count every table's
  // rows on the node and in Redis even where nothing changed. `resync`: reload every table whole.
  // `paced`: set when a whole reload waits for its pause (reload_pause_factor).
  bool sync_node(NodeStatus& node, const RoundMode& mode, bool& paced,
                 const std::function<void()>& after_table);
  // The node's dispatcher thread: a round per change (after `settle`), and the node's recorded
  // dispatcher version read every verify_every.
  void run_health(NodeWorker& worker);
  // Reloads the node's dispatcher when the version it recorded is not Redis's, under the node's
  // health lock. nullopt: in step (or nothing to do); otherwise how long until the next try
  // (health_reload_every not over, a lock taken, a failure).
  std::optional<std::chrono::milliseconds> sync_health(const std::string& endpoint,
                                                       HealthStatus& health, bool resync);
  std::optional<std::chrono::milliseconds> sync_health_locked(
      const std::string& endpoint, HealthStatus& health, bool resync, std::int64_t version,
      const std::function<void()>& keep_lock);
  // A table loaded at its current version: on an audit, counts it and reloads it when its count
  // drifted; true when in step. uacreg: record by record (sync_registrations).
  bool sync_table(const std::string& endpoint, TableStatus& table, std::int64_t version, bool audit,
                  NodeStatus& node);
  // After a round: the node has every write up to `generation` (recorded in Redis and on the
  // node), or why not (nullopt). Either way the generation every node has and the edge's last
  // error are derived again over the configured nodes.
  void record_round(NodeStatus& node, std::optional<std::int64_t> generation);

  store::RedisPool& daemon_db_;  // the nodes' locks
  Timing timing_;
  ReloadObserver& reload_observer_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<std::string> endpoints_;
  EdgeLedger ledger_;
  NodePublisher publisher_;
  NodeVerifier verifier_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::unique_ptr<NodeWorker>> workers_;
  std::chrono::steady_clock::time_point last_write_;  // the last trunks_changed
  bool stopping_ = false;
};

}  // namespace mv::edge
