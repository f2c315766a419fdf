#include "http/connection_reaper.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <optional>

namespace mv::http {
namespace {

std::optional<int> local_tcp_port(int fd) {
  int type = 0;
  socklen_t type_size = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_size) != 0 || type != SOCK_STREAM) {
    return std::nullopt;
  }
  sockaddr_storage local{};
  socklen_t size = sizeof local;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &size) != 0) return std::nullopt;
  if (local.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
  if (local.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
  }
  return std::nullopt;
}

// How long an accepted connection on `port` has been silent; nullopt for anything else (the
// listening socket, other sockets, a descriptor closed meanwhile).
std::optional<std::chrono::milliseconds> silence_on(int fd, int port) {
  if (local_tcp_port(fd) != port) return std::nullopt;
  tcp_info info{};
  socklen_t size = sizeof info;
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return std::nullopt;
  if (info.tcpi_state == TCP_LISTEN || info.tcpi_state == TCP_CLOSE) return std::nullopt;
  return std::chrono::milliseconds(std::min(info.tcpi_last_data_recv, info.tcpi_last_data_sent));
}

std::vector<int> open_descriptors() {
  std::vector<int> fds;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
    auto name = entry.path().filename().string();
    int fd = -1;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), fd);
    if (ec == std::errc{} && end == name.data() + name.size()) fds.push_back(fd);
  }
  return fds;
}

}  // namespace

ConnectionReaper::ConnectionReaper(int port, model::ConnectionLimits limits,
                                   std::shared_ptr<spdlog::logger> log,
                                   std::chrono::milliseconds period)
    : port_(port),
      limits_(limits),
      log_(std::move(log)),
      period_(period),
      thread_([this](std::stop_token stop) { run(stop); }) {}

// The thread is the last member: it stops (waking its wait) and joins before the rest goes.
ConnectionReaper::~ConnectionReaper() = default;

std::size_t ConnectionReaper::sweep() {
  std::vector<model::ConnectionActivity> connections;
  for (int fd : open_descriptors()) {
    if (auto silence = silence_on(fd, port_)) connections.push_back({fd, *silence});
  }
  std::map<int, std::chrono::milliseconds> seen;
  for (const auto& connection : connections) seen.emplace(connection.fd, connection.idle);
  std::size_t closed = 0;
  for (int fd : model::connections_to_close(std::move(connections), limits_)) {
    // Checked again right before: the descriptor may have been closed and reused since by a
    // new connection, which would have been silent for less time than the one seen.
    auto silence = silence_on(fd, port_);
    if (silence && *silence >= seen[fd] && shutdown(fd, SHUT_RDWR) == 0) ++closed;
  }
  if (closed > 0) {
    log_->info("closed {} HTTP connection(s) on port {}: idle for {} ms or over {} open", closed,
               port_, limits_.idle_timeout.count(), limits_.max_connections);
  }
  return closed;
}

void ConnectionReaper::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    sweep();
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, period_, [] { return false; });
  }
}

}  // namespace mv::http
