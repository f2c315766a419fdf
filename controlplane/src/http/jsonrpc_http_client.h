#pragma once

#include <algorithm>
#include <chrono>

#include "kamailio/kamailio_rpc.h"

namespace mv::http {

// Kamailio JSON-RPC over HTTP POST, with a bounded wait per call.
class JsonRpcHttpClient final : public kamailio::KamailioRpc {
 public:
  // `table_timeout` bounds the calls that reload or list a whole table, `timeout` the others.
  explicit JsonRpcHttpClient(std::chrono::milliseconds timeout,
                             std::chrono::milliseconds table_timeout = {})
      : timeout_(timeout), table_timeout_(std::max(timeout, table_timeout)) {}
  nlohmann::json call(const std::string& endpoint, const std::string& method,
                      const nlohmann::json& params) override;

 private:
  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds table_timeout_;
};

}  // namespace mv::http
