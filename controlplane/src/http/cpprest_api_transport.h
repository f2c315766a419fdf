#pragma once

#include <chrono>
#include <string>

#include "cli/api_transport.h"

namespace mv::http {

// mvctl's HTTP call with cpprestsdk's client: `Authorization: Bearer <key>` against `base_url`.
class CpprestApiTransport final : public cli::ApiTransport {
 public:
  CpprestApiTransport(std::string base_url, std::string api_key, std::chrono::seconds timeout)
      : base_url_(std::move(base_url)), api_key_(std::move(api_key)), timeout_(timeout) {}

  cli::ApiReply send(const cli::ApiRequest& request) override;

 private:
  std::string base_url_;
  std::string api_key_;
  std::chrono::seconds timeout_;
};

}  // namespace mv::http
