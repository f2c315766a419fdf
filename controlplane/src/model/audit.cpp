#include "model/audit.h"

#include <charconv>

namespace mv::model {
namespace {

nlohmann::ordered_json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

// The writable fields of a trunk as the audit shows them, in the API's order; the password
// masked.
nlohmann::ordered_json audited_fields(const Trunk& trunk) {
  return {
      {"name", trunk.name},
      {"gateway_name", optional_json(trunk.gateway_name)},
      {"proxy", trunk.proxy},
      {"username", optional_json(trunk.username)},
      {"password",
       trunk.password ? nlohmann::ordered_json(kMaskedPassword) : nlohmann::ordered_json(nullptr)},
      {"realm", optional_json(trunk.realm)},
      {"from_domain", optional_json(trunk.from_domain)},
      {"inbound_ip", optional_json(trunk.inbound_ip)},
      {"is_active", trunk.is_active},
      {"register", trunk.register_requested ? nlohmann::ordered_json(*trunk.register_requested)
                                            : nlohmann::ordered_json(nullptr)},
  };
}

AuditEntry entry(std::string operation, const Actor& actor, const Trunk& trunk,
                 std::int64_t at_ns) {
  return {std::move(operation), trunk.id, actor.customer_id,
          actor.key_id,         at_ns,    nlohmann::ordered_json::object()};
}

bool is_u64(std::string_view digits) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return !digits.empty() && ec == std::errc{} && end == digits.data() + digits.size();
}

}  // namespace

AuditEntry audit_create(const Actor& actor, const Trunk& created, std::int64_t at_ns) {
  auto result = entry("create", actor, created, at_ns);
  auto fields = audited_fields(created);
  for (const auto& [name, value] : fields.items()) {
    if (!value.is_null()) result.changes[name] = value;
  }
  return result;
}

AuditEntry audit_update(const Actor& actor, const Trunk& before, const Trunk& after,
                        std::int64_t at_ns) {
  auto result = entry("update", actor, after, at_ns);
  auto old_fields = audited_fields(before);
  auto new_fields = audited_fields(after);
  for (const auto& [name, value] : new_fields.items()) {
    // A new password differs from the old one although both show as "***".
    bool changed =
        name == "password" ? before.password != after.password : old_fields[name] != value;
    if (changed) result.changes[name] = value;
  }
  return result;
}

AuditEntry audit_delete(const Actor& actor, const Trunk& deleted, std::int64_t at_ns) {
  return entry("delete", actor, deleted, at_ns);
}

std::vector<std::pair<std::string, std::string>> audit_fields(const AuditEntry& entry) {
  return {{"operation", entry.operation},      {"trunk_id", entry.trunk_id},
          {"customer_id", entry.customer_id},  {"key_id", entry.key_id},
          {"at", format_rfc3339(entry.at_ns)}, {"changes", entry.changes.dump()}};
}

nlohmann::ordered_json audit_entry_json(std::string_view id,
                                        const std::map<std::string, std::string>& fields) {
  auto field = [&](const char* name) {
    auto it = fields.find(name);
    return it == fields.end() ? nlohmann::ordered_json(nullptr)
                              : nlohmann::ordered_json(it->second);
  };
  auto changes = nlohmann::ordered_json(nullptr);
  if (auto it = fields.find("changes"); it != fields.end()) {
    changes = nlohmann::ordered_json::parse(it->second, nullptr, false);
    if (changes.is_discarded()) changes = nullptr;
  }
  return {{"id", std::string(id)},
          {"at", field("at")},
          {"operation", field("operation")},
          {"trunk_id", field("trunk_id")},
          {"customer_id", field("customer_id")},
          {"key_id", field("key_id")},
          {"changes", std::move(changes)}};
}

bool is_stream_id(std::string_view id) {
  auto dash = id.find('-');
  if (dash == std::string_view::npos) return false;
  auto is_digits = [](std::string_view part) {
    return !part.empty() && part.find_first_not_of("0123456789") == std::string_view::npos;
  };
  auto ms = id.substr(0, dash), sequence = id.substr(dash + 1);
  return is_digits(ms) && is_digits(sequence) && is_u64(ms) && is_u64(sequence);
}

}  // namespace mv::model
