#include "metrics/registry.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mv::metrics {

Family::Family(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {
  if (!is_metric_name(name_)) throw std::logic_error("bad metric name: " + name_);
  for (const auto& label : label_names_) {
    if (!is_label_name(label) || label == "le") {
      throw std::logic_error(name_ + ": bad label name " + label);
    }
  }
}

void Family::check(const LabelValues& values) const {
  if (values.size() != label_names_.size()) {
    throw std::logic_error(name_ + ": expected " + std::to_string(label_names_.size()) +
                           " label values, got " + std::to_string(values.size()));
  }
}

Labels Family::labels(const LabelValues& values) const {
  Labels out;
  for (std::size_t i = 0; i < values.size(); ++i) out.emplace_back(label_names_[i], values[i]);
  return out;
}

void CounterFamily::inc(const LabelValues& values, double by) {
  check(values);
  if (by < 0) throw std::logic_error(name_ + ": a counter only goes up");
  std::lock_guard lock(mutex_);
  series_[values] += by;
}

double CounterFamily::value(const LabelValues& values) const {
  std::lock_guard lock(mutex_);
  auto it = series_.find(values);
  return it == series_.end() ? 0 : it->second;
}

void CounterFamily::collect(MetricsWriter& out) const {
  std::lock_guard lock(mutex_);
  out.family(name_, help_, MetricType::counter);
  // A family without labels exists from the start, at 0.
  if (label_names_.empty() && series_.empty()) out.sample(name_, {}, 0);
  for (const auto& [values, value] : series_) out.sample(name_, labels(values), value);
}

void GaugeFamily::set(const LabelValues& values, double value) {
  check(values);
  std::lock_guard lock(mutex_);
  series_[values] = value;
}

double GaugeFamily::value(const LabelValues& values) const {
  std::lock_guard lock(mutex_);
  auto it = series_.find(values);
  return it == series_.end() ? 0 : it->second;
}

void GaugeFamily::collect(MetricsWriter& out) const {
  std::lock_guard lock(mutex_);
  out.family(name_, help_, MetricType::gauge);
  for (const auto& [values, value] : series_) out.sample(name_, labels(values), value);
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names, std::vector<double> bounds)
    : Family(std::move(name), std::move(help), std::move(label_names)), bounds_(std::move(bounds)) {
  if (bounds_.empty() || !std::is_sorted(bounds_.begin(), bounds_.end()) ||
      std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end()) {
    throw std::logic_error(name_ + ": buckets must be ascending and distinct");
  }
}

void HistogramFamily::observe(const LabelValues& values, double observed) {
  check(values);
  // The first bucket whose upper bound holds the value; past the last bound: +Inf.
  auto bucket = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), observed) - bounds_.begin());
  std::lock_guard lock(mutex_);
  auto& series = series_[values];
  if (series.buckets.empty()) series.buckets.resize(bounds_.size() + 1);
  ++series.buckets[bucket];
  series.sum += observed;
  ++series.count;
}

std::uint64_t HistogramFamily::count(const LabelValues& values) const {
  std::lock_guard lock(mutex_);
  auto it = series_.find(values);
  return it == series_.end() ? 0 : it->second.count;
}

void HistogramFamily::collect(MetricsWriter& out) const {
  std::lock_guard lock(mutex_);
  out.family(name_, help_, MetricType::histogram);
  for (const auto& [values, series] : series_) {
    auto base = labels(values);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += series.buckets[i];
      auto with_le = base;
      with_le.emplace_back("le",
                           i < bounds_.size() ? format_value(bounds_[i]) : format_value(HUGE_VAL));
      out.sample(name_ + "_bucket", with_le, static_cast<double>(cumulative));
    }
    out.sample(name_ + "_sum", base, series.sum);
    out.sample(name_ + "_count", base, static_cast<double>(series.count));
  }
}

std::vector<double> latency_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

template <typename T, typename... Args>
T& Registry::add_family(Args&&... args) {
  auto family = std::make_unique<T>(std::forward<Args>(args)...);
  std::lock_guard lock(mutex_);
  for (const auto& existing : families_) {
    if (existing->name() == family->name()) {
      throw std::logic_error("metric family registered twice: " + family->name());
    }
  }
  auto& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

CounterFamily& Registry::counter(std::string name, std::string help,
                                 std::vector<std::string> labels) {
  return add_family<CounterFamily>(std::move(name), std::move(help), std::move(labels));
}

GaugeFamily& Registry::gauge(std::string name, std::string help, std::vector<std::string> labels) {
  return add_family<GaugeFamily>(std::move(name), std::move(help), std::move(labels));
}

HistogramFamily& Registry::histogram(std::string name, std::string help,
                                     std::vector<std::string> labels, std::vector<double> bounds) {
  return add_family<HistogramFamily>(std::move(name), std::move(help), std::move(labels),
                                     std::move(bounds));
}

void Registry::add_source(const MetricsSource& source) {
  std::lock_guard lock(mutex_);
  sources_.push_back(&source);
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  MetricsWriter out;
  for (const auto& family : families_) family->collect(out);
  for (const auto* source : sources_) source->collect(out);
  return out.text();
}

}  // namespace mv::metrics
