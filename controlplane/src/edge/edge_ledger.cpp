#include "edge/edge_ledger.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include <nlohmann/json.hpp>

#include "model/edge_rows.h"
#include "store/redis_keys.h"
#include "store/store_unavailable.h"

#include "lua_sources.h"

namespace mv::edge {

EdgeLedger::EdgeLedger(store::RedisPool& daemon_db, store::RedisPool& kamailio_db,
                       int edge_replicas, std::chrono::milliseconds replica_wait,
                       std::vector<std::string> nodes, spdlog::logger& log)
    : daemon_db_(daemon_db),
      kamailio_db_(kamailio_db),
      edge_replicas_(edge_replicas),
      replica_wait_(replica_wait),
      nodes_(std::move(nodes)),
      log_(log),
      record_round_({store::lua_source::kEdgeRecordRound}) {}

std::map<std::string, std::int64_t> EdgeLedger::table_versions() {
  std::map<std::string, std::int64_t> versions;
  auto reply = daemon_db_.command({"HGETALL", std::string(store::keys::kEdgeTableVersions)});
  for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    versions[reply.elements[i].text] =
        std::strtoll(reply.elements[i + 1].text.c_str(), nullptr, 10);
  }
  return versions;
}

std::int64_t EdgeLedger::table_version(const std::string& table) {
  auto reply = daemon_db_.command({"HGET", std::string(store::keys::kEdgeTableVersions), table});
  return reply.is_nil() ? 0 : std::strtoll(reply.text.c_str(), nullptr, 10);
}

std::size_t EdgeLedger::owned_rows(const std::string& table) {
  auto owned = daemon_db_.command({"HLEN", store::keys::edge_row_ids(table)});
  // The padding row's key ends in its owner where the table's keys do (uacreg), else its id.
  auto padding_key = model::keyed_by_owner(table) ? std::string(model::kPaddingOwner)
                                                  : std::string(store::keys::kPaddingRowId);
  auto padding = kamailio_db_.command({"EXISTS", store::keys::kamailio_row(table, padding_key)});
  return static_cast<std::size_t>(owned.integer + padding.integer);
}

std::size_t EdgeLedger::database_rows(const std::string& table) {
  return store::scan_keys(kamailio_db_, store::keys::kamailio_row(table, "*")).size();
}

std::optional<std::int64_t> EdgeLedger::current_generation() {
  try {
    auto reply = daemon_db_.command({"GET", std::string(store::keys::kEdgeGeneration)});
    return reply.is_nil() ? 0 : std::stoll(reply.text);
  } catch (const store::StoreUnavailable& e) {
    log_.warn("edge: cannot read the write generation: {}", e.what());
  } catch (const std::logic_error&) {
    log_.error("edge: {} is not a number", store::keys::kEdgeGeneration);
  }
  return std::nullopt;
}

bool EdgeLedger::replicas_caught_up() {
  if (edge_replicas_ == 0) return true;
  try {
    auto connection = daemon_db_.acquire();
    auto replies = connection->pipeline(
        {{"INCR", std::string(store::keys::kEdgeReplicaSync)},
         {"WAIT", std::to_string(edge_replicas_), std::to_string(replica_wait_.count())}});
    if (replies.at(1).integer >= edge_replicas_) return true;
    log_.warn("edge: {} of {} Redis replicas have every write after {} ms; reloading later",
              replies.at(1).integer, edge_replicas_, replica_wait_.count());
  } catch (const store::StoreUnavailable& e) {
    log_.warn("edge: cannot wait for the Redis replicas: {}", e.what());
  }
  return false;
}

std::optional<std::vector<HtableChange>> EdgeLedger::htable_changes(std::int64_t after,
                                                                    std::int64_t upto) {
  std::vector<HtableChange> changes;
  if (upto <= after) return changes;
  auto entries =
      daemon_db_.command({"XRANGE", std::string(store::keys::kEdgeHtableLog),
                          std::to_string(after + 1) + "-0", std::to_string(upto) + "-0"});
  // One entry per version: fewer means the log was trimmed past `after`.
  if (entries.elements.size() != static_cast<std::size_t>(upto - after)) return std::nullopt;
  for (const auto& entry : entries.elements) {
    std::map<std::string, std::string> fields;
    const auto& pairs = entry.elements.at(1).elements;
    for (std::size_t i = 0; i + 1 < pairs.size(); i += 2) fields[pairs[i].text] = pairs[i + 1].text;
    HtableChange change;
    if (auto del = fields.find("del"); del != fields.end()) change.deleted_key = del->second;
    if (auto key = fields.find("key_name"); key != fields.end()) {
      change.key = key->second;
      change.value = fields["key_value"];
      change.value_type = fields["value_type"] == "1" ? 1 : 0;
    }
    changes.push_back(std::move(change));
  }
  return changes;
}

void EdgeLedger::note_htable_version(std::int64_t unix_s, std::int64_t version) {
  std::lock_guard lock(versions_mutex_);
  if (!htable_versions_.empty() && htable_versions_.back().first >= unix_s) {
    htable_versions_.back().second = std::max(htable_versions_.back().second, version);
  } else {
    htable_versions_.emplace_back(unix_s, version);
  }
  while (htable_versions_.front().first < unix_s - kVersionHistory) htable_versions_.pop_front();
}

std::optional<std::int64_t> EdgeLedger::htable_version_at(std::int64_t unix_s) const {
  std::lock_guard lock(versions_mutex_);
  std::optional<std::int64_t> version;
  for (const auto& [noted_s, noted] : htable_versions_) {
    if (noted_s > unix_s) break;
    version = std::max(version.value_or(noted), noted);
  }
  return version;
}

std::optional<std::vector<HtableKey>> EdgeLedger::next_htable_rows(HtableAudit& audit,
                                                                   std::size_t count,
                                                                   std::int64_t version) {
  auto& pending = audit.pending_rows;
  if (pending.empty()) {
    // COUNT is a hint (a small hash comes whole): what is left waits for the next slices.
    auto scan = daemon_db_.command({"HSCAN", store::keys::edge_row_ids(model::kHtableTable),
                                    audit.cursor, "COUNT", std::to_string(count)});
    if (scan.elements.size() != 2) return std::vector<HtableKey>{};
    audit.cursor = scan.elements[0].text;
    const auto& owners = scan.elements[1].elements;
    for (std::size_t i = 1; i < owners.size(); i += 2) pending.push_back(owners[i].text);
  }
  auto slice = std::min(pending.size(), count);
  std::vector<store::RedisCommand> reads;
  for (std::size_t i = 0; i < slice; ++i) {
    reads.push_back({"HMGET", store::keys::kamailio_row(model::kHtableTable, pending[i]),
                     "key_name", "key_value", "value_type"});
  }
  if (reads.empty()) return std::vector<HtableKey>{};
  auto rows = kamailio_db_.acquire()->pipeline(reads);
  // Rows change only with the table's version: read at `version`, they are what a node at that
  // version should hold.
  if (table_version(model::kHtableTable) != version) return std::nullopt;
  pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(slice));
  std::vector<HtableKey> keys;
  for (const auto& row : rows) {
    if (row.elements.size() != 3 || row.elements[0].is_nil()) continue;  // removed meanwhile
    keys.push_back(
        {row.elements[0].text, row.elements[1].text, row.elements[2].text == "1" ? 1 : 0});
  }
  return keys;
}

std::vector<std::string> EdgeLedger::registration_row_keys() {
  return store::scan_keys(kamailio_db_, store::keys::kamailio_row(model::kUacregTable, "*"));
}

std::map<std::string, std::map<std::string, std::string>> EdgeLedger::registration_rows(
    const std::vector<std::string>& keys) {
  std::map<std::string, std::map<std::string, std::string>> rows;  // l_uuid -> row
  std::vector<store::RedisCommand> reads;
  for (const auto& key : keys) reads.push_back({"HGETALL", key});
  if (reads.empty()) return rows;
  for (const auto& reply : kamailio_db_.acquire()->pipeline(reads)) {
    auto row = store::to_field_map(reply);
    if (row.contains("l_uuid")) rows[row["l_uuid"]] = std::move(row);
  }
  return rows;
}

std::optional<std::int64_t> EdgeLedger::last_reload_ms(const std::string& table,
                                                       const std::string& endpoint) {
  auto last = daemon_db_.command({"GET", store::keys::edge_reload_at(table, endpoint)});
  if (last.is_nil()) return std::nullopt;
  return std::stoll(last.text);
}

void EdgeLedger::record_reload(const std::string& table, const std::string& endpoint,
                               std::int64_t unix_ms) {
  // Only the next second matters: the key goes by itself.
  daemon_db_.command(
      {"SET", store::keys::edge_reload_at(table, endpoint), std::to_string(unix_ms), "PX", "2000"});
}

std::int64_t EdgeLedger::record_round(const std::string& endpoint, const std::string& error,
                                      std::optional<std::int64_t> generation) {
  nlohmann::json args{{"node", endpoint}, {"error", error}, {"nodes", nodes_}};
  if (generation) args["generation"] = std::to_string(*generation);
  store::ScriptKeys keys{{"node_applied", std::string(store::keys::kEdgeNodeApplied)},
                         {"node_errors", std::string(store::keys::kEdgeNodeErrors)},
                         {"applied", std::string(store::keys::kEdgeAppliedGeneration)},
                         {"last_error", std::string(store::keys::kEdgeLastError)}};
  return std::stoll(store::run_script(daemon_db_, record_round_, keys, args).text);
}

}  // namespace mv::edge
