#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "api/api_service.h"

namespace mv::http {

// The HTTP transport. This adapter's .cpp is the only file that includes cpprestsdk's listener,
// so the transport can be replaced without touching a handler.
// What the transport enforces before a request reaches the API (config: http.* in README.md).
struct ServerLimits {
  std::size_t max_in_flight = 256;  // requests received or being handled; beyond: 503
  std::size_t max_connections = 1024;
  std::chrono::milliseconds idle_timeout{60000};
  std::size_t max_header_bytes = 16384;  // request line and headers; beyond: 431
};

class CpprestServer {
 public:
  // Sizes cpprestsdk's process-wide thread pool; must run before anything else uses pplx.
  static void configure_thread_pool(std::size_t threads);

  CpprestServer(const std::string& address, int port, const api::ApiService& api,
                std::shared_ptr<spdlog::logger> log, ServerLimits limits = {});
  ~CpprestServer();

  // start() also starts the connection reaper (idle timeout, connection cap); stop() ends both.
  void start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mv::http
