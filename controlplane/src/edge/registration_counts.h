#pragma once

#include <cstddef>
#include <map>
#include <string>

namespace mv::edge {

// How many trunks' registrations are in each state (REGED, TRYING, ...), as last polled: read
// at every metrics scrape, so it is kept in memory rather than scanned from Redis.
class RegistrationCounts {
 public:
  virtual ~RegistrationCounts() = default;
  virtual std::map<std::string, std::size_t> count_by_state() const = 0;
};

}  // namespace mv::edge
