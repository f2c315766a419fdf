#include "http/cpprest_server.h"

#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>

#include <algorithm>

#include "model/trunk_validation.h"

namespace mv::http {
namespace {

using web::http::http_request;
using web::http::http_response;
using web::http::experimental::listener::http_listener;
using web::http::experimental::listener::http_listener_config;

api::HttpRequest to_api_request(const http_request& request) {
  api::HttpRequest out;
  out.method = request.method();
  out.path = request.relative_uri().path();
  out.query = request.relative_uri().query();
  for (const auto& [name, value] : request.headers()) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers.emplace_back(std::move(lower), value);
  }
  return out;
}

void send(const http_request& request, const api::HttpResponse& response) {
  http_response reply(static_cast<web::http::status_code>(response.status));
  std::string content_type;
  for (const auto& [name, value] : response.headers) {
    if (name == "Content-Type") {
      content_type = value;
    } else {
      reply.headers().add(name, value);
    }
  }
  if (!response.body.empty() || !content_type.empty()) reply.set_body(response.body, content_type);
  request.reply(reply).then([](const pplx::task<void>& sent) {
    try {
      sent.get();
    } catch (const std::exception&) {
      // The client went away before the reply was written: nothing left to do.
    }
  });
}

}  // namespace

struct CpprestServer::Impl {
  http_listener listener;
  const api::ApiService& api;
  std::shared_ptr<spdlog::logger> log;

  Impl(const std::string& url, const http_listener_config& config, const api::ApiService& service,
       std::shared_ptr<spdlog::logger> logger)
      : listener(url, config), api(service), log(std::move(logger)) {}

  void handle(const http_request& request) {
    auto api_request = to_api_request(request);
    // Refuse an oversized body from its Content-Length, before reading a byte of it.
    if (request.headers().content_length() > model::kMaxBodyBytes) {
      api_request.body_over_limit = true;
      send(request, api.handle(api_request));
      return;
    }
    request.extract_vector().then(
        [this, request, api_request](const pplx::task<std::vector<unsigned char>>& body) mutable {
          try {
            auto bytes = body.get();
            api_request.body.assign(bytes.begin(), bytes.end());
          } catch (const std::exception&) {
            // The body could not be read (client closed or timed out): answer as if empty.
            api_request.body.clear();
          }
          send(request, api.handle(api_request));
        });
  }
};

void CpprestServer::configure_thread_pool(std::size_t threads) {
  crossplat::threadpool::initialize_with_threads(threads);
}

CpprestServer::CpprestServer(const std::string& address, int port, const api::ApiService& api,
                             std::shared_ptr<spdlog::logger> log) {
  http_listener_config config;
  config.set_timeout(utility::seconds(30));
  config.set_backlog(1024);
  auto url = "http://" + address + ":" + std::to_string(port);
  impl_ = std::make_unique<Impl>(url, config, api, std::move(log));
  impl_->listener.support([this](const http_request& request) { impl_->handle(request); });
}

CpprestServer::~CpprestServer() = default;

void CpprestServer::start() { impl_->listener.open().wait(); }

void CpprestServer::stop() { impl_->listener.close().wait(); }

}  // namespace mv::http
