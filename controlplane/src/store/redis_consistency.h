#pragma once

#include <string>
#include <vector>

#include "store/redis_client.h"

namespace mv::store {

// Checks that every trunk is in its indexes, every index entry points at a trunk that says the
// same thing, and Kamailio's address table (in `kamailio_db`) holds exactly the rows the trunks
// call for. Returns one line per problem; empty means consistent.
std::vector<std::string> check_trunk_consistency(RedisPool& pool, RedisPool& kamailio_db);

}  // namespace mv::store
