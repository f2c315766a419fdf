#pragma once

#include <string>
#include <vector>

#include "support/http_client.h"

namespace mv::test {

// Every response an integration test receives from the daemon's API through http_request() is
// checked against schemas/openapi.yaml by scripts/openapi_validator.py (one validator process per
// test binary, started on first use; its counts are printed when the binary exits and, with
// MV_CONTRACT_RECORD_DIR set, recorded there for the run's total: ctest's contract.coverage). Only
// ports a daemon fixture registered are checked: the same helper talks to Kamailio's RPC and to
// test servers.
void check_contract_on_port(int port);
void stop_checking_port(int port);

// The document's objections to one response (empty: it is described); nothing for a port not
// registered or a request that got no answer.
std::vector<std::string> contract_problems(int port, const std::string& method,
                                           const std::string& target, const HttpResult& result);

// Fails the running test for each of contract_problems(). Boost.Test's assertions are for the
// test's own thread: a response a worker thread got is failed at that thread's next check or at
// flush_contract_failures(), which a daemon fixture calls as it stops.
void check_contract(int port, const std::string& method, const std::string& target,
                    const HttpResult& result);
void flush_contract_failures();

}  // namespace mv::test
