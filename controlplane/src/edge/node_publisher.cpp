#include "edge/node_publisher.h"

#include <algorithm>
#include <functional>
#include <set>
#include <utility>

#include "kamailio/node_record.h"
#include "kamailio/node_tables.h"
#include "model/edge_rows.h"

#include "util/clock.h"

namespace mv::edge {
NodePublisher::NodePublisher(kamailio::KamailioRpc& rpc, EdgeLedger& ledger, Settings settings,
                             spdlog::logger& log)
    : rpc_(rpc), ledger_(ledger), settings_(settings), log_(log) {}

NodePublisher::HtableLog NodePublisher::apply_htable_log(const std::string& endpoint,
                                                         TableStatus& table, std::int64_t version,
                                                         const std::function<void()>& keep_lock) {
  auto node_version = kamailio::node_htable_version(rpc_, endpoint);
  // Ahead of Redis: the database went back (restored); its rows are the truth.
  if (!node_version || *node_version > version) return HtableLog::reload;
  auto count = version - *node_version;
  auto worth_applying =
      std::max(settings_.max_htable_changes,
               static_cast<std::int64_t>(settings_.max_htable_changes_per_key *
                                         static_cast<double>(table.expected_rows)));
  if (count > worth_applying) return HtableLog::catch_up;
  for (auto from = *node_version; from < version; from += kChangesPerSlice) {
    auto upto = std::min(from + kChangesPerSlice, version);
    auto changes = ledger_.htable_changes(from, upto);
    if (!changes) return HtableLog::reload;
    kamailio::apply_htable_changes(rpc_, endpoint, *changes);
    // Each slice is kept: a round cut short resumes from here.
    kamailio::record_node_htable_version(rpc_, endpoint, upto);
    keep_lock();
  }
  if (count > 0) {
    log_.debug("edge {}: applied {} htable changes up to version {}", endpoint, count, version);
  }
  if (table.loaded_version != version) {
    auto now = std::chrono::steady_clock::now();
    if (table.loaded_version >= 0 && now - table.counted_at < settings_.count_every) {
      // Every change since the last count was confirmed by the node. (A count taken while writes
      // land differs from Redis's, read after it, by the writes between: waiting for one that
      // matches would count every round of a stream.)
      table.expected_rows = table.loaded_rows = ledger_.owned_rows(table.table);
    } else {
      // Both counts without reading a row (the audit compares the rows themselves).
      table.loaded_rows = kamailio::loaded_row_count(rpc_, endpoint, table.table);
      table.expected_rows = ledger_.owned_rows(table.table);
      table.counted_at = now;
    }
    table.loaded_version = version;
  }
  return HtableLog::applied;
}

void NodePublisher::set_htable_keys(const std::string& endpoint,
                                    const std::vector<HtableKey>& keys) {
  for (const auto& key : keys) {
    kamailio::set_htable_key(rpc_, endpoint, key.key, key.value, key.value_type);
  }
}

void NodePublisher::record_node_version(const std::string& endpoint, const std::string& table,
                                        std::int64_t version) {
  if (table == model::kDispatcherTable) {
    kamailio::record_node_dispatcher_version(rpc_, endpoint, version);
  } else {
    kamailio::record_node_htable_version(rpc_, endpoint, version);
  }
}

void NodePublisher::forget_node_version(const std::string& endpoint, const std::string& table) {
  if (table == model::kDispatcherTable) {
    kamailio::forget_node_dispatcher_version(rpc_, endpoint);
  } else {
    kamailio::forget_node_htable_version(rpc_, endpoint);
  }
}

void NodePublisher::record_node_applied(const std::string& endpoint, std::int64_t generation) {
  kamailio::record_node_applied(rpc_, endpoint, generation);
}

std::chrono::nanoseconds NodePublisher::reload_pause_left(const TableStatus& table) const {
  if (table.last_reload_unix_ns == 0) return {};
  auto pause = std::chrono::nanoseconds(
      static_cast<std::int64_t>(settings_.reload_pause_factor * table.last_reload_took_ns));
  auto since = std::chrono::nanoseconds(util::system_now_unix_ns() - table.last_reload_unix_ns);
  return std::max(pause - since, std::chrono::nanoseconds::zero());
}

bool NodePublisher::reload_table(const std::string& endpoint, TableStatus& table, bool paced) {
  if (paced && reload_pause_left(table) > std::chrono::nanoseconds::zero()) return false;
  // A module's reload_delta (1 s) compares whole seconds of the wall clock: the next reload
  // waits until the second after the last one (with a margin for the hosts' clocks), whichever
  // replica made it.
  auto last = ledger_.last_reload_ms(table.table, endpoint);
  auto now_ms = util::system_now_unix_ns() / 1'000'000;
  if (last && now_ms < (*last / 1000 + 1) * 1000 + 100) return false;
  // The node reads its tables from its Redis replica: it must have every write first.
  if (!ledger_.replicas_caught_up()) return false;
  // Until it is counted, the node may hold anything: a failure from here on reloads it again.
  table.loaded_version = -1;
  auto started_ns = util::system_now_unix_ns();
  kamailio::reload_table(rpc_, endpoint, table.table);
  // The node stamped its reload when it ran it: the time after the call bounds that second.
  ledger_.record_reload(table.table, endpoint, util::system_now_unix_ns() / 1'000'000);
  table.last_reload_unix_ns = util::system_now_unix_ns();
  table.last_reload_took_ns = table.last_reload_unix_ns - started_ns;
  return true;
}

bool NodePublisher::reload_dispatcher(const std::string& endpoint, TableStatus& table,
                                      const std::function<void()>& keep_lock) {
  auto down = kamailio::inactive_destinations(rpc_, endpoint);
  keep_lock();
  if (!reload_table(endpoint, table)) return false;
  keep_lock();
  // dispatcher.reload marks every destination active again: an application server probes had
  // taken out would get calls (and make them wait for a timeout) until it failed two probes more.
  for (const auto& destination : down) kamailio::mark_inactive(rpc_, endpoint, destination);
  keep_lock();
  return true;
}

bool NodePublisher::sync_registrations(const std::string& endpoint, TableStatus& table,
                                       std::int64_t version, bool audit, bool& changed) {
  changed = false;
  if (table.loaded_version == version && !audit) return true;
  if (table.loaded_version == version) {
    // Nothing changed since the last comparison: uac's record counter against the rows this
    // daemon wrote is enough, both O(1) (a comparison reads every row and every record, ~7 % of
    // a core every 10 s at 10,000 registrations; listing the rows' keys alone walks Kamailio's
    // whole database, ~0.5 s at 100k trunks).
    table.expected_rows = ledger_.owned_rows(table.table);
    table.loaded_rows = kamailio::registration_count(rpc_, endpoint);
    if (table.loaded_rows == table.expected_rows) return true;
  }
  auto wanted = ledger_.registration_rows(ledger_.registration_row_keys());
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
  changed = changes > 0;
  table.loaded_rows =
      changes == 0 ? loaded.size() : kamailio::registration_records(rpc_, endpoint).size();
  bool in_sync = table.loaded_rows == table.expected_rows;
  table.loaded_version = in_sync ? version : -1;
  return in_sync;
}

bool NodePublisher::same_registration(const std::map<std::string, std::string>& row,
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

}  // namespace mv::edge
