#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "model/trunk.h"

namespace mv::store {

// The trunks' Kamailio rows as a whole: which layout they are written in, and writing one
// trunk's rows again. Failures to reach storage throw StoreUnavailable.
class EdgeRowsStore {
 public:
  virtual ~EdgeRowsStore() = default;
  // Writes the trunk's rows again as the model makes them now (rows already right stay
  // untouched). Returns how many rows it changed; nullopt when the trunk changed or went since
  // it was read: that write made its rows.
  virtual std::optional<std::size_t> rewrite_edge_rows(const model::Trunk& trunk) = 0;
  // The trunks found in the next step of a walk over every trunk (with passwords: callers derive
  // rows from them and must not show them). `cursor` is "0" to start and "0" again once the walk
  // is through. A step looks at about `count` keys of the store: bounded work, some trunks each.
  virtual std::vector<model::Trunk> next_trunks(std::string& cursor, std::size_t count) = 0;
  // The layout recorded (model::kEdgeRowsLayout once every trunk's rows are written in it); 0
  // when none is.
  virtual int edge_rows_layout() = 0;
  virtual void record_edge_rows_layout(int layout) = 0;
};

}  // namespace mv::store
