// POST /v1/trunks/{id}/test-call bodies: parse_test_call_request.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "fuzz_checks.h"
#include "model/test_call.h"

namespace {

using namespace mv;
using fuzz::require;

// An optional '+' and 2 to 20 digits: nothing else may reach a Request-URI or a From user.
bool is_phone_number(std::string_view number) {
  if (!number.empty() && number.front() == '+') number.remove_prefix(1);
  return number.size() >= 2 && number.size() <= 20 &&
         std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

model::Trunk test_trunk() {
  model::Trunk trunk;
  trunk.id = "trunk_20260529T120000.000000000";
  trunk.customer_id = "cust_123";
  trunk.name = "primary-outbound";
  trunk.proxy = "sip:sip.example.net:5080;transport=tcp";
  trunk.from_domain = "example.org";
  return trunk;
}

// Every header line ends in CRLF and holds no other CR or LF; the Request-URI has no space.
void require_well_formed(const model::TestCallInvite& invite) {
  require(!fuzz::has_sip_breaking_byte(invite.request_uri), "the Request-URI is one token");
  std::string_view headers = invite.headers;
  while (!headers.empty()) {
    auto end = headers.find("\r\n");
    require(end != std::string_view::npos, "a header line ends in CRLF");
    auto line = headers.substr(0, end);
    require(line.find_first_of("\r\n") == std::string_view::npos, "a header line has no CR or LF");
    require(line.find(": ") != std::string_view::npos, "a header line is 'Name: value'");
    headers.remove_prefix(end + 2);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = model::parse_test_call_request(body);
  if (const auto* error = std::get_if<model::ApiError>(&parsed)) {
    require(error->code == model::ErrorCode::invalid_request, "a bad body is invalid_request");
    fuzz::require_clean_error(*error);
    return 0;
  }
  const auto& numbers = std::get<model::TestCallNumbers>(parsed);
  require(is_phone_number(numbers.to), "'to' is a phone number");
  require(is_phone_number(numbers.from), "'from' is a phone number");
  require_well_formed(
      model::build_test_call_invite(numbers, test_trunk(), "127.0.0.1:5060", "c1", "t1"));

  nlohmann::json again = {{"to", numbers.to}};
  again["from"] = numbers.from;
  auto reparsed = model::parse_test_call_request(again.dump());
  require(std::holds_alternative<model::TestCallNumbers>(reparsed), "accepted numbers parse again");
  const auto& same = std::get<model::TestCallNumbers>(reparsed);
  require(same.to == numbers.to && same.from == numbers.from, "accepted numbers are kept as sent");
  return 0;
}
