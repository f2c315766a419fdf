#include "http/jsonrpc_http_client.h"

#include <cpprest/http_client.h>

namespace mv::http {
namespace detail {

class PooledClient {
 public:
  PooledClient(const std::string& endpoint, std::chrono::milliseconds timeout)
      : client_(endpoint, config(timeout)) {}
  web::http::client::http_client& get() { return client_; }

 private:
  static web::http::client::http_client_config config(std::chrono::milliseconds timeout) {
    web::http::client::http_client_config config;
    config.set_timeout(timeout);
    return config;
  }
  web::http::client::http_client client_;
};

}  // namespace detail

JsonRpcHttpClient::~JsonRpcHttpClient() = default;

std::shared_ptr<detail::PooledClient> JsonRpcHttpClient::client(const std::string& endpoint,
                                                                bool whole_table) {
  std::lock_guard lock(mutex_);
  auto& pooled = clients_[{endpoint, whole_table}];
  if (!pooled) {
    pooled =
        std::make_shared<detail::PooledClient>(endpoint, whole_table ? table_timeout_ : timeout_);
  }
  return pooled;
}

nlohmann::json JsonRpcHttpClient::call(const std::string& endpoint, const std::string& method,
                                       const nlohmann::json& params) {
  nlohmann::json request = {{"jsonrpc", "2.0"}, {"method", method}, {"params", params}, {"id", 1}};
  nlohmann::json reply;
  try {
    auto pooled = client(endpoint, kamailio::reloads_or_lists_a_table(method));
    auto response = pooled->get()
                        .request(web::http::methods::POST, "", request.dump(), "application/json")
                        .get();
    reply = nlohmann::json::parse(response.extract_utf8string(true).get());
  } catch (const nlohmann::json::exception&) {
    throw kamailio::RpcError(method + ": the reply is not JSON");
  } catch (const std::exception& e) {
    throw kamailio::RpcError(method + ": " + e.what());
  }
  if (reply.contains("error")) {
    throw kamailio::RpcError(method + ": " + reply["error"].value("message", std::string("error")));
  }
  return reply.value("result", nlohmann::json());
}

}  // namespace mv::http
