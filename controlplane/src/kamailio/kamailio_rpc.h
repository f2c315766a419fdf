#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mv::kamailio {

// The node could not be reached, or answered the call with a JSON-RPC error.
class RpcError : public std::runtime_error {
 public:
  explicit RpcError(const std::string& what) : std::runtime_error(what) {}
};

struct RpcCall {
  std::string method;
  nlohmann::json params = nlohmann::json::array();
};

// One call's answer: its "result", or the node's JSON-RPC error message.
struct RpcReply {
  nlohmann::json result;
  std::optional<std::string> error;
};

// Kamailio's JSON-RPC (jsonrpcs over xhttp). `kamcmd` is the operator's view of the same RPCs.
class KamailioRpc {
 public:
  virtual ~KamailioRpc() = default;
  // Returns the call's "result"; throws RpcError.
  virtual nlohmann::json call(const std::string& endpoint, const std::string& method,
                              const nlohmann::json& params = nlohmann::json::array()) = 0;
  // Every call, in order, each answered on its own (a change log applied key by key): a client
  // may send many before their replies arrive. Throws RpcError when the node cannot be reached
  // (some of the calls may have run). This one makes them one at a time with call(), its
  // RpcError the reply's error.
  virtual std::vector<RpcReply> call_each(const std::string& endpoint,
                                          const std::vector<RpcCall>& calls);
};

// Whether `method` reloads or lists a whole table (htable.reload, dispatcher.list, uac.reg_dump,
// ...): at 100k trunks such a call takes seconds, so clients bound it apart from the others.
bool reloads_or_lists_a_table(const std::string& method);

}  // namespace mv::kamailio
