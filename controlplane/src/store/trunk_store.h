#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/audit.h"
#include "model/trunk.h"

namespace mv::store {

enum class WriteResult {
  ok,
  id_taken,              // create: another trunk already has this id
  gateway_name_exists,   // the customer has another trunk with this gateway_name
  inbound_ip_exists,     // another trunk (any customer) has an overlapping inbound_ip
  not_found,             // the trunk is gone
  conflict,              // the trunk changed since it was read: read again and retry
  replayed,              // create: the idempotency key was used before with the same request
  idempotency_mismatch,  // create: the idempotency key was used before with another request
};

// What a create answers with; what an idempotency key remembers for 24 h.
struct CreatedResponse {
  std::string trunk_id;
  std::string etag;
  std::string body;
};

// A create under an Idempotency-Key. The store keeps `response` under (the trunk's customer,
// `key`) in the same atomic step as the trunk; a later create with that key writes nothing and
// gets `replayed` with the remembered response put back here, or `idempotency_mismatch` when
// `request_sha256` differs from the remembered one.
struct IdempotentCreate {
  std::string key;
  std::string request_sha256;  // of model::canonical_trunk_request; never the request itself
  CreatedResponse response;
};

// A page of the audit trail, newest first: the whole trail, or one trunk's (`trunk_id`).
// `before` / `after`: only entries older / newer than that stream id (one at most).
struct AuditQuery {
  std::optional<std::string> trunk_id;
  std::size_t limit = 100;
  std::optional<std::string> before;
  std::optional<std::string> after;
};

struct AuditRecord {
  std::string id;                             // the stream id
  std::map<std::string, std::string> fields;  // model::audit_fields
};

struct AuditPage {
  std::vector<AuditRecord> records;
  bool has_more = false;  // more entries beyond this page in the direction read
};

struct TrunkListQuery {
  std::string customer_id;
  std::size_t limit = 100;
  std::optional<std::string> starting_after;  // a trunk id; ids sort by creation time
  std::optional<bool> is_active;
  std::optional<std::string> gateway_name;
};

struct TrunkPage {
  std::vector<model::Trunk> trunks;
  std::size_t total = 0;  // every trunk of the customer matching the filters, all pages
  bool has_more = false;
};

// Where trunks live. Each write is atomic and keeps every uniqueness index in step with the
// trunks, and appends its audit entry in the same step. Failures to reach storage throw
// StoreUnavailable.
class TrunkStore {
 public:
  virtual ~TrunkStore() = default;
  // create and update set the written trunk's edge_generation when they succeed.
  // `idempotency`: null for a create without a key.
  virtual WriteResult create(model::Trunk& trunk, const model::AuditEntry& audit,
                             IdempotentCreate* idempotency) = 0;
  virtual std::optional<model::Trunk> find(const std::string& trunk_id) = 0;
  virtual TrunkPage list(const TrunkListQuery& query) = 0;
  // Replaces `before` by `after` only if the stored trunk is still `before` (same updated_ns).
  virtual WriteResult update(const model::Trunk& before, model::Trunk& after,
                             const model::AuditEntry& audit) = 0;
  // Removes `trunk` only if it is unchanged since it was read.
  virtual WriteResult remove(const model::Trunk& trunk, const model::AuditEntry& audit) = 0;
  virtual model::EdgeProgress edge_progress() = 0;
  virtual AuditPage audit(const AuditQuery& query) = 0;
};

}  // namespace mv::store
