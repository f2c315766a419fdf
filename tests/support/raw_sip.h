#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mv::test {

enum class SipTransport { udp, tcp };

// One socket bound to local_ip (any port) that sends raw bytes to the edge at 127.0.0.1:port and
// keeps whatever comes back: for requests no SIP tool would send (RFC 4475 torture messages).
// Bind first, so the port can go into the request's Via before it is sent.
class RawSipSocket {
 public:
  RawSipSocket(SipTransport transport, const std::string& local_ip);
  ~RawSipSocket();
  RawSipSocket(const RawSipSocket&) = delete;
  RawSipSocket& operator=(const RawSipSocket&) = delete;

  int local_port() const { return local_port_; }
  // UDP: one datagram. TCP: connects, then writes everything. False when that failed.
  bool send(const std::string& bytes, int edge_port);
  // Takes what has arrived so far without waiting; for TCP also notes a closed connection.
  void drain();
  // Every byte received so far (datagrams one after the other, or the TCP stream).
  const std::string& received() const { return received_; }
  bool closed() const { return closed_; }
  // The status code of the first final response received (>= 200), 0 when none came.
  int first_final_status() const;

 private:
  SipTransport transport_;
  int fd_ = -1;
  int local_port_ = 0;
  std::string received_;
  bool closed_ = false;
};

// A UDP listener on ip:port (a loopback address) that keeps every datagram it receives and never
// answers: an application server or other host that must see nothing, or only what the edge may
// relay.
class UdpRecorder {
 public:
  explicit UdpRecorder(int port, const std::string& ip = "127.0.0.1");
  ~UdpRecorder();
  UdpRecorder(const UdpRecorder&) = delete;
  UdpRecorder& operator=(const UdpRecorder&) = delete;

  std::vector<std::string> datagrams() const;
  // True when any datagram received so far contains `text` (e.g. a Call-ID).
  bool received_text(const std::string& text) const;

 private:
  int fd_ = -1;
  bool stopping_ = false;
  mutable std::mutex mutex_;
  std::vector<std::string> datagrams_;
  std::thread reader_;
};

}  // namespace mv::test
