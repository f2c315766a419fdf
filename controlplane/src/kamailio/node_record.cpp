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

void set_htable_key(KamailioRpc& rpc, const std::string& endpoint, const std::string& key,
                    const std::string& value, int value_type) {
  if (value_type == 1) {
    rpc.call(endpoint, "htable.seti", {kRoutingHtable, key, std::stoll(value)});
  } else {
    rpc.call(endpoint, "htable.sets", {kRoutingHtable, key, value});
  }
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

namespace {
// kamailio.cfg's route HTABLE_BATCH: one line per change, key and value in hex.
constexpr const char* kHtableBatchPath = "/mv/htable";
// Kamailio's TCP reader drops a connection whose request outgrows its read buffer (a 19 KB
// batch was refused by 5.6.3, 9 KB taken); 64 changes of a bulk import's kind are ~7 KB.
constexpr std::size_t kMaxBatchBytes = 8 * 1024;

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (unsigned char byte : bytes) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xf];
  }
  return out;
}

std::string batch_line(const HtableChange& change) {
  if (change.value_type == 1) {
    return "I " + hex(*change.key) + " " + std::to_string(std::stoll(change.value)) + "\n";
  }
  return "S " + hex(*change.key) + " " + hex(change.value) + "\n";
}
}  // namespace

void apply_htable_changes(KamailioRpc& rpc, const std::string& endpoint,
                          const std::vector<HtableChange>& changes) {
  std::string batch;
  std::size_t lines = 0;
  auto send = [&] {
    if (lines == 0) return;
    auto reply = rpc.post(endpoint, kHtableBatchPath, batch);
    if (reply != std::to_string(lines) + "\n") {
      throw RpcError(std::string(kHtableBatchPath) + ": " + std::to_string(lines) +
                     " changes sent, the node answered " + reply.substr(0, reply.find('\n')));
    }
    batch.clear();
    lines = 0;
  };
  auto add = [&](const std::string& line) {
    if (batch.size() + line.size() > kMaxBatchBytes) send();
    batch += line;
    ++lines;
  };
  for (const auto& change : coalesce_htable_changes(changes)) {
    if (change.deleted_key) add("D " + hex(*change.deleted_key) + "\n");
    if (change.key) add(batch_line(change));
  }
  send();
}

}  // namespace mv::kamailio
