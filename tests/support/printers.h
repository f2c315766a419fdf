#pragma once

#include <ostream>

#include "model/api_error.h"
#include "model/trunk.h"
#include "store/trunk_store.h"

// Boost.Test prints values of failed assertions; these teach it our types.
namespace mv::model {
inline std::ostream& operator<<(std::ostream& out, ErrorCode code) {
  return out << code_name(code);
}
inline std::ostream& operator<<(std::ostream& out, const Trunk& trunk) {
  return out << trunk_to_json(trunk, {}).dump() << (trunk.password ? " (with password)" : "");
}
}  // namespace mv::model

namespace mv::store {
inline std::ostream& operator<<(std::ostream& out, WriteResult result) {
  constexpr const char* kNames[] = {
      "ok", "id_taken", "gateway_name_exists", "inbound_ip_exists", "not_found", "conflict"};
  return out << kNames[static_cast<int>(result)];
}
}  // namespace mv::store
