#include "service/trunk_check_service.h"

#include "model/edge_rows.h"
#include "model/sip_syntax.h"
#include "store/store_unavailable.h"

namespace mv::service {

std::string classify_probe(int sip_status) {
  if (sip_status == 408) return "timeout";
  if (sip_status == 477 || sip_status == 478) return "unreachable";
  return "answered";
}

std::string classify_test_call(int sip_status) {
  auto probe = classify_probe(sip_status);
  if (probe != "answered") return probe;
  return sip_status >= 200 && sip_status < 300 ? "answered" : "rejected";
}

std::optional<RateLimited> TrunkCheckService::rate_limited(const std::string& customer_id) {
  if (auto wait_ns = limiter_.acquire(customer_id, clock_.now_unix_ns()); wait_ns > 0) {
    return RateLimited{(wait_ns + 999'999'999) / 1'000'000'000};
  }
  return std::nullopt;
}

CheckOutcome TrunkCheckService::options(const std::string& customer_id,
                                        const std::string& trunk_id) {
  auto found = trunks_.get(customer_id, trunk_id);
  if (auto* error = std::get_if<model::ApiError>(&found)) return *error;
  const auto& trunk = std::get<model::Trunk>(found);
  if (auto limited = rate_limited(customer_id)) return *limited;
  auto proxy = model::parse_sip_proxy(trunk.proxy).proxy;
  if (!proxy) return model::ApiError{model::ErrorCode::internal_error, "stored proxy is invalid"};
  try {
    auto answer = probe_.options(model::dispatcher_destination(trunk.proxy),
                                 trunk.from_domain.value_or(proxy->host));
    return TrunkCheck{answer.sip_status, answer.reason, answer.latency_ms,
                      classify_probe(answer.sip_status), model::registration_status(trunk)};
  } catch (const edge::ProbeUnavailable& e) {
    return model::ApiError{model::ErrorCode::service_unavailable,
                           std::string("the SIP edge cannot be reached: ") + e.what()};
  }
}

TestCallOutcome TrunkCheckService::test_call(const std::string& customer_id,
                                             const std::string& trunk_id,
                                             const model::TestCallNumbers& numbers) {
  auto found = trunks_.get(customer_id, trunk_id);
  if (auto* error = std::get_if<model::ApiError>(&found)) return *error;
  const auto& trunk = std::get<model::Trunk>(found);
  const model::ApiError no_active_trunk{model::ErrorCode::no_active_trunk,
                                        "no active outbound trunk available"};
  store::TrunkListQuery active_trunks;
  active_trunks.customer_id = customer_id;
  active_trunks.limit = 1;
  active_trunks.is_active = true;
  if (trunks_.list(active_trunks).total == 0) {
    return no_active_trunk;
  }
  if (!trunk.is_active) {
    return model::ApiError{model::ErrorCode::trunk_inactive,
                           "the trunk is inactive; activate it before a test call"};
  }
  if (auto limited = rate_limited(customer_id)) return *limited;
  try {
    auto call = caller_.call(trunk, numbers);
    // The edge found no usable trunk: not loaded yet, or marked down by OPTIONS probing.
    if (call.edge_error == "no_active_trunk") return no_active_trunk;
    return TestCall{call.sip_status,
                    call.reason,
                    call.latency_ms,
                    call.call_id,
                    classify_test_call(call.sip_status),
                    call.ended};
  } catch (const edge::ProbeUnavailable& e) {
    return model::ApiError{model::ErrorCode::service_unavailable,
                           std::string("the SIP edge cannot be reached: ") + e.what()};
  }
}

}  // namespace mv::service
