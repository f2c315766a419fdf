#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/trunk.h"

// Registration states as operators know them from FreeSWITCH gateways, derived from what
// Kamailio's uac module reports (uac.reg_dump: a flags bitmask and the expiry; no reply codes).
// Pure: the poller feeds it, the API shows the result.
namespace mv::model {

// REGED      registered (flag 4 and a non-zero expiry)
// TRYING     a REGISTER is out (flag 2), or the record is loaded and waits for its first one
// FAILED     the last attempt got an error reply (`error_reply` known), waiting to retry
// FAIL_WAIT  the last attempt got no answer, waiting to retry (initialised, neither in progress
//            nor registered)
// UNREGED    disabled, or un-registered (registered flag with expiry 0)
// (kamailio::decode_registrations derives them from uac.reg_dump.)

// The stored registration after a poll saw `state`: `since` moves only when the state changes,
// a new failure counts once, success clears the count; the last error is kept as history.
Registration next_registration(const std::optional<Registration>& previous,
                               const std::string& state, std::int64_t now_ns,
                               std::int64_t expires_at_ns, std::optional<std::string> error);

}  // namespace mv::model
