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

// Kamailio JSON-RPC over HTTP/1.1 POST (jsonrpcs on xhttp), and kamailio.cfg's own xhttp routes
// (post()), on plain sockets: a few microseconds of the daemon's CPU per call, where cpprestsdk's
// client took ~190 us (measured while a bulk import applied 800,000 htable changes call by call:
// 201 s of the daemon's CPU). Calls to one node reuse its connections (keep-alive). Every call
// has a bounded wait. Safe to call from several threads at once (a connection serves one thread
// at a time). Only "http://host[:port][/path]" endpoints: the RPC listener is on loopback or a
// private network, never TLS.
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
  std::string post(const std::string& endpoint, const std::string& path,
                   const std::string& body) override;

 private:
  // One request to the endpoint's node (`what` names it in errors); its status and body.
  std::pair<int, std::string> exchange(const std::string& endpoint, const std::string& what,
                                       const std::string& path, const std::string& content_type,
                                       const std::string& body, bool whole_table);
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
