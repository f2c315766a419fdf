#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kamailio/kamailio_rpc.h"

namespace mv::http {

namespace detail {
struct Endpoint;
class Connection;
}  // namespace detail

// Kamailio JSON-RPC over HTTP/1.1 POST (jsonrpcs on xhttp), on plain sockets: a few microseconds
// of the daemon's CPU per call, where cpprestsdk's client took ~190 us (measured while a bulk
// import applied 800,000 htable changes call by call: 201 s of the daemon's CPU). Calls to one
// node reuse its connections (keep-alive), and call_each() pipelines: it writes a few
// requests before reading their replies, which Kamailio's TCP reader answers in order. Every
// call has a bounded wait. Safe to call from several threads at once (a connection serves one
// thread at a time). Only "http://host[:port][/path]" endpoints: the RPC listener is on
// loopback or a private network, never TLS.
class JsonRpcHttpClient final : public kamailio::KamailioRpc {
 public:
  // `table_timeout` bounds the calls that reload or list a whole table, `timeout` the others.
  explicit JsonRpcHttpClient(std::chrono::milliseconds timeout,
                             std::chrono::milliseconds table_timeout = {});
  ~JsonRpcHttpClient() override;
  JsonRpcHttpClient(const JsonRpcHttpClient&) = delete;
  JsonRpcHttpClient& operator=(const JsonRpcHttpClient&) = delete;

  nlohmann::json call(const std::string& endpoint, const std::string& method,
                      const nlohmann::json& params) override;
  std::vector<kamailio::RpcReply> call_each(const std::string& endpoint,
                                            const std::vector<kamailio::RpcCall>& calls) override;

  // Requests written before their replies are read. Kamailio's TCP reader moves the rest of its
  // buffer after each request, so deeper costs the node more per call: 43 us at 8, 58 at 16,
  // 128 at 64, 69 one at a time (bench/edge/rpc_cost.sh).
  static constexpr std::size_t kPipelineDepth = 8;

 private:
  std::vector<kamailio::RpcReply> exchange(const std::string& endpoint,
                                           const std::vector<kamailio::RpcCall>& calls,
                                           std::size_t first, std::size_t count);
  const detail::Endpoint& parsed(const std::string& endpoint);
  std::unique_ptr<detail::Connection> take(const std::string& endpoint);
  void give_back(const std::string& endpoint, std::unique_ptr<detail::Connection> connection);

  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds table_timeout_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<detail::Endpoint>> endpoints_;
  std::map<std::string, std::vector<std::unique_ptr<detail::Connection>>> idle_;
};

}  // namespace mv::http
