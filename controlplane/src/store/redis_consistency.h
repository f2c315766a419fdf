#pragma once

#include <string>
#include <vector>

#include "model/edge_rows.h"
#include "store/redis_client.h"

namespace mv::store {

// Checks that every trunk is in its indexes, every index entry points at a trunk that says the
// same thing, and Kamailio's tables (in `kamailio_db`) hold exactly the rows the trunks call for.
// Returns one line per problem; empty means consistent.
std::vector<std::string> check_trunk_consistency(RedisPool& pool, RedisPool& kamailio_db,
                                                 const model::EdgeSettings& settings = {});

}  // namespace mv::store
