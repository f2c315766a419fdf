#include "metrics/metrics_writer.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "util/utf8.h"

namespace mv::metrics {
namespace {

bool is_name(std::string_view name, bool colon_allowed) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_allowed && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

const char* type_name(MetricType type) {
  switch (type) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

bool is_metric_name(std::string_view name) { return is_name(name, true); }

bool is_label_name(std::string_view name) {
  return is_name(name, false) && !name.starts_with("__");
}

std::string escape_label_value(std::string_view value) {
  std::string valid;
  util::append_valid_utf8(valid, value);
  std::string out;
  out.reserve(valid.size());
  for (char c : valid) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

void MetricsWriter::family(std::string_view name, std::string_view help, MetricType type) {
  if (!is_metric_name(name)) throw std::logic_error("bad metric name: " + std::string(name));
  if (!written_.insert(std::string(name)).second) {
    throw std::logic_error("metric family written twice: " + std::string(name));
  }
  family_ = name;
  type_ = type;
  text_ += "# HELP " + family_ + " " + escape_help(help) + "\n";
  text_ += "# TYPE " + family_ + " " + type_name(type) + "\n";
}

void MetricsWriter::sample(std::string_view name, const Labels& labels, double value) {
  bool in_family = name == family_;
  if (type_ == MetricType::histogram && name.starts_with(family_)) {
    auto suffix = name.substr(family_.size());
    in_family = suffix == "_bucket" || suffix == "_sum" || suffix == "_count";
  }
  if (family_.empty() || !in_family) {
    throw std::logic_error("sample " + std::string(name) + " outside its family");
  }
  text_ += name;
  if (!labels.empty()) {
    text_ += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (!is_label_name(labels[i].first)) {
        throw std::logic_error("bad label name: " + labels[i].first);
      }
      if (i > 0) text_ += ',';
      text_ += labels[i].first + "=\"" + escape_label_value(labels[i].second) + '"';
    }
    text_ += '}';
  }
  text_ += ' ' + format_value(value) + '\n';
}

}  // namespace mv::metrics
