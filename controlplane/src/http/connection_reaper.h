#pragma once

#include <spdlog/logger.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

#include "model/connection_limits.h"

namespace mv::http {

// Enforces an idle timeout and a connection cap on a cpprestsdk listener, which has neither: its
// Linux (Boost.Asio) listener ignores http_listener_config's timeout and accepts every
// connection. Every `period` it looks at this process's TCP sockets whose local port is `port`
// (not the listening one), reads from TCP_INFO how long each has been silent, and shuts down
// (never closes: the descriptor stays cpprestsdk's) those model::connections_to_close picks.
// cpprestsdk then sees end-of-file and drops the connection as if the client had gone. Linux
// only (/proc/self/fd, TCP_INFO).
class ConnectionReaper {
 public:
  ConnectionReaper(int port, model::ConnectionLimits limits, std::shared_ptr<spdlog::logger> log,
                   std::chrono::milliseconds period = std::chrono::milliseconds(250));
  ~ConnectionReaper();

  // One look: shuts down what the limits say; returns how many.
  std::size_t sweep();

 private:
  void run(std::stop_token stop);

  int port_;
  model::ConnectionLimits limits_;
  std::shared_ptr<spdlog::logger> log_;
  std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

}  // namespace mv::http
