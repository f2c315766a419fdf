#include "edge/edge_reloader.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <set>
#include <utility>

#include "edge/node_lock_hold.h"
#include "kamailio/node_record.h"
#include "kamailio/node_tables.h"
#include "model/edge_rows.h"

#include "store/redis_keys.h"
#include "store/store_unavailable.h"

#include "lua_sources.h"

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

std::int64_t now_unix_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

EdgeReloader::EdgeReloader(kamailio::KamailioRpc& rpc, store::RedisPool& daemon_db,
                           store::RedisPool& kamailio_db, std::vector<std::string> endpoints,
                           Timing timing, ReloadObserver& reload_observer,
                           std::shared_ptr<spdlog::logger> log, int edge_replicas)
    : rpc_(rpc),
      daemon_db_(daemon_db),
      kamailio_db_(kamailio_db),
      timing_(timing),
      reload_observer_(reload_observer),
      log_(std::move(log)),
      edge_replicas_(edge_replicas),
      record_round_({store::lua_source::kEdgeRecordRound}),
      endpoints_(std::move(endpoints)) {
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
    auto generation = current_generation();
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
      audit_htable_locked(node, worker.htable_audit);
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

void EdgeReloader::audit_htable_locked(NodeStatus& node, HtableAudit& htable_audit) {
  try {
    // Under the node's lock: a repair must not land between another replica's changes. Taken:
    // that replica's round is on the node, and this slice waits for the next round.
    NodeLockHold lock(daemon_db_, store::keys::edge_reload_lock(node.endpoint), timing_.lock_expiry,
                      *log_);
    if (!lock.taken()) return;
    auto htable = std::find_if(node.tables.begin(), node.tables.end(),
                               [](const auto& t) { return t.table == model::kHtableTable; });
    auto repaired = audit_htable_slice(node.endpoint, htable_audit, htable->loaded_version);
    node.audit_repaired_rows += repaired;
    if (repaired > 0) {
      log_->warn("edge {}: {} htable keys differed from Redis: set again", node.endpoint, repaired);
    }
  } catch (const kamailio::RpcError& e) {
    log_->warn("edge {}: htable audit: {}", node.endpoint, e.what());
  } catch (const store::StoreUnavailable& e) {
    log_->warn("edge {}: htable audit: redis: {}", node.endpoint, e.what());
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
    if (resync) kamailio::forget_node_htable_version(rpc_, node.endpoint);
    detect_restart(node);
    versions = table_versions();
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
      auto log = HtableLog::reload;
      auto log_failure =
          attempt([&] { log = apply_htable_log(node.endpoint, table, versions[table.table]); });
      note(table, log_failure);
      if (log_failure || log == HtableLog::applied) {
        after_table();
        continue;
      }
      catching_up = log == HtableLog::catch_up && !resync && writes_streaming;
    }
    auto started = std::chrono::steady_clock::now();
    bool reloaded = false;
    auto table_failure =
        attempt([&] { reloaded = reload_table(node.endpoint, table, catching_up); });
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
             table_in_sync = count_table(node.endpoint, table, versions[table.table]);
             // The rows loaded include every change up to the version read before the reload:
             // recorded when they count right, or when writes since explain the difference (the
             // log from that version on brings the node in step, key by key or by a reload).
             if (table.table == model::kHtableTable &&
                 (table_in_sync || table_version(table.table) != versions[table.table])) {
               kamailio::record_node_htable_version(rpc_, node.endpoint, versions[table.table]);
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

void EdgeReloader::detect_restart(NodeStatus& node) {
  auto boot_id = kamailio::node_boot_id(rpc_, node.endpoint);
  if (!node.boot_id.empty() && boot_id != node.boot_id) {
    // Kamailio loaded its tables at start, possibly while writes were landing: load them again.
    log_->warn("edge {} restarted (boot {}): reloading every table", node.endpoint, boot_id);
    ++node.restarts_seen;
    for (auto& table : node.tables) table.loaded_version = -1;
  }
  node.boot_id = boot_id;
}

bool EdgeReloader::sync_table(const std::string& endpoint, TableStatus& table, std::int64_t version,
                              bool audit, NodeStatus& node) {
  if (table.table == model::kUacregTable)
    return sync_registrations(endpoint, table, version, audit);
  // Loaded, unchanged since, on a node that has not restarted: only an audit reads rows.
  if (!audit) return true;
  // Both counts in O(1): the rows this daemon wrote (not a SCAN of Kamailio's database) against
  // the node's item count. The audit's slices compare the rows themselves.
  table.expected_rows = owned_rows(table.table);
  table.loaded_rows = kamailio::loaded_row_count(rpc_, endpoint, table.table);
  if (table.loaded_rows == table.expected_rows) return true;
  // Rows in Kamailio's database this daemon did not write are loaded too (the NOC's drift view
  // names them): the node matching the database needs no reload.
  table.expected_rows = expected_rows(table.table);
  if (table.loaded_rows == table.expected_rows) return true;
  log_->warn("edge {} has {} {} rows loaded, Redis holds {}: reloading", endpoint,
             table.loaded_rows, table.table, table.expected_rows);
  auto started = std::chrono::steady_clock::now();
  try {
    if (!reload_table(endpoint, table)) return false;
    ++node.reloads;
    node.last_reload_unix_ns = table.last_reload_unix_ns;
    bool in_sync = count_table(endpoint, table, version);
    reload_observer_.reloaded(endpoint, table.table, in_sync ? "ok" : "mismatch",
                              std::chrono::steady_clock::now() - started);
    return in_sync;
  } catch (...) {
    reload_observer_.reloaded(endpoint, table.table, "error",
                              std::chrono::steady_clock::now() - started);
    throw;
  }
}

std::chrono::nanoseconds EdgeReloader::reload_pause_left(const TableStatus& table) const {
  if (table.last_reload_unix_ns == 0) return {};
  auto pause = std::chrono::nanoseconds(
      static_cast<std::int64_t>(timing_.reload_pause_factor * table.last_reload_took_ns));
  auto since = std::chrono::nanoseconds(now_unix_ns() - table.last_reload_unix_ns);
  return std::max(pause - since, std::chrono::nanoseconds::zero());
}

bool EdgeReloader::reload_table(const std::string& endpoint, TableStatus& table, bool paced) {
  if (paced && reload_pause_left(table) > std::chrono::nanoseconds::zero()) return false;
  // A module's reload_delta (1 s) compares whole seconds of the wall clock: the next reload
  // waits until the second after the last one (with a margin for the hosts' clocks), whichever
  // replica made it.
  auto reload_at = store::keys::edge_reload_at(table.table, endpoint);
  auto last = daemon_db_.command({"GET", reload_at});
  auto now_ms = now_unix_ns() / 1'000'000;
  if (!last.is_nil() && now_ms < (std::stoll(last.text) / 1000 + 1) * 1000 + 100) return false;
  // The node reads its tables from its Redis replica: it must have every write first.
  if (!replicas_caught_up()) return false;
  // Until it is counted, the node may hold anything: a failure from here on reloads it again.
  table.loaded_version = -1;
  auto started_ns = now_unix_ns();
  kamailio::reload_table(rpc_, endpoint, table.table);
  // The node stamped its reload when it ran it: the time after the call bounds that second.
  daemon_db_.command({"SET", reload_at, std::to_string(now_unix_ns() / 1'000'000), "PX", "2000"});
  table.last_reload_unix_ns = now_unix_ns();
  table.last_reload_took_ns = table.last_reload_unix_ns - started_ns;
  return true;
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
    version = table_version(table.table);
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
  if (resync) kamailio::forget_node_dispatcher_version(rpc_, endpoint);
  // What the node recorded decides, whichever replica reloaded it: none recorded means a node
  // that started since (or a resync), which reloads at once.
  auto node_version = kamailio::node_dispatcher_version(rpc_, endpoint);
  if (node_version == version) {
    if (table.loaded_version != version) {
      // Counted in step by whoever recorded it (another replica, say): this replica's own
      // counts may be older.
      table.loaded_rows = table.expected_rows = owned_rows(table.table);
      table.loaded_version = version;
    }
    health.last_result = "ok";
    return std::nullopt;
  }
  if (node_version) {
    auto since = std::chrono::nanoseconds(now_unix_ns() - table.last_reload_unix_ns);
    auto left = std::max(std::chrono::nanoseconds(timing_.health_reload_every) - since,
                         reload_pause_left(table));
    if (left > std::chrono::nanoseconds::zero()) {
      return std::chrono::ceil<std::chrono::milliseconds>(left);
    }
  }
  auto started = std::chrono::steady_clock::now();
  try {
    auto down = kamailio::inactive_destinations(rpc_, endpoint);
    keep_lock();
    if (!reload_table(endpoint, table)) return timing_.lock_poll;
    ++health.reloads;
    keep_lock();
    keep_down(endpoint, down);
    keep_lock();
    bool in_step = count_table(endpoint, table, version);
    reload_observer_.reloaded(endpoint, table.table, in_step ? "ok" : "mismatch",
                              std::chrono::steady_clock::now() - started);
    health.last_result = in_step ? "ok" : "mismatch";
    if (!in_step) return timing_.retry;
  } catch (...) {
    reload_observer_.reloaded(endpoint, table.table, "error",
                              std::chrono::steady_clock::now() - started);
    throw;
  }
  kamailio::record_node_dispatcher_version(rpc_, endpoint, version);
  return std::nullopt;
}

EdgeReloader::HtableLog EdgeReloader::apply_htable_log(const std::string& endpoint,
                                                       TableStatus& table, std::int64_t version) {
  auto node_version = kamailio::node_htable_version(rpc_, endpoint);
  // Ahead of Redis: the database went back (restored); its rows are the truth.
  if (!node_version || *node_version > version) return HtableLog::reload;
  auto changes = version - *node_version;
  if (changes > timing_.max_htable_changes) return HtableLog::catch_up;
  if (changes > 0) {
    auto entries = daemon_db_.command({"XRANGE", std::string(store::keys::kEdgeHtableLog),
                                       std::to_string(*node_version + 1) + "-0",
                                       std::to_string(version) + "-0"});
    // One entry per version: fewer means the log was trimmed past the node's version.
    if (entries.elements.size() != static_cast<std::size_t>(changes)) return HtableLog::reload;
    for (const auto& entry : entries.elements) {
      std::map<std::string, std::string> fields;
      const auto& pairs = entry.elements.at(1).elements;
      for (std::size_t i = 0; i + 1 < pairs.size(); i += 2)
        fields[pairs[i].text] = pairs[i + 1].text;
      if (auto del = fields.find("del"); del != fields.end()) {
        kamailio::delete_htable_key(rpc_, endpoint, del->second);
      }
      if (auto key = fields.find("key_name"); key != fields.end()) {
        kamailio::set_htable_key(rpc_, endpoint, key->second, fields["key_value"],
                                 fields["value_type"] == "1" ? 1 : 0);
      }
    }
    kamailio::record_node_htable_version(rpc_, endpoint, version);
    log_->debug("edge {}: applied {} htable changes up to version {}", endpoint, changes, version);
  }
  if (table.loaded_version != version) {
    // Both counts without reading a row (the audit counts Redis's rows themselves).
    table.loaded_rows = kamailio::loaded_row_count(rpc_, endpoint, table.table);
    table.expected_rows = owned_rows(table.table);
    table.loaded_version = version;
  }
  return HtableLog::applied;
}

std::size_t EdgeReloader::audit_htable_slice(const std::string& endpoint, HtableAudit& audit,
                                             std::int64_t node_version) {
  auto& pending = audit.pending_rows;
  if (pending.empty()) {
    // COUNT is a hint (a small hash comes whole): what is left waits for the next rounds.
    auto scan =
        daemon_db_.command({"HSCAN", store::keys::edge_row_ids(model::kHtableTable), audit.cursor,
                            "COUNT", std::to_string(timing_.audit_keys_per_round)});
    if (scan.elements.size() != 2) return 0;
    audit.cursor = scan.elements[0].text;
    const auto& owners = scan.elements[1].elements;
    for (std::size_t i = 1; i < owners.size(); i += 2) pending.push_back(owners[i].text);
  }
  auto slice = std::min(pending.size(), timing_.audit_keys_per_round);
  std::vector<store::RedisCommand> reads;
  for (std::size_t i = 0; i < slice; ++i) {
    reads.push_back({"HMGET", store::keys::kamailio_row(model::kHtableTable, pending[i]),
                     "key_name", "key_value", "value_type"});
  }
  if (reads.empty()) return 0;
  auto rows = kamailio_db_.acquire()->pipeline(reads);
  // Rows change only with the table's version: read at the version the node has, they are what
  // it should hold. Otherwise a change is on its way through the log; compare them later.
  auto version = daemon_db_.command(
      {"HGET", std::string(store::keys::kEdgeTableVersions), model::kHtableTable});
  if (version.is_nil() || std::stoll(version.text) != node_version) return 0;
  pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(slice));
  std::size_t repaired = 0;
  for (const auto& row : rows) {
    if (row.elements.size() != 3 || row.elements[0].is_nil()) continue;  // removed meanwhile
    const auto& key = row.elements[0].text;
    const auto& value = row.elements[1].text;
    if (kamailio::htable_value(rpc_, endpoint, key) == value) continue;
    kamailio::set_htable_key(rpc_, endpoint, key, value, row.elements[2].text == "1" ? 1 : 0);
    ++repaired;
  }
  return repaired;
}

std::size_t EdgeReloader::owned_rows(const std::string& table) {
  auto owned = daemon_db_.command({"HLEN", store::keys::edge_row_ids(table)});
  auto padding = kamailio_db_.command(
      {"EXISTS", store::keys::kamailio_row(table, store::keys::kPaddingRowId)});
  return static_cast<std::size_t>(owned.integer + padding.integer);
}

bool EdgeReloader::count_table(const std::string& endpoint, TableStatus& table,
                               std::int64_t version) {
  table.loaded_rows = kamailio::loaded_row_count(rpc_, endpoint, table.table);
  // Redis may have changed since it was counted; the next round settles that. The rows this
  // daemon wrote are counted in O(1); Kamailio's whole database (a SCAN) only when they differ.
  table.expected_rows = owned_rows(table.table);
  if (table.loaded_rows != table.expected_rows) table.expected_rows = expected_rows(table.table);
  bool in_sync = table.loaded_rows == table.expected_rows;
  table.loaded_version = in_sync ? version : -1;
  if (!in_sync) {
    // Writes landing during the reload make this too: the next round reloads again.
    log_->warn("edge {} loaded {} {} rows, Redis holds {}", endpoint, table.loaded_rows,
               table.table, table.expected_rows);
  }
  return in_sync;
}

bool EdgeReloader::sync_registrations(const std::string& endpoint, TableStatus& table,
                                      std::int64_t version, bool audit) {
  if (table.loaded_version == version && !audit) return true;
  auto keys = store::scan_keys(kamailio_db_, store::keys::kamailio_row(model::kUacregTable, "*"));
  table.expected_rows = keys.size();
  if (table.loaded_version == version) {
    // Nothing changed since the last comparison: uac's record counter is enough (a comparison
    // reads every row and every record, ~7 % of a core every 10 s at 10,000 registrations).
    table.loaded_rows = kamailio::registration_count(rpc_, endpoint);
    if (table.loaded_rows == table.expected_rows) return true;
  }
  // uac.reg_reload would drop every registration first (and cannot run more than once per
  // reg_gc_interval): compare record by record and change only the ones that differ.
  auto started = std::chrono::steady_clock::now();
  std::map<std::string, std::map<std::string, std::string>> wanted;  // l_uuid -> row
  std::vector<store::RedisCommand> reads;
  for (const auto& key : keys) reads.push_back({"HGETALL", key});
  if (!reads.empty()) {
    for (const auto& reply : kamailio_db_.acquire()->pipeline(reads)) {
      auto row = store::to_field_map(reply);
      if (row.contains("l_uuid")) wanted[row["l_uuid"]] = std::move(row);
    }
  }
  table.expected_rows = wanted.size();

  // The records hold passwords in clear text: compared here, never logged or kept.
  auto loaded = kamailio::registration_records(rpc_, endpoint);
  std::size_t changes = 0;
  for (const auto& [uuid, row] : wanted) {
    auto it = loaded.find(uuid);
    if (it != loaded.end() && same_registration(row, it->second)) continue;
    kamailio::refresh_registration(rpc_, endpoint, uuid);
    ++changes;
  }
  auto now = std::chrono::steady_clock::now();
  for (const auto& [uuid, record] : loaded) {
    if (wanted.contains(uuid)) continue;
    // Gone from Redis: un-REGISTER while the record can still answer the registrar's challenge,
    // and remove it once it holds no binding (or the un-REGISTER had its chance).
    bool bound = kamailio::registration_bound(record);
    auto key = endpoint + " " + uuid;
    std::optional<std::chrono::steady_clock::time_point> sent;
    {
      std::lock_guard lock(unregister_sent_mutex_);
      if (auto it = unregister_sent_.find(key); it != unregister_sent_.end()) sent = it->second;
    }
    if (bound && (!sent || now - *sent < std::chrono::seconds(5))) {
      if (!sent) {
        kamailio::unregister(rpc_, endpoint, uuid);
        std::lock_guard lock(unregister_sent_mutex_);
        unregister_sent_[key] = now;
      }
    } else {
      kamailio::remove_registration(rpc_, endpoint, uuid);
      std::lock_guard lock(unregister_sent_mutex_);
      unregister_sent_.erase(key);
    }
    ++changes;
  }
  table.loaded_rows =
      changes == 0 ? loaded.size() : kamailio::registration_records(rpc_, endpoint).size();
  bool in_sync = table.loaded_rows == table.expected_rows;
  table.loaded_version = in_sync ? version : -1;
  if (changes > 0) {
    reload_observer_.reloaded(endpoint, table.table, in_sync ? "ok" : "mismatch",
                              std::chrono::steady_clock::now() - started);
  }
  return in_sync;
}

bool EdgeReloader::same_registration(const std::map<std::string, std::string>& row,
                                     const nlohmann::json& record) {
  auto text = [&](const char* name) {
    auto value = record.value(name, nlohmann::json());
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number()) return std::to_string(value.get<std::int64_t>());
    return std::string();
  };
  auto field = [&](const char* name) {
    auto it = row.find(name);
    return model::uacreg_dump_value(name, it == row.end() ? std::string() : it->second);
  };
  for (const char* name : {"l_domain", "r_username", "r_domain", "realm", "auth_username",
                           "auth_password", "auth_ha1", "auth_proxy", "expires"}) {
    if (text(name) != field(name)) return false;
  }
  return true;
}

void EdgeReloader::keep_down(const std::string& endpoint,
                             const std::vector<kamailio::DispatcherDestination>& down) {
  // dispatcher.reload marks every destination active again: a carrier that probes had taken out
  // would get calls (and make them wait for a timeout) until it failed two probes more.
  std::set<std::string> still_down;
  for (const auto& destination : down) {
    if (kamailio::mark_inactive(rpc_, endpoint, destination)) still_down.insert(destination.uri);
  }
  // A destination removed while down never gets its dst-up event: its mark would stay (and count
  // as down) for good. The marks now are exactly the destinations held down.
  kamailio::clear_down_marks_except(rpc_, endpoint, still_down);
}

std::int64_t EdgeReloader::table_version(const std::string& table) {
  auto reply = daemon_db_.command({"HGET", std::string(store::keys::kEdgeTableVersions), table});
  return reply.is_nil() ? 0 : std::strtoll(reply.text.c_str(), nullptr, 10);
}

std::map<std::string, std::int64_t> EdgeReloader::table_versions() {
  std::map<std::string, std::int64_t> versions;
  auto reply = daemon_db_.command({"HGETALL", std::string(store::keys::kEdgeTableVersions)});
  for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    versions[reply.elements[i].text] =
        std::strtoll(reply.elements[i + 1].text.c_str(), nullptr, 10);
  }
  return versions;
}

std::optional<std::int64_t> EdgeReloader::current_generation() {
  try {
    auto reply = daemon_db_.command({"GET", std::string(store::keys::kEdgeGeneration)});
    return reply.is_nil() ? 0 : std::stoll(reply.text);
  } catch (const store::StoreUnavailable& e) {
    log_->warn("edge: cannot read the write generation: {}", e.what());
  } catch (const std::logic_error&) {
    log_->error("edge: {} is not a number", store::keys::kEdgeGeneration);
  }
  return std::nullopt;
}

bool EdgeReloader::replicas_caught_up() {
  if (edge_replicas_ == 0) return true;
  try {
    auto connection = daemon_db_.acquire();
    auto replies = connection->pipeline(
        {{"INCR", std::string(store::keys::kEdgeReplicaSync)},
         {"WAIT", std::to_string(edge_replicas_), std::to_string(timing_.replica_wait.count())}});
    if (replies.at(1).integer >= edge_replicas_) return true;
    log_->warn("edge: {} of {} Redis replicas have every write after {} ms; reloading later",
               replies.at(1).integer, edge_replicas_, timing_.replica_wait.count());
  } catch (const store::StoreUnavailable& e) {
    log_->warn("edge: cannot wait for the Redis replicas: {}", e.what());
  }
  return false;
}

void EdgeReloader::record_round(NodeStatus& node, std::optional<std::int64_t> generation) {
  nlohmann::json args{{"node", node.endpoint}, {"error", node.last_result}, {"nodes", endpoints_}};
  if (generation) args["generation"] = std::to_string(*generation);
  store::ScriptKeys keys{{"node_applied", std::string(store::keys::kEdgeNodeApplied)},
                         {"node_errors", std::string(store::keys::kEdgeNodeErrors)},
                         {"applied", std::string(store::keys::kEdgeAppliedGeneration)},
                         {"last_error", std::string(store::keys::kEdgeLastError)}};
  std::int64_t recorded = 0;
  try {
    recorded = std::stoll(store::run_script(daemon_db_, record_round_, keys, args).text);
  } catch (const store::StoreUnavailable& e) {
    log_->warn("edge {}: cannot record the round: {}", node.endpoint, e.what());
    return;
  }
  if (!generation) return;
  node.applied_generation = recorded;
  try {
    kamailio::record_node_applied(rpc_, node.endpoint, recorded);
  } catch (const kamailio::RpcError& e) {
    log_->warn("edge {}: cannot record the applied generation on the node: {}", node.endpoint,
               e.what());
  }
}

std::size_t EdgeReloader::expected_rows(const std::string& table) {
  return store::scan_keys(kamailio_db_, store::keys::kamailio_row(table, "*")).size();
}

}  // namespace mv::edge
