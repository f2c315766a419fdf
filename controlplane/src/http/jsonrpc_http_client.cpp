#include "http/jsonrpc_http_client.h"

#include <cpprest/http_client.h>

namespace mv::http {

nlohmann::json JsonRpcHttpClient::call(const std::string& endpoint, const std::string& method,
                                       const nlohmann::json& params) {
  nlohmann::json request = {{"jsonrpc", "2.0"}, {"method", method}, {"params", params}, {"id", 1}};
  nlohmann::json reply;
  try {
    web::http::client::http_client_config config;
    config.set_timeout(kamailio::reloads_or_lists_a_table(method) ? table_timeout_ : timeout_);
    web::http::client::http_client client(endpoint, config);
    auto response =
        client.request(web::http::methods::POST, "", request.dump(), "application/json").get();
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
