// A whole request through ApiService::handle (routing, body limits, media type, Bearer auth,
// handlers, service) over fakes. Input, HTTP-like:
//   METHOD /path?query
//   name: value          (any number of header lines)
//
//   body
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/api_service.h"
#include "api/routes.h"
#include "fuzz_checks.h"
#include "fuzz_keys.h"
#include "support/fake_api.h"

namespace {

using namespace mv;
using fuzz::require;

constexpr std::string_view kStoredPassword = "pw-Stored-7";

// The daemon as main.cpp wires it, with fakes behind it and its log captured.
struct Daemon : test::FakeApiServices {
  std::ostringstream log_text;
  api::ApiService api{api::build_router(targets(), "openapi: 3.1.0\n",
                                        api::noc_page_files("<html>", "body{}", "0;")),
                      keys,
                      std::make_shared<spdlog::logger>(
                          "fuzz", std::make_shared<spdlog::sinks::ostream_sink_st>(log_text))};

  Daemon() {
    fuzz::add_fixed_keys(keys);
    model::Trunk trunk;
    trunk.id = "trunk_20260529T120000.000000000";
    trunk.customer_id = fuzz::kCustomerKey.customer_id;
    trunk.name = "primary-outbound";
    trunk.proxy = "sip.example.net";
    trunk.username = "user1";
    trunk.password = std::string(kStoredPassword);
    trunk.gateway_name = "primary";
    trunk.created_ns = trunk.updated_ns = 1'780'056'000'000'000'000;
    trunk_store.trunks[trunk.id] = trunk;
  }
};

api::HttpRequest parse_request(std::string_view input) {
  api::HttpRequest request;
  auto [request_line, rest] = fuzz::split_line(input);
  auto space = request_line.find(' ');
  request.method = std::string(request_line.substr(0, space));
  auto target = space == std::string_view::npos ? "" : request_line.substr(space + 1);
  auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  while (!rest.empty()) {
    auto [line, after] = fuzz::split_line(rest);
    rest = after;
    if (line.empty()) break;
    auto colon = line.find(':');
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(std::move(name), std::string(value));
  }
  request.body = std::string(rest);
  return request;
}

bool is_valid_bearer(const std::optional<std::string>& header, const fuzz::FixedKey& key) {
  if (!header) return false;
  std::string lowered = header->substr(0, 7);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lowered == "bearer " && header->substr(7) == key.token();
}

void check_response(const api::HttpRequest& request, const api::HttpResponse& response) {
  static constexpr int kStatuses[] = {200, 201, 204, 400, 401, 403, 404,
                                      405, 409, 412, 413, 415, 429, 503};
  require(
      std::find(std::begin(kStatuses), std::end(kStatuses), response.status) != std::end(kStatuses),
      "a documented status (never 500)");
  for (const auto& [name, value] : response.headers) {
    require(name.find_first_of("\r\n") == std::string::npos &&
                value.find_first_of("\r\n") == std::string::npos,
            "no CR or LF in a response header");
  }
  if (response.status >= 400) {
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    require(body.is_object() && body.size() == 1 && body.contains("error"), "the error shape");
    const auto& error = body["error"];
    require(error.is_object() && error.contains("code") && error["code"].is_string() &&
                error.contains("message") && error["message"].is_string() &&
                !error["message"].get<std::string>().empty(),
            "an error has a code and a message");
  }
  bool admin_path = request.path == "/v1/edge/status" || request.path == "/v1/audit";
  bool protected_path = request.path.starts_with("/v1/trunks") || admin_path;
  if (response.status < 300 && protected_path) {
    auto authorization = request.header("authorization");
    bool customer = is_valid_bearer(authorization, fuzz::kCustomerKey);
    bool admin = is_valid_bearer(authorization, fuzz::kAdminKey);
    require(customer || admin, "success needs a valid key");
    require(admin || !admin_path, "the edge status and the audit trail need an admin key");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Daemon daemon;
  auto request = parse_request(input);
  auto response = daemon.api.handle(request);
  check_response(request, response);

  // Secrets the client did not send itself never come back, in the answer or in the log.
  auto log = daemon.log_text.str();
  for (std::string_view secret : {std::string_view(fuzz::kCustomerKey.secret),
                                  std::string_view(fuzz::kAdminKey.secret), kStoredPassword}) {
    if (fuzz::contains(input, secret)) continue;
    require(!fuzz::contains(response.body, secret), "no secret in a response");
    require(!fuzz::contains(log, secret), "no secret in the log");
  }
  return 0;
}
