#pragma once

#include <ostream>

#include "cli/api_transport.h"
#include "cli/arguments.h"

namespace mv::cli {

// Sends the invocation's request and prints the answer (a table, or the JSON with --json) on
// `out`, or the API's error code and message on `err`. Returns the exit code (exit_codes.h).
int execute(const Invocation& invocation, ApiTransport& transport, std::ostream& out,
            std::ostream& err);

}  // namespace mv::cli
