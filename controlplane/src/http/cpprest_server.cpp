#include "http/cpprest_server.h"

#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>

#include <algorithm>
#include <atomic>
#include <optional>

#include "http/connection_reaper.h"
#include "model/trunk_validation.h"

namespace mv::http {
namespace {

using web::http::http_request;
using web::http::http_response;
using web::http::experimental::listener::http_listener;
using web::http::experimental::listener::http_listener_config;

// The request line and headers as the client sent them, give or take separators.
std::size_t head_bytes(const http_request& request) {
  std::size_t bytes = request.method().size() + request.request_uri().to_string().size() + 12;
  for (const auto& [name, value] : request.headers()) bytes += name.size() + value.size() + 4;
  return bytes;
}

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

// Replies; `done` runs once the reply is written or the connection is gone.
void send(const http_request& request, const api::HttpResponse& response,
          std::function<void()> done) {
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
  request.reply(reply).then([done = std::move(done)](const pplx::task<void>& sent) {
    try {
      sent.get();
    } catch (const std::exception&) {
      // The client went away before the reply was written: nothing left to do.
    }
    done();
  });
}

}  // namespace

struct CpprestServer::Impl {
  http_listener listener;
  const api::ApiService& api;
  std::shared_ptr<spdlog::logger> log;
  int port;
  ServerLimits limits;
  std::atomic<std::size_t> in_flight{0};
  std::optional<ConnectionReaper> reaper;

  Impl(const std::string& url, const http_listener_config& config, const api::ApiService& service,
       std::shared_ptr<spdlog::logger> logger, int listen_port, ServerLimits server_limits)
      : listener(url, config),
        api(service),
        log(std::move(logger)),
        port(listen_port),
        limits(server_limits) {}

  // Counts the request in flight until its reply is written (or the client is gone).
  void handle(const http_request& request) {
    auto api_request = to_api_request(request);
    auto finished = [this] { in_flight.fetch_sub(1); };
    bool over_in_flight = in_flight.fetch_add(1) >= limits.max_in_flight;
    if (head_bytes(request) > limits.max_header_bytes) {
      api_request.transport_error = {model::ErrorCode::headers_too_large,
                                     "request line and headers are larger than " +
                                         std::to_string(limits.max_header_bytes) + " bytes"};
    } else if (over_in_flight) {
      api_request.transport_error = {model::ErrorCode::service_unavailable,
                                     "too many requests in flight; retry shortly"};
    } else if (request.headers().content_length() > model::kMaxBodyBytes) {
      // Refused from its Content-Length, before reading a byte of it.
      api_request.body_over_limit = true;
    }
    if (api_request.transport_error || api_request.body_over_limit) {
      send(request, api.handle(api_request), finished);
      return;
    }
    request.extract_vector().then([this, request, api_request, finished](
                                      const pplx::task<std::vector<unsigned char>>& body) mutable {
      try {
        auto bytes = body.get();
        api_request.body.assign(bytes.begin(), bytes.end());
      } catch (const std::exception&) {
        // The body never came whole: the client closed, or the reaper closed a stalled body.
        api_request.transport_error = {model::ErrorCode::request_timeout,
                                       "the request body did not arrive"};
      }
      send(request, api.handle(api_request), finished);
    });
  }
};

void CpprestServer::configure_thread_pool(std::size_t threads) {
  crossplat::threadpool::initialize_with_threads(threads);
}

CpprestServer::CpprestServer(const std::string& address, int port, const api::ApiService& api,
                             std::shared_ptr<spdlog::logger> log, ServerLimits limits) {
  // No set_timeout: the Linux listener ignores it (ConnectionReaper enforces idle_timeout).
  http_listener_config config;
  config.set_backlog(1024);
  auto url = "http://" + address + ":" + std::to_string(port);
  impl_ = std::make_unique<Impl>(url, config, api, std::move(log), port, limits);
  auto handler = [this](const http_request& request) { impl_->handle(request); };
  impl_->listener.support(handler);
  // cpprestsdk answers OPTIONS and TRACE itself unless they have handlers of their own, and its
  // TRACE echoes the request, Authorization header (the API key) included: both go to the API.
  impl_->listener.support(web::http::methods::OPTIONS, handler);
  impl_->listener.support(web::http::methods::TRCE, handler);
}

CpprestServer::~CpprestServer() = default;

void CpprestServer::start() {
  impl_->listener.open().wait();
  impl_->reaper.emplace(
      impl_->port,
      model::ConnectionLimits{impl_->limits.idle_timeout, impl_->limits.max_connections},
      impl_->log);
}

void CpprestServer::stop() {
  impl_->reaper.reset();
  impl_->listener.close().wait();
}

}  // namespace mv::http
