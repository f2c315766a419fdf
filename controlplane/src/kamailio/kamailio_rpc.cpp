#include "kamailio/kamailio_rpc.h"

#include <set>

namespace mv::kamailio {

bool reloads_or_lists_a_table(const std::string& method) {
  static const std::set<std::string> kWholeTable = {"htable.reload",     "htable.dump",
                                                    "dispatcher.reload", "dispatcher.list",
                                                    "uac.reg_dump",      "uac.reg_reload"};
  return kWholeTable.contains(method);
}

std::vector<RpcReply> KamailioRpc::call_each(const std::string& endpoint,
                                             const std::vector<RpcCall>& calls) {
  std::vector<RpcReply> replies;
  replies.reserve(calls.size());
  for (const auto& each : calls) {
    try {
      replies.push_back({call(endpoint, each.method, each.params), std::nullopt});
    } catch (const RpcError& e) {
      replies.push_back({nullptr, e.what()});
    }
  }
  return replies;
}

}  // namespace mv::kamailio
