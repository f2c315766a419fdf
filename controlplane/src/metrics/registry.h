#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "metrics/metrics_writer.h"

namespace mv::metrics {

// Label values in the order of the family's label names.
using LabelValues = std::vector<std::string>;

// What every family shares: its name, help, label names, and a lock around its series.
class Family : public MetricsSource {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names);

  const std::string& name() const { return name_; }

 protected:
  // Throws std::logic_error when the values do not match the label names one to one.
  void check(const LabelValues& values) const;
  Labels labels(const LabelValues& values) const;

  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  mutable std::mutex mutex_;
};

// Monotonic counts per label set.
class CounterFamily final : public Family {
 public:
  using Family::Family;
  void inc(const LabelValues& values, double by = 1);
  double value(const LabelValues& values) const;  // 0 for a series never incremented
  void collect(MetricsWriter& out) const override;

 private:
  std::map<LabelValues, double> series_;
};

// Values that go up and down, per label set.
class GaugeFamily final : public Family {
 public:
  using Family::Family;
  void set(const LabelValues& values, double value);
  double value(const LabelValues& values) const;
  void collect(MetricsWriter& out) const override;

 private:
  std::map<LabelValues, double> series_;
};

// Observations counted into fixed buckets (upper bounds, ascending; +Inf is implied).
class HistogramFamily final : public Family {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds);
  void observe(const LabelValues& values, double observed);
  std::uint64_t count(const LabelValues& values) const;
  void collect(MetricsWriter& out) const override;

 private:
  struct Series {
    std::vector<std::uint64_t> buckets;  // per bound, not cumulative; last is +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  std::vector<double> bounds_;
  std::map<LabelValues, Series> series_;
};

// Request latencies: 1 ms to 10 s.
std::vector<double> latency_buckets();

// The daemon's metrics: families it owns (created once at wiring, updated from any thread) and
// sources it asks at each scrape. Sources must outlive the registry's last render().
class Registry {
 public:
  CounterFamily& counter(std::string name, std::string help, std::vector<std::string> labels);
  GaugeFamily& gauge(std::string name, std::string help, std::vector<std::string> labels);
  HistogramFamily& histogram(std::string name, std::string help, std::vector<std::string> labels,
                             std::vector<double> bounds);
  void add_source(const MetricsSource& source);

  // The text exposition format 0.0.4: owned families in creation order, then each source.
  std::string render() const;

 private:
  template <typename T, typename... Args>
  T& add_family(Args&&... args);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Family>> families_;
  std::vector<const MetricsSource*> sources_;
};

}  // namespace mv::metrics
