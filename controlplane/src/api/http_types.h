#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/api_error.h"

// HTTP as the handlers see it: plain data, no transport library types, so the server adapter
// can be swapped without touching a handler.
namespace mv::api {

struct HttpRequest {
  std::string method;
  std::string path;                                          // percent-encoded, without the query
  std::string query;                                         // raw, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  bool body_over_limit = false;  // the transport refused to read a body over the size limit
  // The transport refused the request (over one of its limits, or its body never came): answered
  // with this error before anything else is looked at.
  std::optional<model::ApiError> transport_error = std::nullopt;

  std::optional<std::string> header(std::string_view lower_case_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_case_name) return value;
    }
    return std::nullopt;
  }
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Splits "a=1&b=x%20y" into decoded pairs; nullopt when an escape is malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view query);
// A list's `limit` parameter: an integer from 1 to 1000; nullopt otherwise.
std::optional<std::size_t> parse_page_limit(std::string_view value);

}  // namespace mv::api
