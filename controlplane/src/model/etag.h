#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/api_error.h"
#include "model/trunk.h"

// Entity tags and If-Match (RFC 9110 sections 8.8.3 and 13.1.1), without I/O.
namespace mv::model {

// The strong ETag of a trunk's configuration: its version (updated_ns, which moves on every
// write, never repeats and is what the store's compare-and-write checks). The read-only status
// in a trunk's view (sync, registration) is not part of it.
std::string trunk_etag(const Trunk& trunk);

// A parsed If-Match field: "*" (any current version), or the strong tags listed, quotes
// included. Weak tags are dropped when parsing: If-Match compares strongly, so they never match.
struct IfMatch {
  bool any = false;
  std::vector<std::string> strong_tags;
};

// "*" or a comma-separated list of entity tags (`"x"`, `W/"x"`); 400 when it is neither.
std::variant<IfMatch, ApiError> parse_if_match(std::string_view value);

// True when a resource whose current ETag is `current_etag` satisfies the condition.
bool if_match_passes(const IfMatch& condition, std::string_view current_etag);

}  // namespace mv::model
