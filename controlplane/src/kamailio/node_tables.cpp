#include "kamailio/node_tables.h"

#include <cstdlib>
#include <string_view>
#include <utility>

#include "kamailio/node_replies.h"
#include "model/edge_rows.h"

namespace mv::kamailio {
namespace {

constexpr const char* kRoutingHtable = "mv";
constexpr const char* kRegistrationErrorsHtable = "mvreg";

// uac.reg_dump "flags" bits (uac_reg.h): UAC_REG_DISABLED 1, UAC_REG_ONLINE 4.
constexpr int kRegistrationDisabled = 1;
constexpr int kRegistrationOnline = 4;

}  // namespace

void reload_table(KamailioRpc& rpc, const std::string& endpoint, const std::string& table) {
  if (table == model::kDispatcherTable) {
    rpc.call(endpoint, "dispatcher.reload");
  } else if (table == model::kHtableTable) {
    rpc.call(endpoint, "htable.reload", nlohmann::json::array({kRoutingHtable}));
  } else {
    throw RpcError(table + ": no whole-table reload");
  }
}

std::size_t loaded_row_count(KamailioRpc& rpc, const std::string& endpoint,
                             const std::string& table) {
  if (table == model::kDispatcherTable) {
    std::size_t rows = 0;
    for (const auto& record : dispatcher_list(rpc, endpoint).value("RECORDS", nlohmann::json())) {
      auto targets =
          record.value("SET", nlohmann::json::object()).value("TARGETS", nlohmann::json());
      if (targets.is_array()) rows += targets.size();
    }
    return rows;
  }
  // htable.stats: [{"name": "mv", "slots": n, "all": items, ...}, ...]
  for (const auto& stats : rpc.call(endpoint, "htable.stats")) {
    if (stats.value("name", "") == kRoutingHtable) return stats.value("all", std::size_t{0});
  }
  return 0;
}

nlohmann::json dispatcher_list(KamailioRpc& rpc, const std::string& endpoint) {
  try {
    return rpc.call(endpoint, "dispatcher.list");
  } catch (const RpcError& e) {
    if (std::string_view(e.what()).find("No Destination Sets") != std::string_view::npos) {
      return nlohmann::json::object();
    }
    throw;
  }
}

std::vector<DispatcherDestination> inactive_destinations(KamailioRpc& rpc,
                                                         const std::string& endpoint) {
  // FLAGS: first letter A(ctive), I(nactive), D(isabled) or T(rying); then P(robing) or X.
  std::vector<DispatcherDestination> down;
  for (const auto& record : dispatcher_list(rpc, endpoint).value("RECORDS", nlohmann::json())) {
    auto set = record.value("SET", nlohmann::json::object());
    for (const auto& target : set.value("TARGETS", nlohmann::json::array())) {
      auto dest = target.value("DEST", nlohmann::json::object());
      if (dest.value("FLAGS", "").starts_with("I")) {
        down.push_back({set.value("ID", std::int64_t{0}), dest.value("URI", "")});
      }
    }
  }
  return down;
}

bool mark_inactive(KamailioRpc& rpc, const std::string& endpoint,
                   const DispatcherDestination& destination) {
  try {
    rpc.call(endpoint, "dispatcher.set_state", {"ip", destination.set_id, destination.uri});
    return true;
  } catch (const RpcError&) {
    return false;  // the destination is no longer in the table
  }
}

nlohmann::json routing_htable_dump(KamailioRpc& rpc, const std::string& endpoint) {
  return rpc.call(endpoint, "htable.dump", nlohmann::json::array({kRoutingHtable}));
}

std::map<std::string, std::string> registration_errors(KamailioRpc& rpc,
                                                       const std::string& endpoint) {
  try {
    return decode_htable_dump(
        rpc.call(endpoint, "htable.dump", nlohmann::json::array({kRegistrationErrorsHtable})));
  } catch (const RpcError&) {
    return {};  // an empty table may answer with an error: no error replies recorded
  }
}

nlohmann::json registration_dump(KamailioRpc& rpc, const std::string& endpoint) {
  return rpc.call(endpoint, "uac.reg_dump");
}

std::map<std::string, nlohmann::json> registration_records(KamailioRpc& rpc,
                                                           const std::string& endpoint) {
  std::map<std::string, nlohmann::json> records;
  for (auto& record : registration_dump(rpc, endpoint)) {
    auto uuid = record.value("l_uuid", "");
    records[uuid] = std::move(record);
  }
  return records;
}

std::size_t registration_count(KamailioRpc& rpc, const std::string& endpoint) {
  // ["uac:regtotal = 1001"]
  for (const auto& line :
       rpc.call(endpoint, "stats.get_statistics", nlohmann::json::array({"uac:regtotal"}))) {
    if (!line.is_string()) continue;
    auto text = line.get<std::string>();
    auto equals = text.find('=');
    if (equals != std::string::npos) return std::strtoull(text.c_str() + equals + 1, nullptr, 10);
  }
  return 0;
}

bool registration_bound(const nlohmann::json& record) {
  auto flags = record.value("flags", 0);
  return (flags & kRegistrationOnline) && !(flags & kRegistrationDisabled) &&
         record.value("expires", 0) != 0;
}

void refresh_registration(KamailioRpc& rpc, const std::string& endpoint,
                          const std::string& l_uuid) {
  rpc.call(endpoint, "uac.reg_refresh", nlohmann::json::array({l_uuid}));
}

void unregister(KamailioRpc& rpc, const std::string& endpoint, const std::string& l_uuid) {
  rpc.call(endpoint, "uac.reg_unregister", {"l_uuid", l_uuid});
}

void remove_registration(KamailioRpc& rpc, const std::string& endpoint, const std::string& l_uuid) {
  rpc.call(endpoint, "uac.reg_remove", nlohmann::json::array({l_uuid}));
}

}  // namespace mv::kamailio
