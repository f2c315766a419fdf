#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kamailio/kamailio_rpc.h"

namespace mv::kamailio {

// What a node records about itself in its htable "mvnode" (kamailio-cfg/kamailio.cfg): "boot",
// an id of its current start, and "applied", the edge generation last verified on it. Both live in
// the node's memory only: a restarted node has a new boot id and no applied generation.
inline constexpr const char* kNodeHtable = "mvnode";

// The node's boot id ("" when it has none: a config without mvnode). Throws RpcError.
std::string node_boot_id(KamailioRpc& rpc, const std::string& endpoint);

// Seconds since the node's main process started (core.uptime), before any table was loaded.
// Throws RpcError.
std::int64_t node_uptime_s(KamailioRpc& rpc, const std::string& endpoint);

// The generation last recorded on the node (0 when none). Throws RpcError.
std::int64_t node_applied_generation(KamailioRpc& rpc, const std::string& endpoint);

// Records on the node that every write up to `generation` is loaded there. Throws RpcError.
void record_node_applied(KamailioRpc& rpc, const std::string& endpoint, std::int64_t generation);

// The version of htable `mv` (mv:edge:table_versions) whose changes the node has, as recorded
// there ("mv_version"); nullopt when none is (a node that started since). Throws RpcError.
std::optional<std::int64_t> node_htable_version(KamailioRpc& rpc, const std::string& endpoint);
void record_node_htable_version(KamailioRpc& rpc, const std::string& endpoint,
                                std::int64_t version);
// Forgets it, so the next round reloads the whole table (an operator's resync).
void forget_node_htable_version(KamailioRpc& rpc, const std::string& endpoint);

// The same for the dispatcher ("ds_version"): the version of its rows last reloaded and counted
// on the node, by whichever replica of the daemon; nullopt when none is. Throws RpcError.
std::optional<std::int64_t> node_dispatcher_version(KamailioRpc& rpc, const std::string& endpoint);
void record_node_dispatcher_version(KamailioRpc& rpc, const std::string& endpoint,
                                    std::int64_t version);
void forget_node_dispatcher_version(KamailioRpc& rpc, const std::string& endpoint);

// One key of the node's htable `mv` as text (an integer in decimal); nullopt when it has none.
// Throws RpcError.
std::optional<std::string> htable_value(KamailioRpc& rpc, const std::string& endpoint,
                                        const std::string& key);

// Whether the node's probes hold `destination` (a URI as in a "t:" key) down: htable `mvdown`,
// which route USE_TRUNK skips. Throws RpcError.
bool destination_marked_down(KamailioRpc& rpc, const std::string& endpoint,
                             const std::string& destination);
// How many destinations are marked down (htable.stats: one reply whatever the table sizes).
std::size_t down_mark_count(KamailioRpc& rpc, const std::string& endpoint);
// The destinations marked down (htable.dump mvdown: as many items as marks).
std::set<std::string> down_marks(KamailioRpc& rpc, const std::string& endpoint);

// One key of the node's htable `mv` set (an integer when `value_type` is 1, as db_redis rows say)
// or deleted (deleting a missing key is no error). Throws RpcError.
void set_htable_key(KamailioRpc& rpc, const std::string& endpoint, const std::string& key,
                    const std::string& value, int value_type);
void delete_htable_key(KamailioRpc& rpc, const std::string& endpoint, const std::string& key);

// One entry of htable mv's change log (mv:edge:htable_log): a key to delete and/or one to set.
struct HtableChange {
  std::optional<std::string> deleted_key;
  std::optional<std::string> key;
  std::string value;
  int value_type = 0;  // 1: an integer, as db_redis rows say
};
// One change per key, its last, in the order of those last changes: the table ends as it would
// with every change made in turn. A bulk import's slice sets the probe list's count (p:n) once,
// not once per trunk.
std::vector<HtableChange> coalesce_htable_changes(const std::vector<HtableChange>& changes);
// The changes (coalesce_htable_changes), many to a request (kamailio.cfg's /mv/htable route: ~6
// us of the node's CPU a change, where a JSON-RPC call each cost ~28 us; bench/edge/rpc_cost.sh).
// Throws RpcError.
void apply_htable_changes(KamailioRpc& rpc, const std::string& endpoint,
                          const std::vector<HtableChange>& changes);

}  // namespace mv::kamailio
