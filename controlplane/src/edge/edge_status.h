#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mv::edge {

// What one Kamailio node has loaded, as last checked.
struct NodeStatus {
  std::string endpoint;
  std::string last_result = "never";  // "ok", "mismatch" or the error
  std::int64_t last_reload_unix_ns = 0;
  std::size_t expected_rows = 0;  // address rows in Redis (Kamailio's database)
  std::size_t loaded_rows = 0;    // addresses + subnets the node reports
  std::size_t reloads = 0;
};

// Where the API reads the edge's state from.
class EdgeStatusSource {
 public:
  virtual ~EdgeStatusSource() = default;
  virtual std::vector<NodeStatus> status() const = 0;
};

}  // namespace mv::edge
