#pragma once

#include <string>
#include <string_view>

#include "metrics/registry.h"

namespace mv::metrics {

// Requests by route pattern (never the raw path: ids would make the label set unbounded),
// method and status, and their latency.
class HttpMetrics {
 public:
  explicit HttpMetrics(Registry& registry);

  // `route`: the matched pattern, e.g. /v1/trunks/{id}; empty when no route matched.
  void observe(std::string_view route, std::string_view method, int status, double seconds);

  // The label for a method: the standard ones as they are, anything else "other".
  static std::string method_label(std::string_view method);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
  const prometheus::Histogram::BucketBoundaries buckets_ = latency_buckets();
};

}  // namespace mv::metrics
