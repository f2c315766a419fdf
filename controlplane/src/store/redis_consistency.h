#pragma once

#include <string>
#include <vector>

#include "store/redis_client.h"

namespace mv::store {

// Checks that every trunk is in its indexes and every index entry points at a trunk that says
// the same thing. Returns one line per problem; empty means consistent.
std::vector<std::string> check_trunk_consistency(RedisPool& pool);

}  // namespace mv::store
