#include "support/raw_sip.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <regex>
#include <stdexcept>

namespace mv::test {
namespace {

sockaddr_in loopback_address(const std::string& ip, int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, ip.c_str(), &address.sin_addr) != 1) {
    throw std::invalid_argument("not an IPv4 address: " + ip);
  }
  return address;
}

}  // namespace

RawSipSocket::RawSipSocket(SipTransport transport, const std::string& local_ip)
    : transport_(transport) {
  fd_ = socket(AF_INET, transport == SipTransport::udp ? SOCK_DGRAM : SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  auto address = loopback_address(local_ip, 0);
  if (bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd_);
    throw std::runtime_error("cannot bind " + local_ip);
  }
  socklen_t length = sizeof address;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
  local_port_ = ntohs(address.sin_port);
}

RawSipSocket::~RawSipSocket() { close(fd_); }

bool RawSipSocket::send(const std::string& bytes, int edge_port) {
  auto edge = loopback_address("127.0.0.1", edge_port);
  if (transport_ == SipTransport::udp) {
    return sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&edge),
                  sizeof edge) == static_cast<ssize_t>(bytes.size());
  }
  if (connect(fd_, reinterpret_cast<sockaddr*>(&edge), sizeof edge) != 0) return false;
  for (std::size_t sent = 0; sent < bytes.size();) {
    auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

void RawSipSocket::drain() {
  char buffer[65536];
  for (;;) {
    auto n = recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) {
      received_.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    // End of file or a reset: the edge closed the TCP connection.
    if (transport_ == SipTransport::tcp && (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))) {
      closed_ = true;
    }
    return;
  }
}

int RawSipSocket::first_final_status() const {
  // A status line starts the received bytes or follows the end of a previous response (the
  // edge's responses carry no body).
  static const std::regex status_line(R"((^|\r\n\r\n)SIP/2\.0 ([1-6][0-9][0-9]) )");
  for (std::sregex_iterator it(received_.begin(), received_.end(), status_line), end; it != end;
       ++it) {
    int status = std::stoi((*it)[2]);
    if (status >= 200) return status;
  }
  return 0;
}

UdpRecorder::UdpRecorder(int port, const std::string& ip) {
  fd_ = socket(AF_INET, SOCK_DGRAM, 0);
  auto address = loopback_address(ip, port);
  if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (fd_ >= 0) close(fd_);
    throw std::runtime_error("cannot bind UDP " + ip + ":" + std::to_string(port));
  }
  reader_ = std::thread([this] {
    char buffer[65536];
    for (;;) {
      pollfd ready{fd_, POLLIN, 0};
      if (poll(&ready, 1, 50) > 0) {
        auto n = recv(fd_, buffer, sizeof buffer, 0);
        std::lock_guard lock(mutex_);
        if (n > 0) datagrams_.emplace_back(buffer, static_cast<std::size_t>(n));
      }
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
  });
}

UdpRecorder::~UdpRecorder() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  reader_.join();
  close(fd_);
}

std::vector<std::string> UdpRecorder::datagrams() const {
  std::lock_guard lock(mutex_);
  return datagrams_;
}

bool UdpRecorder::received_text(const std::string& text) const {
  std::lock_guard lock(mutex_);
  for (const auto& datagram : datagrams_) {
    if (datagram.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace mv::test
