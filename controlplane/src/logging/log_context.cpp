#include "logging/log_context.h"

#include <algorithm>

namespace mv::logging {
namespace {

struct ScopedField {
  const LogScope* owner;
  LogField field;
};

std::vector<ScopedField>& thread_fields() {
  thread_local std::vector<ScopedField> fields;
  return fields;
}

}  // namespace

LogScope::LogScope(std::vector<LogField> fields) {
  for (auto& field : fields) add(std::move(field.key), std::move(field.value));
}

LogScope::~LogScope() {
  if (!added_) return;
  std::erase_if(thread_fields(), [this](const ScopedField& entry) { return entry.owner == this; });
}

void LogScope::add(std::string key, LogValue value) {
  thread_fields().push_back({this, {std::move(key), std::move(value)}});
  added_ = true;
}

std::vector<LogField> current_log_fields() {
  std::vector<LogField> fields;
  for (const auto& entry : thread_fields()) fields.push_back(entry.field);
  return fields;
}

}  // namespace mv::logging
