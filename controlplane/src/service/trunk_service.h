#pragma once

#include <atomic>
#include <string>
#include <variant>

#include "edge/edge_ports.h"
#include "model/api_error.h"
#include "model/audit.h"
#include "model/etag.h"
#include "model/trunk.h"
#include "model/trunk_validation.h"
#include "store/trunk_store.h"
#include "util/clock.h"

namespace mv::service {

template <typename T>
using Outcome = std::variant<T, model::ApiError>;

// An Idempotency-Key on a create: the key, and the SHA-256 of the canonical request.
struct IdempotencyRequest {
  std::string key;
  std::string request_sha256;
};

// A create's answer: the new trunk's id, ETag and 201 body, or, `replayed`, those of the first
// create under the same idempotency key.
struct CreatedTrunk {
  store::CreatedResponse response;
  bool replayed = false;
};

// The trunk operations a customer can perform, on validated input, with tenant isolation, the
// retry rules for optimistic writes, If-Match preconditions and the audit trail. The actor's
// customer owns the trunks it acts on. No HTTP here.
class TrunkService {
 public:
  TrunkService(store::TrunkStore& store, const util::Clock& clock,
               edge::TrunkChangeListener& listener)
      : store_(store), clock_(clock), listener_(listener) {}

  Outcome<CreatedTrunk> create(const model::Actor& actor, const model::TrunkPatch& body,
                               const std::optional<IdempotencyRequest>& idempotency = {});
  Outcome<model::Trunk> get(const std::string& customer_id, const std::string& trunk_id);
  // `precondition`: If-Match, checked against the version the write replaces (412 when it
  // fails), so a write never lands on a version the client did not name.
  Outcome<model::Trunk> update(const model::Actor& actor, const std::string& trunk_id,
                               const model::TrunkPatch& body,
                               const std::optional<model::IfMatch>& precondition = {});
  Outcome<std::monostate> remove(const model::Actor& actor, const std::string& trunk_id,
                                 const std::optional<model::IfMatch>& precondition = {});
  store::TrunkPage list(const store::TrunkListQuery& query) { return store_.list(query); }
  // The whole audit trail (admins).
  store::AuditPage audit(const store::AuditQuery& query) { return store_.audit(query); }
  // One trunk's audit entries, for its owner only (404 otherwise). A deleted trunk's entries
  // stay readable by its owner while they are kept.
  Outcome<store::AuditPage> events(const std::string& customer_id, const std::string& trunk_id,
                                   store::AuditQuery query);
  // How far the edge has got; nothing applied when storage cannot say (so trunks read "pending"
  // rather than a write that did happen being answered with 503).
  model::EdgeProgress edge_progress();

 private:
  // Strictly increasing within this process, so ids and updated_at never repeat here; Redis
  // settles collisions between replicas (the create script refuses a taken id).
  std::int64_t next_timestamp_ns(std::int64_t at_least = 0);

  store::TrunkStore& store_;
  const util::Clock& clock_;
  edge::TrunkChangeListener& listener_;
  std::atomic<std::int64_t> last_ns_{0};
};

}  // namespace mv::service
