#pragma once

#include <string>
#include <vector>

#include "support/http_client.h"

namespace mv::test {

// Every response an integration test receives from the daemon's API through http_request() is
// checked against schemas/openapi.yaml by scripts/openapi_validator.py (one validator process per
// test binary, started on first use; its counts are printed when the binary exits). Only ports a
// daemon fixture registered are checked: the same helper talks to Kamailio's RPC and to test
// servers.
void check_contract_on_port(int port);
void stop_checking_port(int port);

// The document's objections to one response (empty: it is described); nothing for a port not
// registered or a request that got no answer.
std::vector<std::string> contract_problems(int port, const std::string& method,
                                           const std::string& target, const HttpResult& result);

}  // namespace mv::test
