#include "metrics/http_metrics.h"

#include <array>

namespace mv::metrics {

HttpMetrics::HttpMetrics(Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("mv_http_requests_total")
                    .Help("HTTP requests answered, by route pattern, method and status")
                    .Register(registry.families())),
      duration_(prometheus::BuildHistogram()
                    .Name("mv_http_request_duration_seconds")
                    .Help("Time to answer an HTTP request, by route pattern and method")
                    .Register(registry.families())) {}

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
  requests_
      .Add({{"route", route_label}, {"method", method_name}, {"status", std::to_string(status)}})
      .Increment();
  duration_.Add({{"route", route_label}, {"method", method_name}}, buckets_).Observe(seconds);
}

}  // namespace mv::metrics
