#include "http/cpprest_api_transport.h"

#include <cpprest/http_client.h>

namespace mv::http {

cli::ApiReply CpprestApiTransport::send(const cli::ApiRequest& request) {
  try {
    web::http::client::http_client_config config;
    config.set_timeout(timeout_);
    web::http::client::http_client client(base_url_, config);
    web::http::http_request message(request.method);
    message.set_request_uri(request.target);
    message.headers().add("Authorization", "Bearer " + api_key_);
    if (request.json_body) message.set_body(*request.json_body, "application/json");
    auto response = client.request(message).get();
    return {response.status_code(), response.extract_utf8string(true).get(), {}};
  } catch (const std::exception& e) {
    return {0, {}, e.what()};
  }
}

}  // namespace mv::http
