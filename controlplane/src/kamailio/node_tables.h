#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kamailio/kamailio_rpc.h"

namespace mv::kamailio {

// What a node has loaded of the tables it reads from Kamailio's database (db_redis names, as
// model::kHtableTable, kDispatcherTable, kUacregTable), and the RPCs that change it. Together
// with node_record.h, the only code that knows these RPCs' names and reply shapes. Every
// function throws RpcError.

// Makes the node load a whole table again: htable `mv` or the dispatcher.
void reload_table(KamailioRpc& rpc, const std::string& endpoint, const std::string& table);
// The rows the node has loaded of htable `mv` (htable.stats: one short reply whatever the size)
// or of the dispatcher (its targets: the whole list, 38 MB at 100k trunks).
std::size_t loaded_row_count(KamailioRpc& rpc, const std::string& endpoint,
                             const std::string& table);

// dispatcher.list as the node answers it ({"NRSETS": n, "RECORDS": [{"SET": {"ID": id,
// "TARGETS": [{"DEST": {...}}]}}]}); an empty table, an error reply in 5.6.3, is {}.
nlohmann::json dispatcher_list(KamailioRpc& rpc, const std::string& endpoint);

// A dispatcher destination as dispatcher.set_state names it.
struct DispatcherDestination {
  std::int64_t set_id = 0;
  std::string uri;
};
// The destinations the node's probing has taken out (state Inactive).
std::vector<DispatcherDestination> inactive_destinations(KamailioRpc& rpc,
                                                         const std::string& endpoint);
// Takes `destination` out again (dispatcher.reload makes every destination active); false when
// the node has no such destination any more.
bool mark_inactive(KamailioRpc& rpc, const std::string& endpoint,
                   const DispatcherDestination& destination);

// htable.dump of the node's htable `mv` (the keys calls route on), as the node answers it: a
// list of slots.
nlohmann::json routing_htable_dump(KamailioRpc& rpc, const std::string& endpoint);

// The last error reply to each AOR's REGISTER (htable mvreg, kamailio.cfg's reply_route), as
// "<code> <reason>" by AOR; empty when none is recorded.
std::map<std::string, std::string> registration_errors(KamailioRpc& rpc,
                                                       const std::string& endpoint);

// uac.reg_dump as the node answers it (passwords in clear text).
nlohmann::json registration_dump(KamailioRpc& rpc, const std::string& endpoint);
// uac's registration records, by l_uuid, as uac.reg_dump answers them. They hold passwords in
// clear text: compare them, never log or keep them.
std::map<std::string, nlohmann::json> registration_records(KamailioRpc& rpc,
                                                           const std::string& endpoint);
// uac's record counter (stats uac:regtotal): one short reply whatever the count.
std::size_t registration_count(KamailioRpc& rpc, const std::string& endpoint);
// Whether a record holds a binding at its registrar (registered, not disabled, not expired).
bool registration_bound(const nlohmann::json& record);
// Loads the record of `l_uuid` again from the database (new, or changed).
void refresh_registration(KamailioRpc& rpc, const std::string& endpoint, const std::string& l_uuid);
// Sends the un-REGISTER of `l_uuid` (the record stays, to answer the registrar's challenge).
void unregister(KamailioRpc& rpc, const std::string& endpoint, const std::string& l_uuid);
void remove_registration(KamailioRpc& rpc, const std::string& endpoint, const std::string& l_uuid);

}  // namespace mv::kamailio
