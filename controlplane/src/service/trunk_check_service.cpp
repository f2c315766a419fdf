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

CheckOutcome TrunkCheckService::options(const std::string& customer_id,
                                        const std::string& trunk_id) {
  auto found = trunks_.get(customer_id, trunk_id);
  if (auto* error = std::get_if<model::ApiError>(&found)) return *error;
  const auto& trunk = std::get<model::Trunk>(found);
  if (auto wait_ns = limiter_.acquire(customer_id, clock_.now_unix_ns()); wait_ns > 0) {
    return RateLimited{(wait_ns + 999'999'999) / 1'000'000'000};
  }
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

}  // namespace mv::service
