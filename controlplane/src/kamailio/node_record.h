#pragma once

#include <cstdint>
#include <string>

#include "kamailio/kamailio_rpc.h"

namespace mv::kamailio {

// What a node records about itself in its htable "mvnode" (kamailio-cfg/kamailio.cfg): "boot",
// an id of its current start, and "applied", the edge generation last verified on it. Both live in
// the node's memory only: a restarted node has a new boot id and no applied generation.
inline constexpr const char* kNodeHtable = "mvnode";

// The node's boot id ("" when it has none: a config without mvnode). Throws RpcError.
std::string node_boot_id(KamailioRpc& rpc, const std::string& endpoint);

// The generation last recorded on the node (0 when none). Throws RpcError.
std::int64_t node_applied_generation(KamailioRpc& rpc, const std::string& endpoint);

// Records on the node that every write up to `generation` is loaded there. Throws RpcError.
void record_node_applied(KamailioRpc& rpc, const std::string& endpoint, std::int64_t generation);

}  // namespace mv::kamailio
