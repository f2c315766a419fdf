// Routing and the query string: Router::match over the daemon's real route table, and
// parse_list_query. Input: "METHOD /path?query" (a request line without the HTTP version).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "api/routes.h"
#include "api/trunk_handlers.h"
#include "fuzz_checks.h"
#include "model/sip_syntax.h"
#include "support/fake_api.h"

namespace {

using namespace mv;
using fuzz::require;

// The route table as main.cpp builds it; the handlers are never called here.
struct RouteTable {
  test::FakeApiServices services;
  api::Router router = api::build_router(services.targets(), "openapi: 3.1.0\n",
                                         api::noc_page_files("<html>", "body{}", "0;"));
};

// The route's pattern with each {name} replaced by its captured segment.
std::string expand(const std::string& pattern, const std::map<std::string, std::string>& params) {
  std::string path;
  std::size_t at = 0;
  while (at < pattern.size()) {
    auto open = pattern.find('{', at);
    if (open == std::string::npos) break;
    auto close = pattern.find('}', open);
    path += pattern.substr(at, open - at) + params.at(pattern.substr(open + 1, close - open - 1));
    at = close + 1;
  }
  return path + pattern.substr(std::min(at, pattern.size()));
}

void check_route(const api::Router& router, const std::string& method, const std::string& path) {
  auto match = router.match(method, path);
  if (match.route) {
    require(match.route->method == method, "a match has the request's method");
    for (const auto& [name, segment] : match.path_params) {
      require(!segment.empty() && segment.find('/') == std::string::npos,
              "a path parameter is one non-empty segment");
    }
    require(expand(match.route->pattern, match.path_params) == path,
            "the pattern with its parameters is the path");
    return;
  }
  require(match.path_params.empty(), "no parameters without a match");
  for (const auto& allowed : match.allowed_methods) {
    require(allowed != method, "a listed method is not the request's");
    bool known = std::any_of(router.routes().begin(), router.routes().end(),
                             [&](const api::Route& route) { return route.method == allowed; });
    require(known, "a listed method is in the table");
  }
}

void check_query(std::string_view raw) {
  auto parsed = api::parse_list_query(raw);
  if (const auto* error = std::get_if<model::ApiError>(&parsed)) {
    require(error->code == model::ErrorCode::invalid_request, "a bad query is invalid_request");
    fuzz::require_clean_error(*error);
    return;
  }
  const auto& query = std::get<store::TrunkListQuery>(parsed);
  require(query.limit >= 1 && query.limit <= 1000, "limit is 1..1000");
  require(!query.starting_after || model::is_trunk_id(*query.starting_after),
          "starting_after is a trunk id");
  require(!query.gateway_name ||
              (query.gateway_name->size() <= 64 && model::is_gateway_name(*query.gateway_name)),
          "gateway_name is a gateway name");
  require(query.customer_id.empty(), "the query never sets the customer");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const RouteTable table;
  auto line = fuzz::split_line({reinterpret_cast<const char*>(data), size}).first;
  auto space = line.find(' ');
  std::string method(line.substr(0, space));
  std::string_view target = space == std::string_view::npos ? "" : line.substr(space + 1);
  auto question = target.find('?');
  std::string path(target.substr(0, question));
  auto query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

  check_route(table.router, method, path);
  check_query(query);
  return 0;
}
