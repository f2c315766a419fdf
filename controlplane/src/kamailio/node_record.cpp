#include "kamailio/node_record.h"

#include <string_view>

namespace mv::kamailio {
namespace {

// htable.get <table> <key>: {"item": {"name": ..., "value": ...}}; a missing key is an error
// reply ("Key name doesn't exist in htable"). Returns null for a missing key.
nlohmann::json node_value(KamailioRpc& rpc, const std::string& endpoint, const char* key) {
  try {
    auto item =
        rpc.call(endpoint, "htable.get", {kNodeHtable, key}).value("item", nlohmann::json());
    return item.is_object() ? item.value("value", nlohmann::json()) : nlohmann::json();
  } catch (const RpcError& e) {
    if (std::string_view(e.what()).find("doesn't exist") != std::string_view::npos) return nullptr;
    throw;
  }
}

}  // namespace

std::string node_boot_id(KamailioRpc& rpc, const std::string& endpoint) {
  auto value = node_value(rpc, endpoint, "boot");
  return value.is_string() ? value.get<std::string>() : "";
}

std::int64_t node_applied_generation(KamailioRpc& rpc, const std::string& endpoint) {
  auto value = node_value(rpc, endpoint, "applied");
  return value.is_number_integer() ? value.get<std::int64_t>() : 0;
}

void record_node_applied(KamailioRpc& rpc, const std::string& endpoint, std::int64_t generation) {
  rpc.call(endpoint, "htable.seti", {kNodeHtable, "applied", generation});
}

}  // namespace mv::kamailio
