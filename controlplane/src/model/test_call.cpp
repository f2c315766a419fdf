#include "model/test_call.h"

#include <algorithm>

#include "model/json_body.h"
#include "model/sip_syntax.h"

namespace mv::model {
namespace {

using json = nlohmann::json;

ApiError invalid(std::string message) { return {ErrorCode::invalid_request, std::move(message)}; }

bool is_phone_number(const std::string& value) {
  std::string_view digits = value;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  return digits.size() >= 2 && digits.size() <= 20 &&
         std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::variant<TestCallNumbers, ApiError> parse_test_call_request(std::string_view body) {
  auto parsed = parse_json_object_body(body);
  if (auto* error = std::get_if<ApiError>(&parsed)) return *error;
  const auto& document = std::get<json>(parsed);
  TestCallNumbers numbers;
  for (const auto& [key, value] : document.items()) {
    if (key != "to" && key != "from") return invalid("unknown field " + describe_key(key));
    if (!value.is_string() || !is_phone_number(value.get<std::string>())) {
      return invalid(key + ": must be a phone number: an optional '+' and 2 to 20 digits");
    }
    (key == "to" ? numbers.to : numbers.from) = value.get<std::string>();
  }
  if (numbers.to.empty()) return invalid("to: is required");
  if (numbers.from.empty()) return invalid("from: is required");
  return numbers;
}

TestCallInvite build_test_call_invite(const TestCallNumbers& numbers, const Trunk& trunk,
                                      const std::string& edge_address, const std::string& call_id,
                                      const std::string& token) {
  auto proxy_host = parse_sip_proxy(trunk.proxy).proxy->host;
  auto from_domain = trunk.from_domain.value_or(proxy_host);
  auto edge_host = edge_address.substr(0, edge_address.rfind(':'));
  TestCallInvite invite;
  invite.request_uri = "sip:" + numbers.to + "@" + edge_address;
  invite.headers = "From: <sip:" + numbers.from + "@" + from_domain + ">\r\n" +
                   "To: <sip:" + numbers.to + "@" + proxy_host + ">\r\n" + "Call-ID: " + call_id +
                   "\r\n" + "Contact: <sip:" + std::string(kTestCallContactUser) + "@" +
                   edge_address + ">\r\n" + "X-MiniVoice-Customer-Id: " + trunk.customer_id +
                   "\r\n" + "X-MiniVoice-Trunk-Id: " + trunk.id + "\r\n" +
                   "X-MiniVoice-Test-Call: " + token + "\r\n" + "Content-Type: application/sdp\r\n";
  auto ip_version = edge_host.find(':') == std::string::npos ? "IP4 " : "IP6 ";
  auto media_host =
      edge_host.front() == '[' ? edge_host.substr(1, edge_host.size() - 2) : edge_host;
  // An offer on hold: the carrier can answer it, and no RTP is expected either way.
  invite.body = std::string("v=0\r\n") + "o=minivoice 1 1 IN " + ip_version + media_host + "\r\n" +
                "s=MiniVoice test call\r\n" + "c=IN " + ip_version + media_host + "\r\n" +
                "t=0 0\r\n" + "m=audio 9 RTP/AVP 0 8\r\n" + "a=rtpmap:0 PCMU/8000\r\n" +
                "a=rtpmap:8 PCMA/8000\r\n" + "a=inactive\r\n";
  return invite;
}

}  // namespace mv::model
