#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

// Which of a listener's open connections to close: the pure half of the connection reaper
// (http/connection_reaper.h), tested without sockets.
namespace mv::model {

struct ConnectionActivity {
  int fd;
  std::chrono::milliseconds idle;  // since the connection last received or sent a byte
};

struct ConnectionLimits {
  std::chrono::milliseconds idle_timeout;
  std::size_t max_connections;
};

// Every connection idle for `idle_timeout` or longer, then the idlest of the rest while more
// than `max_connections` would stay open. The most recently active connections are kept.
std::vector<int> connections_to_close(std::vector<ConnectionActivity> connections,
                                      const ConnectionLimits& limits);

}  // namespace mv::model
