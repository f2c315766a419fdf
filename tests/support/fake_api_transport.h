#pragma once

#include <vector>

#include "cli/api_transport.h"

namespace mv::test {

// mvctl's HTTP call, answered with a scripted reply; remembers what was sent.
class FakeApiTransport final : public cli::ApiTransport {
 public:
  cli::ApiReply reply{200, "{}", {}};
  std::vector<cli::ApiRequest> sent;

  cli::ApiReply send(const cli::ApiRequest& request) override {
    sent.push_back(request);
    return reply;
  }
};

}  // namespace mv::test
