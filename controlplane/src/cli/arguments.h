#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cli/api_transport.h"
#include "cli/render.h"

// mvctl's command line: from argv (and the environment, through a lookup function) to the one
// API request a command makes and how to show its answer. No I/O.
namespace mv::cli {

inline constexpr std::string_view kDefaultApiUrl = "http://127.0.0.1:8080";

struct Invocation {
  std::string api_url;  // without a trailing '/'
  std::string api_key;
  bool json = false;
  std::chrono::seconds timeout{15};
  ApiRequest request;
  View view = View::trunk;
  std::string subject;  // the id a delete or revoke is about
};

// The command line was handled without calling the API: help (exit 0) or a usage error (2).
struct EarlyExit {
  int exit_code = 0;
  std::string out;
  std::string err;
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// `args` without the program name. Flags win over MV_API_URL / MV_API_KEY.
std::variant<Invocation, EarlyExit> parse_arguments(const std::vector<std::string>& args,
                                                    const EnvLookup& env);

// One path segment, percent-encoded (RFC 3986 unreserved characters stay as they are).
std::string encode_segment(std::string_view text);

}  // namespace mv::cli
