#include "http/jsonrpc_http_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <iterator>
#include <string_view>

namespace mv::http {
namespace detail {

using Clock = std::chrono::steady_clock;

// The node could not be reached or its connection failed: `before_reply` when not one byte of a
// reply had arrived (a kept-alive connection the node closed meanwhile: worth one retry).
struct TransportError : std::runtime_error {
  TransportError(const std::string& what, bool before_reply)
      : std::runtime_error(what), before_reply(before_reply) {}
  bool before_reply;
};

struct Endpoint {
  std::string host;
  std::string port;
  std::string path;
};

Endpoint parse_endpoint(const std::string& endpoint) {
  constexpr std::string_view kScheme = "http://";
  if (endpoint.compare(0, kScheme.size(), kScheme) != 0) {
    throw kamailio::RpcError("endpoint " + endpoint + ": only http:// is supported");
  }
  auto rest = endpoint.substr(kScheme.size());
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  Endpoint parsed{"", "80", slash == std::string::npos ? "/" : rest.substr(slash)};
  auto port_colon = authority.rfind(':');
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    auto close = authority.find(']');
    if (close == std::string::npos) throw kamailio::RpcError("endpoint " + endpoint + ": bad host");
    parsed.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      parsed.port = authority.substr(close + 2);
    }
  } else if (port_colon != std::string::npos) {
    parsed.host = authority.substr(0, port_colon);
    parsed.port = authority.substr(port_colon + 1);
  } else {
    parsed.host = authority;
  }
  if (parsed.host.empty() || parsed.port.empty()) {
    throw kamailio::RpcError("endpoint " + endpoint + ": no host or port");
  }
  return parsed;
}

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<std::int64_t>(left.count(), 0));
}

void wait_for(int fd, short events, Clock::time_point deadline, bool before_reply) {
  pollfd entry{fd, events, 0};
  for (;;) {
    int ready = ::poll(&entry, 1, remaining_ms(deadline));
    if (ready > 0) return;
    if (ready == 0) throw TransportError("timed out", false);
    if (errno != EINTR) throw TransportError(std::strerror(errno), before_reply);
  }
}

class Connection {
 public:
  Connection(const Endpoint& endpoint, Clock::time_point deadline) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (int error = ::getaddrinfo(endpoint.host.c_str(), endpoint.port.c_str(), &hints, &found)) {
      throw TransportError(endpoint.host + ": " + ::gai_strerror(error), false);
    }
    std::string failure = "no address";
    for (auto* address = found; address && fd_ < 0; address = address->ai_next) {
      failure = connect_to(*address, deadline);
    }
    ::freeaddrinfo(found);
    if (fd_ < 0) throw TransportError(failure, false);
  }
  ~Connection() { ::close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The node said "Connection: close", or the connection failed.
  bool broken = false;

  void send_all(std::string_view bytes, Clock::time_point deadline) {
    while (!bytes.empty()) {
      wait_for(fd_, POLLOUT, deadline, true);
      auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        throw TransportError(std::strerror(errno), true);
      }
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
  }

  // The next reply's status and body (Kamailio's xhttp always sends a Content-Length).
  std::pair<int, std::string> read_reply(Clock::time_point deadline, bool first) {
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (buffer_.size() > kMaxHeader) throw TransportError("reply header too long", false);
      receive(deadline, first && buffer_.empty());
    }
    std::string_view head(buffer_.data(), header_end);
    int status = 0;
    if (head.size() < 12 || head.substr(0, 5) != "HTTP/" ||
        std::from_chars(head.data() + 9, head.data() + 12, status).ec != std::errc()) {
      throw TransportError("not an HTTP reply", false);
    }
    std::size_t length = 0;
    bool has_length = false;
    for (auto line_start = head.find("\r\n"); line_start != std::string_view::npos;) {
      auto line_end = head.find("\r\n", line_start + 2);
      auto line = head.substr(line_start + 2, line_end == std::string_view::npos
                                                  ? std::string_view::npos
                                                  : line_end - line_start - 2);
      if (header_is(line, "content-length")) {
        auto value = header_value(line);
        has_length =
            std::from_chars(value.data(), value.data() + value.size(), length).ec == std::errc();
      } else if (header_is(line, "connection") && equals_lower(header_value(line), "close")) {
        broken = true;
      }
      line_start = line_end;
    }
    if (!has_length) throw TransportError("reply without Content-Length", false);
    if (length > kMaxBody) throw TransportError("reply body too long", false);
    auto body_start = header_end + 4;
    while (buffer_.size() < body_start + length) receive(deadline, false);
    std::string body = buffer_.substr(body_start, length);
    buffer_.erase(0, body_start + length);
    return {status, std::move(body)};
  }

 private:
  static constexpr std::size_t kMaxHeader = 64 * 1024;
  // htable.dump of 400,000 keys is ~60 MB.
  static constexpr std::size_t kMaxBody = std::size_t{1} << 30;

  std::string connect_to(const addrinfo& address, Clock::time_point deadline) {
    int fd = ::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                      address.ai_protocol);
    if (fd < 0) return std::strerror(errno);
    if (::connect(fd, address.ai_addr, address.ai_addrlen) != 0 && errno != EINPROGRESS) {
      std::string failure = std::strerror(errno);
      ::close(fd);
      return failure;
    }
    try {
      wait_for(fd, POLLOUT, deadline, false);
    } catch (const TransportError& e) {
      ::close(fd);
      return e.what();
    }
    int error = 0;
    socklen_t size = sizeof error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
    if (error != 0) {
      ::close(fd);
      return std::strerror(error);
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fd_ = fd;
    return {};
  }

  void receive(Clock::time_point deadline, bool before_reply) {
    char chunk[65536];
    for (;;) {
      wait_for(fd_, POLLIN, deadline, before_reply);
      auto got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got > 0) {
        buffer_.append(chunk, static_cast<std::size_t>(got));
        return;
      }
      if (got == 0) throw TransportError("the node closed the connection", before_reply);
      if (errno != EINTR && errno != EAGAIN) {
        throw TransportError(std::strerror(errno), before_reply);
      }
    }
  }

  static bool header_is(std::string_view line, std::string_view name) {
    return line.size() > name.size() && line[name.size()] == ':' &&
           equals_lower(line.substr(0, name.size()), name);
  }
  static bool equals_lower(std::string_view text, std::string_view lower) {
    return text.size() == lower.size() &&
           std::equal(text.begin(), text.end(), lower.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  }
  static std::string_view header_value(std::string_view line) {
    auto value = line.substr(line.find(':') + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    return value;
  }

  int fd_ = -1;
  std::string buffer_;
};

}  // namespace detail

JsonRpcHttpClient::JsonRpcHttpClient(std::chrono::milliseconds timeout,
                                     std::chrono::milliseconds table_timeout)
    : timeout_(timeout), table_timeout_(std::max(timeout, table_timeout)) {}

JsonRpcHttpClient::~JsonRpcHttpClient() = default;

const detail::Endpoint& JsonRpcHttpClient::parsed(const std::string& endpoint) {
  std::lock_guard lock(mutex_);
  auto& entry = endpoints_[endpoint];
  if (!entry) entry = std::make_unique<detail::Endpoint>(detail::parse_endpoint(endpoint));
  return *entry;
}

std::unique_ptr<detail::Connection> JsonRpcHttpClient::take(const std::string& endpoint) {
  std::lock_guard lock(mutex_);
  auto& idle = idle_[endpoint];
  if (idle.empty()) return nullptr;
  auto connection = std::move(idle.back());
  idle.pop_back();
  return connection;
}

void JsonRpcHttpClient::give_back(const std::string& endpoint,
                                  std::unique_ptr<detail::Connection> connection) {
  // As many as threads call the node at once (a few): more would only hold the node's sockets.
  constexpr std::size_t kMaxIdle = 8;
  if (connection->broken) return;
  std::lock_guard lock(mutex_);
  auto& idle = idle_[endpoint];
  if (idle.size() < kMaxIdle) idle.push_back(std::move(connection));
}

std::pair<int, std::string> JsonRpcHttpClient::exchange(const std::string& endpoint,
                                                        const std::string& what,
                                                        const std::string& path,
                                                        const std::string& content_type,
                                                        const std::string& body, bool whole_table) {
  const auto& target = parsed(endpoint);
  auto request = "POST " + path + " HTTP/1.1\r\nHost: " + target.host +
                 "\r\nContent-Type: " + content_type +
                 "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  auto deadline = detail::Clock::now() + (whole_table ? table_timeout_ : timeout_);
  auto connection = take(endpoint);
  for (;;) {
    bool fresh = !connection;
    try {
      if (fresh) connection = std::make_unique<detail::Connection>(target, deadline);
      connection->send_all(request, deadline);
      auto reply = connection->read_reply(deadline, true);
      give_back(endpoint, std::move(connection));
      return reply;
    } catch (const detail::TransportError& e) {
      // A kept-alive connection the node closed while idle fails before any reply: once more on
      // a new one (a node that answered nothing ran nothing of it).
      if (!fresh && e.before_reply) {
        connection.reset();
        continue;
      }
      throw kamailio::RpcError(what + ": " + e.what());
    }
  }
}

nlohmann::json JsonRpcHttpClient::call(const std::string& endpoint, const std::string& method,
                                       const nlohmann::json& params) {
  auto request =
      nlohmann::json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}, {"id", 1}};
  auto [status, body] = exchange(endpoint, method, parsed(endpoint).path, "application/json",
                                 request.dump(), kamailio::reloads_or_lists_a_table(method));
  auto reply = nlohmann::json::parse(body, nullptr, false);
  if (reply.is_discarded() || !reply.is_object()) {
    throw kamailio::RpcError(method + ": HTTP " + std::to_string(status) +
                             ", the reply is not JSON-RPC");
  }
  if (reply.contains("error")) {
    const auto& error = reply["error"];
    throw kamailio::RpcError(
        method + ": " +
        (error.is_object() ? error.value("message", std::string("error")) : std::string("error")));
  }
  return reply.value("result", nlohmann::json());
}

std::string JsonRpcHttpClient::post(const std::string& endpoint, const std::string& path,
                                    const std::string& body) {
  auto [status, reply] = exchange(endpoint, path, path, "text/plain", body, false);
  if (status != 200) {
    throw kamailio::RpcError(path + ": HTTP " + std::to_string(status) + ": " +
                             reply.substr(0, reply.find('\n')));
  }
  return reply;
}

}  // namespace mv::http
