#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/trunk.h"

// The audit trail of trunk writes, without I/O: what one entry says and how it is shown.
namespace mv::model {

// Who made a write: the API key and the customer it belongs to.
struct Actor {
  std::string key_id;
  std::string customer_id;
};

// One write. `changes` holds each written field's new value (create: every field set; update:
// only fields that changed; delete: none); a password is always "***" (null when cleared).
struct AuditEntry {
  std::string operation;  // "create", "update", "delete"
  std::string trunk_id;
  std::string customer_id;  // the key's customer, which owns the trunk
  std::string key_id;
  std::int64_t at_ns = 0;
  nlohmann::ordered_json changes = nlohmann::ordered_json::object();
};

inline constexpr std::string_view kMaskedPassword = "***";

AuditEntry audit_create(const Actor& actor, const Trunk& created, std::int64_t at_ns);
AuditEntry audit_update(const Actor& actor, const Trunk& before, const Trunk& after,
                        std::int64_t at_ns);
AuditEntry audit_delete(const Actor& actor, const Trunk& deleted, std::int64_t at_ns);

// The entry as stream fields (name, value): operation, trunk_id, customer_id, key_id, at
// (RFC 3339), changes (a JSON object).
std::vector<std::pair<std::string, std::string>> audit_fields(const AuditEntry& entry);

// An entry as the API shows it: {"id", "at", "operation", "trunk_id", "customer_id", "key_id",
// "changes"}, from its stream id and fields. A field missing from storage shows as null.
nlohmann::ordered_json audit_entry_json(std::string_view id,
                                        const std::map<std::string, std::string>& fields);

// A complete Redis stream id, "<milliseconds>-<sequence>", each part a 64-bit unsigned number.
bool is_stream_id(std::string_view id);

}  // namespace mv::model
