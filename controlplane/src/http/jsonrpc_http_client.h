#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "kamailio/kamailio_rpc.h"

namespace mv::http {

namespace detail {
class PooledClient;
}

// Kamailio JSON-RPC over HTTP POST, with a bounded wait per call. Calls to one node reuse its
// connections (keep-alive): a change applied key by key is one call per key, and a new TCP
// connection per call cost about twice the call. Safe to call from several threads at once.
class JsonRpcHttpClient final : public kamailio::KamailioRpc {
 public:
  // `table_timeout` bounds the calls that reload or list a whole table, `timeout` the others.
  explicit JsonRpcHttpClient(std::chrono::milliseconds timeout,
                             std::chrono::milliseconds table_timeout = {})
      : timeout_(timeout), table_timeout_(std::max(timeout, table_timeout)) {}
  ~JsonRpcHttpClient() override;
  nlohmann::json call(const std::string& endpoint, const std::string& method,
                      const nlohmann::json& params) override;

 private:
  // The client (and its connection pool) for an endpoint and one of the two bounds.
  std::shared_ptr<detail::PooledClient> client(const std::string& endpoint, bool whole_table);

  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds table_timeout_;
  std::mutex mutex_;
  std::map<std::pair<std::string, bool>, std::shared_ptr<detail::PooledClient>> clients_;
};

}  // namespace mv::http
