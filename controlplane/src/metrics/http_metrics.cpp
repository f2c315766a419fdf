#include "metrics/http_metrics.h"

#include <array>

namespace mv::metrics {

HttpMetrics::HttpMetrics(Registry& registry)
    : requests_(registry.counter("mv_http_requests_total",
                                 "HTTP requests answered, by route pattern, method and status",
                                 {"route", "method", "status"})),
      duration_(registry.histogram("mv_http_request_duration_seconds",
                                   "Time to answer an HTTP request, by route pattern and method",
                                   {"route", "method"}, latency_buckets())) {}

std::string HttpMetrics::method_label(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kMethods{"GET",   "HEAD",   "POST",   "PUT",
                                                            "PATCH", "DELETE", "OPTIONS"};
  for (auto known : kMethods) {
    if (method == known) return std::string(known);
  }
  return "other";
}

void HttpMetrics::observe(std::string_view route, std::string_view method, int status,
                          double seconds) {
  std::string route_label = route.empty() ? "unmatched" : std::string(route);
  auto method_name = method_label(method);
  requests_.inc({route_label, method_name, std::to_string(status)});
  duration_.observe({route_label, method_name}, seconds);
}

}  // namespace mv::metrics
