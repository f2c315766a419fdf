#include "support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "support/contract_check.h"

namespace mv::test {
namespace {

void parse_response(const std::string& raw, HttpResult& result) {
  auto header_end = raw.find("\r\n\r\n");
  if (header_end == std::string::npos || raw.compare(0, 5, "HTTP/") != 0) return;
  result.status = std::stoi(raw.substr(9, 3));
  std::size_t line_start = raw.find("\r\n") + 2;
  while (line_start < header_end) {
    auto line_end = raw.find("\r\n", line_start);
    auto line = raw.substr(line_start, line_end - line_start);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      auto name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      auto value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      result.headers[name] = value;
    }
    line_start = line_end + 2;
  }
  result.body = raw.substr(header_end + 4);
}

bool complete_response(const std::string& raw) {
  HttpResult partial;
  parse_response(raw, partial);
  auto length = partial.headers.find("content-length");
  return partial.status != 0 && length != partial.headers.end() &&
         partial.body.size() >= std::stoul(length->second);
}

}  // namespace

RawConnection::RawConnection(int port, const std::string& source_ip)
    : port_(port), fd_(socket(AF_INET, SOCK_STREAM, 0)) {
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in source{};
  source.sin_family = AF_INET;
  inet_pton(AF_INET, source_ip.c_str(), &source.sin_addr);
  bind(fd_, reinterpret_cast<sockaddr*>(&source), sizeof source);
  // A server that stops reading must not block a test forever.
  timeval send_limit{10, 0};
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &send_limit, sizeof send_limit);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

bool RawConnection::send(const std::string& bytes) {
  if (fd_ < 0) return false;
  sent_ += bytes;
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

void RawConnection::finish_sending() {
  if (fd_ >= 0) shutdown(fd_, SHUT_WR);
}

namespace {

// Waits up to `timeout` for bytes; appends them. 1: got some, 0: end of file or reset, -1: none.
int receive_some(int fd, std::string& into, std::chrono::milliseconds timeout) {
  pollfd ready{fd, POLLIN, 0};
  if (poll(&ready, 1, static_cast<int>(timeout.count())) <= 0) return -1;
  char buffer[8192];
  auto n = recv(fd, buffer, sizeof buffer, 0);
  if (n <= 0) return 0;
  into.append(buffer, static_cast<std::size_t>(n));
  return 1;
}

}  // namespace

HttpResult RawConnection::read_response(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  HttpResult result;
  while (fd_ >= 0 && !complete_response(received_)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || receive_some(fd_, received_, left) != 1) break;
  }
  parse_response(received_, result);
  // A response cut short (the server killed mid-answer: the fault suite) is the connection's
  // failure, not the document's: only whole responses are checked.
  auto length = result.headers.find("content-length");
  bool cut_short =
      length != result.headers.end() && result.body.size() < std::stoul(length->second);
  if (result.status != 0 && !sent_.empty() && !cut_short) {
    // "METHOD SP target SP HTTP/x.y": what the server could route by, if it parsed the line.
    auto line = sent_.substr(0, sent_.find("\r\n"));
    auto method_end = line.find(' ');
    auto target_end = line.find(' ', method_end == std::string::npos ? 0 : method_end + 1);
    auto method = line.substr(0, method_end);
    auto target = method_end == std::string::npos
                      ? std::string()
                      : line.substr(method_end + 1, target_end - method_end - 1);
    check_contract(port_, method, target, result);
    sent_.clear();
  }
  return result;
}

bool RawConnection::closed_by_server(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fd_ >= 0) {
    auto left = std::max(std::chrono::milliseconds(0),
                         std::chrono::duration_cast<std::chrono::milliseconds>(
                             deadline - std::chrono::steady_clock::now()));
    int got = receive_some(fd_, received_, left);
    if (got == 0) return true;
    if (got < 0) return false;
  }
  return true;
}

HttpResult http_raw(int port, const std::string& bytes, std::chrono::milliseconds timeout,
                    const std::string& source_ip) {
  auto started = std::chrono::steady_clock::now();
  RawConnection connection(port, source_ip);
  connection.send(bytes);
  auto result = connection.read_response(timeout);
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return result;
}

HttpResult http_request(int port, const std::string& method, const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers,
                        const std::string& body, std::chrono::milliseconds timeout) {
  std::string request =
      method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PATCH") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  return http_raw(port, request, timeout);
}

}  // namespace mv::test
