#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mv::metrics {

// Label name -> value, in the order they are written.
using Labels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { counter, gauge, histogram };

// Writes the Prometheus text exposition format 0.0.4: per family one # HELP and one # TYPE line,
// then its samples. A family written twice, a sample outside the current family or a malformed
// name is a programming error and throws std::logic_error.
class MetricsWriter {
 public:
  void family(std::string_view name, std::string_view help, MetricType type);
  // `name` is the family's name, or for a histogram the family's name + _bucket, _sum or _count.
  void sample(std::string_view name, const Labels& labels, double value);
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::string family_;
  MetricType type_ = MetricType::gauge;
  std::set<std::string, std::less<>> written_;
};

// A label value with \, " and newline escaped and invalid UTF-8 replaced, without the quotes.
std::string escape_label_value(std::string_view value);
// HELP text: \ and newline escaped.
std::string escape_help(std::string_view help);
// Shortest text that reads back as the same double; +Inf, -Inf, NaN as Prometheus spells them.
std::string format_value(double value);
bool is_metric_name(std::string_view name);
bool is_label_name(std::string_view name);

// Anything that adds families to a scrape: the registry's own families, and views computed at
// scrape time (edge status, registrations, the NOC's drift and dispatcher state).
class MetricsSource {
 public:
  virtual ~MetricsSource() = default;
  virtual void collect(MetricsWriter& out) const = 0;
};

}  // namespace mv::metrics
