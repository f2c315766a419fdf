#pragma once

#include <stdexcept>
#include <string>

namespace mv::store {

// Infrastructure failure (Redis down, stalled or refusing): answered once, as 503, by the API
// wrapper. The message is for logs and never carries request data.
class StoreUnavailable : public std::runtime_error {
 public:
  explicit StoreUnavailable(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace mv::store
