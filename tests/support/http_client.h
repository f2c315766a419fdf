#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace mv::test {

struct HttpResult {
  int status = 0;                              // 0: no answer (connection failed or timed out)
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::chrono::milliseconds elapsed{0};
};

// A deliberately plain HTTP/1.1 client over a socket: one request per connection, bytes exactly
// as given, so tests can also send what a library client would refuse to. The response is
// checked against the OpenAPI document as RawConnection's are.
HttpResult http_request(int port, const std::string& method, const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers = {},
                        const std::string& body = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

// One TCP connection to 127.0.0.1:port kept open across sends: for slow, stalled or partial
// requests, and to see when the server closes it. `source_ip` (another loopback address, say)
// is the address the connection comes from. Its response is checked against the OpenAPI
// document (support/contract_check.h) for the request line sent first, whatever the bytes.
class RawConnection {
 public:
  explicit RawConnection(int port, const std::string& source_ip = "127.0.0.1");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // False when the bytes could not all be written (the server closed or reset the connection).
  bool send(const std::string& bytes);
  // Half-closes: the server reads end of file after what was sent, and can still answer.
  void finish_sending();
  // Reads until one whole response (by Content-Length), end of file or `timeout`; status 0
  // when no response came.
  HttpResult read_response(std::chrono::milliseconds timeout);
  // True once the server has closed the connection (end of file or reset) within `timeout`;
  // any bytes it sent before are kept in `received()`.
  bool closed_by_server(std::chrono::milliseconds timeout);
  const std::string& received() const { return received_; }

 private:
  int port_;
  int fd_;
  std::string sent_;  // until the response: its request line is the one checked
  std::string received_;
};

// Sends raw bytes from `source_ip` and parses whatever HTTP answer comes back.
HttpResult http_raw(int port, const std::string& bytes,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10),
                    const std::string& source_ip = "127.0.0.1");

}  // namespace mv::test
