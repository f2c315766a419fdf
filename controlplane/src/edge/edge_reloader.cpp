#include "edge/edge_reloader.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "edge/node_lock_hold.h"
#include "model/edge_rows.h"
#include "store/redis_keys.h"
#include "store/store_unavailable.h"

#include "util/clock.h"

namespace mv::edge {
namespace {

// A node's result from its routing tables' (`routing`) and its dispatcher's: with the routing
// tables in step, the node is not while its dispatcher failed (but a reload waiting for its time,
// or another replica's, is no fault).
std::string with_dispatcher(const std::string& routing, const std::string& dispatcher) {
  if (dispatcher == "ok" || dispatcher == "never" || dispatcher == EdgeReloader::kWaitingForLock) {
    return routing;
  }
  return std::string(model::kDispatcherTable) + ": " + dispatcher;
}

}  // namespace

EdgeReloader::EdgeReloader(kamailio::KamailioRpc& rpc, store::RedisPool& daemon_db,
                           store::RedisPool& kamailio_db, std::vector<std::string> endpoints,
                           Timing timing, ReloadObserver& reload_observer,
                           std::shared_ptr<spdlog::logger> log, int edge_replicas)
    : daemon_db_(daemon_db),
      timing_(timing),
      reload_observer_(reload_observer),
      log_(std::move(log)),
      endpoints_(std::move(endpoints)),
      ledger_(daemon_db, kamailio_db, edge_replicas, timing.replica_wait, endpoints_, *log_),
      publisher_(rpc, ledger_,
                 {timing.max_htable_changes, timing.max_htable_changes_per_key,
                  timing.reload_pause_factor, timing.count_every},
                 *log_),
      verifier_(rpc, ledger_, *log_) {
  for (std::size_t i = 0; i < endpoints_.size(); ++i) {
    auto worker = std::make_unique<NodeWorker>();
    worker->status.endpoint = endpoints_[i];
    worker->status.name = model::edge_node_name(i);
    for (const char* name : model::kEdgeTables) {
      if (std::string_view(name) == model::kDispatcherTable) continue;  // the health thread's
      TableStatus table;
      table.table = name;
      worker->status.tables.push_back(std::move(table));
    }
    workers_.push_back(std::move(worker));
  }
  for (auto& worker : workers_) {
    worker->thread = std::thread([this, &worker = *worker] { run(worker); });
    worker->health_thread = std::thread([this, &worker = *worker] { run_health(worker); });
  }
}

EdgeReloader::~EdgeReloader() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) {
    worker->thread.join();
    worker->health_thread.join();
  }
}

void EdgeReloader::trunks_changed() {
  bool already_pending = true;
  {
    std::lock_guard lock(mutex_);
    last_write_ = std::chrono::steady_clock::now();
    for (auto& worker : workers_) {
      already_pending &= worker->new_writes && worker->health_changed;
      worker->changed = worker->new_writes = worker->health_changed = true;
    }
  }
  // A pending change is seen by the workers under the lock anyway: waking them again per write
  // cost about 6 % of a core at 7,000 writes/s.
  if (!already_pending) wake_.notify_all();
}

std::vector<NodeStatus> EdgeReloader::status() const {
  std::lock_guard lock(mutex_);
  std::vector<NodeStatus> nodes;
  for (const auto& worker : workers_) {
    auto node = worker->status;
    const auto& health = worker->health;
    node.tables.insert(node.tables.begin() + 1, health.table);  // in kEdgeTables' order
    node.reloads += health.reloads;
    node.last_reload_unix_ns = std::max(node.last_reload_unix_ns, health.table.last_reload_unix_ns);
    if (node.last_result == "ok" || node.last_result == kWaitingForDispatcher) {
      node.last_result = with_dispatcher(node.last_result, health.last_result);
    }
    nodes.push_back(std::move(node));
  }
  return nodes;
}

bool EdgeReloader::resync(const std::string& node_name) {
  {
    std::lock_guard lock(mutex_);
    auto worker = std::find_if(workers_.begin(), workers_.end(),
                               [&](const auto& each) { return each->status.name == node_name; });
    if (worker == workers_.end()) return false;
    (*worker)->resync_requested = (*worker)->health_resync = true;
    (*worker)->changed = (*worker)->health_changed = true;
  }
  wake_.notify_all();
  return true;
}

void EdgeReloader::run(NodeWorker& worker) {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, timing_.verify_every, [&] { return stopping_ || worker.changed; });
    if (stopping_) break;
    if (worker.changed) {
      // Let the rest of a burst of writes land, so it costs one reload.
      wake_.wait_for(lock, timing_.settle, [&] { return stopping_; });
      if (stopping_) break;
      worker.changed = worker.new_writes = false;
    }
    auto node = worker.status;
    bool resync = std::exchange(worker.resync_requested, false);
    bool writes_streaming = std::chrono::steady_clock::now() - last_write_ < timing_.writes_quiet;
    bool dispatcher_loaded = worker.dispatcher_loaded;
    auto dispatcher_result = worker.health.last_result;
    lock.unlock();
    if (resync) {
      log_->warn("edge {}: resync asked for: reloading every table", node.endpoint);
      for (auto& table : node.tables) table.loaded_version = -1;
    }
    // Read before reloading: every write up to this generation is in Redis already. Reloading
    // while the node's Redis replica lags could load old rows and record them as applied.
    auto generation = ledger_.current_generation();
    bool paced = false;
    std::optional<bool> in_step;
    if (!generation) {
      node.last_result = "redis: the edge generation cannot be read";
      in_step = false;
    } else {
      auto now = std::chrono::steady_clock::now();
      bool audit = resync || now >= worker.next_audit;
      try {
        in_step = sync_node_locked(node, {audit, resync, writes_streaming}, paced);
      } catch (const std::exception& e) {
        // Whatever a round throws (a value in Redis that is no number, say) must not end the
        // node's thread: std::terminate would take the daemon down with it.
        node.last_result = std::string("round failed: ") + e.what();
        log_->error("edge {}: {}", node.endpoint, node.last_result);
        in_step = false;
      }
      // The application servers are dispatcher rows: until the dispatcher was loaded once, the
      // node may not reach them (the health thread wakes this one when it is).
      if (in_step && *in_step && !dispatcher_loaded) {
        node.last_result = with_dispatcher(kWaitingForDispatcher, dispatcher_result);
        in_step = false;
      }
      if (audit && in_step && *in_step) worker.next_audit = now + timing_.audit_every;
    }
    // nullopt: another replica of the daemon has the node's lock (its round records the
    // outcome); nothing to record yet.
    if (in_step) record_round(node, *in_step ? generation : std::nullopt);
    // After the round is recorded: the slice's reads (one htable.get per key) do not delay it.
    if (in_step && *in_step && timing_.audit_keys_per_round > 0) {
      audit_htable_locked(node, worker);
    }
    lock.lock();
    // A restart the routing round found: the dispatcher need not wait for its next look.
    if (node.restarts_seen > worker.status.restarts_seen) {
      worker.health_resync = worker.health_changed = true;
      wake_.notify_all();
    }
    worker.status = std::move(node);
    // A resync asked for is kept until a round of this replica's has run it.
    if (resync && !in_step) worker.resync_requested = true;
    if (!(in_step && *in_step) && !stopping_) {
      worker.changed = true;
      // New writes do not wait for the retry, but a paced reload does: a bulk import's writes
      // would otherwise run a round each.
      auto again = in_step ? timing_.retry : timing_.lock_poll;
      wake_.wait_for(lock, again, [&] { return stopping_ || (worker.new_writes && !paced); });
    }
  }
}

std::optional<bool> EdgeReloader::sync_node_locked(NodeStatus& node, const RoundMode& mode,
                                                   bool& paced) {
  std::optional<NodeLockHold> lock;
  try {
    lock.emplace(daemon_db_, store::keys::edge_reload_lock(node.endpoint), timing_.lock_expiry,
                 *log_);
  } catch (const store::StoreUnavailable& e) {
    node.last_result = std::string("redis: ") + e.what();
    log_->warn("edge {}: {}", node.endpoint, node.last_result);
    return false;
  }
  if (!lock->taken()) {
    node.last_result = kWaitingForLock;
    log_->debug("edge {}: {} is taken, trying again in {} ms", node.endpoint, lock->key(),
                timing_.lock_poll.count());
    return std::nullopt;
  }
  return sync_node(node, mode, paced, [&] { lock->keep(); });
}

void EdgeReloader::audit_htable_locked(NodeStatus& node, NodeWorker& worker) {
  try {
    // Under the node's lock: a repair must not land between another replica's changes. Taken:
    // that replica's round is on the node, and this slice waits for the next round.
    NodeLockHold lock(daemon_db_, store::keys::edge_reload_lock(node.endpoint), timing_.lock_expiry,
                      *log_);
    if (!lock.taken()) return;
    auto htable = std::find_if(node.tables.begin(), node.tables.end(),
                               [](const auto& t) { return t.table == model::kHtableTable; });
    auto writes_waiting = [&] {
      std::lock_guard state(mutex_);
      return worker.new_writes;
    };
    std::size_t repaired = 0;
    for (std::size_t compared = 0; compared < timing_.audit_keys_per_round && !writes_waiting();
         compared += kAuditChunk) {
      auto chunk = std::min(kAuditChunk, timing_.audit_keys_per_round - compared);
      auto differing = verifier_.differing_htable_keys(node.endpoint, worker.htable_audit, chunk,
                                                       htable->loaded_version);
      publisher_.set_htable_keys(node.endpoint, differing);
      repaired += differing.size();
    }
    node.audit_repaired_rows += repaired;
    if (repaired > 0) {
      log_->warn("edge {}: {} htable keys differed from Redis: set again", node.endpoint, repaired);
    }
  } catch (const kamailio::RpcError& e) {
    log_->warn("edge {}: htable audit: {}", node.endpoint, e.what());
  } catch (const store::StoreUnavailable& e) {
    log_->warn("edge {}: htable audit: redis: {}", node.endpoint, e.what());
  } catch (const nlohmann::json::exception& e) {
    log_->warn("edge {}: htable audit: unexpected JSON-RPC reply: {}", node.endpoint, e.what());
  }
}

bool EdgeReloader::sync_node(NodeStatus& node, const RoundMode& mode, bool& paced,
                             const std::function<void()>& after_table) {
  auto [audit, resync, writes_streaming] = mode;
  // Why a step failed, or nullopt: what it throws must not end the reloader's thread.
  auto attempt = [](const auto& step) -> std::optional<std::string> {
    try {
      step();
      return std::nullopt;
    } catch (const kamailio::RpcError& e) {
      return e.what();
    } catch (const store::StoreUnavailable& e) {
      return std::string("redis: ") + e.what();
    } catch (const nlohmann::json::exception& e) {
      // A reply of another shape (another Kamailio version?).
      return std::string("unexpected JSON-RPC reply: ") + e.what();
    }
  };
  std::map<std::string, std::int64_t> versions;
  auto failure = attempt([&] {
    if (resync) publisher_.forget_node_version(node.endpoint, model::kHtableTable);
    // A node that restarted loaded htable mv from Redis at its start: the log replays what it may
    // have missed, from a version this daemon noted before that start (a whole reload of 400,000
    // keys takes ~17 s on two busy nodes); without one the table is reloaded.
    if (verifier_.detect_restart(node)) {
      if (auto loaded = verifier_.start_up_version(node.endpoint, timing_.start_up_margin)) {
        publisher_.record_node_version(node.endpoint, model::kHtableTable, *loaded);
      }
    }
    versions = ledger_.table_versions();
    ledger_.note_htable_version(util::system_now_unix_s(), versions[model::kHtableTable]);
  });
  if (failure) {
    node.last_result = *failure;
    log_->warn("edge {}: {}", node.endpoint, node.last_result);
    return false;
  }
  // A table that fails (a listing too big for the node at 100k rows, say) does not keep the
  // node's other tables from being reloaded: the first failure is the node's result.
  auto note = [&](const TableStatus& table, const std::optional<std::string>& table_failure) {
    if (table_failure && !failure) failure = table.table + ": " + *table_failure;
  };
  // Every table that changed is applied or reloaded first and counted afterwards: a change
  // reaches all of the node's tables before the counts (whole-table listings) start.
  std::map<std::string, std::chrono::duration<double>> reload_took;
  for (auto& table : node.tables) {
    if (table.table == model::kUacregTable || table.loaded_version == versions[table.table]) {
      continue;
    }
    bool catching_up = false;
    if (table.table == model::kHtableTable) {
      auto log = NodePublisher::HtableLog::reload;
      auto log_failure = attempt([&] {
        log = publisher_.apply_htable_log(node.endpoint, table, versions[table.table], after_table);
      });
      note(table, log_failure);
      if (log_failure || log == NodePublisher::HtableLog::applied) {
        after_table();
        continue;
      }
      catching_up = log == NodePublisher::HtableLog::catch_up && !resync && writes_streaming;
    }
    auto started = std::chrono::steady_clock::now();
    bool reloaded = false;
    auto table_failure =
        attempt([&] { reloaded = publisher_.reload_table(node.endpoint, table, catching_up); });
    if (!table_failure && !reloaded && catching_up) paced = true;
    if (table_failure) {
      reload_observer_.reloaded(node.endpoint, table.table, "error",
                                std::chrono::steady_clock::now() - started);
    } else if (reloaded) {
      reload_took[table.table] = std::chrono::steady_clock::now() - started;
      ++node.reloads;
      node.last_reload_unix_ns = table.last_reload_unix_ns;
    }
    note(table, table_failure);
    after_table();
  }
  bool in_step = true;
  for (auto& table : node.tables) {
    bool table_in_sync = false;
    auto reloaded = reload_took.find(table.table);
    if (reloaded == reload_took.end() && table.table != model::kUacregTable &&
        table.loaded_version != versions[table.table]) {
      in_step = false;  // its reload failed or waits
      continue;
    }
    note(table, attempt([&] {
           if (reloaded != reload_took.end()) {
             table_in_sync = verifier_.count_table(node.endpoint, table, versions[table.table]);
             // The rows loaded include every change up to the version read before the reload:
             // recorded when they count right, or when writes since explain the difference (the
             // log from that version on brings the node in step, key by key or by a reload).
             if (table.table == model::kHtableTable &&
                 (table_in_sync || ledger_.table_version(table.table) != versions[table.table])) {
               publisher_.record_node_version(node.endpoint, table.table, versions[table.table]);
             }
             reload_observer_.reloaded(node.endpoint, table.table,
                                       table_in_sync ? "ok" : "mismatch", reloaded->second);
           } else {
             table_in_sync = sync_table(node.endpoint, table, versions[table.table], audit, node);
           }
         }));
    in_step &= table_in_sync;
    after_table();
  }
  node.last_result = failure ? *failure : in_step ? "ok" : "mismatch";
  if (failure) {
    in_step = false;
    log_->warn("edge {}: {}", node.endpoint, node.last_result);
  }
  return in_step;
}

bool EdgeReloader::sync_table(const std::string& endpoint, TableStatus& table, std::int64_t version,
                              bool audit, NodeStatus& node) {
  auto started = std::chrono::steady_clock::now();
  if (table.table == model::kUacregTable) {
    bool changed = false;
    bool in_sync = publisher_.sync_registrations(endpoint, table, version, audit, changed);
    if (changed) {
      reload_observer_.reloaded(endpoint, table.table, in_sync ? "ok" : "mismatch",
                                std::chrono::steady_clock::now() - started);
    }
    return in_sync;
  }
  // Loaded, unchanged since, on a node that has not restarted: only an audit reads rows.
  if (!audit || verifier_.counts_match(endpoint, table)) return true;
  log_->warn("edge {}: {} drifted from Redis: reloading", endpoint, table.table);
  try {
    if (!publisher_.reload_table(endpoint, table)) return false;
    ++node.reloads;
    node.last_reload_unix_ns = table.last_reload_unix_ns;
    bool in_sync = verifier_.count_table(endpoint, table, version);
    reload_observer_.reloaded(endpoint, table.table, in_sync ? "ok" : "mismatch",
                              std::chrono::steady_clock::now() - started);
    return in_sync;
  } catch (...) {
    reload_observer_.reloaded(endpoint, table.table, "error",
                              std::chrono::steady_clock::now() - started);
    throw;
  }
}

void EdgeReloader::run_health(NodeWorker& worker) {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, timing_.verify_every, [&] { return stopping_ || worker.health_changed; });
    if (stopping_) break;
    if (worker.health_changed) {
      wake_.wait_for(lock, timing_.settle, [&] { return stopping_; });
      if (stopping_) break;
      worker.health_changed = false;
    }
    auto health = worker.health;
    bool resync = std::exchange(worker.health_resync, false);
    auto endpoint = worker.status.endpoint;
    lock.unlock();
    std::optional<std::chrono::milliseconds> again;
    try {
      again = sync_health(endpoint, health, resync);
    } catch (const std::exception& e) {
      // As in run(): nothing a round throws may end the thread.
      health.last_result = std::string("round failed: ") + e.what();
      log_->error("edge {}: dispatcher: {}", endpoint, health.last_result);
      again = timing_.retry;
    }
    lock.lock();
    worker.health = std::move(health);
    if (again && resync) worker.health_resync = true;
    if (!again && !worker.dispatcher_loaded) {
      worker.dispatcher_loaded = worker.changed = true;
      wake_.notify_all();
    }
    if (again && !stopping_) {
      worker.health_changed = true;
      // New writes do not cut this short: health_reload_every is the point of it.
      wake_.wait_for(lock, *again, [&] { return stopping_; });
    }
  }
}

std::optional<std::chrono::milliseconds> EdgeReloader::sync_health(const std::string& endpoint,
                                                                   HealthStatus& health,
                                                                   bool resync) {
  auto& table = health.table;
  auto failed = [&](const std::string& why) {
    health.last_result = why;
    log_->warn("edge {}: dispatcher: {}", endpoint, why);
    return std::optional(timing_.retry);
  };
  std::int64_t version = 0;
  try {
    version = ledger_.table_version(table.table);
  } catch (const store::StoreUnavailable& e) {
    return failed(std::string("redis: ") + e.what());
  }
  auto now = std::chrono::steady_clock::now();
  // Loaded at this version, and not yet time to look whether the node restarted: nothing to do.
  if (!resync && table.loaded_version == version && now < health.next_node_check) {
    return std::nullopt;
  }
  std::optional<NodeLockHold> lock;
  try {
    lock.emplace(daemon_db_, store::keys::edge_health_lock(endpoint), timing_.lock_expiry, *log_);
  } catch (const store::StoreUnavailable& e) {
    return failed(std::string("redis: ") + e.what());
  }
  if (!lock->taken()) {
    health.last_result = kWaitingForLock;
    return timing_.lock_poll;
  }
  std::optional<std::chrono::milliseconds> again;
  try {
    again = sync_health_locked(endpoint, health, resync, version, [&] { lock->keep(); });
    health.next_node_check = now + timing_.verify_every;
  } catch (const kamailio::RpcError& e) {
    again = failed(e.what());
  } catch (const store::StoreUnavailable& e) {
    again = failed(std::string("redis: ") + e.what());
  } catch (const nlohmann::json::exception& e) {
    again = failed(std::string("unexpected JSON-RPC reply: ") + e.what());
  }
  return again;
}

std::optional<std::chrono::milliseconds> EdgeReloader::sync_health_locked(
    const std::string& endpoint, HealthStatus& health, bool resync, std::int64_t version,
    const std::function<void()>& keep_lock) {
  auto& table = health.table;
  if (resync) publisher_.forget_node_version(endpoint, table.table);
  // What the node recorded decides, whichever replica reloaded it: none recorded means a node
  // that started since (or a resync), which reloads at once.
  auto node_version = verifier_.node_version(endpoint, table.table);
  auto now = std::chrono::steady_clock::now();
  if (node_version == version) {
    if (table.loaded_version != version) {
      // Counted in step by whoever recorded it (another replica, say): this replica's own
      // counts may be older.
      table.loaded_rows = table.expected_rows = ledger_.owned_rows(table.table);
      table.loaded_version = version;
    }
    // The dispatcher holds the application servers alone (trunks are probed from htable mv):
    // counting it is one short listing, so it is audited every audit_every, and a destination
    // added or removed in the node's memory behind the daemon's back reloads it now.
    bool audit_due = now >= health.next_audit;
    if (!audit_due || verifier_.counts_match(endpoint, table)) {
      if (audit_due) health.next_audit = now + timing_.audit_every;
      health.last_result = "ok";
      return std::nullopt;
    }
    node_version.reset();
  }
  if (node_version) {
    auto since = std::chrono::nanoseconds(util::system_now_unix_ns() - table.last_reload_unix_ns);
    auto left = std::max(std::chrono::nanoseconds(timing_.health_reload_every) - since,
                         publisher_.reload_pause_left(table));
    if (left > std::chrono::nanoseconds::zero()) {
      return std::chrono::ceil<std::chrono::milliseconds>(left);
    }
  }
  auto started = std::chrono::steady_clock::now();
  try {
    if (!publisher_.reload_dispatcher(endpoint, table, keep_lock)) return timing_.lock_poll;
    ++health.reloads;
    bool in_step = verifier_.count_table(endpoint, table, version);
    reload_observer_.reloaded(endpoint, table.table, in_step ? "ok" : "mismatch",
                              std::chrono::steady_clock::now() - started);
    health.last_result = in_step ? "ok" : "mismatch";
    if (!in_step) return timing_.retry;
  } catch (...) {
    reload_observer_.reloaded(endpoint, table.table, "error",
                              std::chrono::steady_clock::now() - started);
    throw;
  }
  publisher_.record_node_version(endpoint, table.table, version);
  health.next_audit = now + timing_.audit_every;
  return std::nullopt;
}

void EdgeReloader::record_round(NodeStatus& node, std::optional<std::int64_t> generation) {
  std::int64_t recorded = 0;
  try {
    recorded = ledger_.record_round(node.endpoint, node.last_result, generation);
  } catch (const store::StoreUnavailable& e) {
    log_->warn("edge {}: cannot record the round: {}", node.endpoint, e.what());
    return;
  }
  if (!generation) return;
  node.applied_generation = recorded;
  try {
    publisher_.record_node_applied(node.endpoint, recorded);
  } catch (const kamailio::RpcError& e) {
    log_->warn("edge {}: cannot record the applied generation on the node: {}", node.endpoint,
               e.what());
  }
}

}  // namespace mv::edge
