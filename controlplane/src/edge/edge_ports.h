#pragma once

#include <chrono>
#include <string>

namespace mv::edge {

// What the edge layer is told and what it tells, as interfaces it owns: the trunk service and the
// metrics implement or call these without edge/ knowing either.

// Told after every successful trunk write: the nodes have changes to apply.
class TrunkChangeListener {
 public:
  virtual ~TrunkChangeListener() = default;
  virtual void trunks_changed() = 0;
};

// Told after every whole-table reload on a node.
class ReloadObserver {
 public:
  virtual ~ReloadObserver() = default;
  // `result`: "ok" (the node loaded what Redis holds), "mismatch" or "error" (an RPC failed).
  virtual void reloaded(const std::string& node, const std::string& table,
                        const std::string& result, std::chrono::duration<double> took) = 0;
};

}  // namespace mv::edge
