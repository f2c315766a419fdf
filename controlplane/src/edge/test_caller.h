#pragma once

#include <cstdint>
#include <string>

#include "model/test_call.h"
#include "model/trunk.h"

namespace mv::edge {

// The first final answer to a test call, and whether the call was ended after an answer.
struct TestCallResult {
  int sip_status = 0;
  std::string reason;
  std::int64_t latency_ms = 0;
  std::string call_id;
  std::string edge_error;  // the edge's X-MiniVoice-Error, e.g. "no_active_trunk"
  bool ended = false;      // answered, then hung up with a BYE
};

// Places a short outbound call through the edge's outbound route and hangs up at once if it is
// answered. Throws ProbeUnavailable (sip_probe.h) when no edge node could place it.
class TestCaller {
 public:
  virtual ~TestCaller() = default;
  virtual TestCallResult call(const model::Trunk& trunk, const model::TestCallNumbers& numbers) = 0;
};

}  // namespace mv::edge
