#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace mv::kamailio {

// The node could not be reached, or answered the call with a JSON-RPC error.
class RpcError : public std::runtime_error {
 public:
  explicit RpcError(const std::string& what) : std::runtime_error(what) {}
};

// Kamailio's JSON-RPC (jsonrpcs over xhttp). `kamcmd` is the operator's view of the same RPCs.
class KamailioRpc {
 public:
  virtual ~KamailioRpc() = default;
  // Returns the call's "result"; throws RpcError.
  virtual nlohmann::json call(const std::string& endpoint, const std::string& method,
                              const nlohmann::json& params = nlohmann::json::array()) = 0;
  // POSTs `body` (text/plain) to one of kamailio.cfg's own xhttp routes, `path` (such as
  // "/mv/htable"), on the node of `endpoint`: the same listener and checks as its JSON-RPC.
  // Returns the reply's body; throws RpcError when the node cannot be reached or answers with a
  // status other than 200.
  virtual std::string post(const std::string& endpoint, const std::string& path,
                           const std::string& body) = 0;
};

// Whether `method` reloads or lists a whole table (htable.reload, dispatcher.list, uac.reg_dump,
// ...): at 100k trunks such a call takes seconds, so clients bound it apart from the others.
bool reloads_or_lists_a_table(const std::string& method);

}  // namespace mv::kamailio
