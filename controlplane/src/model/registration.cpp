#include "model/registration.h"

namespace mv::model {
namespace {

bool is_failure(const std::string& state) { return state == "FAILED" || state == "FAIL_WAIT"; }

}  // namespace

Registration next_registration(const std::optional<Registration>& previous,
                               const std::string& state, std::int64_t now_ns,
                               std::int64_t expires_at_ns, std::optional<std::string> error) {
  Registration next;
  next.state = state;
  next.since_ns = previous && previous->state == state ? previous->since_ns : now_ns;
  next.expires_at_ns = state == "REGED" ? expires_at_ns : 0;
  next.failures = previous ? previous->failures : 0;
  next.last_error = previous ? previous->last_error : std::nullopt;
  if (state == "REGED") next.failures = 0;
  if (is_failure(state) && !(previous && is_failure(previous->state))) ++next.failures;
  if (error) next.last_error = std::move(error);
  return next;
}

}  // namespace mv::model
