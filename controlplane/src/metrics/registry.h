#pragma once

#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

namespace mv::metrics {

// Request latencies: 1 ms to 10 s.
prometheus::Histogram::BucketBoundaries latency_buckets();

// The daemon's metrics on prometheus-cpp's core library: the families it owns (families(),
// created once at wiring, updated from any thread) and sources it asks at each scrape (views
// computed then: edge status, registrations, the NOC's counts). Sources must outlive the
// registry's last render(). The daemon's own HTTP server serves render().
class Registry {
 public:
  prometheus::Registry& families() { return families_; }
  void add_source(const prometheus::Collectable& source);

  // The text exposition format 0.0.4: owned families (those with a series), then each source's.
  std::string render() const;

 private:
  prometheus::Registry families_;
  mutable std::mutex mutex_;
  std::vector<const prometheus::Collectable*> sources_;
};

// A family a source computes at scrape time, its samples added one by one.
using Labels = std::vector<std::pair<std::string, std::string>>;
prometheus::MetricFamily gauge_family(std::string name, std::string help);
prometheus::MetricFamily counter_family(std::string name, std::string help);
// A sample of a gauge or counter family.
void add_sample(prometheus::MetricFamily& family, const Labels& labels, double value);

}  // namespace mv::metrics
