#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "model/trunk.h"

namespace mv::store {

enum class WriteResult {
  ok,
  id_taken,             // create: another trunk already has this id
  gateway_name_exists,  // the customer has another trunk with this gateway_name
  inbound_ip_exists,    // another trunk (any customer) has an overlapping inbound_ip
  not_found,            // the trunk is gone
  conflict,             // the trunk changed since it was read: read again and retry
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
// trunks. Failures to reach storage throw StoreUnavailable.
class TrunkStore {
 public:
  virtual ~TrunkStore() = default;
  // create and update set the written trunk's edge_generation when they succeed.
  virtual WriteResult create(model::Trunk& trunk) = 0;
  virtual std::optional<model::Trunk> find(const std::string& trunk_id) = 0;
  virtual TrunkPage list(const TrunkListQuery& query) = 0;
  // Replaces `before` by `after` only if the stored trunk is still `before` (same updated_ns).
  virtual WriteResult update(const model::Trunk& before, model::Trunk& after) = 0;
  // Removes `trunk` only if it is unchanged since it was read.
  virtual WriteResult remove(const model::Trunk& trunk) = 0;
  virtual model::EdgeProgress edge_progress() = 0;
};

}  // namespace mv::store
