#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "edge/sip_probe.h"
#include "edge/test_caller.h"
#include "model/api_error.h"
#include "model/rate_limiter.h"
#include "service/trunk_service.h"
#include "util/clock.h"

namespace mv::service {

// What a readiness check of a trunk found.
struct TrunkCheck {
  int sip_status = 0;
  std::string reason;
  std::int64_t latency_ms = 0;
  std::string result;  // "answered", "timeout" (nobody answered) or "unreachable" (not sent)
  std::string registration_status;
};

struct RateLimited {
  std::int64_t retry_after_s = 1;
};

using CheckOutcome = std::variant<TrunkCheck, RateLimited, model::ApiError>;

// What a test call found: the first final answer through the edge's outbound route.
struct TestCall {
  int sip_status = 0;
  std::string reason;
  std::int64_t latency_ms = 0;
  std::string call_id;
  std::string result;  // "answered" (then hung up), "rejected", "timeout" or "unreachable"
  bool ended = false;  // answered and hung up with a BYE
};

using TestCallOutcome = std::variant<TestCall, RateLimited, model::ApiError>;

// Readiness checks a customer runs before moving traffic: an OPTIONS from the edge to the
// trunk's proxy, and a short test call through the outbound route. Both share one rate limit per
// customer, so the API cannot be used to flood a carrier.
class TrunkCheckService {
 public:
  TrunkCheckService(TrunkService& trunks, edge::SipProbe& probe, edge::TestCaller& caller,
                    const util::Clock& clock, model::RateLimiter& limiter)
      : trunks_(trunks), probe_(probe), caller_(caller), clock_(clock), limiter_(limiter) {}

  CheckOutcome options(const std::string& customer_id, const std::string& trunk_id);
  TestCallOutcome test_call(const std::string& customer_id, const std::string& trunk_id,
                            const model::TestCallNumbers& numbers);

 private:
  std::optional<RateLimited> rate_limited(const std::string& customer_id);

  TrunkService& trunks_;
  edge::SipProbe& probe_;
  edge::TestCaller& caller_;
  const util::Clock& clock_;
  model::RateLimiter& limiter_;
};

// 408 is Kamailio's own answer when nobody answered; 477 and 478 mean it could not send at all.
std::string classify_probe(int sip_status);
// As classify_probe, but an answer to a call is "answered" only when it is a 2xx.
std::string classify_test_call(int sip_status);

}  // namespace mv::service
