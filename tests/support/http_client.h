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
// as given, so tests can also send what a library client would refuse to.
HttpResult http_request(int port, const std::string& method, const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers = {},
                        const std::string& body = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Sends raw bytes and parses whatever HTTP answer comes back.
HttpResult http_raw(int port, const std::string& bytes,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace mv::test
