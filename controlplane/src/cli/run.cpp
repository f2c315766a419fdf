#include "cli/run.h"

#include "cli/exit_codes.h"
#include "cli/text_table.h"

namespace mv::cli {
namespace {

using Json = nlohmann::ordered_json;

// "mvctl: <code>: <message> (HTTP <status>)" from the API's error shape, or what is known
// without it.
std::string error_line(const ApiReply& reply) {
  auto body = Json::parse(reply.body, nullptr, false);
  std::string code, message;
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    const auto& error = body["error"];
    if (error.contains("code") && error["code"].is_string()) code = error["code"];
    if (error.contains("message") && error["message"].is_string()) message = error["message"];
  }
  std::string status = "(HTTP " + std::to_string(reply.status) + ")";
  if (code.empty()) return "mvctl: the API answered " + status + " without an error body";
  return "mvctl: " + printable(code) + ": " + printable(message) + " " + status;
}

}  // namespace

int execute(const Invocation& invocation, ApiTransport& transport, std::ostream& out,
            std::ostream& err) {
  auto reply = transport.send(invocation.request);
  if (reply.status == 0) {
    err << "mvctl: cannot reach the API at " << printable(invocation.api_url) << ": "
        << printable(reply.transport_error) << "\n";
    return kUnavailable;
  }
  int code = exit_code_for_status(reply.status);
  if (code != kSuccess) {
    err << error_line(reply) << "\n";
    return code;
  }
  Json body;
  if (!reply.body.empty()) {
    body = Json::parse(reply.body, nullptr, false);
    if (body.is_discarded()) {
      err << "mvctl: the API answered HTTP " << reply.status << " with a body that is not JSON\n";
      return kUnavailable;
    }
    drop_passwords(body);
  }
  if (invocation.json) {
    out << render_json(body);
    return kSuccess;
  }
  try {
    out << render_table(invocation.view, body, invocation.subject);
  } catch (const nlohmann::json::exception&) {
    err << "mvctl: the API's answer does not have the expected shape; try --json\n";
    return kUnavailable;
  }
  return kSuccess;
}

}  // namespace mv::cli
