#pragma once

#include <optional>
#include <string>

// The one HTTP call mvctl makes per command, behind an interface so that everything else is
// tested without a network (the cpprestsdk implementation is in http/cpprest_api_transport.h).
namespace mv::cli {

struct ApiRequest {
  std::string method;
  std::string target;  // path and query, percent-encoded: "/v1/trunks?limit=10"
  std::optional<std::string> json_body;

  bool operator==(const ApiRequest&) const = default;
};

struct ApiReply {
  int status = 0;  // 0: no HTTP answer (see transport_error)
  std::string body;
  std::string transport_error;  // why there was no answer: refused, timed out, bad URL
};

class ApiTransport {
 public:
  virtual ~ApiTransport() = default;
  // Sends the request with the key as Bearer token; never throws.
  virtual ApiReply send(const ApiRequest& request) = 0;
};

}  // namespace mv::cli
