#pragma once

#include <atomic>
#include <string>
#include <variant>

#include "model/api_error.h"
#include "model/trunk.h"
#include "model/trunk_validation.h"
#include "store/trunk_store.h"
#include "util/clock.h"

namespace mv::service {

// Told after every successful trunk write (the Kamailio edge must reload).
class TrunkChangeListener {
 public:
  virtual ~TrunkChangeListener() = default;
  virtual void trunks_changed() = 0;
};

template <typename T>
using Outcome = std::variant<T, model::ApiError>;

// The trunk operations a customer can perform, on validated input, with tenant isolation and the
// retry rules for optimistic writes. No HTTP here.
class TrunkService {
 public:
  TrunkService(store::TrunkStore& store, const util::Clock& clock, TrunkChangeListener& listener)
      : store_(store), clock_(clock), listener_(listener) {}

  Outcome<model::Trunk> create(const std::string& customer_id, const model::TrunkPatch& body);
  Outcome<model::Trunk> get(const std::string& customer_id, const std::string& trunk_id);
  Outcome<model::Trunk> update(const std::string& customer_id, const std::string& trunk_id,
                               const model::TrunkPatch& body);
  Outcome<std::monostate> remove(const std::string& customer_id, const std::string& trunk_id);
  store::TrunkPage list(const store::TrunkListQuery& query) { return store_.list(query); }
  // How far the edge has got; nothing applied when storage cannot say (so trunks read "pending"
  // rather than a write that did happen being answered with 503).
  model::EdgeProgress edge_progress();

 private:
  // Strictly increasing within this process, so ids and updated_at never repeat here; Redis
  // settles collisions between replicas (the create script refuses a taken id).
  std::int64_t next_timestamp_ns(std::int64_t at_least = 0);

  store::TrunkStore& store_;
  const util::Clock& clock_;
  TrunkChangeListener& listener_;
  std::atomic<std::int64_t> last_ns_{0};
};

}  // namespace mv::service
