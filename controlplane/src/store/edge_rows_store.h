#pragma once

#include "model/trunk.h"

namespace mv::store {

// The trunks' Kamailio rows as a whole: which layout they are written in, and writing one
// trunk's rows again. Failures to reach storage throw StoreUnavailable.
class EdgeRowsStore {
 public:
  virtual ~EdgeRowsStore() = default;
  // Writes the trunk's rows again as the model makes them now (rows already right stay
  // untouched). False when the trunk changed or went since it was read: that write made its
  // rows.
  virtual bool rewrite_edge_rows(const model::Trunk& trunk) = 0;
  // The layout recorded (model::kEdgeRowsLayout once every trunk's rows are written in it); 0
  // when none is.
  virtual int edge_rows_layout() = 0;
  virtual void record_edge_rows_layout(int layout) = 0;
};

}  // namespace mv::store
