#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "model/api_error.h"
#include "model/trunk.h"

namespace mv::model {

// A test call's numbers: an optional '+' and 2 to 20 digits (E.164 and national forms).
struct TestCallNumbers {
  std::string to;
  std::string from;
};

// Parses {"to": "...", "from": "..."}; nothing else is accepted.
std::variant<TestCallNumbers, ApiError> parse_test_call_request(std::string_view body);

// The INVITE a test call starts with. It is sent to the edge itself, so it takes the outbound
// route real calls take (trunk selection, From domain, digest auth, failover rules).
struct TestCallInvite {
  std::string request_uri;
  std::string headers;  // CRLF-terminated lines, as tm.t_uac_wait takes them
  std::string body;     // SDP offer; no media is ever sent
};

// The user part of the Contact a test call gives: the edge answers in-dialog requests to it.
inline constexpr std::string_view kTestCallContactUser = "mv-test-call";

// `edge_address` is host:port of the edge's own UDP socket; `trunk` has a valid proxy; `token`
// is the one-time token the edge was given for `call_id` before the INVITE is sent
// (kamailio::allow_test_call): it takes an INVITE marked X-MiniVoice-Test-Call only with it.
TestCallInvite build_test_call_invite(const TestCallNumbers& numbers, const Trunk& trunk,
                                      const std::string& edge_address, const std::string& call_id,
                                      const std::string& token);

// The final answer to a request placed with tm.t_uac_wait: [code, reason, ..., reply text].
struct UacReply {
  int sip_status = 0;
  std::string reason;
  std::string from_tag;
  std::string to_tag;
  std::string minivoice_error;  // the edge's own X-MiniVoice-Error, e.g. "no_active_trunk"
};

}  // namespace mv::model
