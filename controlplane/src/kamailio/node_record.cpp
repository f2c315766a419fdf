#include "kamailio/node_record.h"

#include <string>
#include <string_view>
#include <unordered_map>

namespace mv::kamailio {
namespace {

// htable.get <table> <key>: {"item": {"name": ..., "value": ...}}; a missing key is an error
// reply ("Key name doesn't exist in htable"). Returns null for a missing key.
constexpr const char* kRoutingHtable = "mv";
constexpr const char* kHtableVersionKey = "mv_version";
constexpr const char* kDispatcherVersionKey = "ds_version";
constexpr const char* kDownHtable = "mvdown";

// htable.get says "Key name doesn't exist in htable", htable.delete "Key not found in htable".
bool missing_key(const RpcError& e) {
  std::string_view what = e.what();
  return what.find("doesn't exist") != std::string_view::npos ||
         what.find("Key not found") != std::string_view::npos;
}

nlohmann::json table_value(KamailioRpc& rpc, const std::string& endpoint, const char* table,
                           const std::string& key) {
  try {
    auto item = rpc.call(endpoint, "htable.get", {table, key}).value("item", nlohmann::json());
    return item.is_object() ? item.value("value", nlohmann::json()) : nlohmann::json();
  } catch (const RpcError& e) {
    if (missing_key(e)) return nullptr;
    throw;
  }
}

nlohmann::json node_value(KamailioRpc& rpc, const std::string& endpoint, const char* key) {
  return table_value(rpc, endpoint, kNodeHtable, key);
}

void delete_node_key(KamailioRpc& rpc, const std::string& endpoint, const char* table,
                     const std::string& key) {
  try {
    rpc.call(endpoint, "htable.delete", {table, key});
  } catch (const RpcError& e) {
    if (!missing_key(e)) throw;
  }
}

std::optional<std::int64_t> node_version(KamailioRpc& rpc, const std::string& endpoint,
                                         const char* key) {
  auto value = node_value(rpc, endpoint, key);
  if (!value.is_number_integer()) return std::nullopt;
  return value.get<std::int64_t>();
}

}  // namespace

std::string node_boot_id(KamailioRpc& rpc, const std::string& endpoint) {
  auto value = node_value(rpc, endpoint, "boot");
  return value.is_string() ? value.get<std::string>() : "";
}

std::int64_t node_uptime_s(KamailioRpc& rpc, const std::string& endpoint) {
  // {"now": "<ctime>", "up_since": "<ctime>", "uptime": seconds}
  return rpc.call(endpoint, "core.uptime").value("uptime", std::int64_t{0});
}

std::int64_t node_applied_generation(KamailioRpc& rpc, const std::string& endpoint) {
  auto value = node_value(rpc, endpoint, "applied");
  return value.is_number_integer() ? value.get<std::int64_t>() : 0;
}

void record_node_applied(KamailioRpc& rpc, const std::string& endpoint, std::int64_t generation) {
  rpc.call(endpoint, "htable.seti", {kNodeHtable, "applied", generation});
}

std::optional<std::int64_t> node_htable_version(KamailioRpc& rpc, const std::string& endpoint) {
  return node_version(rpc, endpoint, kHtableVersionKey);
}

void record_node_htable_version(KamailioRpc& rpc, const std::string& endpoint,
                                std::int64_t version) {
  rpc.call(endpoint, "htable.seti", {kNodeHtable, kHtableVersionKey, version});
}

void forget_node_htable_version(KamailioRpc& rpc, const std::string& endpoint) {
  delete_node_key(rpc, endpoint, kNodeHtable, kHtableVersionKey);
}

std::optional<std::int64_t> node_dispatcher_version(KamailioRpc& rpc, const std::string& endpoint) {
  return node_version(rpc, endpoint, kDispatcherVersionKey);
}

void record_node_dispatcher_version(KamailioRpc& rpc, const std::string& endpoint,
                                    std::int64_t version) {
  rpc.call(endpoint, "htable.seti", {kNodeHtable, kDispatcherVersionKey, version});
}

void forget_node_dispatcher_version(KamailioRpc& rpc, const std::string& endpoint) {
  delete_node_key(rpc, endpoint, kNodeHtable, kDispatcherVersionKey);
}

std::optional<std::string> htable_value(KamailioRpc& rpc, const std::string& endpoint,
                                        const std::string& key) {
  auto value = table_value(rpc, endpoint, kRoutingHtable, key);
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  return std::nullopt;
}

bool destination_marked_down(KamailioRpc& rpc, const std::string& endpoint,
                             const std::string& destination) {
  return !table_value(rpc, endpoint, kDownHtable, destination).is_null();
}

std::size_t down_mark_count(KamailioRpc& rpc, const std::string& endpoint) {
  // [{"name": "mvdown", "slots": n, "all": items, ...}, ...]
  for (const auto& stats : rpc.call(endpoint, "htable.stats")) {
    if (stats.value("name", "") == kDownHtable) return stats.value("all", std::size_t{0});
  }
  return 0;
}

std::set<std::string> down_marks(KamailioRpc& rpc, const std::string& endpoint) {
  nlohmann::json dump;
  try {
    // [{"entry": slot, "size": n, "slot": [{"name": uri, "value": ...}, ...]}, ...]
    dump = rpc.call(endpoint, "htable.dump", {kDownHtable});
  } catch (const RpcError&) {
    return {};  // an empty table answers with an error: no marks
  }
  std::set<std::string> marks;
  for (const auto& entry : dump) {
    for (const auto& item : entry.value("slot", nlohmann::json::array())) {
      if (auto uri = item.value("name", ""); !uri.empty()) marks.insert(uri);
    }
  }
  return marks;
}

namespace {
RpcCall set_key_call(const std::string& key, const std::string& value, int value_type) {
  if (value_type == 1) return {"htable.seti", {kRoutingHtable, key, std::stoll(value)}};
  return {"htable.sets", {kRoutingHtable, key, value}};
}
}  // namespace

void set_htable_key(KamailioRpc& rpc, const std::string& endpoint, const std::string& key,
                    const std::string& value, int value_type) {
  auto call = set_key_call(key, value, value_type);
  rpc.call(endpoint, call.method, call.params);
}

void delete_htable_key(KamailioRpc& rpc, const std::string& endpoint, const std::string& key) {
  delete_node_key(rpc, endpoint, kRoutingHtable, key);
}

std::vector<HtableChange> coalesce_htable_changes(const std::vector<HtableChange>& changes) {
  // Each key's last change, by its position in `changes`.
  std::unordered_map<std::string, std::size_t> last;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (changes[i].deleted_key) last[*changes[i].deleted_key] = i;
    if (changes[i].key) last[*changes[i].key] = i;
  }
  std::vector<HtableChange> coalesced;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const auto& change = changes[i];
    HtableChange kept;
    if (change.deleted_key && last[*change.deleted_key] == i) kept.deleted_key = change.deleted_key;
    if (change.key && last[*change.key] == i) {
      // A key deleted and set in one change (a rename onto itself) ends set.
      if (kept.deleted_key == change.key) kept.deleted_key.reset();
      kept.key = change.key;
      kept.value = change.value;
      kept.value_type = change.value_type;
    }
    if (kept.deleted_key || kept.key) coalesced.push_back(std::move(kept));
  }
  return coalesced;
}

void apply_htable_changes(KamailioRpc& rpc, const std::string& endpoint,
                          const std::vector<HtableChange>& changes) {
  std::vector<RpcCall> calls;
  for (const auto& change : coalesce_htable_changes(changes)) {
    if (change.deleted_key)
      calls.push_back({"htable.delete", {kRoutingHtable, *change.deleted_key}});
    if (change.key) calls.push_back(set_key_call(*change.key, change.value, change.value_type));
  }
  auto replies = rpc.call_each(endpoint, calls);
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (!replies[i].error) continue;
    RpcError error(*replies[i].error);
    if (calls[i].method != "htable.delete" || !missing_key(error)) throw error;
  }
}

}  // namespace mv::kamailio
