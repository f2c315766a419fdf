#pragma once

#include <chrono>

#include "kamailio/kamailio_rpc.h"

namespace mv::http {

// Kamailio JSON-RPC over HTTP POST, with a bounded wait per call.
class JsonRpcHttpClient final : public kamailio::KamailioRpc {
 public:
  explicit JsonRpcHttpClient(std::chrono::milliseconds timeout) : timeout_(timeout) {}
  nlohmann::json call(const std::string& endpoint, const std::string& method,
                      const nlohmann::json& params) override;

 private:
  std::chrono::milliseconds timeout_;
};

}  // namespace mv::http
