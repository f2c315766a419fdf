#pragma once

#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "api/api_service.h"

namespace mv::http {

// The HTTP transport. This adapter's .cpp is the only file that includes cpprestsdk's listener,
// so the transport can be replaced without touching a handler.
class CpprestServer {
 public:
  // Sizes cpprestsdk's process-wide thread pool; must run before anything else uses pplx.
  static void configure_thread_pool(std::size_t threads);

  CpprestServer(const std::string& address, int port, const api::ApiService& api,
                std::shared_ptr<spdlog::logger> log);
  ~CpprestServer();

  void start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mv::http
