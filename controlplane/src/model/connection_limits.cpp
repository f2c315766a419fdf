#include "model/connection_limits.h"

#include <algorithm>

namespace mv::model {

std::vector<int> connections_to_close(std::vector<ConnectionActivity> connections,
                                      const ConnectionLimits& limits) {
  std::sort(connections.begin(), connections.end(),
            [](const auto& a, const auto& b) { return a.idle > b.idle; });
  std::vector<int> close;
  std::size_t open = connections.size();
  for (const auto& connection : connections) {
    if (connection.idle < limits.idle_timeout && open <= limits.max_connections) break;
    close.push_back(connection.fd);
    --open;
  }
  return close;
}

}  // namespace mv::model
